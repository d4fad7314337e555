#pragma once

#include "group_lag.hpp"

#include "core/config/pipeline_config.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

struct rd_kafka_s;

namespace slatrack::ingest {

// One read of one group's lag, blocking. Holds one librdkafka client of its
// own (a consumer handle with slatrack's own group id + "-lag" that never
// subscribes and never commits) and reuses it across reads.
//
// Read-only for the pipeline's group, by construction: the group's name is
// only ever sent in an OffsetFetch request, through the admin API
// (rd_kafka_ListConsumerGroupOffsets, librdkafka >= 2.0). OffsetFetch is a
// read: it neither joins the group (no JoinGroup/SyncGroup, so no
// rebalance of the processor's consumers) nor commits. The alternative,
// rd_kafka_committed() on a handle whose group.id is the pipeline's group,
// would make librdkafka run that group's coordinator state machine under
// the pipeline's name: one stray subscribe(), or a commit on close, and we
// would move the processor's offsets. The handle here cannot commit for the
// pipeline's group at all.
//
// Time lag: now minus the timestamp of the first uncommitted message (the
// message at the committed offset, read with assign() on this handle; its
// own group id, never committed). kafka-lag-exporter instead interpolates
// over a table of (high watermark, time) samples; that needs a history
// covering the committed offset, so after a restart, or for a group far
// behind, it has nothing to say for as long as the backlog is old. Reading
// the message is exact from the first read, and cheap: the message at an
// offset never changes, so its timestamp is cached per (topic, partition,
// offset) and only fetched again when the group commits. Kafka timestamps
// are the producer's (CreateTime) unless the topic uses LogAppendTime: a
// producer clock that is off shifts the time lag by as much.
//
// Thread: one thread at a time (the poller's).
class ConsumerGroupLagReader {
public:
    // `stopping` (may be null): when it turns true a read returns early
    // (CantJudge "stopping"), so stopping the monitor does not wait out a
    // dead broker's timeouts (at most one metadata round trip remains).
    ConsumerGroupLagReader(const config::KafkaConfig& kafka, int timeoutMs, const std::atomic<bool>* stopping = nullptr);
    ~ConsumerGroupLagReader();
    ConsumerGroupLagReader(const ConsumerGroupLagReader&) = delete;
    ConsumerGroupLagReader& operator=(const ConsumerGroupLagReader&) = delete;

    // Empty when the client was created; else why not (a bad property).
    const std::string& createError() const { return m_createError; }

    // Fills `lag` (group and topics set by the caller): state, why,
    // partitions, totals. Trend is left to the caller (it needs history).
    // Blocks up to about 3 x timeoutMs (metadata, OffsetFetch, ListOffsets)
    // plus timeoutMs for the first uncommitted messages.
    void read(GroupLag& lag, int64_t nowMs);

    // Drops cached timestamps no read used since the previous call.
    void pruneCache();

private:
    using Key = std::tuple<std::string, int32_t, int64_t>;  // topic, partition, offset
    struct CachedTime {
        int64_t timestampMs = -1;
        bool used = true;
    };
    void readFirstUncommitted(std::vector<GroupPartitionLag*>& wanted, int64_t nowMs);

    rd_kafka_s* m_handle = nullptr;
    std::string m_createError;
    std::string m_brokers;
    int m_timeoutMs;
    const std::atomic<bool>* m_stopping;
    std::map<Key, CachedTime> m_firstUncommittedTime;
};

struct LagPollerOptions {
    int64_t intervalMs = kDefaultLagPollIntervalMs;
    int timeoutMs = 3'000;  // per broker round trip
    std::function<void(const std::string&)> log;  // any thread
};

// Reads every configured group's lag every intervalMs on its own thread
// (never the UI's or the engine's: each read blocks on the network), keeps
// the last kTrendSamples per group and partition for the trend, and hands
// out the latest reads.
//
// Threading: construct, start(), stop() from one controlling thread;
// latest() from any thread.
class ConsumerGroupLagPoller {
public:
    ConsumerGroupLagPoller(const config::PipelineConfig& config, LagPollerOptions options);
    ~ConsumerGroupLagPoller();
    ConsumerGroupLagPoller(const ConsumerGroupLagPoller&) = delete;
    ConsumerGroupLagPoller& operator=(const ConsumerGroupLagPoller&) = delete;

    // Whether the config names any consumer group (else there is nothing to poll).
    static bool wanted(const config::PipelineConfig& config);

    void start();
    void stop();
    // One entry per (stage, group) in config order; CantJudge "not read
    // yet" until the first read finished.
    std::vector<GroupLag> latest() const;

private:
    void run();
    void pollOnce();

    config::KafkaConfig m_kafka;
    LagPollerOptions m_options;
    std::vector<GroupLag> m_targets;  // poller thread: the template of each read

    // poller thread only
    std::map<std::string, std::deque<std::pair<int64_t, int64_t>>> m_history;  // "stage/group[/topic/partition]"
    std::unique_ptr<ConsumerGroupLagReader> m_reader;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::atomic<bool> m_stop{false};  // written under m_mutex (the wait), read anywhere
    std::vector<GroupLag> m_latest;
    std::thread m_thread;
};

} // namespace slatrack::ingest

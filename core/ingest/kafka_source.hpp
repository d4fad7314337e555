#pragma once

#include "batch_queue.hpp"
#include "partition_tracker.hpp"
#include "stage_health.hpp"

#include "core/config/pipeline_config.hpp"
#include "source_progress.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::ingest {

struct SourceOptions {
    // Replay start: records older than this are skipped. Partitions are
    // positioned with offsetsForTimes(fromMs); where that yields nothing
    // (the librdkafka mock cluster does not implement it) they are read
    // from the beginning instead.
    int64_t fromMs = 0;
    // Audit: records at or after this time are skipped.
    std::optional<int64_t> toMs;
    // Audit: stop once every partition reached its high watermark at start.
    bool stopAtStartHighWatermarks = false;
    // Resume points (e.g. from a snapshot); they win over fromMs.
    std::map<PartitionTracker::Key, int64_t> startOffsets;
    // A snapshot's positions: each partition resumes at its next offset
    // and keeps the stage-local index the restored engine knows it by
    // (indexes are handed out in this order first). Wins over startOffsets.
    std::vector<PartitionPosition> resume;
    // Log lines (already formatted, no newline). Called on the consumer thread.
    std::function<void(const std::string&)> log;
    // How often topics are described again, to find partitions added while
    // running and topics that appeared (or vanished).
    int64_t metadataRefreshMs = 10'000;
    size_t maxEventsPerBatch = 8192;
    int64_t maxBatchDelayMs = 20;  // hand over a partial batch after this long
};

struct SourceStatus {
    bool started = false;        // partitions assigned
    bool connected = false;
    bool finished = false;       // stopAtStartHighWatermarks reached (audit)
    bool replayDone = false;     // every partition reached its start high watermark
    std::string lastError;
    std::string fatalError;      // set when the source gave up (bad config, ...)
    uint32_t restarts = 0;
    std::vector<StageReplay> replay;
    std::vector<PartitionLag> partitions;
    uint64_t skippedOutOfRange = 0;
    uint64_t consumed = 0;
    // End-of-log probes sent early to wake a fetcher parked on a full
    // prefetch queue (kafka_source.cpp, kNudgeBelowMessages).
    uint64_t fetchNudges = 0;
    // Per stage (config order): can its data be judged, and why not.
    std::vector<StageHealth> health;
    std::vector<uint64_t> eventsPerStage;    // records in range handed to the engine
    std::vector<std::string> missingTopics;  // "topic \"x\" (stage \"y\") does not exist on ...: ..."
};

// Reads every partition of the pipeline's topics with one librdkafka
// consumer on its own thread, extracts (ID, event time) per message and
// hands batches to the engine thread through a BatchQueue.
//
// Partitions are assigned explicitly (all of them): a monitor must see every
// partition, and explicit assignment avoids consumer-group rebalances, which
// on the mock cluster take session.timeout.ms. Nothing is committed: resume
// points live in slatrack's own snapshots.
//
// Caught up is proven, never remembered: a partition counts as caught up
// (PartitionFlag to the engine, whose watermark then runs with the wall
// clock) only while a broker answer at most kProofValidMs (0.6 s) plus its
// round trip old put the end of its log at or below our position: a PARTITION_EOF, or a
// ListOffsets(latest) probe sent every 200 ms to each leader broker on a
// helper thread (so a frozen broker never stalls reading the others). With
// the brokers down, frozen or cut off, the proofs age, partitions stop
// counting as caught up, and the watermark stays where the data put it.
// status().health says so per stage (stage_health.hpp).
//
// Topics are described again every metadataRefreshMs: partitions added
// while running are assigned (incrementally) and read from their
// beginning; a topic the brokers say does not exist makes its stage blind
// with that reason (in an audit, stopAtStartHighWatermarks, it is an error).
//
// Supervision: if the consumer fails (exception, fatal librdkafka error) it
// is destroyed and recreated after a backoff, resuming at the positions it
// had reached, so no record is lost or read twice; status().restarts counts it.
//
// Threading: start/stop/status from any one controlling thread; the
// consumer runs on its own thread.
class KafkaSource {
public:
    KafkaSource(config::PipelineConfig config, SourceOptions options, BatchQueue& output);
    ~KafkaSource();
    KafkaSource(const KafkaSource&) = delete;
    KafkaSource& operator=(const KafkaSource&) = delete;

    void start();
    void stop();
    SourceStatus status() const;

    // Test hook: the consumer thread throws at its next poll, as a crashed
    // consumer would, so supervision can be tested.
    void injectFailure() { m_injectFailure = true; }

private:
    class Consumer;
    void run();
    void log(const std::string& line) const;
    void setStatus(const std::function<void(SourceStatus&)>& change);

    config::PipelineConfig m_config;
    SourceOptions m_options;
    BatchQueue& m_output;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_injectFailure{false};
    mutable std::mutex m_statusMutex;
    SourceStatus m_status;
    PartitionTracker m_tracker;  // consumer thread only
    StageHealthHistory m_healthHistory;  // consumer thread only
    struct {
        uint64_t consumed = 0;
        uint64_t skipped = 0;
        uint64_t fetchNudges = 0;
    } m_statusCounters;  // consumer thread only; copied into m_status
};

} // namespace slatrack::ingest

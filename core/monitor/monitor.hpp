#pragma once

#include "monitor_snapshot.hpp"
#include "monitor_store.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/engine/join_engine.hpp"
#include "core/ingest/batch_queue.hpp"
#include "core/ingest/consumer_group_lag.hpp"
#include "core/ingest/kafka_source.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::monitor {

struct MonitorOptions {
    int64_t publishIntervalMs = 250;    // at most 4 snapshots/s
    std::optional<int64_t> fromMs;      // replay start; default now - window
    int64_t metadataRefreshMs = 10'000; // partition discovery (SourceOptions::metadataRefreshMs)
    int64_t pipelineLagIntervalMs = ingest::kDefaultLagPollIntervalMs;  // consumer_group reads
    // Called on the engine thread with every new snapshot; keep it short
    // (hand it to your own thread/event loop).
    std::function<void(SnapshotPtr)> onSnapshot;
    std::function<void(const std::string&)> log;  // any thread
    // The store (history, lost records, snapshots; restart from the latest
    // snapshot). None: memory only, as before.
    std::optional<MonitorStoreOptions> store;
};

// Runs a pipeline monitor: a KafkaSource feeding a JoinEngine that lives on
// the monitor's own thread (its single writer), publishing an immutable
// MonitorSnapshot every publishIntervalMs.
//
// Nothing escapes the engine thread: an exception there stops the monitor
// and publishes a last snapshot with fatalError set (the modes then exit
// with a message); an exception in a post()ed task is logged and skipped.
//
// Threading: construct, start(), stop(), latest(), post() from any one
// controlling thread (latest() and post() from any thread). Work posted
// with post() runs on the engine thread, between batches.
class Monitor {
public:
    Monitor(config::PipelineConfig config, MonitorOptions options);
    ~Monitor();
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    // With a store, start() first loads the latest snapshot (blocking for
    // as long as reading and decoding it takes; the status says how it
    // started) and the source resumes at the snapshot's positions.
    void start();
    void stop();

    SnapshotPtr latest() const;
    // Stuck records to take out of the snapshots' stuck counts (silenced by
    // an operator); empty: none. Any thread; applies from the next publish.
    void setStuckSilencer(StuckSilencer silencer);
    // The store's state now (any thread); nullopt without a store.
    std::optional<StoreSummary> storeSummary() const
    {
        return m_store ? std::optional<StoreSummary>(m_store->summary()) : std::nullopt;
    }
    // Runs `task` on the engine thread with read access to the engine, e.g.
    // a page of the stuck list or a lookup; the task reports back itself.
    void post(std::function<void(const engine::JoinEngine&)> task);

    // Test hook: make the consumer fail once (supervision is then visible
    // in snapshot.consumerRestarts).
    void injectConsumerFailure()
    {
        if (m_source)
            m_source->injectFailure();
    }

    static engine::EngineConfig engineConfigFor(const config::PipelineConfig& config);

private:
    void run();
    void loop();
    void fail(const std::string& error);
    void log(const std::string& line) const;
    void apply(ingest::IngestBatch& batch);
    void publish(int64_t nowMs);

    config::PipelineConfig m_config;
    MonitorOptions m_options;
    int64_t m_fromMs = 0;
    ingest::BatchQueue m_queue;
    std::unique_ptr<ingest::KafkaSource> m_source;
    std::unique_ptr<ingest::ConsumerGroupLagPoller> m_lagPoller;  // null: no consumer_group configured
    std::unique_ptr<engine::JoinEngine> m_engine;  // engine thread only
    std::unique_ptr<MonitorStore> m_store;         // null: no store
    std::thread m_thread;
    std::atomic<bool> m_stop{false};

    mutable std::mutex m_latestMutex;
    std::shared_ptr<const StuckSilencer> m_silencer;  // guarded by m_latestMutex
    SnapshotPtr m_latest;

    std::mutex m_tasksMutex;
    std::vector<std::function<void(const engine::JoinEngine&)>> m_tasks;

    // engine thread only
    std::deque<GaugeSample> m_gaugeHistory;
    std::deque<std::string> m_rejectedSamples;
    uint64_t m_lastReplayConsumed = 0;
    int64_t m_lastReplaySampleMs = 0;
    double m_replayRatePerMs = 0;
};

} // namespace slatrack::monitor

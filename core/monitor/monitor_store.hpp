#pragma once

#include "monitor_snapshot.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/engine/join_engine.hpp"
#include "core/ingest/ingest_batch.hpp"
#include "core/store/snapshot_store.hpp"
#include "core/store/store_writer.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::monitor {

struct MonitorStoreOptions {
    std::filesystem::path path;          // the store file
    int64_t snapshotIntervalMs = 10'000;
    bool restore = true;                 // start from the latest snapshot if there is one
    int64_t restoreWaitMs = 60'000;      // give up on a store that neither opens nor fails
};

// What the monitor does with the store (DESIGN.md "Store"), kept out of
// monitor.cpp: restoring the engine at start, and on the engine thread
// handing lost records, metric seconds and snapshots at a consistent cut
// to the StoreWriter (its own thread), never waiting on it. A store that
// cannot be written (read-only folder, full disk, another instance)
// leaves the monitor running in memory; summary() says so.
//
// Threading: start()/stop() on the controlling thread; afterBatch(),
// tick(), finish() on the engine thread; summary() from any thread.
class MonitorStore {
public:
    MonitorStore(const config::PipelineConfig& config, MonitorStoreOptions options, std::function<void(const std::string&)> log);
    ~MonitorStore();
    MonitorStore(const MonitorStore&) = delete;
    MonitorStore& operator=(const MonitorStore&) = delete;

    // Starts the writer and, if asked, loads the latest snapshot into a
    // new engine of `engineConfig` (blocks: the file is read and decoded on
    // the store thread meanwhile). Null: start fresh (summary says why).
    std::unique_ptr<engine::JoinEngine> start(const engine::EngineConfig& engineConfig);
    // The restored snapshot's meta (after start() returned an engine).
    const std::optional<store::SnapshotInfo>& restoredFrom() const { return m_restored; }
    // The monitor's replay start, kept in every snapshot (a resumed run keeps it).
    void setScopeStart(int64_t scopeStartMs) { m_scopeStartMs = scopeStartMs; }

    // Engine thread: the positions after the batch just applied.
    void afterBatch(ingest::IngestBatch& batch);
    // Engine thread, every loop: lost records and recent seconds once a
    // second, a snapshot when due.
    void tick(engine::JoinEngine& engine, int64_t steadyNowMs);
    // Engine thread, when the loop ends: everything still in memory, a
    // last snapshot, and waits (bounded) until it is written.
    void finish(engine::JoinEngine& engine);
    void stop();

    StoreSummary summary() const;
    // What a snapshot of this config reads (brokers, topics per stage); a
    // snapshot of another source is not resumed.
    static std::string sourceOf(const config::PipelineConfig& config);

    // Seconds this recent are sent every tick; older ones only once they
    // leave the engine's memory (final by then).
    static constexpr int64_t kRecentSeconds = 15;

private:
    struct Progress;
    void submitLost(std::vector<engine::LostRecord> lost);
    void submitSeconds(engine::JoinEngine& engine, bool all);
    void snapshot(engine::JoinEngine& engine);
    std::pair<std::string, int32_t> topicOf(int stage, uint16_t index) const;

    std::string m_pipeline;
    std::string m_source;  // brokers and topics: a snapshot of another source is not resumed
    int m_stageCount;
    MonitorStoreOptions m_options;
    std::function<void(const std::string&)> m_log;
    std::unique_ptr<store::StoreWriter> m_writer;
    std::shared_ptr<Progress> m_progress;
    std::optional<store::SnapshotInfo> m_restored;
    std::string m_start;     // set by start(), then read-only
    int64_t m_scopeStartMs = 0;

    // engine thread only
    std::vector<ingest::PartitionPosition> m_positions;
    std::map<std::pair<int, uint16_t>, std::pair<std::string, int32_t>> m_topics;
    int64_t m_lastFlushMs = 0;
    int64_t m_lastSnapshotMs = 0;
};

} // namespace slatrack::monitor

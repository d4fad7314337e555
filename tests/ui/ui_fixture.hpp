#pragma once

// Drives a real JoinEngine and builds snapshots the way the monitor will,
// so UI tests and the screenshot tool render engine output, not hand-made
// numbers. The parts of a snapshot only ingestion knows (phase, connection,
// partitions, names) are filled in here the way the monitor is specified to.

#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor_snapshot.hpp"
#include "core/monitor/snapshot_builder.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace slatrack::uitest {

engine::Event ev(uint64_t id, int stage, int64_t timeMs, uint16_t partition = 0, int64_t offset = 0);

// A small-window engine with an explicit clock: SLA 1 s, window 10 s.
engine::EngineConfig smallConfig(int stages = 2);

class FedPipeline {
public:
    explicit FedPipeline(const engine::EngineConfig& config, std::vector<std::string> stageNames = {},
                         std::string pipeline = "test-pipeline");

    void feed(std::initializer_list<engine::Event> events);
    void feed(const std::vector<engine::Event>& events);
    engine::JoinEngine& engine() { return m_engine; }

    // advance(nowMs, force) then a snapshot as the monitor would publish it.
    monitor::SnapshotPtr snapshot(int64_t nowMs, monitor::Phase phase = monitor::Phase::Live);
    // Optional: lag per partition the monitor would report.
    std::vector<monitor::PartitionLag> partitions;
    // Per-stage health as the consumer reports it; empty: every stage ok.
    std::vector<monitor::StageHealth> health;

private:
    engine::JoinEngine m_engine;
    std::vector<std::string> m_stageNames;
    std::string m_pipeline;
    std::deque<monitor::GaugeSample> m_gaugeHistory;
};

// Three minutes (by default) of a three-stage pipeline, "orders-enrichment":
// incoming -> enriched -> processed, 6 partitions per topic, SLA 30 s.
// Traffic varies around `ratePerSecond`; from 110 s to 140 s the processor
// slows down to ~40 s per record (above the SLA), a handful of records from
// partition 3 around 60 s are never processed (stuck), a few processed
// records never had an incoming one (orphans), and the processed topic's
// partition 3 builds consumer lag during the slowdown. Deterministic.
struct TrafficScenario {
    int seconds = 180;
    double ratePerSecond = 400;
    int64_t startMs = 1'773'480'600'000;  // 2026-03-14T09:30:00Z
    int publishEveryMs = 250;             // the monitor's publication period
};

// Runs the scenario; calls `publish` with each snapshot (every
// publishEveryMs of simulated time). Returns the last snapshot.
monitor::SnapshotPtr runScenario(const TrafficScenario& scenario,
                                 const std::function<void(const monitor::SnapshotPtr&)>& publish);

} // namespace slatrack::uitest

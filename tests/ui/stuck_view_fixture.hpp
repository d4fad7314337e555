#pragma once

// Shared by the stuck view, lookup and drill-down tests (and the
// benchmark): a three-stage pipeline whose engine runs on its own thread
// (test::EngineThread), fed with many stuck records, and the config and
// partition list the monitor would hand the UI.

#include "tests/support/engine_thread.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/engine/record_id.hpp"
#include "core/monitor/monitor_snapshot.hpp"
#include "ui/engine_queries.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace slatrack::uitest {

inline const std::vector<std::string> kStageNames{"incoming", "enriched", "processed"};
inline constexpr int64_t kBaseMs = 1'773'480'600'000;  // 2026-03-14T09:30:00Z
inline constexpr int kPartitions = 6;

// SLA 1 s, window 60 s, room for millions of open records.
inline engine::EngineConfig stuckConfig(uint64_t maxOpen = 4'000'000)
{
    engine::EngineConfig config;
    config.stageCount = 3;
    config.slaMs = 1000;
    config.windowMs = 60'000;
    config.graceMs = 500;
    config.maxOpenRecords = maxOpen;
    config.sweepIntervalMs = 0;
    return config;
}

inline config::PipelineConfig pipelineConfig(config::IdFormat format, const std::string& brokers = "127.0.0.1:1")
{
    config::PipelineConfig config;
    config.pipeline = "test-pipeline";
    config.kafka.brokers = brokers;
    config.kafka.groupId = "slatrack-test-pipeline";  // what the loader defaults it to
    config.idFormat = format;
    const char* topics[] = {"orders-in", "orders-enriched", "orders-out"};
    for (size_t stage = 0; stage < kStageNames.size(); ++stage) {
        config::StageConfig stageConfig;
        stageConfig.name = kStageNames[stage];
        stageConfig.topics = {topics[stage]};
        config.stages.push_back(stageConfig);
    }
    config.sla = std::chrono::milliseconds(1000);
    config.window = std::chrono::milliseconds(60'000);
    return config;
}

// Stage 0's partitions as the consumer reports them: index i is Kafka
// partition (kPartitions - 1 - i), so a test that confuses the two fails.
inline std::vector<monitor::PartitionLag> stagePartitions()
{
    std::vector<monitor::PartitionLag> out;
    for (int index = 0; index < kPartitions; ++index) {
        monitor::PartitionLag lag;
        lag.stage = 0;
        lag.topic = "orders-in";
        lag.partition = kPartitions - 1 - index;
        lag.index = static_cast<uint16_t>(index);
        out.push_back(lag);
    }
    return out;
}

inline engine::Event event(uint64_t id, int stage, int64_t timeMs, uint16_t partition = 0, int64_t offset = 0)
{
    engine::Event out;
    out.id = engine::RecordId::composite(id);
    out.stage = static_cast<uint8_t>(stage);
    out.eventTimeMs = timeMs;
    out.partition = partition;
    out.offset = offset;
    return out;
}

// `count` records with composite IDs, first seen over 40 s from kBaseMs;
// every third one also reached "enriched" (so it waits for "processed").
// Then a marker moves the later stages' watermarks to kBaseMs + 45 s: every
// record is stuck (older than the 1 s SLA), none lost (window 60 s).
// Returns the time to snapshot at.
inline int64_t feedStuck(test::EngineThread& engine, size_t count, uint32_t salt = 0)
{
    std::vector<engine::Event> events;
    events.reserve(count + count / 3 + 3);
    for (size_t record_idx = 0; record_idx < count; ++record_idx) {
        const int64_t t0 = kBaseMs + static_cast<int64_t>((record_idx * 7919) % 40'000);
        const uint32_t random = static_cast<uint32_t>((record_idx + salt * 2'654'435'761u) * 2'654'435'761u) | 1u;
        const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), random);
        events.push_back(event(id, 0, t0, static_cast<uint16_t>(record_idx % kPartitions), static_cast<int64_t>(record_idx)));
        if (record_idx % 3 == 0)
            events.push_back(event(id, 1, t0 + 40));
    }
    std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.eventTimeMs < b.eventTimeMs; });
    engine.feed(std::move(events));
    const int64_t markerMs = kBaseMs + 45'000;
    const uint64_t marker = engine::composite_id::make(static_cast<uint32_t>(markerMs / 1000), 7 + salt);
    engine.feed({event(marker, 0, markerMs), event(marker, 1, markerMs + 100), event(marker, 2, markerMs + 200)});
    return markerMs + 1000;
}

inline ui::EngineAccess accessFor(test::EngineThread& engine, config::IdFormat format, const std::string& brokers = "127.0.0.1:1")
{
    // Most tests have no broker: a short fetch timeout, so quitting does not
    // wait out the app's 10 s for the drill-down's automatic fetch.
    return ui::EngineAccess{engine.poster(), pipelineConfig(format, brokers), std::chrono::milliseconds(1500)};
}

} // namespace slatrack::uitest

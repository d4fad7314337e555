#include "ui_fixture.hpp"

#include "core/engine/record_id.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <random>

namespace slatrack::uitest {

using engine::Event;
using engine::RecordId;

Event ev(uint64_t id, int stage, int64_t timeMs, uint16_t partition, int64_t offset)
{
    Event out;
    out.id = RecordId::composite(id);
    out.stage = static_cast<uint8_t>(stage);
    out.eventTimeMs = timeMs;
    out.partition = partition;
    out.offset = offset;
    return out;
}

engine::EngineConfig smallConfig(int stages)
{
    engine::EngineConfig config;
    config.stageCount = stages;
    config.slaMs = 1000;
    config.windowMs = 10'000;
    config.graceMs = 500;
    config.maxOpenRecords = 100'000;
    config.sweepIntervalMs = 0;
    return config;
}

FedPipeline::FedPipeline(const engine::EngineConfig& config, std::vector<std::string> stageNames, std::string pipeline)
    : m_engine(config)
    , m_stageNames(std::move(stageNames))
    , m_pipeline(std::move(pipeline))
{
    if (m_stageNames.empty()) {
        m_stageNames.push_back("incoming");
        for (int stage_idx = 1; stage_idx + 1 < config.stageCount; ++stage_idx)
            m_stageNames.push_back("stage " + std::to_string(stage_idx));
        m_stageNames.push_back("processed");
    }
}

void FedPipeline::feed(std::initializer_list<Event> events)
{
    m_engine.ingest(std::span<const Event>(events.begin(), events.size()), engine::kMaxEventTimeMs);  // fixture times are not wall-clock
}

void FedPipeline::feed(const std::vector<Event>& events)
{
    m_engine.ingest(std::span<const Event>(events.data(), events.size()), engine::kMaxEventTimeMs);
}

monitor::SnapshotPtr FedPipeline::snapshot(int64_t nowMs, monitor::Phase phase)
{
    m_engine.advance(nowMs, true);
    monitor::MonitorSnapshot snapshot = monitor::buildEngineSnapshot(m_engine, nowMs, m_gaugeHistory);
    snapshot.pipeline = m_pipeline;
    snapshot.stageNames = m_stageNames;
    snapshot.phase = phase;
    snapshot.connected = true;
    snapshot.partitions = partitions;
    snapshot.health = health;
    if (snapshot.health.empty())
        snapshot.health.resize(m_stageNames.size(), monitor::StageHealth{monitor::StageHealthState::Ok, {}, 0});
    snapshot.totalLag = 0;
    for (const auto& partition : partitions)
        snapshot.totalLag += partition.lag;
    return std::make_shared<const monitor::MonitorSnapshot>(std::move(snapshot));
}

namespace {

constexpr int kPartitions = 6;
constexpr int64_t kSlaMs = 30'000;
const char* const kTopics[] = {"orders.in", "orders.enriched", "orders.out"};

struct Pending {
    int64_t timeMs;
    uint64_t id;
    uint8_t stage;
    uint16_t partition;
    bool operator>(const Pending& other) const { return timeMs > other.timeMs; }
};

// Extra processing delay of a record that entered at `secondsIn`: a bell
// around 125 s peaking at 40 s, the processor's bad half minute.
double slowdownMs(double secondsIn)
{
    const double distance = (secondsIn - 125.0) / 9.0;
    return secondsIn < 108 || secondsIn > 142 ? 0.0 : 40'000.0 * std::exp(-distance * distance / 2.0);
}

} // namespace

monitor::SnapshotPtr runScenario(const TrafficScenario& scenario,
                                 const std::function<void(const monitor::SnapshotPtr&)>& publish)
{
    engine::EngineConfig config;
    config.stageCount = 3;
    config.slaMs = kSlaMs;
    config.windowMs = 10 * 60 * 1000;
    config.graceMs = 20'000;
    config.sweepIntervalMs = 0;
    FedPipeline pipeline(config, {"incoming", "enriched", "processed"}, "orders-enrichment");

    std::mt19937_64 random(20260314);
    std::lognormal_distribution<double> hop1(std::log(120.0), 0.5);
    std::lognormal_distribution<double> hop2(std::log(450.0), 0.6);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
    std::vector<int64_t> offsets(3 * kPartitions, 0);

    const int64_t endMs = scenario.startMs + scenario.seconds * 1000LL;
    const int64_t stepMs = scenario.publishEveryMs;
    uint32_t sequence = 0;
    monitor::SnapshotPtr last;
    std::vector<Event> batch;
    double carry = 0;
    for (int64_t nowMs = scenario.startMs + stepMs; nowMs <= endMs; nowMs += stepMs) {
        const double secondsIn = static_cast<double>(nowMs - scenario.startMs) / 1000.0;
        // Daily-traffic-like wobble, so the throughput chart is not a ruler.
        const double rate = scenario.ratePerSecond * (1.0 + 0.12 * std::sin(secondsIn / 17.0) + 0.05 * std::sin(secondsIn / 3.1));
        carry += rate * static_cast<double>(stepMs) / 1000.0;
        const int arrivals = static_cast<int>(carry);
        carry -= arrivals;
        for (int arrival_idx = 0; arrival_idx < arrivals; ++arrival_idx) {
            const int64_t t0 = nowMs - stepMs + static_cast<int64_t>(unit(random) * static_cast<double>(stepMs));
            const auto id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), static_cast<uint32_t>(random()) | 1u);
            const auto partition = static_cast<uint16_t>(++sequence % kPartitions);
            pending.push({t0, id, 0, partition});
            // Partition 3 of the enricher drops a few records around 60 s:
            // they will be stuck, awaiting "enriched", for the rest of the run.
            const bool droppedEarly = partition == 3 && secondsIn > 60 && secondsIn < 62 && unit(random) < 0.05;
            const bool droppedLate = unit(random) < 0.0002;
            if (droppedEarly)
                continue;
            const int64_t t1 = t0 + static_cast<int64_t>(hop1(random));
            pending.push({t1, id, 1, partition});
            if (droppedLate)
                continue;
            const int64_t t2 = t1 + static_cast<int64_t>(hop2(random) + slowdownMs(static_cast<double>(t0 - scenario.startMs) / 1000.0));
            pending.push({t2, id, 2, partition});
        }
        // Three orphans: processed records nobody sent.
        if (static_cast<int64_t>(secondsIn * 1000) % 45'000 < stepMs && secondsIn > 10) {
            const auto id = engine::composite_id::make(static_cast<uint32_t>(nowMs / 1000 - 3600), 0xdeadbeef);
            pending.push({nowMs - 1, id, 2, 1});
        }

        batch.clear();
        while (!pending.empty() && pending.top().timeMs <= nowMs) {
            const Pending& next = pending.top();
            int64_t& offset = offsets[static_cast<size_t>(next.stage * kPartitions + next.partition)];
            batch.push_back(ev(next.id, next.stage, next.timeMs, next.partition, offset++));
            pending.pop();
        }
        pipeline.feed(batch);

        pipeline.partitions.clear();
        for (int stage_idx = 0; stage_idx < 3; ++stage_idx) {
            for (int partition_idx = 0; partition_idx < kPartitions; ++partition_idx) {
                monitor::PartitionLag lag;
                lag.stage = stage_idx;
                lag.topic = kTopics[stage_idx];
                lag.partition = partition_idx;
                lag.position = offsets[static_cast<size_t>(stage_idx * kPartitions + partition_idx)];
                // A little jitter everywhere; the processed topic's partition
                // 3 falls behind while the processor struggles.
                int64_t behind = static_cast<int64_t>(unit(random) * 40.0);
                if (stage_idx == 2 && partition_idx == 3)
                    behind += static_cast<int64_t>(std::max(0.0, 2'500.0 * std::sin(std::clamp((secondsIn - 115) / 60.0, 0.0, 1.0) * 3.14159)));
                if (stage_idx == 1 && partition_idx == 0)
                    behind += static_cast<int64_t>(300 + 200 * std::sin(secondsIn / 11.0));
                lag.highWatermark = lag.position + behind;
                lag.lag = behind;
                lag.caughtUp = behind == 0;
                pipeline.partitions.push_back(lag);
            }
        }
        last = pipeline.snapshot(nowMs);
        if (publish)
            publish(last);
    }
    return last;
}

} // namespace slatrack::uitest

#include "snapshot_builder.hpp"

#include <algorithm>

namespace slatrack::monitor {

using engine::kNoTime;

const char* phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Starting: return "starting";
    case Phase::Replaying: return "replaying";
    case Phase::Live: return "live";
    }
    return "unknown";
}

uint64_t MonitorSnapshot::lostTotal() const
{
    uint64_t sum = 0;
    for (const auto& counters : totals)
        sum += counters.lost;
    return sum;
}

uint64_t MonitorSnapshot::orphanTotal() const
{
    uint64_t sum = 0;
    for (const auto& counters : totals)
        sum += counters.orphans;
    return sum;
}

LatencySummary summarize(const engine::LatencyHistogram& histogram)
{
    LatencySummary out;
    out.count = histogram.count();
    if (out.count == 0)
        return out;
    out.p50 = histogram.percentile(50);
    out.p90 = histogram.percentile(90);
    out.p95 = histogram.percentile(95);
    out.p99 = histogram.percentile(99);
    out.max = histogram.max();
    return out;
}

MonitorSnapshot buildEngineSnapshot(const engine::JoinEngine& engine, int64_t nowMs, std::deque<GaugeSample>& gaugeHistory)
{
    MonitorSnapshot snapshot;
    const auto& config = engine.config();
    const size_t stageCount = static_cast<size_t>(config.stageCount);
    snapshot.takenAtMs = nowMs;
    snapshot.slaMs = config.slaMs;
    snapshot.windowMs = config.windowMs;
    snapshot.gauges = engine.gauges();
    snapshot.totals = engine.totals();
    snapshot.latencySinceStart = summarize(engine.totalEndToEnd());

    // Rates and "last minute" are over event time ending at the newest
    // second seen, so a replay shows the rates of the replayed traffic.
    const auto& buckets = engine.metrics().buckets();
    const int64_t newestMs = buckets.empty() ? nowMs : (buckets.back().second + 1) * 1000;
    snapshot.latencyLastMinute = summarize(engine.metrics().endToEndBetween(newestMs - 60'000, newestMs));
    snapshot.ratePerSec.resize(stageCount);
    // The newest second is still filling up: rates use the seconds before it.
    const int64_t rateEndMs = newestMs - 1000;
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx) {
        const auto counters = engine.metrics().countersBetween(static_cast<int>(stage_idx), rateEndMs - MonitorSnapshot::kRateSeconds * 1000, rateEndMs);
        snapshot.ratePerSec[stage_idx] = static_cast<double>(counters.seen - counters.duplicates) / MonitorSnapshot::kRateSeconds;
    }

    snapshot.freshnessMs.resize(stageCount, -1);
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx) {
        const int64_t watermark = snapshot.gauges.stages[stage_idx].watermarkMs;
        snapshot.freshnessMs[stage_idx] = watermark == kNoTime ? -1 : std::max<int64_t>(0, nowMs - watermark);
    }

    const size_t firstBucket = buckets.size() > MonitorSnapshot::kSeriesSeconds ? buckets.size() - MonitorSnapshot::kSeriesSeconds : 0;
    snapshot.series.reserve(buckets.size() - firstBucket);
    for (size_t bucket_idx = firstBucket; bucket_idx < buckets.size(); ++bucket_idx) {
        const auto& bucket = buckets[bucket_idx];
        SecondPoint point;
        point.second = bucket.second;
        point.seen.resize(stageCount);
        for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx)
            point.seen[stage_idx] = bucket.stages[stage_idx].seen - bucket.stages[stage_idx].duplicates;
        point.matched = bucket.stages[stageCount - 1].matched;
        if (!bucket.endToEnd.empty()) {
            point.p50 = bucket.endToEnd.percentile(50);
            point.p95 = bucket.endToEnd.percentile(95);
            point.p99 = bucket.endToEnd.percentile(99);
        }
        snapshot.series.push_back(std::move(point));
    }

    uint64_t lost = 0;
    for (const auto& counters : snapshot.totals)
        lost += counters.lost;
    gaugeHistory.push_back(GaugeSample{nowMs, snapshot.gauges.open, snapshot.gauges.stuck, lost});
    while (!gaugeHistory.empty() && gaugeHistory.front().atMs < nowMs - MonitorSnapshot::kSeriesSeconds * 1000)
        gaugeHistory.pop_front();
    snapshot.gaugeSeries.assign(gaugeHistory.begin(), gaugeHistory.end());

    snapshot.oldestStuck = engine.oldestStuck(MonitorSnapshot::kStuckSample);
    return snapshot;
}

} // namespace slatrack::monitor

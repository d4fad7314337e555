#include "snapshot_builder.hpp"

#include "history_points.hpp"

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

std::string MonitorSnapshot::cantJudge() const
{
    if (!fatalError.empty())
        return "can't judge: the monitor stopped: " + fatalError;
    std::string out;
    for (size_t stage_idx = 0; stage_idx < health.size(); ++stage_idx) {
        if (health[stage_idx].canJudge())
            continue;
        out += out.empty() ? "can't judge: " : "; ";
        out += (stage_idx < stageNames.size() ? stageNames[stage_idx] : std::to_string(stage_idx)) + " " +
               ingest::stageHealthName(health[stage_idx].state) + ": " + health[stage_idx].why;
    }
    return out;
}

std::vector<LatencySummary> hopSummaries(const engine::JoinEngine& engine, std::optional<std::pair<int64_t, int64_t>> between)
{
    const size_t stageCount = static_cast<size_t>(engine.config().stageCount);
    std::vector<LatencySummary> out(stageCount);
    if (stageCount < 2)
        return out;
    if (stageCount == 2) {
        out[1] = summarize(between ? engine.metrics().endToEndBetween(between->first, between->second) : engine.totalEndToEnd());
        return out;
    }
    for (size_t stage_idx = 1; stage_idx < stageCount; ++stage_idx) {
        if (!between) {
            out[stage_idx] = summarize(engine.totalHops()[stage_idx]);
            continue;
        }
        engine::LatencyHistogram merged;
        for (const auto& bucket : engine.metrics().buckets())
            if (bucket.second * 1000 >= between->first && bucket.second * 1000 < between->second && stage_idx < bucket.hops.size())
                merged.merge(bucket.hops[stage_idx]);
        out[stage_idx] = summarize(merged);
    }
    return out;
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

namespace {

// The oldest stuck records an operator did not silence; the silenced ones
// are taken out of the stuck gauges and counted apart.
void applySilences(const engine::JoinEngine& engine, int64_t nowMs, const StuckSilencer& silenced, MonitorSnapshot& snapshot)
{
    engine::StuckQuery query;
    query.limit = MonitorSnapshot::kStuckSample;
    if (!silenced) {
        snapshot.oldestStuck = engine.stuckPage(query);
        return;
    }
    std::vector<uint64_t> perStage(snapshot.gauges.stages.size(), 0);
    query.exclude = [&](const engine::StuckRecord& record) {
        if (!silenced(record.id, nowMs))
            return false;
        ++snapshot.silencedStuck;
        if (static_cast<size_t>(record.awaitingStage) < perStage.size())
            ++perStage[static_cast<size_t>(record.awaitingStage)];
        if (snapshot.silencedStuckSample.size() < MonitorSnapshot::kSilencedSample)
            snapshot.silencedStuckSample.push_back(record);
        return true;
    };
    snapshot.oldestStuck = engine.stuckPage(query);
    snapshot.stuckSilencesApplied = true;
    snapshot.gauges.stuck -= std::min(snapshot.gauges.stuck, snapshot.silencedStuck);
    for (size_t stage = 0; stage < perStage.size(); ++stage) {
        uint64_t& awaiting = snapshot.gauges.stages[stage].stuckAwaiting;
        awaiting -= std::min(awaiting, perStage[stage]);
    }
    std::sort(snapshot.silencedStuckSample.begin(), snapshot.silencedStuckSample.end(),
              [](const engine::StuckRecord& a, const engine::StuckRecord& b) { return a.t0Ms < b.t0Ms; });
}

} // namespace

MonitorSnapshot buildEngineSnapshot(const engine::JoinEngine& engine, int64_t nowMs, std::deque<GaugeSample>& gaugeHistory,
                                    const StuckSilencer& silenced)
{
    MonitorSnapshot snapshot;
    const auto& config = engine.config();
    const size_t stageCount = static_cast<size_t>(config.stageCount);
    snapshot.takenAtMs = nowMs;
    snapshot.slaMs = config.slaMs;
    snapshot.windowMs = config.windowMs;
    snapshot.gauges = engine.gauges();
    applySilences(engine, nowMs, silenced, snapshot);
    snapshot.totals = engine.totals();
    snapshot.latencySinceStart = summarize(engine.totalEndToEnd());

    // Rates and "last minute" are over event time ending at the newest
    // second seen, so a replay shows the rates of the replayed traffic.
    const auto& buckets = engine.metrics().buckets();
    const int64_t newestMs = buckets.empty() ? nowMs : (buckets.back().second + 1) * 1000;
    snapshot.latencyLastMinute = summarize(engine.metrics().endToEndBetween(newestMs - 60'000, newestMs));
    snapshot.hopLatencyLastMinute = hopSummaries(engine, std::pair{newestMs - 60'000, newestMs});
    snapshot.hopLatencySinceStart = hopSummaries(engine, std::nullopt);
    snapshot.endToEndSinceStart = engine.totalEndToEnd();
    snapshot.hopHistogramsSinceStart.resize(stageCount);
    for (size_t stage_idx = 1; stage_idx < stageCount; ++stage_idx) {
        if (stageCount == 2)
            snapshot.hopHistogramsSinceStart[stage_idx] = engine.totalEndToEnd();
        else if (stage_idx < engine.totalHops().size())
            snapshot.hopHistogramsSinceStart[stage_idx] = engine.totalHops()[stage_idx];
    }
    snapshot.ratePerSec.resize(stageCount);
    // The newest second is still filling up: rates use the seconds before it.
    const int64_t rateEndMs = newestMs - 1000;
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx) {
        const auto counters = engine.metrics().countersBetween(static_cast<int>(stage_idx), rateEndMs - MonitorSnapshot::kRateSeconds * 1000, rateEndMs);
        snapshot.ratePerSec[stage_idx] = static_cast<double>(counters.records()) / MonitorSnapshot::kRateSeconds;
    }

    snapshot.freshnessMs.resize(stageCount, -1);
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx) {
        const int64_t watermark = snapshot.gauges.stages[stage_idx].watermarkMs;
        snapshot.freshnessMs[stage_idx] = watermark == kNoTime ? -1 : std::max<int64_t>(0, nowMs - watermark);
    }

    const size_t firstBucket = buckets.size() > MonitorSnapshot::kSeriesSeconds ? buckets.size() - MonitorSnapshot::kSeriesSeconds : 0;
    snapshot.series = secondPoints(buckets.begin() + static_cast<std::ptrdiff_t>(firstBucket), buckets.end(), stageCount);

    uint64_t lost = 0;
    for (const auto& counters : snapshot.totals)
        lost += counters.lost;
    gaugeHistory.push_back(GaugeSample{nowMs, snapshot.gauges.open, snapshot.gauges.stuck, lost});
    while (!gaugeHistory.empty() && gaugeHistory.front().atMs < nowMs - MonitorSnapshot::kSeriesSeconds * 1000)
        gaugeHistory.pop_front();
    snapshot.gaugeSeries.assign(gaugeHistory.begin(), gaugeHistory.end());

    return snapshot;
}

} // namespace slatrack::monitor

#include "status_json.hpp"

#include "json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace slatrack::monitor {

namespace {
nlohmann::json latencyJson(const LatencySummary& summary)
{
    // The same shape everywhere: count and percentiles in ms.
    return {{"count", summary.count}, {"p50", summary.p50}, {"p90", summary.p90}, {"p95", summary.p95}, {"p99", summary.p99}, {"max", summary.max}};
}
// Unknown is null, never a number a reader could take for "no lag".
nlohmann::json knownOrNull(int64_t value)
{
    return value < 0 ? nlohmann::json(nullptr) : nlohmann::json(value);
}

// Kept apart from the rest: the store's own block of the status line.
nlohmann::json storeJson(const StoreSummary& store)
{
    if (!store.enabled)
        return {{"enabled", false}, {"start", store.start}};
    return {{"enabled", true},
            {"path", store.path},
            {"state", store.state},
            {"error", store.error},
            {"failing_since_ms", store.failingSinceMs},
            {"start", store.start},
            {"restored", store.restored},
            {"restored_from_ms", store.restoredFromMs},
            {"snapshots_written", store.snapshotsWritten},
            {"snapshot_failures", store.snapshotFailures},
            {"last_snapshot_at_ms", store.lastSnapshotAtMs},
            {"last_snapshot_bytes", store.lastSnapshotBytes},
            {"last_snapshot_write_ms", store.lastSnapshotWriteMs},
            {"last_snapshot_pause_us", store.lastSnapshotPauseUs},
            {"max_snapshot_pause_us", store.maxSnapshotPauseUs},
            {"last_snapshot_error", store.lastSnapshotError},
            {"lost_written", store.lostWritten},
            {"lost_not_persisted", store.lostNotPersisted},
            {"seconds_written", store.secondsWritten},
            {"notices", store.notices}};
}
} // namespace

nlohmann::json pipelineLagJson(const std::vector<GroupLag>& groups)
{
    nlohmann::json out = nlohmann::json::array();
    for (const GroupLag& group : groups) {
        nlohmann::json partitions = nlohmann::json::array();
        for (const GroupPartitionLag& partition : group.partitions)
            partitions.push_back({{"topic", partition.topic},
                                  {"partition", partition.partition},
                                  {"committed", knownOrNull(partition.committed)},
                                  {"high_watermark", knownOrNull(partition.highWatermark)},
                                  {"msgs", knownOrNull(partition.messages)},
                                  {"time_ms", knownOrNull(partition.timeMs)},
                                  {"trend", ingest::lagTrendName(partition.trend)},
                                  {"why", partition.why}});
        out.push_back({{"group", group.group},
                       {"stage", group.stageName},
                       {"topics", group.topics},
                       {"state", ingest::groupLagStateName(group.state)},
                       {"why", group.why},
                       {"read_at_ms", group.readAtMs == 0 ? nlohmann::json(nullptr) : nlohmann::json(group.readAtMs)},
                       {"msgs", knownOrNull(group.messages)},
                       {"time_ms", knownOrNull(group.timeMs)},
                       {"unknown_partitions", group.unknownPartitions},
                       {"trend", ingest::lagTrendName(group.trend)},
                       {"partitions", std::move(partitions)}});
    }
    return out;
}

nlohmann::json healthJson(const std::vector<StageHealth>& health, const std::vector<std::string>& stageNames)
{
    nlohmann::json out = nlohmann::json::array();
    for (size_t stage_idx = 0; stage_idx < health.size(); ++stage_idx)
        out.push_back({{"stage", stage_idx < stageNames.size() ? stageNames[stage_idx] : std::to_string(stage_idx)},
                       {"state", ingest::stageHealthName(health[stage_idx].state)},
                       {"why", health[stage_idx].why},
                       {"since", health[stage_idx].sinceMs}});
    return out;
}

nlohmann::json hopLatencyJson(const std::vector<LatencySummary>& hops, const std::vector<std::string>& stageNames)
{
    nlohmann::json out = nlohmann::json::array();
    for (size_t stage_idx = 1; stage_idx < hops.size(); ++stage_idx) {
        nlohmann::json entry = latencyJson(hops[stage_idx]);
        entry["from"] = stage_idx - 1 < stageNames.size() ? stageNames[stage_idx - 1] : std::to_string(stage_idx - 1);
        entry["to"] = stage_idx < stageNames.size() ? stageNames[stage_idx] : std::to_string(stage_idx);
        out.push_back(std::move(entry));
    }
    return out;
}

std::string statusLineJson(const MonitorSnapshot& snapshot)
{
    return dumpJson(statusLine(snapshot));
}

std::string statusLineJson(const MonitorSnapshot& snapshot, const nlohmann::json& alerts)
{
    nlohmann::json line = statusLine(snapshot);
    line["alerts"] = alerts;
    return dumpJson(line);
}

nlohmann::json statusLine(const MonitorSnapshot& snapshot)
{
    uint64_t duplicates = 0, orphans = 0, lost = 0, lostOverflow = 0, rejected = 0, late = 0;
    uint64_t clockSkew = 0, stale = 0, lateHop = 0, idCollisions = 0;
    int64_t worstClockSkewMs = 0;
    for (const auto& counters : snapshot.totals) {
        clockSkew += counters.clockSkew;
        worstClockSkewMs = std::max(worstClockSkewMs, counters.worstClockSkewMs);
        stale += counters.stale;
        lateHop += counters.lateHop;
        idCollisions += counters.idCollisions;
        duplicates += counters.duplicates;
        orphans += counters.orphans;
        lost += counters.lost;
        lostOverflow += counters.lostOverflow;
        rejected += counters.rejectedTotal();
        late += counters.late;
    }
    const auto& first = snapshot.totals.empty() ? engine::StageCounters{} : snapshot.totals.front();
    const auto& last = snapshot.totals.empty() ? engine::StageCounters{} : snapshot.totals.back();
    nlohmann::json lag = nlohmann::json::array();
    for (const auto& partition : snapshot.partitions)
        lag.push_back({{"topic", partition.topic}, {"partition", partition.partition}, {"lag", partition.lag}, {"caught_up", partition.caughtUp},
                       {"last_response_age_ms", partition.lastResponseAgeMs}, {"leader", partition.leader}});
    nlohmann::json replay = nlohmann::json::array();
    for (size_t stage_idx = 0; stage_idx < snapshot.replay.size(); ++stage_idx) {
        const auto& stage = snapshot.replay[stage_idx];
        replay.push_back({{"stage", stage_idx < snapshot.stageNames.size() ? snapshot.stageNames[stage_idx] : std::to_string(stage_idx)},
                          {"consumed", stage.consumed},
                          {"target", stage.target},
                          {"percent", stage.target == 0 ? 100.0 : 100.0 * static_cast<double>(stage.consumed) / static_cast<double>(stage.target)}});
    }
    nlohmann::json line = {
        {"time_ms", snapshot.takenAtMs},
        {"pipeline", snapshot.pipeline},
        {"phase", phaseName(snapshot.phase)},
        {"replay_percent", snapshot.replayPercent},
        {"replay_eta_ms", snapshot.replayEtaMs},
        {"replay", replay},
        {"connected", snapshot.connected},
        {"connection_detail", snapshot.connectionDetail},
        {"consumer_restarts", snapshot.consumerRestarts},
        {"health", healthJson(snapshot.health, snapshot.stageNames)},
        {"judgement", snapshot.cantJudge().empty() ? std::string("ok") : snapshot.cantJudge()},
        {"fatal_error", snapshot.fatalError},
        {"counts",
         {{"incoming", first.records()},
          {"processed", last.records()},
          {"matched", last.matched},
          {"open", snapshot.gauges.open},
          {"stuck", snapshot.gauges.stuck},
          {"stuck_silenced", snapshot.silencedStuck},
          {"early", snapshot.gauges.early},
          {"lost", lost},
          {"lost_overflow", lostOverflow},
          {"duplicates", duplicates},
          {"orphans", orphans},
          {"late", late},
          {"rejected", rejected},
          {"clock_skew", clockSkew},
          {"worst_clock_skew_ms", worstClockSkewMs},
          {"stale", stale},
          {"late_hop", lateHop},
          {"id_collisions", idCollisions}}},
        {"rates", {{"in_per_s", snapshot.ratePerSec.empty() ? 0.0 : snapshot.ratePerSec.front()}, {"out_per_s", snapshot.ratePerSec.empty() ? 0.0 : snapshot.ratePerSec.back()}}},
        {"latency_ms", {{"last_minute", latencyJson(snapshot.latencyLastMinute)}, {"since_start", latencyJson(snapshot.latencySinceStart)}}},
        {"hop_latency_ms", {{"last_minute", hopLatencyJson(snapshot.hopLatencyLastMinute, snapshot.stageNames)},
                            {"since_start", hopLatencyJson(snapshot.hopLatencySinceStart, snapshot.stageNames)}}},
        {"lag", {{"total", snapshot.totalLag}, {"partitions", lag}}},
        {"pipeline_lag", pipelineLagJson(snapshot.pipelineLag)},
        {"watermark_age_ms", snapshot.freshnessMs},
        {"store", storeJson(snapshot.store)},
    };
    return line;
}

} // namespace slatrack::monitor

#include "snapshot_metrics.hpp"

#include "latency_buckets.hpp"
#include "metric_families.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <map>

namespace slatrack::metrics {

namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

double seconds(int64_t ms)
{
    return static_cast<double>(ms) / 1000.0;
}

std::string stageName(const monitor::MonitorSnapshot& snapshot, size_t stage_idx)
{
    return stage_idx < snapshot.stageNames.size() ? snapshot.stageNames[stage_idx] : std::to_string(stage_idx);
}

void addHistogram(MetricFamily& family, Labels labels, const engine::LatencyHistogram& histogram)
{
    const LatencyBuckets buckets = latencyBuckets(histogram);
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    metric.histogram.sample_count = buckets.count;
    metric.histogram.sample_sum = buckets.sumSeconds;
    for (size_t bucket_idx = 0; bucket_idx < kLatencyBucketBoundsMs.size(); ++bucket_idx)
        metric.histogram.bucket.push_back({buckets.cumulative[bucket_idx], seconds(kLatencyBucketBoundsMs[bucket_idx])});
    metric.histogram.bucket.push_back({buckets.count, std::numeric_limits<double>::infinity()});
    family.metric.push_back(std::move(metric));
}

// One counter family per StageCounters field, a sample per stage.
void addStageCounter(std::vector<MetricFamily>& out, const monitor::MonitorSnapshot& snapshot, const Labels& base, std::string name,
                     std::string help, const std::function<uint64_t(const engine::StageCounters&)>& field)
{
    MetricFamily family = makeFamily(std::move(name), std::move(help), MetricType::Counter);
    for (size_t stage_idx = 0; stage_idx < snapshot.totals.size(); ++stage_idx)
        addSample(family, withLabel(base, "stage", stageName(snapshot, stage_idx)), static_cast<double>(field(snapshot.totals[stage_idx])));
    out.push_back(std::move(family));
}

void appendCounts(const monitor::MonitorSnapshot& snapshot, const Labels& base, std::vector<MetricFamily>& out)
{
    using Counters = engine::StageCounters;
    addStageCounter(out, snapshot, base, "slatrack_records_total", "Distinct records seen on the stage (redeliveries excluded) since start.",
                    [](const Counters& c) { return c.records(); });
    addStageCounter(out, snapshot, base, "slatrack_duplicates_total", "Redeliveries of an ID already seen on the stage or already completed.",
                    [](const Counters& c) { return c.duplicates; });
    addStageCounter(out, snapshot, base, "slatrack_orphans_total", "Records seen on a later stage whose incoming never came within the grace period, by last stage seen.",
                    [](const Counters& c) { return c.orphans; });
    addStageCounter(out, snapshot, base, "slatrack_lost_total", "Records evicted (open longer than the window, or by the open-record cap), by the stage they were awaiting.",
                    [](const Counters& c) { return c.lost; });
    addStageCounter(out, snapshot, base, "slatrack_lost_overflow_total", "Of the lost records, those evicted by the open-record cap.",
                    [](const Counters& c) { return c.lostOverflow; });
    addStageCounter(out, snapshot, base, "slatrack_late_total", "Records matched after having been declared stuck.",
                    [](const Counters& c) { return c.late; });
    addStageCounter(out, snapshot, base, "slatrack_stale_total", "Copies older than the dedup horizon: neither opened nor matched.",
                    [](const Counters& c) { return c.stale; });
    addStageCounter(out, snapshot, base, "slatrack_late_hop_total", "Intermediate stage seen after the record completed or was lost.",
                    [](const Counters& c) { return c.lateHop; });
    addStageCounter(out, snapshot, base, "slatrack_id_collisions_total", "Opaque IDs whose hash hit a different ID's text: not joined.",
                    [](const Counters& c) { return c.idCollisions; });
    addStageCounter(out, snapshot, base, "slatrack_clock_skew_total", "Latencies ending on the stage that came out negative (recorded as 0).",
                    [](const Counters& c) { return c.clockSkew; });

    MetricFamily rejected = makeFamily("slatrack_rejected_total", "Messages refused by ingestion, by stage and reason.", MetricType::Counter);
    for (size_t stage_idx = 0; stage_idx < snapshot.totals.size(); ++stage_idx) {
        const Labels stage = withLabel(base, "stage", stageName(snapshot, stage_idx));
        for (size_t reason = 0; reason < static_cast<size_t>(engine::RejectReason::Count); ++reason)
            addSample(rejected, withLabel(stage, "reason", engine::rejectReasonName(static_cast<engine::RejectReason>(reason))),
                      static_cast<double>(snapshot.totals[stage_idx].rejected[reason]));
    }
    out.push_back(std::move(rejected));

    const uint64_t matched = snapshot.totals.empty() ? 0 : snapshot.totals.back().matched;
    addSingle(out, "slatrack_matched_total", "Records that completed every stage since start.", MetricType::Counter, base, static_cast<double>(matched));
    addSingle(out, "slatrack_open_records", "Records seen on the first stage, not completed, not evicted.", MetricType::Gauge, base, static_cast<double>(snapshot.gauges.open));
    addSingle(out, "slatrack_stuck_records", "Open records older than the SLA.", MetricType::Gauge, base, static_cast<double>(snapshot.gauges.stuck));
    addSingle(out, "slatrack_early_records", "Records seen on a later stage only, waiting for their incoming.", MetricType::Gauge, base, static_cast<double>(snapshot.gauges.early));
    MetricFamily openAwaiting = makeFamily("slatrack_open_awaiting_records", "Open records waiting for the stage.", MetricType::Gauge);
    MetricFamily stuckAwaiting = makeFamily("slatrack_stuck_awaiting_records", "Stuck records waiting for the stage.", MetricType::Gauge);
    for (size_t stage_idx = 0; stage_idx < snapshot.gauges.stages.size(); ++stage_idx) {
        const Labels stage = withLabel(base, "stage", stageName(snapshot, stage_idx));
        addSample(openAwaiting, stage, static_cast<double>(snapshot.gauges.stages[stage_idx].openAwaiting));
        addSample(stuckAwaiting, stage, static_cast<double>(snapshot.gauges.stages[stage_idx].stuckAwaiting));
    }
    out.push_back(std::move(openAwaiting));
    out.push_back(std::move(stuckAwaiting));
}

void appendHealth(const monitor::MonitorSnapshot& snapshot, const Labels& base, std::vector<MetricFamily>& out)
{
    MetricFamily health = makeFamily("slatrack_stage_health",
                                     "Whether the stage can be judged: ok, catching_up, blind (no verdicts on it), no_data; 1 for the current state.",
                                     MetricType::Gauge);
    for (size_t stage_idx = 0; stage_idx < snapshot.health.size(); ++stage_idx)
        addStateSet(health, withLabel(base, "stage", stageName(snapshot, stage_idx)), "state", {"ok", "catching_up", "blind", "no_data"},
                    ingest::stageHealthName(snapshot.health[stage_idx].state));
    out.push_back(std::move(health));

    MetricFamily age = makeFamily("slatrack_watermark_age_seconds", "Now minus the stage's watermark; absent while unknown.", MetricType::Gauge);
    for (size_t stage_idx = 0; stage_idx < snapshot.freshnessMs.size(); ++stage_idx) {
        if (snapshot.freshnessMs[stage_idx] >= 0)
            addSample(age, withLabel(base, "stage", stageName(snapshot, stage_idx)), seconds(snapshot.freshnessMs[stage_idx]));
    }
    out.push_back(std::move(age));
}

void appendLatency(const monitor::MonitorSnapshot& snapshot, const Labels& base, std::vector<MetricFamily>& out)
{
    MetricFamily endToEnd = makeFamily("slatrack_latency_seconds", "End-to-end latency of completed records since start.", MetricType::Histogram);
    addHistogram(endToEnd, base, snapshot.endToEndSinceStart);
    out.push_back(std::move(endToEnd));
    MetricFamily hops = makeFamily("slatrack_hop_latency_seconds", "Latency from stage `from` to stage `to` since start.", MetricType::Histogram);
    for (size_t stage_idx = 1; stage_idx < snapshot.hopHistogramsSinceStart.size(); ++stage_idx)
        addHistogram(hops, withLabel(withLabel(base, "from", stageName(snapshot, stage_idx - 1)), "to", stageName(snapshot, stage_idx)),
                     snapshot.hopHistogramsSinceStart[stage_idx]);
    out.push_back(std::move(hops));
}

void appendLag(const monitor::MonitorSnapshot& snapshot, const Labels& base, std::vector<MetricFamily>& out)
{
    // Per stage, not per partition: a topic of 100 partitions would
    // otherwise be 100 series per agent for a number whose detail the
    // status line and the GUI already have.
    std::map<int, std::pair<int64_t, uint64_t>> perStage;  // stage -> (known lag, unknown partitions)
    for (size_t stage_idx = 0; stage_idx < snapshot.stageNames.size(); ++stage_idx)
        perStage[static_cast<int>(stage_idx)];
    for (const auto& partition : snapshot.partitions) {
        auto& entry = perStage[partition.stage];
        // PartitionLag::lag reads 0 when unknown: not a 0 to export.
        if (partition.position < 0 || partition.highWatermark < 0)
            ++entry.second;
        else
            entry.first += partition.lag;
    }
    MetricFamily own = makeFamily("slatrack_own_lag_messages",
                                  "slatrack's own consumer position behind the log ends (not the pipeline's lag), over partitions whose lag is known.",
                                  MetricType::Gauge);
    MetricFamily ownUnknown = makeFamily("slatrack_own_lag_unknown_partitions", "Partitions whose own lag is unknown (left out of slatrack_own_lag_messages).",
                                         MetricType::Gauge);
    for (const auto& [stage, entry] : perStage) {
        const Labels labels = withLabel(base, "stage", stageName(snapshot, static_cast<size_t>(stage)));
        addSample(own, labels, static_cast<double>(entry.first));
        addSample(ownUnknown, labels, static_cast<double>(entry.second));
    }
    out.push_back(std::move(own));
    out.push_back(std::move(ownUnknown));

    MetricFamily messages = makeFamily("slatrack_pipeline_lag_messages",
                                       "The pipeline's consumer group behind the end of the stage's topics (committed offsets); absent while unknown.",
                                       MetricType::Gauge);
    MetricFamily lagSeconds = makeFamily("slatrack_pipeline_lag_seconds",
                                         "Age of the group's oldest uncommitted message (the largest over partitions); absent while unknown.",
                                         MetricType::Gauge);
    MetricFamily unknown = makeFamily("slatrack_pipeline_lag_unknown_partitions", "Partitions of the group whose lag is unknown.", MetricType::Gauge);
    MetricFamily state = makeFamily("slatrack_pipeline_lag_state", "Whether the group's lag could be read: ok, cant_judge, unknown_group.",
                                    MetricType::Gauge);
    for (const auto& group : snapshot.pipelineLag) {
        const Labels labels = withLabel(withLabel(base, "stage", group.stageName), "group", group.group);
        if (group.messages >= 0)
            addSample(messages, labels, static_cast<double>(group.messages));
        if (group.timeMs >= 0)
            addSample(lagSeconds, labels, seconds(group.timeMs));
        addSample(unknown, labels, static_cast<double>(group.unknownPartitions));
        addStateSet(state, labels, "state", {"ok", "cant_judge", "unknown_group"}, ingest::groupLagStateName(group.state));
    }
    for (MetricFamily* family : {&messages, &lagSeconds, &unknown, &state})
        out.push_back(std::move(*family));
}

void appendStore(const monitor::MonitorSnapshot& snapshot, const Labels& base, std::vector<MetricFamily>& out)
{
    if (!snapshot.store.enabled)
        return;
    MetricFamily state = makeFamily("slatrack_store_state", "The history store's state; the engine runs in memory while it is not ok.", MetricType::Gauge);
    addStateSet(state, base, "state", {"opening", "ok", "unavailable", "in_use", "refused", "stopped"}, snapshot.store.state);
    out.push_back(std::move(state));
    addSingle(out, "slatrack_store_snapshots_written_total", "Engine snapshots written to the store.", MetricType::Counter, base, static_cast<double>(snapshot.store.snapshotsWritten));
    addSingle(out, "slatrack_store_snapshot_failures_total", "Engine snapshots that could not be written.", MetricType::Counter, base, static_cast<double>(snapshot.store.snapshotFailures));
}

} // namespace

void appendSnapshotMetrics(const monitor::MonitorSnapshot& snapshot, std::vector<prometheus::MetricFamily>& out)
{
    const Labels base{{"pipeline", snapshot.pipeline}};
    addSingle(out, "slatrack_snapshot_timestamp_seconds", "When the snapshot these values come from was taken (Unix seconds).", MetricType::Gauge, base, seconds(snapshot.takenAtMs));
    addSingle(out, "slatrack_monitor_failed", "1 when the monitor stopped for good (fatal error): nothing here moves any more.", MetricType::Gauge, base, snapshot.fatalError.empty() ? 0.0 : 1.0);
    MetricFamily phase = makeFamily("slatrack_phase", "starting, replaying (catching up to the log ends seen at start) or live.", MetricType::Gauge);
    addStateSet(phase, base, "phase", {"starting", "replaying", "live"}, monitor::phaseName(snapshot.phase));
    out.push_back(std::move(phase));
    addSingle(out, "slatrack_replay_progress_ratio", "Replay progress over all stages, 0 to 1.", MetricType::Gauge, base, snapshot.replayPercent / 100.0);
    addSingle(out, "slatrack_connected", "1 when the brokers answer.", MetricType::Gauge, base, snapshot.connected ? 1.0 : 0.0);
    addSingle(out, "slatrack_consumer_restarts_total", "Times the Kafka consumer was restarted by its supervisor.", MetricType::Counter, base, static_cast<double>(snapshot.consumerRestarts));
    addSingle(out, "slatrack_sla_seconds", "The configured SLA: open longer than this is stuck.", MetricType::Gauge, base, seconds(snapshot.slaMs));
    addSingle(out, "slatrack_window_seconds", "The configured window: open longer than this is lost.", MetricType::Gauge, base, seconds(snapshot.windowMs));
    appendCounts(snapshot, base, out);
    appendHealth(snapshot, base, out);
    appendLatency(snapshot, base, out);
    appendLag(snapshot, base, out);
    appendStore(snapshot, base, out);
}

} // namespace slatrack::metrics

#include "audit.hpp"

#include "batch_apply.hpp"
#include "json_text.hpp"
#include "monitor.hpp"
#include "snapshot_builder.hpp"
#include "status_json.hpp"
#include "time_text.hpp"

#include "core/engine/join_engine.hpp"
#include "core/ingest/kafka_source.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <tuple>

namespace slatrack::monitor {

namespace {

int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Event times ahead of this (+ max_clock_skew) are rejected future_time.
int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void summarizeInto(AuditReport& report, engine::JoinEngine& engine, std::vector<engine::LostRecord>& lost)
{
    report.perStage = engine.totals();
    const auto& first = report.perStage.front();
    const auto& last = report.perStage.back();
    report.incoming = first.records();
    report.processed = last.records();
    report.matched = last.matched;
    const engine::Gauges gauges = engine.gauges();
    report.stuck = gauges.stuck;
    report.open = gauges.open - gauges.stuck;
    report.early = gauges.early;
    std::vector<uint64_t> rejectedByReason(static_cast<size_t>(engine::RejectReason::Count), 0);
    for (const auto& counters : report.perStage) {
        report.lost += counters.lost;
        report.duplicates += counters.duplicates;
        report.orphans += counters.orphans;
        report.rejected += counters.rejectedTotal();
        report.late += counters.late;
        report.lateAfterLost += counters.lateAfterLost;
        report.beforeScope += counters.beforeScope;
        report.clockSkew += counters.clockSkew;
        report.worstClockSkewMs = std::max(report.worstClockSkewMs, counters.worstClockSkewMs);
        report.stale += counters.stale;
        report.lateHop += counters.lateHop;
        report.idCollisions += counters.idCollisions;
        report.lostOverflow += counters.lostOverflow;
        for (size_t reason_idx = 0; reason_idx < rejectedByReason.size(); ++reason_idx)
            rejectedByReason[reason_idx] += counters.rejected[reason_idx];
    }
    for (size_t reason_idx = 0; reason_idx < rejectedByReason.size(); ++reason_idx)
        if (rejectedByReason[reason_idx] > 0)
            report.rejectedByReason.emplace_back(engine::rejectReasonName(static_cast<engine::RejectReason>(reason_idx)), rejectedByReason[reason_idx]);
    report.latency = summarize(engine.totalEndToEnd());
    report.hopLatency = hopSummaries(engine, std::nullopt);
    for (const auto& record : engine.oldestStuck(SIZE_MAX))
        report.stuckIds.push_back(record.id);
    std::sort(lost.begin(), lost.end(), [](const engine::LostRecord& a, const engine::LostRecord& b) {
        return std::tie(a.t0Ms, a.id) < std::tie(b.t0Ms, b.id);
    });
    for (const auto& record : lost)
        report.lostIds.push_back(record.id);

    // Rejected messages were data too (unusable, but there): not "no data".
    report.noData = report.rejected == 0 && std::all_of(report.readPerStage.begin(), report.readPerStage.end(), [](uint64_t read) { return read == 0; });
    if (report.stuck > 0)
        report.breaches.push_back(std::to_string(report.stuck) + " record(s) stuck longer than the SLA");
    if (report.lost > 0)
        report.breaches.push_back(std::to_string(report.lost) + " record(s) lost (open longer than the window)");
    if (report.latency.count > 0 && report.latency.p99 > report.slaMs)
        report.breaches.push_back("latency p99 " + std::to_string(report.latency.p99) + " ms exceeds the SLA of " + std::to_string(report.slaMs) + " ms");
}

} // namespace

AuditOutcome runAudit(const config::PipelineConfig& config, const AuditRange& requested,
                      const std::function<void(const std::string&)>& log, AuditObserver* observer)
{
    AuditOutcome outcome;
    AuditRange range = requested;
    const int64_t nowMs = range.nowMs != 0 ? range.nowMs : wallMs();
    if (range.toMs > nowMs) {
        outcome.report.requestedToMs = range.toMs;
        outcome.report.notes.push_back("--to " + formatRfc3339(range.toMs) + " is after now: clamped to now (" + formatRfc3339(nowMs) +
                                       "), since records younger than the SLA cannot be judged yet");
        range.toMs = nowMs;
    }
    if (range.toMs <= range.fromMs) {
        outcome.error = "--to (" + formatRfc3339(range.toMs) + (outcome.report.requestedToMs ? ", clamped to now" : "") + ") must be after --from (" +
                        formatRfc3339(range.fromMs) + ")";
        return outcome;
    }
    engine::JoinEngine engine(Monitor::engineConfigFor(config));
    engine.setScopeStart(range.fromMs);
    ingest::BatchQueue queue;
    ingest::SourceOptions options;
    options.fromMs = range.fromMs;
    options.toMs = range.toMs;
    options.stopAtStartHighWatermarks = true;
    options.log = log;
    ingest::KafkaSource source(config, options, queue);
    source.start();

    std::deque<std::string> samples;
    std::vector<engine::LostRecord> lost;
    const int64_t startedMs = steadyMs();
    auto apply = [&](ingest::IngestBatch& batch) {
        if (observer)
            observer->beforeBatch(engine, batch);
        applyBatch(engine, batch, config, samples, wallMs());
        if (observer)
            observer->afterBatch(engine, batch);
    };
    auto collectLost = [&] {
        auto evicted = engine.takeLost();
        if (observer)
            observer->afterJudge(engine, evicted);
        lost.insert(lost.end(), std::make_move_iterator(evicted.begin()), std::make_move_iterator(evicted.end()));
    };
    for (;;) {
        for (auto batch = queue.pop(std::chrono::milliseconds(50)); batch; batch = queue.pop(std::chrono::milliseconds(0)))
            apply(*batch);
        // Judge as we go: keeps memory to the window even on long ranges.
        engine.advance(range.toMs);
        collectLost();
        const ingest::SourceStatus status = source.status();
        if (!status.fatalError.empty()) {
            source.stop();
            outcome.error = status.fatalError;
            return outcome;
        }
        if (status.finished)
            break;
        // A stage blind for connectTimeoutMs while reading: the audit cannot
        // reach its end and must not pretend to.
        for (size_t stage_idx = 0; stage_idx < status.health.size(); ++stage_idx) {
            const auto& health = status.health[stage_idx];
            if (status.started && health.state == StageHealthState::Blind && wallMs() - health.sinceMs > range.connectTimeoutMs) {
                source.stop();
                outcome.error = "can't judge: stage \"" + config.stages[stage_idx].name + "\" blind for more than " +
                                std::to_string(range.connectTimeoutMs / 1000) + " s: " + health.why;
                return outcome;
            }
        }
        if (!status.started && steadyMs() - startedMs > range.connectTimeoutMs) {
            source.stop();
            outcome.error = "could not read the topics from " + config.kafka.brokers + " within " + std::to_string(range.connectTimeoutMs / 1000) +
                            " s" + (status.lastError.empty() ? std::string() : ": " + status.lastError);
            return outcome;
        }
    }
    source.stop();
    for (auto batch = queue.pop(std::chrono::milliseconds(0)); batch; batch = queue.pop(std::chrono::milliseconds(0)))
        apply(*batch);
    engine.finishAt(range.toMs);
    collectLost();

    AuditReport& report = outcome.report;
    report.pipeline = config.pipeline;
    for (const auto& stage : config.stages)
        report.stageNames.push_back(stage.name);
    report.range = range;
    report.slaMs = config.sla.count();
    report.windowMs = config.window.count();
    report.rejectedSamples.assign(samples.begin(), samples.end());
    const ingest::SourceStatus final = source.status();  // after stop(): exact
    if (observer)
        observer->atEnd(final.partitions);
    report.skippedOutOfRange = final.skippedOutOfRange;
    report.fetchNudges = final.fetchNudges;
    report.health = final.health;
    report.readPerStage = final.eventsPerStage;
    report.readPerStage.resize(config.stages.size(), 0);
    // The audit read every stage to the end it set itself (the high
    // watermarks at start), so "catching up" to the live end does not
    // apply: a stage is ok or no_data (blind ones stopped the audit above).
    report.health.resize(config.stages.size());
    for (size_t stage_idx = 0; stage_idx < config.stages.size(); ++stage_idx) {
        StageHealth& health = report.health[stage_idx];
        if (health.state == StageHealthState::Blind)
            continue;
        std::string topics;
        for (const auto& topic : config.stages[stage_idx].topics)
            topics += (topics.empty() ? "" : ", ") + topic;
        health.state = report.readPerStage[stage_idx] == 0 ? StageHealthState::NoData : StageHealthState::Ok;
        health.why = health.state == StageHealthState::NoData ? "no record in range on " + topics : std::string();
    }
    summarizeInto(report, engine, lost);
    outcome.ok = true;
    return outcome;
}

std::string auditReportJson(const AuditReport& report)
{
    nlohmann::json perStage = nlohmann::json::array();
    for (size_t stage_idx = 0; stage_idx < report.perStage.size(); ++stage_idx) {
        const auto& counters = report.perStage[stage_idx];
        nlohmann::json entry = {{"stage", report.stageNames[stage_idx]}, {"seen", counters.seen}, {"duplicates", counters.duplicates},
                                {"early", counters.early}, {"orphans", counters.orphans}, {"stuck_declared", counters.stuck},
                                {"lost", counters.lost}, {"lost_overflow", counters.lostOverflow}, {"rejected", counters.rejectedTotal()},
                                {"out_of_order", counters.outOfOrder}, {"late", counters.late}, {"late_after_lost", counters.lateAfterLost},
                                {"late_incoming", counters.lateIncoming}, {"before_scope", counters.beforeScope},
                                {"clock_skew", counters.clockSkew}, {"worst_clock_skew_ms", counters.worstClockSkewMs},
                                {"stale", counters.stale}, {"late_hop", counters.lateHop}, {"id_collisions", counters.idCollisions},
                                {"read", stage_idx < report.readPerStage.size() ? report.readPerStage[stage_idx] : 0}};
        if (stage_idx > 0 && stage_idx < report.hopLatency.size()) {
            const LatencySummary& hop = report.hopLatency[stage_idx];
            entry["latency_from_previous_ms"] = {{"from", report.stageNames[stage_idx - 1]}, {"count", hop.count}, {"p50", hop.p50},
                                                 {"p90", hop.p90}, {"p95", hop.p95}, {"p99", hop.p99}, {"max", hop.max}};
        }
        perStage.push_back(std::move(entry));
    }
    nlohmann::json stuckIds = nlohmann::json::array(), lostIds = nlohmann::json::array();
    for (const auto& id : report.stuckIds)
        stuckIds.push_back(jsonSafeId(id));
    for (const auto& id : report.lostIds)
        lostIds.push_back(jsonSafeId(id));
    nlohmann::json rejectedByReason = nlohmann::json::object();
    for (const auto& [reason, count] : report.rejectedByReason)
        rejectedByReason[reason] = count;
    const nlohmann::json out = {
        {"pipeline", report.pipeline},
        {"from", formatRfc3339(report.range.fromMs)},
        {"to", formatRfc3339(report.range.toMs)},
        {"from_ms", report.range.fromMs},
        {"to_ms", report.range.toMs},
        {"requested_to_ms", report.requestedToMs ? nlohmann::json(*report.requestedToMs) : nlohmann::json()},
        {"notes", report.notes},
        {"verdict", report.verdict()},
        {"no_data", report.noData},
        {"health", healthJson(report.health, report.stageNames)},
        {"sla_ms", report.slaMs},
        {"window_ms", report.windowMs},
        {"within_sla", report.withinSla()},
        {"breaches", report.breaches},
        {"incoming", report.incoming},
        {"processed", report.processed},
        {"matched", report.matched},
        {"open", report.open},
        {"stuck", report.stuck},
        {"early", report.early},
        {"lost", report.lost},
        {"duplicates", report.duplicates},
        {"orphans", report.orphans},
        {"before_scope", report.beforeScope},
        {"late", report.late},
        {"late_after_lost", report.lateAfterLost},
        {"lost_overflow", report.lostOverflow},
        {"clock_skew", report.clockSkew},
        {"worst_clock_skew_ms", report.worstClockSkewMs},
        {"stale", report.stale},
        {"late_hop", report.lateHop},
        {"id_collisions", report.idCollisions},
        {"rejected", report.rejected},
        {"rejected_by_reason", rejectedByReason},
        {"rejected_samples", report.rejectedSamples},
        {"skipped_out_of_range", report.skippedOutOfRange},
        {"fetch_nudges", report.fetchNudges},
        {"latency_ms", {{"count", report.latency.count}, {"p50", report.latency.p50}, {"p90", report.latency.p90}, {"p95", report.latency.p95}, {"p99", report.latency.p99}, {"max", report.latency.max}}},
        {"stuck_ids", stuckIds},
        {"lost_ids", lostIds},
        {"per_stage", perStage},
    };
    return dumpJson(out, 2);
}

std::string auditReportText(const AuditReport& report)
{
    std::ostringstream out;
    out << "slatrack audit of " << report.pipeline << ": " << formatRfc3339(report.range.fromMs) << " .. " << formatRfc3339(report.range.toMs)
        << " (SLA " << report.slaMs << " ms)\n";
    for (const auto& note : report.notes)
        out << "  note: " << note << "\n";
    if (report.noData)
        out << "  NO DATA: not one record in range was read from any stage (check the topic names and the range)\n";
    else
        out << "  " << (report.withinSla() ? "WITHIN SLA" : "SLA BREACHED") << "\n";
    for (const auto& breach : report.breaches)
        out << "    - " << breach << "\n";
    out << "  incoming " << report.incoming << ", processed " << report.processed << ", matched " << report.matched << "\n";
    out << "  open " << report.open << ", stuck " << report.stuck << ", lost " << report.lost << ", early " << report.early << "\n";
    out << "  duplicates " << report.duplicates << ", orphans " << report.orphans << ", late " << report.late << ", rejected " << report.rejected << "\n";
    if (report.clockSkew + report.stale + report.lateHop + report.idCollisions + report.lostOverflow > 0)
        out << "  clock_skew " << report.clockSkew << " (worst " << report.worstClockSkewMs << " ms), stale " << report.stale << ", late_hop "
            << report.lateHop << ", id_collisions " << report.idCollisions << ", lost_overflow " << report.lostOverflow << "\n";
    out << "  latency ms: p50 " << report.latency.p50 << ", p90 " << report.latency.p90 << ", p95 " << report.latency.p95 << ", p99 " << report.latency.p99
        << ", max " << report.latency.max << " (" << report.latency.count << " records)\n";
    constexpr size_t kShownIds = 20;
    auto listIds = [&](const char* what, const std::vector<std::string>& ids) {
        if (ids.empty())
            return;
        out << "  " << what << " (" << ids.size() << ", oldest first):";
        for (size_t id_idx = 0; id_idx < std::min(kShownIds, ids.size()); ++id_idx)
            out << " " << ids[id_idx];
        if (ids.size() > kShownIds)
            out << " ... (--json lists all)";
        out << "\n";
    };
    for (size_t stage_idx = 1; stage_idx < report.hopLatency.size() && report.stageNames.size() > 2; ++stage_idx) {
        const LatencySummary& hop = report.hopLatency[stage_idx];
        out << "  hop " << report.stageNames[stage_idx - 1] << " -> " << report.stageNames[stage_idx] << " ms: p50 " << hop.p50 << ", p99 " << hop.p99
            << ", max " << hop.max << " (" << hop.count << ")\n";
    }
    for (size_t stage_idx = 0; stage_idx < report.health.size() && stage_idx < report.stageNames.size(); ++stage_idx)
        if (report.health[stage_idx].state != StageHealthState::Ok)
            out << "  stage " << report.stageNames[stage_idx] << ": " << ingest::stageHealthName(report.health[stage_idx].state) << ": "
                << report.health[stage_idx].why << "\n";
    listIds("stuck", report.stuckIds);
    listIds("lost", report.lostIds);
    for (const auto& [reason, count] : report.rejectedByReason)
        out << "  rejected " << reason << ": " << count << "\n";
    return out.str();
}

} // namespace slatrack::monitor

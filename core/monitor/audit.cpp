#include "audit.hpp"

#include "batch_apply.hpp"
#include "monitor.hpp"
#include "snapshot_builder.hpp"
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
int64_t wallNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void summarizeInto(AuditReport& report, engine::JoinEngine& engine, std::vector<engine::LostRecord>& lost)
{
    report.perStage = engine.totals();
    const auto& first = report.perStage.front();
    const auto& last = report.perStage.back();
    report.incoming = first.seen - first.duplicates;
    report.processed = last.seen - last.duplicates;
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
        for (size_t reason_idx = 0; reason_idx < rejectedByReason.size(); ++reason_idx)
            rejectedByReason[reason_idx] += counters.rejected[reason_idx];
    }
    for (size_t reason_idx = 0; reason_idx < rejectedByReason.size(); ++reason_idx)
        if (rejectedByReason[reason_idx] > 0)
            report.rejectedByReason.emplace_back(engine::rejectReasonName(static_cast<engine::RejectReason>(reason_idx)), rejectedByReason[reason_idx]);
    report.latency = summarize(engine.totalEndToEnd());
    for (const auto& record : engine.oldestStuck(SIZE_MAX))
        report.stuckIds.push_back(record.id);
    std::sort(lost.begin(), lost.end(), [](const engine::LostRecord& a, const engine::LostRecord& b) {
        return std::tie(a.t0Ms, a.id) < std::tie(b.t0Ms, b.id);
    });
    for (const auto& record : lost)
        report.lostIds.push_back(record.id);

    if (report.stuck > 0)
        report.breaches.push_back(std::to_string(report.stuck) + " record(s) stuck longer than the SLA");
    if (report.lost > 0)
        report.breaches.push_back(std::to_string(report.lost) + " record(s) lost (open longer than the window)");
    if (report.latency.count > 0 && report.latency.p99 > report.slaMs)
        report.breaches.push_back("latency p99 " + std::to_string(report.latency.p99) + " ms exceeds the SLA of " + std::to_string(report.slaMs) + " ms");
}

} // namespace

AuditOutcome runAudit(const config::PipelineConfig& config, const AuditRange& range,
                      const std::function<void(const std::string&)>& log)
{
    AuditOutcome outcome;
    if (range.toMs <= range.fromMs) {
        outcome.error = "--to must be after --from";
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
    for (;;) {
        for (auto batch = queue.pop(std::chrono::milliseconds(50)); batch; batch = queue.pop(std::chrono::milliseconds(0)))
            applyBatch(engine, *batch, config, samples, wallNowMs());
        // Judge as we go: keeps memory to the window even on long ranges.
        engine.advance(range.toMs);
        auto evicted = engine.takeLost();
        lost.insert(lost.end(), std::make_move_iterator(evicted.begin()), std::make_move_iterator(evicted.end()));
        const ingest::SourceStatus status = source.status();
        if (!status.fatalError.empty()) {
            source.stop();
            outcome.error = status.fatalError;
            return outcome;
        }
        if (status.finished)
            break;
        if (!status.started && steadyMs() - startedMs > range.connectTimeoutMs) {
            source.stop();
            outcome.error = "could not read the topics from " + config.kafka.brokers + " within " + std::to_string(range.connectTimeoutMs / 1000) +
                            " s" + (status.lastError.empty() ? std::string() : ": " + status.lastError);
            return outcome;
        }
    }
    source.stop();
    for (auto batch = queue.pop(std::chrono::milliseconds(0)); batch; batch = queue.pop(std::chrono::milliseconds(0)))
        applyBatch(engine, *batch, config, samples, wallNowMs());
    engine.finishAt(range.toMs);
    auto evicted = engine.takeLost();
    lost.insert(lost.end(), std::make_move_iterator(evicted.begin()), std::make_move_iterator(evicted.end()));

    AuditReport& report = outcome.report;
    report.pipeline = config.pipeline;
    for (const auto& stage : config.stages)
        report.stageNames.push_back(stage.name);
    report.range = range;
    report.slaMs = config.sla.count();
    report.windowMs = config.window.count();
    report.rejectedSamples.assign(samples.begin(), samples.end());
    report.skippedOutOfRange = source.status().skippedOutOfRange;
    summarizeInto(report, engine, lost);
    outcome.ok = true;
    return outcome;
}

std::string auditReportJson(const AuditReport& report)
{
    nlohmann::json perStage = nlohmann::json::array();
    for (size_t stage_idx = 0; stage_idx < report.perStage.size(); ++stage_idx) {
        const auto& counters = report.perStage[stage_idx];
        perStage.push_back({{"stage", report.stageNames[stage_idx]}, {"seen", counters.seen}, {"duplicates", counters.duplicates},
                            {"early", counters.early}, {"orphans", counters.orphans}, {"stuck_declared", counters.stuck},
                            {"lost", counters.lost}, {"rejected", counters.rejectedTotal()}, {"out_of_order", counters.outOfOrder}});
    }
    nlohmann::json rejectedByReason = nlohmann::json::object();
    for (const auto& [reason, count] : report.rejectedByReason)
        rejectedByReason[reason] = count;
    const nlohmann::json out = {
        {"pipeline", report.pipeline},
        {"from", formatRfc3339(report.range.fromMs)},
        {"to", formatRfc3339(report.range.toMs)},
        {"from_ms", report.range.fromMs},
        {"to_ms", report.range.toMs},
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
        {"rejected", report.rejected},
        {"rejected_by_reason", rejectedByReason},
        {"rejected_samples", report.rejectedSamples},
        {"skipped_out_of_range", report.skippedOutOfRange},
        {"latency_ms", {{"count", report.latency.count}, {"p50", report.latency.p50}, {"p90", report.latency.p90}, {"p95", report.latency.p95}, {"p99", report.latency.p99}, {"max", report.latency.max}}},
        {"stuck_ids", report.stuckIds},
        {"lost_ids", report.lostIds},
        {"per_stage", perStage},
    };
    return out.dump(2);
}

std::string auditReportText(const AuditReport& report)
{
    std::ostringstream out;
    out << "slatrack audit of " << report.pipeline << ": " << formatRfc3339(report.range.fromMs) << " .. " << formatRfc3339(report.range.toMs)
        << " (SLA " << report.slaMs << " ms)\n";
    out << "  " << (report.withinSla() ? "WITHIN SLA" : "SLA BREACHED") << "\n";
    for (const auto& breach : report.breaches)
        out << "    - " << breach << "\n";
    out << "  incoming " << report.incoming << ", processed " << report.processed << ", matched " << report.matched << "\n";
    out << "  open " << report.open << ", stuck " << report.stuck << ", lost " << report.lost << ", early " << report.early << "\n";
    out << "  duplicates " << report.duplicates << ", orphans " << report.orphans << ", late " << report.late << ", rejected " << report.rejected << "\n";
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
    listIds("stuck", report.stuckIds);
    listIds("lost", report.lostIds);
    for (const auto& [reason, count] : report.rejectedByReason)
        out << "  rejected " << reason << ": " << count << "\n";
    return out.str();
}

} // namespace slatrack::monitor

// The audit path: every message produced to an embedded broker, then
// monitor::runAudit over the fixture's range, as `slatrack audit --json`
// runs it (the exit code is derived the way app/audit_command derives it).
#include "broker.hpp"
#include "paths.hpp"
#include "producer.hpp"

#include "core/monitor/audit.hpp"

namespace slatrack::scenario {

namespace {

constexpr int kExitWithinSla = 0;
constexpr int kExitBreached = 1;
constexpr int kExitError = 2;
constexpr int kExitNoData = 3;
constexpr int64_t kConnectTimeoutMs = 15'000;

} // namespace

Observed runAuditPath(const Fixture& fixture)
{
    Observed observed;
    const auto broker = startBroker(fixture);
    std::vector<const FixtureMessage*> messages;
    for (const FixtureMessage& message : fixture.messages)
        messages.push_back(&message);
    if (const std::string problem = produce(broker->bootstrapServers(), messages); !problem.empty()) {
        observed.error = "the runner could not produce the fixture: " + problem;
        return observed;
    }
    const config::LoadResult loaded = loadFixtureConfig(fixture, broker->bootstrapServers());
    if (noteConfigErrors(loaded, observed)) {
        observed.exitCode = kExitError;
        return observed;
    }
    monitor::AuditRange range;
    range.toMs = fixture.toMs.value_or(fixture.nowMs);
    range.fromMs = fixture.fromMs.value_or(range.toMs - loaded.config->window.count());  // audit_command's default
    range.connectTimeoutMs = kConnectTimeoutMs;
    range.nowMs = fixture.nowMs;  // what --to is clamped to: the fixture's "now"

    monitor::AuditOutcome outcome;
    try {
        outcome = monitor::runAudit(*loaded.config, range, [](const std::string&) {});
    } catch (const std::exception& error) {
        observed.error = std::string("runAudit threw (slatrack audit aborts here): ") + error.what();
        return observed;
    }
    if (!outcome.ok) {
        observed.error = outcome.error;  // e.g. a configured topic that does not exist, named
        observed.exitCode = kExitError;
        return observed;
    }
    const monitor::AuditReport& report = outcome.report;
    // What an operator or CI reads: the JSON must exist and parse.
    try {
        const std::string json = monitor::auditReportJson(report);
        if (nlohmann::json::parse(json, nullptr, false).is_discarded()) {
            observed.error = "audit --json printed text that is not JSON";
            return observed;
        }
        observed.describe = monitor::auditReportText(report);
    } catch (const std::exception& error) {
        observed.error = std::string("auditReportJson threw (audit --json aborts here): ") + error.what();
        return observed;
    }
    observed.exitCode = report.noData ? kExitNoData : (report.withinSla() ? kExitWithinSla : kExitBreached);

    engine::Gauges gauges;
    gauges.open = report.open + report.stuck;
    gauges.stuck = report.stuck;
    gauges.early = report.early;
    fillCounts(observed, report.perStage, gauges);
    // The report's own totals, not recomputed: they are what is printed.
    observed.counts["incoming"] = report.incoming;
    observed.counts["processed"] = report.processed;
    observed.counts["matched"] = report.matched;
    observed.counts["lost"] = report.lost;
    observed.counts["duplicates"] = report.duplicates;
    observed.counts["orphans"] = report.orphans;
    observed.counts["late"] = report.late;
    observed.counts["late_after_lost"] = report.lateAfterLost;
    observed.counts["before_scope"] = report.beforeScope;
    observed.rejected.clear();
    for (const auto& [reason, count] : report.rejectedByReason)
        observed.rejected[reason] = count;
    observed.stuckIds = report.stuckIds;
    observed.lostIds = report.lostIds;
    observed.skippedOutOfRange = report.skippedOutOfRange;
    observed.latency = LatencySeen{report.latency.count, report.latency.max};
    std::map<std::string, LatencySeen> hops;
    for (size_t stage_idx = 1; stage_idx < report.hopLatency.size() && stage_idx < report.stageNames.size(); ++stage_idx)
        hops[report.stageNames[stage_idx]] = LatencySeen{report.hopLatency[stage_idx].count, report.hopLatency[stage_idx].max};
    observed.hops = hops;
    return observed;
}

} // namespace slatrack::scenario

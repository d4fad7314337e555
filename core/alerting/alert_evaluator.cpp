#include "alert_evaluator.hpp"

#include "core/config/duration_parse.hpp"

#include <algorithm>

namespace slatrack::alerting {

namespace {

constexpr size_t kMaxDedupKey = 255;  // PagerDuty's limit
// The pipeline part of a dedup_key; the rule name is at most 100 (config).
constexpr size_t kMaxPipelineInKey = 120;

nlohmann::json healthDetails(const monitor::MonitorSnapshot& snapshot)
{
    nlohmann::json stages = nlohmann::json::array();
    for (size_t stage = 0; stage < snapshot.health.size(); ++stage) {
        const monitor::StageHealth& health = snapshot.health[stage];
        stages.push_back({{"stage", stage < snapshot.stageNames.size() ? snapshot.stageNames[stage] : std::to_string(stage)},
                          {"health", ingest::stageHealthName(health.state)},
                          {"why", health.why}});
    }
    return stages;
}

} // namespace

const char* pageActionName(PageEvent::Action action)
{
    return action == PageEvent::Action::Trigger ? "trigger" : "resolve";
}

AlertEvaluator::AlertEvaluator(const config::PipelineConfig& config, std::string host)
    : m_pipeline(config.pipeline), m_host(std::move(host)), m_linkLeadInMs(config.alerts.linkLeadIn.count())
{
    for (const config::AlertRuleConfig& rule : config.alerts.rules)
        m_rules.push_back(Rule{rule, RuleTracker(rule.forDuration.count(), rule.keepFiringFor.count()), {}, {}, 0, false});
    m_status.resize(m_rules.size());
    for (size_t rule_idx = 0; rule_idx < m_rules.size(); ++rule_idx) {
        m_status[rule_idx].rule = m_rules[rule_idx].config.name;
        m_status[rule_idx].kind = m_rules[rule_idx].config.kind;
        m_status[rule_idx].severity = m_rules[rule_idx].config.severity;
    }
}

std::string AlertEvaluator::makeDedupKey(const std::string& pipeline, const std::string& rule, int64_t openedMs)
{
    std::string key = "slatrack:" + pipeline.substr(0, kMaxPipelineInKey) + ":" + rule + ":" + std::to_string(openedMs);
    if (key.size() > kMaxDedupKey)
        key.resize(kMaxDedupKey);
    return key;
}

void AlertEvaluator::restore(const std::vector<IncidentRecord>& openIncidents, int64_t nowMs)
{
    for (const IncidentRecord& incident : openIncidents) {
        auto found = std::find_if(m_rules.begin(), m_rules.end(), [&](const Rule& rule) { return rule.config.name == incident.rule; });
        if (found == m_rules.end() || found->tracker.incidentOpen()) {
            // A rule no longer configured (or a second open incident of one
            // rule, which the store should never hold): close it.
            m_orphanIncidents.push_back(incident);
            continue;
        }
        found->tracker.restoreFiring(incident.openedMs, nowMs);
        found->dedupKey = incident.dedupKey;
        found->openedMs = incident.openedMs;
        // Its trigger was queued before the restart; the outbox re-sends it
        // if it had not gone out. (Also when it was opened under a silence
        // and never paged: the store does not say, and a resolve of an
        // unknown dedup_key is ignored by PagerDuty, whereas a missing
        // resolve would leave an incident open for good.)
        found->paged = true;
    }
}

void AlertEvaluator::setSilences(std::vector<Silence> silences)
{
    m_silences = std::move(silences);
}

AlertState AlertEvaluator::worstState() const
{
    AlertState worst = AlertState::Normal;
    for (const RuleStatus& status : m_status) {
        if (alertStateRank(status.state) > alertStateRank(worst))
            worst = status.state;
    }
    return worst;
}

PageEvent AlertEvaluator::makePage(const Rule& rule, PageEvent::Action action, const Measurement& measurement,
                                   const monitor::MonitorSnapshot& snapshot, int64_t nowMs) const
{
    PageEvent page;
    page.action = action;
    page.dedupKey = rule.dedupKey;
    page.rule = rule.config.name;
    page.ruleKind = std::string(config::configName(rule.config.kind));
    page.severity = rule.config.severity;
    page.pipeline = m_pipeline;
    page.component = measurement.component.empty() ? "pipeline" : measurement.component;
    page.source = m_host;
    page.timestampMs = nowMs;
    page.value = measurement.value;
    page.labels = rule.config.labels;
    const int64_t start = rule.tracker.breachStartMs() >= 0 ? rule.tracker.breachStartMs() : rule.openedMs;
    page.fromMs = std::min(start, rule.openedMs > 0 ? rule.openedMs : start) - m_linkLeadInMs;
    page.toMs = nowMs;
    const std::string text = measurement.verdict == Verdict::CantJudge ? measurement.why : measurement.text;
    if (action == PageEvent::Action::Trigger) {
        page.summary = "[" + std::string(config::configName(rule.config.severity)) + "] " + rule.config.name + ": " + text;
        if (start >= 0 && nowMs > start)
            page.summary += " for " + config::formatDuration(std::chrono::milliseconds(nowMs - start));
    } else {
        page.summary = "[resolved] " + rule.config.name + ": " + text;
    }
    const StuckView stuck = unsilencedStuck(snapshot, m_silences, nowMs);
    for (const engine::StuckRecord* record : stuck.records) {
        if (page.oldestStuckIds.size() >= PageEvent::kPagedStuckIds)
            break;
        page.oldestStuckIds.push_back(record->id);
    }
    page.details = {
        {"rule", rule.config.name},
        {"kind", page.ruleKind},
        {"value", measurement.value},
        {"text", text},
        {"open", snapshot.gauges.open},
        {"stuck", snapshot.gauges.stuck},
        {"stuck_silenced_in_sample", stuck.silencedInSample},
        {"lost_total", snapshot.lostTotal()},
        {"orphans_total", snapshot.orphanTotal()},
        {"p99_ms_last_60s", snapshot.latencyLastMinute.p99},
        {"completed_last_60s", snapshot.latencyLastMinute.count},
        {"sla_ms", snapshot.slaMs},
        {"stages", healthDetails(snapshot)},
    };
    return page;
}

AlertUpdate AlertEvaluator::evaluate(const monitor::MonitorSnapshot& snapshot, const AlertContext& context, int64_t nowMs)
{
    AlertUpdate update;
    for (const IncidentRecord& orphan : m_orphanIncidents) {
        update.resolved.emplace_back(orphan.dedupKey, nowMs);
        update.transitions.push_back({nowMs, orphan.rule, AlertState::Firing, AlertState::Resolved, orphan.dedupKey,
                                      "the rule is no longer configured"});
        PageEvent page;
        page.action = PageEvent::Action::Resolve;
        page.dedupKey = orphan.dedupKey;
        page.rule = orphan.rule;
        page.summary = "[resolved] " + orphan.rule + ": the rule is no longer configured";
        page.pipeline = m_pipeline;
        page.component = "pipeline";
        page.source = m_host;
        page.timestampMs = nowMs;
        page.fromMs = orphan.openedMs - m_linkLeadInMs;
        page.toMs = nowMs;
        update.pages.push_back(std::move(page));
    }
    m_orphanIncidents.clear();

    for (size_t rule_idx = 0; rule_idx < m_rules.size(); ++rule_idx) {
        Rule& rule = m_rules[rule_idx];
        MeasureInputs inputs{&snapshot, &context, &m_silences, nowMs, 0};
        if (rule.config.kind == config::RuleKind::Lost)
            inputs.increase = rule.increase.add(nowMs, snapshot.lostTotal(), rule.config.over.count());
        else if (rule.config.kind == config::RuleKind::Orphans)
            inputs.increase = rule.increase.add(nowMs, snapshot.orphanTotal(), rule.config.over.count());
        const Measurement measurement = measureRule(rule.config, inputs);
        const RuleTracker::Step step = rule.tracker.step(measurement.verdict, nowMs);
        if (step.opened) {
            rule.openedMs = nowMs;
            rule.dedupKey = makeDedupKey(m_pipeline, rule.config.name, nowMs);
            rule.paged = false;
            update.opened.push_back({rule.dedupKey, rule.config.name, nowMs});
        }
        const bool silenced = ruleSilenced(m_silences, rule.config.name, nowMs);
        // A silence that expires while the incident is open lets its
        // trigger out then; a silenced incident that ends unpaged sends nothing.
        if (rule.tracker.incidentOpen() && !rule.paged && !silenced) {
            update.pages.push_back(makePage(rule, PageEvent::Action::Trigger, measurement, snapshot, nowMs));
            rule.paged = true;
        }
        const std::string key = rule.dedupKey;
        if (step.resolved) {
            if (rule.paged)
                update.pages.push_back(makePage(rule, PageEvent::Action::Resolve, measurement, snapshot, nowMs));
            update.resolved.emplace_back(rule.dedupKey, nowMs);
            rule.dedupKey.clear();
            rule.paged = false;
        }
        if (step.changed()) {
            update.transitions.push_back({nowMs, rule.config.name, step.from, step.to, key,
                                          measurement.verdict == Verdict::CantJudge ? measurement.why : measurement.text});
        }
        RuleStatus& status = m_status[rule_idx];
        if (step.changed())
            status.sinceMs = nowMs;
        status.state = rule.tracker.state();
        status.judgedState = rule.tracker.judgedState();
        status.text = measurement.text;
        status.why = measurement.why;
        status.dedupKey = rule.dedupKey;
        status.silenced = silenced;
        status.value = measurement.value;
    }
    return update;
}

} // namespace slatrack::alerting

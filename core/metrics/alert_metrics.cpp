#include "alert_metrics.hpp"

#include "metric_families.hpp"

namespace slatrack::metrics {

void appendAlertMetrics(const alerting::AlertingService& alerts, const std::string& pipeline, int64_t nowMs,
                        std::vector<prometheus::MetricFamily>& out)
{
    using prometheus::MetricType;
    const Labels base{{"pipeline", pipeline}};
    static const std::vector<std::string> kStates = [] {
        std::vector<std::string> names;
        for (auto state : {alerting::AlertState::Normal, alerting::AlertState::Pending, alerting::AlertState::Firing, alerting::AlertState::Recovering,
                           alerting::AlertState::Resolved, alerting::AlertState::CantJudge})
            names.emplace_back(alerting::alertStateName(state));
        return names;
    }();

    prometheus::MetricFamily state = makeFamily("slatrack_alert_state", "The alert rule's state; 1 for the current one.", MetricType::Gauge);
    prometheus::MetricFamily silenced = makeFamily("slatrack_alert_silenced", "1 while a silence covers the rule.", MetricType::Gauge);
    for (const alerting::RuleStatus& rule : alerts.rules()) {
        const Labels ruleLabels = withLabel(base, "rule", rule.rule);
        addStateSet(state,
                    withLabel(withLabel(ruleLabels, "kind", std::string(config::configName(rule.kind))), "severity",
                              std::string(config::configName(rule.severity))),
                    "state", kStates, alerting::alertStateName(rule.state));
        addSample(silenced, ruleLabels, rule.silenced ? 1.0 : 0.0);
    }
    out.push_back(std::move(state));
    out.push_back(std::move(silenced));

    const nlohmann::ordered_json status = alerts.statusJson(nowMs);
    prometheus::MetricFamily pages = makeFamily("slatrack_alert_pages", "Pages in the outbox by delivery state.", MetricType::Gauge);
    for (const char* pageState : {"queued", "retrying", "sent", "failed"}) {
        const auto& counts = status["pages"];
        addSample(pages, withLabel(base, "state", pageState), counts.contains(pageState) ? counts[pageState].get<double>() : 0.0);
    }
    out.push_back(std::move(pages));
    addSingle(out, "slatrack_alert_outbox_store_failing", "1 while the outbox cannot write the store (pages are kept in memory and still sent).",
              MetricType::Gauge, base, status.contains("outbox_store_error") ? 1.0 : 0.0);
}

} // namespace slatrack::metrics

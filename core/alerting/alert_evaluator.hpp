#pragma once

#include "alert_events.hpp"
#include "alert_state.hpp"
#include "rule_measure.hpp"
#include "silence.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <cstdint>
#include <string>
#include <vector>

// The one evaluator of the alert rules (issue #11): every published
// MonitorSnapshot goes through evaluate(), which moves each rule's state
// machine and says what to record and page. The UI, the headless status and
// the pagers are meant to read its status() so they agree.
//
// Threading: one owner thread (the engine thread, or whoever receives the
// snapshots); no locks inside. It does no I/O: restore() takes what the
// caller read from the store, evaluate() returns what to write and send.
namespace slatrack::alerting {

struct RuleStatus {
    std::string rule;
    config::RuleKind kind = config::RuleKind::Latency;
    config::Severity severity = config::Severity::Error;
    AlertState state = AlertState::Normal;
    AlertState judgedState = AlertState::Normal;  // under cant_judge: where it was
    int64_t sinceMs = 0;
    std::string text;      // the latest numbers
    std::string why;       // cant_judge: why
    std::string dedupKey;  // of the open incident, empty when none
    bool silenced = false;
    double value = 0;
};

class AlertEvaluator {
public:
    // `host` is the pages' source. Rules come from config.alerts.
    AlertEvaluator(const config::PipelineConfig& config, std::string host);

    // Incidents still open in the store after a restart: their rules start
    // firing with the same dedup_key, so the next evaluation either keeps
    // them (no second incident, no second trigger) or resolves them.
    // Incidents of rules no longer configured are resolved on the next evaluate().
    void restore(const std::vector<IncidentRecord>& openIncidents, int64_t nowMs);
    void setSilences(std::vector<Silence> silences);
    const std::vector<Silence>& silences() const { return m_silences; }

    AlertUpdate evaluate(const monitor::MonitorSnapshot& snapshot, const AlertContext& context, int64_t nowMs);

    const std::vector<RuleStatus>& status() const { return m_status; }
    // The state the alerts tile shows: the worst rule.
    AlertState worstState() const;

    // "slatrack:<pipeline>:<rule>:<opened ms>", at most 255 characters.
    static std::string makeDedupKey(const std::string& pipeline, const std::string& rule, int64_t openedMs);

private:
    struct Rule {
        config::AlertRuleConfig config;
        RuleTracker tracker;
        IncreaseWindow increase;
        std::string dedupKey;
        int64_t openedMs = 0;
        bool paged = false;  // a trigger went out for this incident (not while silenced)
    };

    PageEvent makePage(const Rule& rule, PageEvent::Action action, const Measurement& measurement,
                       const monitor::MonitorSnapshot& snapshot, int64_t nowMs) const;

    std::string m_pipeline;
    std::string m_host;
    int64_t m_linkLeadInMs = 0;
    std::vector<Rule> m_rules;
    std::vector<IncidentRecord> m_orphanIncidents;  // restored, rule gone: resolve
    std::vector<Silence> m_silences;
    std::vector<RuleStatus> m_status;
};

} // namespace slatrack::alerting

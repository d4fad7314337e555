#pragma once

#include "alert_state.hpp"

#include "core/config/alerts_config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// What one evaluation produced, as plain values the evaluator's thread
// hands to the outbox thread (which writes them to the store and sends
// the pages). No secret is ever in here: pagers add their keys at send time.
namespace slatrack::alerting {

struct TransitionRecord {
    int64_t atMs = 0;
    std::string rule;
    AlertState from = AlertState::Normal;
    AlertState to = AlertState::Normal;
    std::string dedupKey;  // of the incident, when one is open or closes
    std::string detail;    // the numbers, or why it cannot judge
};

struct IncidentRecord {
    std::string dedupKey;
    std::string rule;
    int64_t openedMs = 0;
};

// One page about one incident, before it is shaped for a pager kind
// (page_payload.hpp).
struct PageEvent {
    enum class Action { Trigger, Resolve };
    Action action = Action::Trigger;
    std::string dedupKey;       // <= 255 chars, the same for trigger and resolve
    std::string rule;
    std::string ruleKind;
    config::Severity severity = config::Severity::Error;
    std::string summary;        // with the numbers; cut to 1024 by the payload builder
    std::string pipeline;
    std::string component;      // the stage, "pipeline", "store" or "slatrack"
    std::string source;         // the host slatrack runs on
    int64_t timestampMs = 0;    // wall clock of the evaluation
    int64_t fromMs = 0;         // the deep link's range
    int64_t toMs = 0;
    double value = 0;
    std::map<std::string, std::string> labels;
    nlohmann::json details = nlohmann::json::object();  // counts, health
    std::vector<std::string> oldestStuckIds;            // at most kPagedStuckIds, silenced ones left out
    static constexpr size_t kPagedStuckIds = 20;
};
const char* pageActionName(PageEvent::Action action);  // trigger | resolve

struct AlertUpdate {
    std::vector<TransitionRecord> transitions;
    std::vector<IncidentRecord> opened;
    std::vector<std::pair<std::string, int64_t>> resolved;  // dedup_key, at
    std::vector<PageEvent> pages;
    bool empty() const { return transitions.empty() && opened.empty() && resolved.empty() && pages.empty(); }
};

} // namespace slatrack::alerting

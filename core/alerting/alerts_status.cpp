#include "alerts_status.hpp"

#include <algorithm>

namespace slatrack::alerting {

nlohmann::ordered_json alertsStatusJson(const std::vector<RuleStatus>& rules, AlertState worst, const std::vector<OutboxEntry>& pages,
                                        const std::string& outboxStoreError, int64_t nowMs, size_t maxPages)
{
    nlohmann::ordered_json ruleList = nlohmann::ordered_json::array();
    for (const RuleStatus& rule : rules) {
        nlohmann::ordered_json item{{"rule", rule.rule},
                                    {"kind", config::configName(rule.kind)},
                                    {"severity", config::configName(rule.severity)},
                                    {"state", alertStateName(rule.state)},
                                    {"since_ms", rule.sinceMs}};
        if (rule.state == AlertState::CantJudge) {
            item["judged_state"] = alertStateName(rule.judgedState);
            item["why"] = rule.why;
        } else {
            item["text"] = rule.text;
        }
        if (!rule.dedupKey.empty())
            item["dedup_key"] = rule.dedupKey;
        if (rule.silenced)
            item["silenced"] = true;
        ruleList.push_back(std::move(item));
    }

    nlohmann::ordered_json counts{{"queued", 0}, {"retrying", 0}, {"sent", 0}, {"failed", 0}};
    for (const OutboxEntry& page : pages) {
        if (counts.contains(page.state))
            counts[page.state] = counts[page.state].get<int64_t>() + 1;
    }
    std::vector<const OutboxEntry*> listed;
    for (const OutboxEntry& page : pages) {
        if (page.state == "queued" || page.state == "retrying")
            listed.push_back(&page);
    }
    for (auto it = pages.rbegin(); it != pages.rend() && listed.size() < maxPages; ++it) {
        if (it->state != "queued" && it->state != "retrying")
            listed.push_back(&*it);
    }
    if (listed.size() > maxPages)
        listed.resize(maxPages);
    nlohmann::ordered_json pageList = nlohmann::ordered_json::array();
    for (const OutboxEntry* page : listed) {
        nlohmann::ordered_json item{{"pager", page->pager},   {"action", page->action},     {"dedup_key", page->dedupKey},
                                    {"state", page->state},   {"attempts", page->attempts}, {"created_ms", page->createdMs}};
        if (page->lastHttpStatus != 0)
            item["http_status"] = page->lastHttpStatus;
        if (!page->lastError.empty())
            item["error"] = page->lastError;
        if (page->state == "retrying")
            item["next_try_in_ms"] = std::max<int64_t>(page->nextTryMs - nowMs, 0);
        pageList.push_back(std::move(item));
    }
    nlohmann::ordered_json out{{"worst", alertStateName(worst)}, {"rules", ruleList}, {"pages", counts}, {"recent_pages", pageList}};
    if (!outboxStoreError.empty())
        out["outbox_store_error"] = outboxStoreError;
    return out;
}

AlertContext::Store storeHealthFrom(const store::StoreWriterStatus& status)
{
    AlertContext::Store out;
    using State = store::StoreWriterStatus::State;
    out.failing = status.state == State::Unavailable || status.state == State::InUse || status.state == State::Refused;
    out.error = status.error;
    out.failingSinceMs = status.failingSinceMs;
    return out;
}

} // namespace slatrack::alerting

#include "page_payload.hpp"

#include "core/monitor/deep_link.hpp"
#include "core/time/rfc3339.hpp"

#include <nlohmann/json.hpp>

namespace slatrack::alerting {

namespace {

using nlohmann::json;

std::string dump(const json& value)
{
    // replace: an opaque ID that is not UTF-8 must not throw half-way
    // through a page.
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json stuckIds(const PageEvent& event, size_t count)
{
    json ids = json::array();
    for (size_t id_idx = 0; id_idx < count && id_idx < event.oldestStuckIds.size(); ++id_idx)
        ids.push_back(cutUtf8(event.oldestStuckIds[id_idx], kMaxPagedIdBytes));
    return ids;
}

// Builds with `idCount` stuck IDs; the caller drops IDs until it fits.
std::string pagerDutyWith(const PageEvent& event, size_t idCount)
{
    json out{{"event_action", pageActionName(event.action)}, {"dedup_key", event.dedupKey}};
    if (event.action == PageEvent::Action::Resolve)
        return dump(out);  // PagerDuty needs only the key to resolve
    json details = event.details;
    details["oldest_stuck_ids"] = stuckIds(event, idCount);
    details["labels"] = event.labels;
    details["pipeline"] = event.pipeline;
    out["payload"] = {
        {"summary", cutUtf8(event.summary, kMaxSummaryBytes)},
        {"severity", config::configName(event.severity)},
        {"source", event.source},
        {"timestamp", rfc3339::formatMs(event.timestampMs)},
        {"component", event.component},
        {"group", event.pipeline},
        {"class", event.ruleKind},
        {"custom_details", details},
    };
    out["links"] = json::array({{{"href", deepLink(event.pipeline, event.fromMs, event.toMs)}, {"text", "Open in slatrack"}}});
    out["client"] = "slatrack";
    return dump(out);
}

std::string webhookWith(const PageEvent& event, size_t idCount)
{
    const json out{
        {"version", 1},
        {"event", pageActionName(event.action)},
        {"dedup_key", event.dedupKey},
        {"rule", event.rule},
        {"kind", event.ruleKind},
        {"severity", config::configName(event.severity)},
        {"summary", cutUtf8(event.summary, kMaxSummaryBytes)},
        {"pipeline", event.pipeline},
        {"component", event.component},
        {"source", event.source},
        {"timestamp", rfc3339::formatMs(event.timestampMs)},
        {"value", event.value},
        {"labels", event.labels},
        {"details", event.details},
        {"oldest_stuck_ids", stuckIds(event, idCount)},
        {"link", deepLink(event.pipeline, event.fromMs, event.toMs)},
    };
    return dump(out);
}

// Details without any entry whose text is over 1 KB (the numbers stay).
PageEvent withSmallDetails(const PageEvent& event)
{
    constexpr size_t kMaxDetailBytes = 1024;
    PageEvent out = event;
    out.details = json::object();
    for (const auto& [name, value] : event.details.items()) {
        if (dump(value).size() <= kMaxDetailBytes)
            out.details[name] = value;
    }
    out.details["truncated"] = "custom details cut to fit PagerDuty's 512 KB event limit";
    return out;
}

template <typename Build>
std::string fitting(const PageEvent& event, Build build)
{
    // Leave room for the routing key added at send time.
    constexpr size_t kBudget = kMaxEventBytes - 1024;
    size_t ids = std::min(event.oldestStuckIds.size(), PageEvent::kPagedStuckIds);
    std::string text = build(event, ids);
    while (text.size() > kBudget && ids > 0)
        text = build(event, --ids);
    if (text.size() <= kBudget)
        return text;
    // Still too big: large details go (the summary, the counts and the
    // deep link stay; the store has the rest).
    const PageEvent smaller = withSmallDetails(event);
    ids = std::min(event.oldestStuckIds.size(), PageEvent::kPagedStuckIds);
    text = build(smaller, ids);
    while (text.size() > kBudget && ids > 0)
        text = build(smaller, --ids);
    return text;
}

} // namespace

std::string cutUtf8(const std::string& text, size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    constexpr std::string_view kMark = "...";
    size_t cut = maxBytes > kMark.size() ? maxBytes - kMark.size() : 0;
    // Back up over continuation bytes (10xxxxxx) to a character start.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + std::string(kMark.substr(0, std::min(kMark.size(), maxBytes)));
}

std::string deepLink(const std::string& pipeline, int64_t fromMs, int64_t toMs)
{
    return monitor::formatDeepLink(monitor::DeepLink{pipeline, fromMs, toMs, std::nullopt});
}

std::string pagerDutyPayload(const PageEvent& event)
{
    return fitting(event, pagerDutyWith);
}

std::string webhookPayload(const PageEvent& event)
{
    return fitting(event, webhookWith);
}

std::string payloadFor(config::PagerKind kind, const PageEvent& event)
{
    return kind == config::PagerKind::PagerDuty ? pagerDutyPayload(event) : webhookPayload(event);
}

std::string withRoutingKey(const std::string& payload, const std::string& routingKey)
{
    json event = json::parse(payload, nullptr, false);
    if (!event.is_object())
        return {};
    event["routing_key"] = routingKey;
    return dump(event);
}

} // namespace slatrack::alerting

#pragma once

#include "alert_events.hpp"

#include "core/config/alerts_config.hpp"

#include <cstddef>
#include <string>

// A PageEvent shaped for one pager kind, as the JSON text the outbox keeps.
// The text never holds a secret: PagerDuty's routing_key is added by
// withRoutingKey() at send time and the webhook's signature is computed
// then (page_sender.hpp). Pure functions; any thread.
namespace slatrack::alerting {

inline constexpr size_t kMaxSummaryBytes = 1024;        // PagerDuty Events API v2
inline constexpr size_t kMaxEventBytes = 512 * 1024;    // PagerDuty Events API v2
// An ID longer than this is cut in a page (opaque IDs may be anything);
// the full ID is in the store and one click away in the deep link.
inline constexpr size_t kMaxPagedIdBytes = 256;

// PagerDuty Events API v2 event without routing_key: trigger with payload
// (summary, severity, source, timestamp, component, group, class,
// custom_details) and links; resolve with dedup_key only.
std::string pagerDutyPayload(const PageEvent& event);
// The generic webhook's JSON body.
std::string webhookPayload(const PageEvent& event);
std::string payloadFor(config::PagerKind kind, const PageEvent& event);

// slatrack://open?pipeline=<pct-encoded>&from=<RFC 3339>&to=<RFC 3339>
std::string deepLink(const std::string& pipeline, int64_t fromMs, int64_t toMs);

// The event text with "routing_key" set, for the request body only.
// Returns an empty string when `payload` is not a JSON object.
std::string withRoutingKey(const std::string& payload, const std::string& routingKey);

// At most `maxBytes`, cut at a UTF-8 character boundary, "..." marking the cut.
std::string cutUtf8(const std::string& text, size_t maxBytes);

} // namespace slatrack::alerting

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/secret.hpp"

// The `alerts` section of a pipeline config (DESIGN.md "Alerting"): the SLA
// rules and the pagers they go to. Plain values built by alerts_parse.hpp;
// read-only afterwards, so any thread may read a const one.
namespace slatrack::config {

enum class RuleKind {
    Latency,          // a latency percentile, end to end or of one hop, over a threshold
    Stuck,            // records stuck now (open longer than the SLA) over a count
    Lost,             // records lost within the last `over` over a count
    Orphans,          // orphans within the last `over` over a count
    ThroughputStall,  // incoming flows (>= min_rate), processed does not
    Freshness,        // a stage's newest data older than a threshold
    ConsumerLag,      // the pipeline's consumer group behind by more than a count
    StageBlind,       // slatrack cannot see a stage (or stopped): the watcher's own alarm
    StoreFailing,     // the SQLite store cannot be written
};

enum class Severity { Critical, Error, Warning, Info };  // PagerDuty's four

enum class Percentile { P50, P90, P95, P99, Max };

struct AlertRuleConfig {
    std::string name;  // unique; shown in pages and the UI
    RuleKind kind = RuleKind::Latency;
    // Latency: absent = end to end; else the hop *into* this stage (not the first).
    // Freshness, ConsumerLag, StageBlind: absent = every stage (blind) / the
    // last stage (freshness) / every stage with consumer groups (lag).
    std::optional<std::string> stage;
    Percentile percentile = Percentile::P99;                 // Latency
    std::chrono::milliseconds thresholdMs{0};                 // Latency, Freshness
    uint64_t thresholdCount = 0;                              // Stuck, Lost, Orphans, ConsumerLag: fires when above
    std::chrono::milliseconds over = std::chrono::minutes(5);  // Lost, Orphans: the look-back
    double minRate = 1.0;                                     // ThroughputStall: incoming records/s that count as flowing
    std::chrono::milliseconds forDuration{0};      // breached this long before it fires
    std::chrono::milliseconds keepFiringFor{0};    // fine this long before it resolves
    Severity severity = Severity::Error;
    std::map<std::string, std::string> labels;     // passed to pages as they are

    friend bool operator==(const AlertRuleConfig&, const AlertRuleConfig&) = default;
};

enum class PagerKind { PagerDuty, Webhook };

inline constexpr std::string_view kPagerDutyDefaultUrl = "https://events.pagerduty.com/v2/enqueue";
inline constexpr std::string_view kDefaultSignatureHeader = "X-Slatrack-Signature";

struct PagerConfig {
    std::string name;  // unique; the outbox row names the pager, never its key
    PagerKind kind = PagerKind::PagerDuty;
    std::string url;   // PagerDuty: kPagerDutyDefaultUrl unless given
    // PagerDuty: the integration's routing key (required). Webhook: the
    // HMAC-SHA256 secret (optional; no signature header without it).
    std::optional<Secret> secret;
    std::string signatureHeader{kDefaultSignatureHeader};  // Webhook
    // Rules of at least this severity go to this pager (Info = all).
    Severity minSeverity = Severity::Info;

    friend bool operator==(const PagerConfig&, const PagerConfig&) = default;
};

struct AlertsConfig {
    std::vector<AlertRuleConfig> rules;
    bool rulesAreDefaults = true;  // no "rules" given: derived from the SLA
    std::vector<PagerConfig> pagers;
    // The deep link's window before an incident's start, so the operator
    // sees the lead-up ("slatrack://open?...&from=").
    std::chrono::milliseconds linkLeadIn = std::chrono::minutes(15);

    friend bool operator==(const AlertsConfig&, const AlertsConfig&) = default;
};

// Spellings in the config file ("latency", "critical", "p99", "pagerduty").
std::string_view configName(RuleKind kind);
std::string_view configName(Severity severity);
std::string_view configName(Percentile percentile);
std::string_view configName(PagerKind kind);

} // namespace slatrack::config

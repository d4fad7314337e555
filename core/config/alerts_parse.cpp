#include "core/config/alerts_parse.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "core/config/duration_parse.hpp"
#include "core/config/secret_ref.hpp"

namespace slatrack::config {
namespace {

using nlohmann::json;

constexpr std::string_view kExpectedRule =
    R"(an object like {"name": "p99", "kind": "latency", "threshold": "30s", "for": "2m", "severity": "critical"})";
constexpr std::string_view kExpectedPager =
    R"(an object like {"name": "pd", "type": "pagerduty", "routing_key": {"env": "PD_ROUTING_KEY"}})";
// PagerDuty's dedup_key is at most 255 characters and ours is built from
// the pipeline and the rule name; a longer name would only be cut.
constexpr std::size_t kMaxRuleNameLength = 100;

std::optional<Severity> severityFrom(std::string_view text)
{
    if (text == "critical") return Severity::Critical;
    if (text == "error") return Severity::Error;
    if (text == "warning") return Severity::Warning;
    if (text == "info") return Severity::Info;
    return std::nullopt;
}

std::optional<RuleKind> kindFrom(std::string_view text)
{
    for (RuleKind kind : {RuleKind::Latency, RuleKind::Stuck, RuleKind::Lost, RuleKind::Orphans, RuleKind::ThroughputStall,
                          RuleKind::Freshness, RuleKind::ConsumerLag, RuleKind::StageBlind, RuleKind::StoreFailing}) {
        if (configName(kind) == text)
            return kind;
    }
    return std::nullopt;
}

std::optional<Percentile> percentileFrom(std::string_view text)
{
    for (Percentile p : {Percentile::P50, Percentile::P90, Percentile::P95, Percentile::P99, Percentile::Max}) {
        if (configName(p) == text)
            return p;
    }
    return std::nullopt;
}

std::optional<Severity> readSeverity(Diagnostics& diag, const json& value, const std::string& path)
{
    const std::optional<std::string> text = readChoice(diag, value, path, {"critical", "error", "warning", "info"});
    return text ? severityFrom(*text) : std::nullopt;
}

// A count that may be 0 ("stuck above 0"), unlike readPositiveInteger.
std::optional<uint64_t> readCount(Diagnostics& diag, const json& value, const std::string& path)
{
    if (value.is_number_unsigned())
        return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0)
        return static_cast<uint64_t>(value.get<int64_t>());
    diag.expected(path, "a whole number of records, 0 or more", value);
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> readNonNegativeDuration(Diagnostics& diag, const json& object, const std::string& parent,
                                                                 std::string_view key)
{
    const json* value = optionalField(object, key);
    if (value == nullptr)
        return std::nullopt;
    return readDuration(diag, *value, childPath(parent, key));
}

bool stageExists(const PipelineConfig& config, const std::string& name)
{
    return std::any_of(config.stages.begin(), config.stages.end(), [&](const StageConfig& stage) { return stage.name == name; });
}

std::string stageList(const PipelineConfig& config)
{
    std::string out;
    for (const StageConfig& stage : config.stages)
        out += (out.empty() ? "" : ", ") + jsonQuoted(stage.name);
    return out;
}

std::optional<AlertRuleConfig> readRule(Diagnostics& diag, const json& value, const std::string& path, const PipelineConfig& config)
{
    if (!expectObject(diag, value, path, kExpectedRule))
        return std::nullopt;
    checkKeys(diag, value, path,
              {"name", "kind", "stage", "percentile", "threshold", "over", "min_rate", "for", "keep_firing_for", "severity", "labels"});
    const std::size_t errorsBefore = diag.errorCount();
    AlertRuleConfig rule;
    if (const json* name = requiredField(diag, value, path, "name", "a non-empty string naming the rule")) {
        rule.name = readNonEmptyString(diag, *name, childPath(path, "name")).value_or("");
        if (rule.name.size() > kMaxRuleNameLength)
            diag.error(childPath(path, "name"), "expected at most " + std::to_string(kMaxRuleNameLength) +
                                                    " characters (it is part of the page's dedup_key), got " +
                                                    std::to_string(rule.name.size()));
    }
    if (const json* kind = requiredField(diag, value, path, "kind",
                                         "one of latency, stuck, lost, orphans, throughput_stall, freshness, consumer_lag, stage_blind, store_failing")) {
        const std::optional<std::string> text =
            readChoice(diag, *kind, childPath(path, "kind"),
                       {"latency", "stuck", "lost", "orphans", "throughput_stall", "freshness", "consumer_lag", "stage_blind", "store_failing"});
        if (!text)
            return std::nullopt;
        rule.kind = *kindFrom(*text);
    } else {
        return std::nullopt;
    }

    const bool takesStage = rule.kind == RuleKind::Latency || rule.kind == RuleKind::Freshness ||
                            rule.kind == RuleKind::ConsumerLag || rule.kind == RuleKind::StageBlind;
    if (const json* stage = optionalField(value, "stage")) {
        if (!takesStage) {
            diag.error(childPath(path, "stage"), "a " + std::string(configName(rule.kind)) + " rule covers the whole pipeline and takes no stage");
        } else if (std::optional<std::string> name = readNonEmptyString(diag, *stage, childPath(path, "stage"))) {
            if (!stageExists(config, *name))
                diag.error(childPath(path, "stage"), "expected one of the stages " + stageList(config) + ", got " + jsonQuoted(*name));
            else if (rule.kind == RuleKind::Latency && !config.stages.empty() && config.stages.front().name == *name)
                diag.error(childPath(path, "stage"), "expected a later stage: a hop's latency is measured into a stage, and " +
                                                         jsonQuoted(*name) + " is where records enter");
            rule.stage = std::move(*name);
        }
    }

    const bool takesDuration = rule.kind == RuleKind::Latency || rule.kind == RuleKind::Freshness;
    const bool takesCount = rule.kind == RuleKind::Stuck || rule.kind == RuleKind::Lost || rule.kind == RuleKind::Orphans ||
                            rule.kind == RuleKind::ConsumerLag;
    if (const json* threshold = optionalField(value, "threshold")) {
        const std::string thresholdPath = childPath(path, "threshold");
        if (takesDuration) {
            if (std::optional<std::chrono::milliseconds> ms = readDuration(diag, *threshold, thresholdPath)) {
                if (ms->count() <= 0)
                    diag.expected(thresholdPath, "a duration greater than 0", *threshold);
                rule.thresholdMs = *ms;
            }
        } else if (takesCount) {
            rule.thresholdCount = readCount(diag, *threshold, thresholdPath).value_or(0);
        } else {
            diag.error(thresholdPath, "a " + std::string(configName(rule.kind)) + " rule takes no threshold");
        }
    } else if (takesDuration) {
        if (rule.kind == RuleKind::Latency)
            rule.thresholdMs = config.sla;  // the SLA is what latency is held to
        else
            diag.error(childPath(path, "threshold"), R"(missing; expected a duration like "10m": how old the newest data may be)");
    } else if (rule.kind == RuleKind::ConsumerLag) {
        diag.error(childPath(path, "threshold"), "missing; expected the number of messages the group may be behind");
    }

    if (const json* percentile = optionalField(value, "percentile")) {
        if (rule.kind != RuleKind::Latency) {
            diag.error(childPath(path, "percentile"), "only a latency rule takes a percentile");
        } else if (std::optional<std::string> text = readChoice(diag, *percentile, childPath(path, "percentile"), {"p50", "p90", "p95", "p99", "max"})) {
            rule.percentile = *percentileFrom(*text);
        }
    }
    if (const json* over = optionalField(value, "over")) {
        if (rule.kind != RuleKind::Lost && rule.kind != RuleKind::Orphans) {
            diag.error(childPath(path, "over"), "only lost and orphans rules take a look-back (over)");
        } else if (std::optional<std::chrono::milliseconds> ms = readDuration(diag, *over, childPath(path, "over"))) {
            if (ms->count() <= 0)
                diag.expected(childPath(path, "over"), "a duration greater than 0", *over);
            rule.over = *ms;
        }
    }
    if (const json* minRate = optionalField(value, "min_rate")) {
        if (rule.kind != RuleKind::ThroughputStall)
            diag.error(childPath(path, "min_rate"), "only a throughput_stall rule takes min_rate");
        else if (!minRate->is_number() || minRate->get<double>() <= 0)
            diag.expected(childPath(path, "min_rate"), "incoming records per second above 0, e.g. 1", *minRate);
        else
            rule.minRate = minRate->get<double>();
    }
    if (auto forDuration = readNonNegativeDuration(diag, value, path, "for"))
        rule.forDuration = *forDuration;
    if (auto keep = readNonNegativeDuration(diag, value, path, "keep_firing_for"))
        rule.keepFiringFor = *keep;
    if (const json* severity = optionalField(value, "severity"))
        rule.severity = readSeverity(diag, *severity, childPath(path, "severity")).value_or(Severity::Error);
    if (const json* labels = optionalField(value, "labels")) {
        const std::string labelsPath = childPath(path, "labels");
        if (expectObject(diag, *labels, labelsPath, R"(an object of strings like {"team": "orders"})")) {
            for (const auto& [key, text] : labels->items()) {
                if (!text.is_string())
                    diag.expected(bracketPath(labelsPath, key), "a string", text);
                else
                    rule.labels.emplace(key, text.get<std::string>());
            }
        }
    }
    if (diag.errorCount() != errorsBefore)
        return std::nullopt;
    return rule;
}

std::optional<PagerConfig> readPager(Diagnostics& diag, const json& value, const std::string& path, const std::filesystem::path& baseDir)
{
    if (!expectObject(diag, value, path, kExpectedPager))
        return std::nullopt;
    checkKeys(diag, value, path, {"name", "type", "url", "routing_key", "secret", "signature_header", "min_severity"});
    const std::size_t errorsBefore = diag.errorCount();
    PagerConfig pager;
    if (const json* name = requiredField(diag, value, path, "name", "a non-empty string naming the pager"))
        pager.name = readNonEmptyString(diag, *name, childPath(path, "name")).value_or("");
    const json* type = requiredField(diag, value, path, "type", "pagerduty or webhook");
    if (type == nullptr)
        return std::nullopt;
    const std::optional<std::string> typeText = readChoice(diag, *type, childPath(path, "type"), {"pagerduty", "webhook"});
    if (!typeText)
        return std::nullopt;
    pager.kind = *typeText == "pagerduty" ? PagerKind::PagerDuty : PagerKind::Webhook;

    if (const json* url = optionalField(value, "url")) {
        pager.url = readNonEmptyString(diag, *url, childPath(path, "url")).value_or("");
        if (!pager.url.empty() && pager.url.rfind("https://", 0) != 0 && pager.url.rfind("http://", 0) != 0)
            diag.expected(childPath(path, "url"), "an http:// or https:// URL", *url);
    } else if (pager.kind == PagerKind::PagerDuty) {
        pager.url = std::string(kPagerDutyDefaultUrl);
    } else {
        diag.error(childPath(path, "url"), "missing; expected the URL the webhook POSTs to");
    }

    // The key lives in the environment or a file, never in the config or
    // the store: the outbox row names the pager and the key is added at send time.
    const std::string_view secretKey = pager.kind == PagerKind::PagerDuty ? "routing_key" : "secret";
    const std::string_view otherKey = pager.kind == PagerKind::PagerDuty ? "secret" : "routing_key";
    if (optionalField(value, otherKey) != nullptr)
        diag.error(childPath(path, otherKey), "a " + *typeText + " pager takes " + std::string(secretKey) + ", not " + std::string(otherKey));
    if (const json* secret = optionalField(value, secretKey)) {
        const std::string secretPath = childPath(path, secretKey);
        if (!isSecretRef(*secret))
            // Not diag.expected(): "got <value>" would print the key the
            // operator just pasted into the file.
            diag.error(secretPath, R"(expected a secret reference {"env": "NAME"} or {"file": "PATH"} (never the key itself), got a )" +
                                       std::string(secret->type_name()) + " (not shown: it may be the key)");
        else
            pager.secret = readSecretRef(diag, *secret, secretPath, baseDir);
    } else if (pager.kind == PagerKind::PagerDuty) {
        diag.error(childPath(path, "routing_key"), R"(missing; expected the integration's routing key as {"env": "NAME"} or {"file": "PATH"})");
    }
    if (const json* header = optionalField(value, "signature_header")) {
        if (pager.kind != PagerKind::Webhook)
            diag.error(childPath(path, "signature_header"), "only a webhook pager signs its requests");
        else
            pager.signatureHeader = readNonEmptyString(diag, *header, childPath(path, "signature_header")).value_or("");
    }
    if (const json* severity = optionalField(value, "min_severity"))
        pager.minSeverity = readSeverity(diag, *severity, childPath(path, "min_severity")).value_or(Severity::Info);
    if (diag.errorCount() != errorsBefore)
        return std::nullopt;
    return pager;
}

AlertRuleConfig makeRule(std::string name, RuleKind kind, std::chrono::milliseconds forDuration, std::chrono::milliseconds keep,
                         Severity severity)
{
    AlertRuleConfig rule;
    rule.name = std::move(name);
    rule.kind = kind;
    rule.forDuration = forDuration;
    rule.keepFiringFor = keep;
    rule.severity = severity;
    return rule;
}

} // namespace

std::vector<AlertRuleConfig> defaultAlertRules(const PipelineConfig& config)
{
    using std::chrono::minutes;
    using std::chrono::seconds;
    // `for` rides out one slow minute; keep_firing_for stops a value hovering
    // at the threshold from resolving and re-opening every few seconds.
    std::vector<AlertRuleConfig> rules;
    AlertRuleConfig p99 = makeRule("latency_p99", RuleKind::Latency, minutes(1), minutes(5), Severity::Critical);
    p99.percentile = Percentile::P99;
    p99.thresholdMs = config.sla;
    rules.push_back(p99);
    // A stuck record is already one open longer than the SLA.
    rules.push_back(makeRule("stuck", RuleKind::Stuck, minutes(1), minutes(5), Severity::Error));
    rules.push_back(makeRule("lost", RuleKind::Lost, seconds(0), minutes(5), Severity::Error));
    rules.push_back(makeRule("orphans", RuleKind::Orphans, seconds(0), minutes(5), Severity::Warning));
    rules.push_back(makeRule("throughput_stall", RuleKind::ThroughputStall, minutes(2), minutes(1), Severity::Critical));
    // blind_after has already waited; 30 s more keeps a broker restart quiet.
    rules.push_back(makeRule("stage_blind", RuleKind::StageBlind, seconds(30), seconds(30), Severity::Critical));
    rules.push_back(makeRule("store_failing", RuleKind::StoreFailing, minutes(1), seconds(30), Severity::Warning));
    return rules;
}

void readAlerts(Diagnostics& diag, const json& root, const std::filesystem::path& baseDir, PipelineConfig& config)
{
    AlertsConfig& alerts = config.alerts;
    alerts = AlertsConfig{};
    const json* section = optionalField(root, "alerts");
    if (section == nullptr) {
        alerts.rules = defaultAlertRules(config);
        return;
    }
    if (!expectObject(diag, *section, "alerts", "an object with rules and pagers"))
        return;
    checkKeys(diag, *section, "alerts", {"rules", "pagers", "link_lead_in"});
    if (const json* rules = optionalField(*section, "rules")) {
        alerts.rulesAreDefaults = false;
        if (!rules->is_array()) {
            diag.expected("alerts.rules", "an array of rules", *rules);
        } else {
            std::set<std::string> names;
            for (std::size_t rule_idx = 0; rule_idx < rules->size(); ++rule_idx) {
                const std::string path = indexPath("alerts.rules", rule_idx);
                std::optional<AlertRuleConfig> rule = readRule(diag, (*rules)[rule_idx], path, config);
                if (!rule)
                    continue;
                if (!names.insert(rule->name).second) {
                    diag.error(childPath(path, "name"), "expected a name no other rule has, got " + jsonQuoted(rule->name) + " again");
                    continue;
                }
                alerts.rules.push_back(std::move(*rule));
            }
        }
    } else {
        alerts.rules = defaultAlertRules(config);
    }
    if (const json* pagers = optionalField(*section, "pagers")) {
        if (!pagers->is_array()) {
            diag.expected("alerts.pagers", "an array of pagers", *pagers);
        } else {
            std::set<std::string> names;
            for (std::size_t pager_idx = 0; pager_idx < pagers->size(); ++pager_idx) {
                const std::string path = indexPath("alerts.pagers", pager_idx);
                std::optional<PagerConfig> pager = readPager(diag, (*pagers)[pager_idx], path, baseDir);
                if (!pager)
                    continue;
                if (!names.insert(pager->name).second) {
                    diag.error(childPath(path, "name"), "expected a name no other pager has, got " + jsonQuoted(pager->name) + " again");
                    continue;
                }
                alerts.pagers.push_back(std::move(*pager));
            }
        }
    }
    if (auto leadIn = readNonNegativeDuration(diag, *section, "alerts", "link_lead_in"))
        alerts.linkLeadIn = *leadIn;
}

nlohmann::ordered_json describeAlerts(const AlertsConfig& alerts)
{
    // Written in the input format, so that the logged config reads back to
    // the same meaning (test describeForLogRoundTrips). Default rules are
    // left out: they follow from the SLA. A secret is written as its
    // reference (the variable name or file path), never its value.
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    if (!alerts.rulesAreDefaults) {
        nlohmann::ordered_json rules = nlohmann::ordered_json::array();
        for (const AlertRuleConfig& rule : alerts.rules) {
            nlohmann::ordered_json item{{"name", rule.name}, {"kind", configName(rule.kind)}};
            if (rule.stage)
                item["stage"] = *rule.stage;
            if (rule.kind == RuleKind::Latency)
                item["percentile"] = configName(rule.percentile);
            if (rule.kind == RuleKind::Latency || rule.kind == RuleKind::Freshness)
                item["threshold"] = formatDuration(rule.thresholdMs);
            if (rule.kind == RuleKind::Stuck || rule.kind == RuleKind::Lost || rule.kind == RuleKind::Orphans ||
                rule.kind == RuleKind::ConsumerLag)
                item["threshold"] = rule.thresholdCount;
            if (rule.kind == RuleKind::Lost || rule.kind == RuleKind::Orphans)
                item["over"] = formatDuration(rule.over);
            if (rule.kind == RuleKind::ThroughputStall)
                item["min_rate"] = rule.minRate;
            item["for"] = formatDuration(rule.forDuration);
            item["keep_firing_for"] = formatDuration(rule.keepFiringFor);
            item["severity"] = configName(rule.severity);
            if (!rule.labels.empty())
                item["labels"] = rule.labels;
            rules.push_back(std::move(item));
        }
        out["rules"] = std::move(rules);
    }
    nlohmann::ordered_json pagers = nlohmann::ordered_json::array();
    for (const PagerConfig& pager : alerts.pagers) {
        nlohmann::ordered_json item{{"name", pager.name}, {"type", configName(pager.kind)}, {"url", pager.url}};
        if (pager.secret) {
            const std::string_view key = pager.kind == PagerKind::PagerDuty ? "routing_key" : "secret";
            if (pager.secret->source() == Secret::Source::File)
                item[key] = {{"file", pager.secret->origin()}};
            else
                item[key] = {{"env", pager.secret->origin()}};
        }
        if (pager.kind == PagerKind::Webhook)
            item["signature_header"] = pager.signatureHeader;
        item["min_severity"] = configName(pager.minSeverity);
        pagers.push_back(std::move(item));
    }
    if (!pagers.empty())
        out["pagers"] = std::move(pagers);
    out["link_lead_in"] = formatDuration(alerts.linkLeadIn);
    return out;
}

std::string_view configName(RuleKind kind)
{
    switch (kind) {
    case RuleKind::Latency: return "latency";
    case RuleKind::Stuck: return "stuck";
    case RuleKind::Lost: return "lost";
    case RuleKind::Orphans: return "orphans";
    case RuleKind::ThroughputStall: return "throughput_stall";
    case RuleKind::Freshness: return "freshness";
    case RuleKind::ConsumerLag: return "consumer_lag";
    case RuleKind::StageBlind: return "stage_blind";
    case RuleKind::StoreFailing: return "store_failing";
    }
    return "unknown";
}

std::string_view configName(Severity severity)
{
    switch (severity) {
    case Severity::Critical: return "critical";
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    }
    return "error";
}

std::string_view configName(Percentile percentile)
{
    switch (percentile) {
    case Percentile::P50: return "p50";
    case Percentile::P90: return "p90";
    case Percentile::P95: return "p95";
    case Percentile::P99: return "p99";
    case Percentile::Max: return "max";
    }
    return "p99";
}

std::string_view configName(PagerKind kind)
{
    return kind == PagerKind::PagerDuty ? "pagerduty" : "webhook";
}

} // namespace slatrack::config

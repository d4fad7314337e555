#include "core/config/config_loader.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/config/alerts_parse.hpp"
#include "core/config/duration_parse.hpp"
#include "core/config/engine_limits.hpp"
#include "core/config/json_fields.hpp"
#include "core/config/metrics_parse.hpp"
#include "core/config/secret_ref.hpp"
#include "core/config/small_file.hpp"
#include "core/config/stage_parse.hpp"

namespace slatrack::config {
namespace {

using nlohmann::json;

// A config is a page of text; anything bigger is the wrong file.
constexpr std::uintmax_t kMaxConfigFileBytes = 4 * 1024 * 1024;
constexpr std::string_view kExpectedPropertyValue =
    R"(a string, number, boolean or secret reference {"env": "NAME"} / {"file": "PATH"})";

// Plain-text values of these properties are credentials: they are kept as a
// Secret so that describeForLog() masks them even when written inline.
bool isCredentialProperty(std::string_view name)
{
    return name.find("password") != std::string_view::npos || name.find("secret") != std::string_view::npos ||
           name == "ssl.key.pem" || name == "sasl.oauthbearer.config";
}

void readProperties(Diagnostics& diag, const json& properties, const std::string& path,
                    const std::filesystem::path& baseDir, KafkaConfig& kafka)
{
    if (!expectObject(diag, properties, path, "an object of librdkafka properties"))
        return;
    for (const auto& [name, value] : properties.items()) {
        const std::string propertyPath = bracketPath(path, name);
        if (name.empty()) {
            diag.error(propertyPath, "expected a librdkafka property name, got an empty key");
            continue;
        }
        if (name == "bootstrap.servers" || name == "metadata.broker.list") {
            diag.error(propertyPath, "expected the brokers in kafka.brokers, got them as a property");
            continue;
        }
        if (name == "group.id") {
            diag.error(propertyPath, "expected the consumer group in kafka.group_id, got it as a property");
            continue;
        }
        if (value.is_object()) {
            if (std::optional<Secret> secret = readSecretRef(diag, value, propertyPath, baseDir))
                kafka.properties.emplace(name, std::move(*secret));
        } else if (value.is_string() || value.is_number() || value.is_boolean()) {
            // librdkafka takes every property as text; 20 and true become "20" and "true".
            std::string text = value.is_string() ? value.get<std::string>() : value.dump();
            if (isCredentialProperty(name))
                kafka.properties.emplace(name, Secret(std::move(text), Secret::Source::Inline, {}));
            else
                kafka.properties.emplace(name, std::move(text));
        } else {
            diag.expected(propertyPath, kExpectedPropertyValue, value);
        }
    }
}

void readKafka(Diagnostics& diag, const json& root, const std::filesystem::path& baseDir, PipelineConfig& config)
{
    const json* kafka = requiredField(diag, root, "", "kafka", "an object with brokers, group_id and properties");
    if (kafka == nullptr || !expectObject(diag, *kafka, "kafka", "an object with brokers, group_id and properties"))
        return;
    checkKeys(diag, *kafka, "kafka", {"brokers", "group_id", "properties"});
    if (const json* brokers = requiredField(diag, *kafka, "kafka", "brokers", R"(a string like "host1:9092,host2:9092")"))
        config.kafka.brokers = readNonEmptyString(diag, *brokers, "kafka.brokers").value_or("");
    if (const json* groupId = optionalField(*kafka, "group_id"))
        config.kafka.groupId = readNonEmptyString(diag, *groupId, "kafka.group_id").value_or("");
    else
        config.kafka.groupId = "slatrack-" + config.pipeline;
    if (const json* properties = optionalField(*kafka, "properties"))
        readProperties(diag, *properties, "kafka.properties", baseDir, config.kafka);
}

// A duration field that must be > 0; keeps `target` (the default) when absent.
bool readPositiveDuration(Diagnostics& diag, const json& root, std::string_view key, Milliseconds& target)
{
    const json* value = optionalField(root, key);
    if (value == nullptr)
        return true;
    const std::optional<Milliseconds> duration = readDuration(diag, *value, key);
    if (!duration)
        return false;
    if (duration->count() <= 0) {
        diag.expected(std::string(key), "a duration greater than 0", *value);
        return false;
    }
    target = *duration;
    return true;
}

// An optional positive duration with an upper bound the engine (or the
// health rules) can hold; `why` says where the bound comes from.
bool readBoundedDuration(Diagnostics& diag, const json& root, std::string_view key, Milliseconds& target,
                         Milliseconds max, std::string_view why)
{
    Milliseconds value = target;
    if (!readPositiveDuration(diag, root, key, value))
        return false;
    if (value > max) {
        // `target` keeps its default so that fields derived from it (the
        // dedup horizon from the window) do not repeat this error.
        diag.error(std::string(key), "expected at most " + formatDuration(max) + " (" + std::string(why) + "), got " +
                                         formatDuration(value));
        return false;
    }
    target = value;
    return true;
}

// "window (1h)" or "window (1h, the default)", for messages comparing with it.
std::string windowText(const json& root, const PipelineConfig& config)
{
    return "window (" + formatDuration(config.window) + (optionalField(root, "window") ? ")" : ", the default)");
}

// "record_url": where the operator's other tool shows a record, e.g.
// "https://admin.example/orders/{id}"; the drill-down opens it with the ID
// URL-encoded in place of {id}. Only http(s), so a config cannot make the
// GUI launch a local program by URL scheme.
void readRecordUrl(Diagnostics& diag, const json& root, PipelineConfig& config)
{
    const json* value = optionalField(root, "record_url");
    if (!value)
        return;
    const std::optional<std::string> text = readNonEmptyString(diag, *value, "record_url");
    if (!text)
        return;
    const bool web = text->starts_with("https://") || text->starts_with("http://");
    if (!web || text->find("{id}") == std::string::npos || text->size() > kMaxRecordUrlBytes) {
        diag.error("record_url", "expected an http:// or https:// URL of at most " + std::to_string(kMaxRecordUrlBytes) +
                                     " bytes containing {id} (where the record ID goes), got \"" + text->substr(0, 80) + "\"");
        return;
    }
    config.recordUrl = *text;
}

// "store": the history store's file, or "none" (no store).
void readStorePath(Diagnostics& diag, const json& root, const std::filesystem::path& baseDir, PipelineConfig& config)
{
    const json* value = optionalField(root, "store");
    if (!value)
        return;
    const std::optional<std::string> text = readNonEmptyString(diag, *value, "store");
    if (!text)
        return;
    config.storePath = *text == "none" || std::filesystem::path(*text).is_absolute() ? *text : (baseDir / *text).lexically_normal().string();
}

std::optional<PipelineConfig> readPipeline(Diagnostics& diag, const json& root, const std::filesystem::path& baseDir)
{
    if (!root.is_object()) {
        diag.expected("", "a JSON object at the top level", root);
        return std::nullopt;
    }
    checkKeys(diag, root, "",
              {"pipeline", "kafka", "id_format", "stages", "window", "sla", "grace", "max_open_records",
               "dedup_horizon", "max_clock_skew", "blind_after", "behind_threshold",
               "record_url", "store", "metrics", "alerts"});

    PipelineConfig config;
    if (const json* pipeline = requiredField(diag, root, "", "pipeline", "a non-empty string naming the pipeline"))
        config.pipeline = readNonEmptyString(diag, *pipeline, "pipeline").value_or("");

    std::optional<IdFormat> idFormat = IdFormat::Opaque;
    if (const json* value = optionalField(root, "id_format")) {
        const std::optional<std::string> text = readChoice(diag, *value, "id_format", {"composite", "opaque"});
        if (!text)
            idFormat.reset();
        else
            idFormat = *text == "composite" ? IdFormat::Composite : IdFormat::Opaque;
    }
    config.idFormat = idFormat.value_or(IdFormat::Opaque);

    readKafka(diag, root, baseDir, config);
    readStages(diag, root, idFormat, config.stages);
    // slatrack reads its own group's position itself; naming it as the
    // pipeline's group would report slatrack's lag as the pipeline's.
    for (std::size_t stage_idx = 0; stage_idx < config.stages.size(); ++stage_idx) {
        const auto& groups = config.stages[stage_idx].consumerGroups;
        for (const std::string& group : groups) {
            if (!config.kafka.groupId.empty() && group == config.kafka.groupId)
                diag.error(childPath(indexPath("stages", stage_idx), "consumer_group"),
                           "expected the pipeline's own consumer group, got " + jsonQuoted(group) +
                               ", which is slatrack's (kafka.group_id)");
        }
    }

    const bool windowOk =
        readBoundedDuration(diag, root, "window", config.window, kMaxWindow, "the longest time the engine tracks a record");
    const bool slaOk = readPositiveDuration(diag, root, "sla", config.sla);
    const bool graceOk = readPositiveDuration(diag, root, "grace", config.grace);
    config.dedupHorizon = config.window;
    readBoundedDuration(diag, root, "dedup_horizon", config.dedupHorizon, kMaxDedupHorizon,
                        "the longest the engine remembers finished IDs");
    readBoundedDuration(diag, root, "max_clock_skew", config.maxClockSkew, kMaxClockSkew,
                        "composite IDs are trusted to be at most a day ahead");
    const bool blindOk = readPositiveDuration(diag, root, "blind_after", config.blindAfter);
    const bool behindOk = readPositiveDuration(diag, root, "behind_threshold", config.behindThreshold);
    if (blindOk && config.blindAfter < kMinBlindAfter) {
        diag.error("blind_after", "expected at least " + formatDuration(kMinBlindAfter) +
                                      " (fetch responses come every 100 ms; less would flap), got " +
                                      formatDuration(config.blindAfter));
    }
    if (const json* maxOpen = optionalField(root, "max_open_records")) {
        const std::optional<uint64_t> cap = readPositiveInteger(diag, *maxOpen, "max_open_records");
        config.maxOpenRecords = cap.value_or(0);
        if (cap && (*cap < kMinOpenRecords || *cap > kMaxOpenRecords)) {
            diag.error("max_open_records", "expected " + std::to_string(kMinOpenRecords) + " to " +
                                               std::to_string(kMaxOpenRecords) + ", got " + std::to_string(*cap));
        }
    }

    // A record is stuck after sla and lost after window, and an early record
    // waits grace inside the window: either limit at or past the window
    // would never fire. A stage must be found blind or catching up before
    // the window could declare its records lost on the wall clock.
    if (windowOk) {
        const std::string window = windowText(root, config);
        if (slaOk && config.sla >= config.window)
            diag.error("sla", "expected less than " + window + ", got " + formatDuration(config.sla));
        if (graceOk && config.grace >= config.window)
            diag.error("grace", "expected less than " + window + ", got " + formatDuration(config.grace));
        if (blindOk && config.blindAfter >= config.window)
            diag.error("blind_after", "expected less than " + window + ", got " + formatDuration(config.blindAfter));
        if (behindOk && config.behindThreshold >= config.window)
            diag.error("behind_threshold", "expected less than " + window + ", got " + formatDuration(config.behindThreshold));
    }

    readRecordUrl(diag, root, config);
    readStorePath(diag, root, baseDir, config);
    readMetrics(diag, root, config);
    readAlerts(diag, root, baseDir, config);  // after stages and sla: rules name stages, defaults use the SLA

    if (diag.errorCount() > 0)
        return std::nullopt;
    return config;
}

nlohmann::ordered_json describeIdSource(const IdSource& id)
{
    nlohmann::ordered_json out{{"from", configName(id.kind)}};
    if (id.kind == IdSource::Kind::JsonPointer)
        out["pointer"] = id.pointer;
    if (id.kind == IdSource::Kind::Header)
        out["name"] = id.headerName;
    return out;
}

nlohmann::ordered_json describeTimeSource(const TimeSource& time)
{
    nlohmann::ordered_json out{{"from", configName(time.kind)}};
    if (time.kind == TimeSource::Kind::JsonPointer) {
        out["pointer"] = time.pointer;
        out["format"] = configName(time.format);
    }
    return out;
}

} // namespace

LoadResult parseConfig(std::string_view text, std::string_view fileNameForMessages,
                       const std::filesystem::path& baseDir)
{
    Diagnostics diag{std::string(fileNameForMessages)};
    LoadResult result;
    if (const std::optional<json> root = parseJsonText(diag, text))
        result.config = readPipeline(diag, *root, baseDir);
    result.errors = diag.takeErrors();
    // Duplicate keys are reported by the text parser, after which the tree is
    // still readable: they must fail the load too.
    if (!result.errors.empty())
        result.config.reset();
    return result;
}

LoadResult loadConfigFile(const std::filesystem::path& path)
{
    const FileReadResult read = readSmallFile(path, kMaxConfigFileBytes);
    if (!read.content) {
        LoadResult result;
        result.errors.push_back(ConfigError{path.string(), {}, "cannot read the config file: " + read.error});
        return result;
    }
    // absolute(): a bare "orders.json" has an empty parent path, and secret
    // files must not resolve against whatever the working directory is later.
    std::error_code error;
    std::filesystem::path baseDir = std::filesystem::absolute(path, error).parent_path();
    if (error)
        baseDir = path.parent_path();
    return parseConfig(*read.content, path.string(), baseDir);
}

std::string describeForLog(const PipelineConfig& config)
{
    // ordered_json: the same order as in the file, so it reads like one.
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const auto& [name, value] : config.kafka.properties) {
        if (const auto* secret = std::get_if<Secret>(&value))
            properties[name] = secret->masked();
        else
            properties[name] = std::get<std::string>(value);
    }
    nlohmann::ordered_json stages = nlohmann::ordered_json::array();
    for (const StageConfig& stage : config.stages) {
        nlohmann::ordered_json described{{"name", stage.name},
                                         {"topics", stage.topics},
                                         {"id", describeIdSource(stage.id)},
                                         {"time", describeTimeSource(stage.time)}};
        if (!stage.consumerGroups.empty())
            described["consumer_group"] = stage.consumerGroups;
        stages.push_back(std::move(described));
    }
    nlohmann::ordered_json out{
        {"pipeline", config.pipeline},
        {"kafka", {{"brokers", config.kafka.brokers}, {"group_id", config.kafka.groupId}, {"properties", properties}}},
        {"id_format", configName(config.idFormat)},
        {"stages", stages},
        {"window", formatDuration(config.window)},
        {"sla", formatDuration(config.sla)},
        {"grace", formatDuration(config.grace)},
        {"dedup_horizon", formatDuration(config.dedupHorizon)},
        {"max_open_records", config.maxOpenRecords},
        {"max_clock_skew", formatDuration(config.maxClockSkew)},
        {"blind_after", formatDuration(config.blindAfter)},
        {"behind_threshold", formatDuration(config.behindThreshold)},
        {"alerts", describeAlerts(config.alerts)},
    };
    if (!config.recordUrl.empty())  // optional: absent, not null, so the description reads back as the same config
        out["record_url"] = config.recordUrl;
    if (!config.storePath.empty())
        out["store"] = config.storePath;
    if (!config.metricsListen.empty())
        out["metrics"] = config.metricsListen;
    return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace slatrack::config

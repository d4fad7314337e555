#include "core/config/stage_parse.hpp"

#include "core/config/engine_limits.hpp"

#include <algorithm>
#include <map>

namespace slatrack::config {
namespace {

using nlohmann::json;

// Kafka's own limit on topic name length.
constexpr std::size_t kMaxTopicNameLength = 249;

constexpr std::string_view kExpectedIdSource =
    R"(an object like {"from": "key"}, {"from": "json", "pointer": "/id"} or {"from": "header", "name": "record-id"})";
constexpr std::string_view kExpectedTimeSource =
    R"(an object like {"from": "kafka"}, {"from": "json", "pointer": "/ts", "format": "epoch_ms"} or {"from": "composite_id"})";
constexpr std::string_view kExpectedPointer = R"(a JSON pointer (RFC 6901) starting with '/', like "/order/id")";
constexpr std::string_view kExpectedConsumerGroup =
    R"(the pipeline's consumer group reading this stage's topics, like "processor-app", or an array of such names)";
// Kafka has no hard limit on group IDs; a name past this is a pasted
// paragraph, not a group, and would only make every lag line unreadable.
constexpr std::size_t kMaxConsumerGroupLength = 255;

bool isTopicName(std::string_view name)
{
    if (name.empty() || name.size() > kMaxTopicNameLength || name == "." || name == "..")
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    });
}

std::optional<std::string> readJsonPointer(Diagnostics& diag, const json& value, const std::string& path)
{
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        value.get_ref<const std::string&>().front() != '/') {
        diag.expected(path, kExpectedPointer, value);
        return std::nullopt;
    }
    const auto& pointer = value.get_ref<const std::string&>();
    for (std::size_t pos = 0; pos < pointer.size(); ++pos) {
        if (pointer[pos] == '~' && (pos + 1 == pointer.size() || (pointer[pos + 1] != '0' && pointer[pos + 1] != '1'))) {
            diag.error(path, "expected " + std::string(kExpectedPointer) + ", got " + describeJsonValue(value) +
                                 " ('~' must be followed by 0 or 1: ~0 means '~', ~1 means '/')");
            return std::nullopt;
        }
    }
    return pointer;
}

// The "from" of an extractor object; the caller then checks the other keys
// against what that kind allows.
std::optional<std::string> readFrom(Diagnostics& diag, const json& object, const std::string& path,
                                    std::initializer_list<std::string_view> kinds,
                                    std::string_view expectedFrom)
{
    const json* from = requiredField(diag, object, path, "from", expectedFrom);
    if (from == nullptr)
        return std::nullopt;
    return readChoice(diag, *from, childPath(path, "from"), kinds);
}

std::optional<IdSource> readIdSource(Diagnostics& diag, const json& value, const std::string& path)
{
    if (!expectObject(diag, value, path, kExpectedIdSource))
        return std::nullopt;
    const std::optional<std::string> from =
        readFrom(diag, value, path, {"key", "json", "header"}, R"(one of "key", "json", "header")");
    IdSource source;
    if (!from) {
        checkKeys(diag, value, path, {"from", "pointer", "name"});
        return std::nullopt;
    }
    if (*from == "key") {
        source.kind = IdSource::Kind::Key;
        checkKeys(diag, value, path, {"from"});
    } else if (*from == "json") {
        source.kind = IdSource::Kind::JsonPointer;
        checkKeys(diag, value, path, {"from", "pointer"});
        const json* pointer = requiredField(diag, value, path, "pointer", kExpectedPointer);
        if (pointer == nullptr)
            return std::nullopt;
        const std::optional<std::string> text = readJsonPointer(diag, *pointer, childPath(path, "pointer"));
        if (!text)
            return std::nullopt;
        source.pointer = *text;
    } else {
        source.kind = IdSource::Kind::Header;
        checkKeys(diag, value, path, {"from", "name"});
        const json* name = requiredField(diag, value, path, "name", "a non-empty string naming the header");
        if (name == nullptr)
            return std::nullopt;
        const std::optional<std::string> text = readNonEmptyString(diag, *name, childPath(path, "name"));
        if (!text)
            return std::nullopt;
        source.headerName = *text;
    }
    return source;
}

// `idFormat` is nullopt when id_format itself was invalid: the composite_id
// check is then skipped rather than reported as a second, derived error.
std::optional<TimeSource> readTimeSource(Diagnostics& diag, const json& value, const std::string& path,
                                         std::optional<IdFormat> idFormat)
{
    if (!expectObject(diag, value, path, kExpectedTimeSource))
        return std::nullopt;
    const std::optional<std::string> from =
        readFrom(diag, value, path, {"kafka", "json", "composite_id"}, R"(one of "kafka", "json", "composite_id")");
    TimeSource source;
    if (!from) {
        checkKeys(diag, value, path, {"from", "pointer", "format"});
        return std::nullopt;
    }
    if (*from == "kafka") {
        source.kind = TimeSource::Kind::KafkaTimestamp;
        checkKeys(diag, value, path, {"from"});
    } else if (*from == "composite_id") {
        source.kind = TimeSource::Kind::CompositeId;
        checkKeys(diag, value, path, {"from"});
        if (idFormat && *idFormat != IdFormat::Composite) {
            diag.error(childPath(path, "from"),
                       R"(expected "kafka" or "json" because id_format is "opaque" ("composite_id" needs id_format "composite"), got "composite_id")");
            return std::nullopt;
        }
    } else {
        source.kind = TimeSource::Kind::JsonPointer;
        checkKeys(diag, value, path, {"from", "pointer", "format"});
        const json* pointer = requiredField(diag, value, path, "pointer", kExpectedPointer);
        const json* format =
            requiredField(diag, value, path, "format", "one of epoch_s, epoch_ms, epoch_us, rfc3339");
        std::optional<std::string> pointerText;
        if (pointer != nullptr)
            pointerText = readJsonPointer(diag, *pointer, childPath(path, "pointer"));
        std::optional<std::string> formatText;
        if (format != nullptr)
            formatText = readChoice(diag, *format, childPath(path, "format"), {"epoch_s", "epoch_ms", "epoch_us", "rfc3339"});
        if (!pointerText || !formatText)
            return std::nullopt;
        source.pointer = *pointerText;
        if (*formatText == "epoch_s")
            source.format = TimeFormat::EpochSeconds;
        else if (*formatText == "epoch_ms")
            source.format = TimeFormat::EpochMillis;
        else if (*formatText == "epoch_us")
            source.format = TimeFormat::EpochMicros;
        else
            source.format = TimeFormat::Rfc3339;
    }
    return source;
}

// "consumer_group": one name or an array of names, each non-empty, at most
// kMaxConsumerGroupLength long, none twice in the stage.
std::vector<std::string> readConsumerGroups(Diagnostics& diag, const json& value, const std::string& path)
{
    std::vector<std::string> groups;
    const auto readOne = [&](const json& item, const std::string& itemPath) {
        if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
            item.get_ref<const std::string&>().size() > kMaxConsumerGroupLength) {
            diag.expected(itemPath, "a consumer group name (1 to " + std::to_string(kMaxConsumerGroupLength) + " characters)", item);
            return;
        }
        const std::string& name = item.get_ref<const std::string&>();
        if (std::find(groups.begin(), groups.end(), name) != groups.end()) {
            diag.error(itemPath, "expected each consumer group once per stage, got " + jsonQuoted(name) + " again");
            return;
        }
        groups.push_back(name);
    };
    if (value.is_string()) {
        readOne(value, path);
    } else if (value.is_array() && !value.empty()) {
        for (std::size_t group_idx = 0; group_idx < value.size(); ++group_idx)
            readOne(value[group_idx], indexPath(path, group_idx));
    } else {
        diag.expected(path, kExpectedConsumerGroup, value);
    }
    return groups;
}

StageConfig readStage(Diagnostics& diag, const json& value, const std::string& path,
                      std::optional<IdFormat> idFormat)
{
    StageConfig stage;
    if (!expectObject(diag, value, path, "a stage object with name, topics, id and time"))
        return stage;
    checkKeys(diag, value, path, {"name", "topics", "id", "time", "consumer_group"});

    if (const json* name = requiredField(diag, value, path, "name", "a non-empty string naming the stage"))
        stage.name = readNonEmptyString(diag, *name, childPath(path, "name")).value_or("");

    const std::string topicsPath = childPath(path, "topics");
    if (const json* topics = requiredField(diag, value, path, "topics", "a non-empty array of topic names")) {
        if (!topics->is_array() || topics->empty()) {
            diag.expected(topicsPath, "a non-empty array of topic names", *topics);
        } else {
            for (std::size_t topic_idx = 0; topic_idx < topics->size(); ++topic_idx) {
                const json& topic = (*topics)[topic_idx];
                if (!topic.is_string() || !isTopicName(topic.get_ref<const std::string&>())) {
                    diag.expected(indexPath(topicsPath, topic_idx),
                                  "a Kafka topic name (1 to 249 characters of a-z A-Z 0-9 . _ -)", topic);
                    stage.topics.emplace_back();  // keeps indexes aligned for the duplicate check
                    continue;
                }
                stage.topics.push_back(topic.get<std::string>());
            }
        }
    }

    if (const json* id = requiredField(diag, value, path, "id", kExpectedIdSource)) {
        if (std::optional<IdSource> source = readIdSource(diag, *id, childPath(path, "id")))
            stage.id = *source;
    }
    if (const json* time = optionalField(value, "time")) {
        if (std::optional<TimeSource> source = readTimeSource(diag, *time, childPath(path, "time"), idFormat))
            stage.time = *source;
    }
    if (const json* groups = optionalField(value, "consumer_group"))
        stage.consumerGroups = readConsumerGroups(diag, *groups, childPath(path, "consumer_group"));
    return stage;
}

} // namespace

void readStages(Diagnostics& diag, const json& root, std::optional<IdFormat> idFormat,
                std::vector<StageConfig>& stages)
{
    const json* list = requiredField(diag, root, "", "stages",
                                       "an array of at least 2 stages (incoming first, processed last)");
    if (list == nullptr)
        return;
    if (!list->is_array()) {
        diag.expected("stages", "an array of at least 2 stages (incoming first, processed last)", *list);
        return;
    }
    for (std::size_t stage_idx = 0; stage_idx < list->size(); ++stage_idx)
        stages.push_back(readStage(diag, (*list)[stage_idx], indexPath("stages", stage_idx), idFormat));
    if (stages.size() < kMinStageCount) {
        diag.error("stages", "expected at least 2 stages (incoming first, processed last), got " +
                                 std::to_string(stages.size()));
    } else if (stages.size() > kMaxStageCount) {
        diag.error("stages", "expected at most " + std::to_string(kMaxStageCount) + " stages, got " +
                                 std::to_string(stages.size()));
    }

    // The join keys records by stage, and a record's stage by its topic.
    std::map<std::string, std::size_t> stageByName;
    std::map<std::string, std::string> pathByTopic;
    for (std::size_t stage_idx = 0; stage_idx < stages.size(); ++stage_idx) {
        const StageConfig& stage = stages[stage_idx];
        const std::string stagePath = indexPath("stages", stage_idx);
        if (!stage.name.empty()) {
            const auto [existing, inserted] = stageByName.emplace(stage.name, stage_idx);
            if (!inserted) {
                diag.error(childPath(stagePath, "name"),
                           "expected a unique stage name, got " + jsonQuoted(stage.name) + " again (also " +
                               indexPath("stages", existing->second) + ".name)");
            }
        }
        for (std::size_t topic_idx = 0; topic_idx < stage.topics.size(); ++topic_idx) {
            const std::string& topic = stage.topics[topic_idx];
            if (topic.empty())
                continue;
            const std::string topicPath = indexPath(childPath(stagePath, "topics"), topic_idx);
            const auto [existing, inserted] = pathByTopic.emplace(topic, topicPath);
            if (!inserted) {
                diag.error(topicPath, "expected each topic in one stage only, got " + jsonQuoted(topic) +
                                          " again (also " + existing->second + ")");
            }
        }
    }
}

} // namespace slatrack::config

#include "fixture.hpp"

#include "core/config/duration_parse.hpp"
#include "core/engine/record_id.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace slatrack::scenario {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& what)
{
    throw FixtureError(file + ": " + field + ": " + what);
}

const json* optionalField(const json& object, const char* name)
{
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
}

std::string readText(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw FixtureError(file + ": cannot open the fixture file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string fromHex(const std::string& file, const std::string& field, const std::string& hex)
{
    std::string digits;
    for (const char ch : hex)
        if (ch != ' ')
            digits += ch;
    if (digits.size() % 2 != 0)
        fail(file, field, "expected pairs of hex digits, got \"" + hex + "\"");
    std::string bytes;
    for (size_t pos = 0; pos < digits.size(); pos += 2) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(digits.data() + pos, digits.data() + pos + 2, value, 16);
        if (error != std::errc() || end != digits.data() + pos + 2)
            fail(file, field, "expected hex digits, got \"" + hex + "\"");
        bytes += static_cast<char>(value);
    }
    return bytes;
}

// Expands "${cid:<time>:<random>}" to a composite ID (16 hex digits) created
// at <time>, "${ms:<time>}" to Unix ms, and "{n}" to `n` (repeated messages).
std::string expand(const std::string& file, const std::string& field, const std::string& text, int64_t nowMs, int n)
{
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        if (text.compare(pos, 3, "{n}") == 0) {
            out += std::to_string(n);
            pos += 3;
            continue;
        }
        if (text.compare(pos, 2, "${") != 0) {
            out += text[pos++];
            continue;
        }
        const size_t close = text.find('}', pos);
        if (close == std::string::npos)
            fail(file, field, "unclosed ${ in \"" + text + "\"");
        const std::string inner = text.substr(pos + 2, close - pos - 2);
        pos = close + 1;
        if (inner.rfind("ms:", 0) == 0) {
            const auto time = parseRelativeTime(inner.substr(3), nowMs);
            if (!time)
                fail(file, field, "bad time in ${" + inner + "}");
            out += std::to_string(*time);
        } else if (inner.rfind("cid:", 0) == 0) {
            const size_t colon = inner.find(':', 4);
            const auto time = parseRelativeTime(inner.substr(4, colon == std::string::npos ? std::string::npos : colon - 4), nowMs);
            uint32_t random = 1;
            if (colon != std::string::npos) {
                const std::string tail = inner.substr(colon + 1);
                const auto [end, error] = std::from_chars(tail.data(), tail.data() + tail.size(), random);
                if (error != std::errc() || end != tail.data() + tail.size())
                    fail(file, field, "bad random part in ${" + inner + "}");
            }
            if (!time || *time < 1000)
                fail(file, field, "bad time in ${" + inner + "}");
            out += engine::composite_id::format(engine::composite_id::make(static_cast<uint32_t>(*time / 1000), random));
        } else {
            fail(file, field, "unknown substitution ${" + inner + "} (expected ${ms:TIME} or ${cid:TIME:N})");
        }
    }
    return out;
}

int64_t timeField(const std::string& file, const std::string& field, const json& value, int64_t nowMs)
{
    std::optional<int64_t> time;
    if (value.is_number_integer())
        time = value.get<int64_t>();
    else if (value.is_string())
        time = parseRelativeTime(value.get<std::string>(), nowMs);
    if (!time)
        fail(file, field, "expected a time like \"now-30s\", \"now+12h\" or Unix ms, got " + value.dump());
    return *time;
}

std::vector<std::string> topicsOf(const Fixture& fixture)
{
    std::vector<std::string> topics;
    for (const auto& [topic, partitions] : fixture.partitions)
        topics.push_back(topic);
    return topics;
}

ReadOrder readOrder(const std::string& file, const std::string& field, const json& value, const std::set<std::string>& topics)
{
    ReadOrder order;
    if (value.is_string() && value.get<std::string>() == "together") {
        order.name = "together";
        order.steps.push_back(std::vector<std::string>(topics.begin(), topics.end()));
        return order;
    }
    if (!value.is_array() || value.empty())
        fail(file, field, "expected \"together\" or an array of topics (or of arrays of topics), got " + value.dump());
    for (const json& step : value) {
        std::vector<std::string> stepTopics;
        for (const json& topic : step.is_array() ? step : json::array({step})) {
            if (!topic.is_string() || !topics.count(topic.get<std::string>()))
                fail(file, field, "expected a topic that has messages or partitions, got " + topic.dump());
            stepTopics.push_back(topic.get<std::string>());
        }
        if (!order.name.empty())
            order.name += ">";
        for (size_t topic_idx = 0; topic_idx < stepTopics.size(); ++topic_idx)
            order.name += (topic_idx > 0 ? "+" : "") + stepTopics[topic_idx];
        order.steps.push_back(std::move(stepTopics));
    }
    return order;
}

std::vector<ReadOrder> readOrders(const std::string& file, const std::string& field, const json* value, const Fixture& fixture)
{
    const std::vector<std::string> topicList = topicsOf(fixture);
    const std::set<std::string> topics(topicList.begin(), topicList.end());
    std::vector<ReadOrder> orders;
    if (!value) {
        orders.push_back(readOrder(file, field, "together", topics));
        return orders;
    }
    if (value->is_string() && value->get<std::string>() == "all") {
        // Every permutation of the topics, one topic per step, plus "together".
        orders.push_back(readOrder(file, field, "together", topics));
        std::vector<std::string> permutation = topicList;
        std::sort(permutation.begin(), permutation.end());
        do {
            orders.push_back(readOrder(file, field, json(permutation), topics));
        } while (std::next_permutation(permutation.begin(), permutation.end()));
        return orders;
    }
    if (!value->is_array())
        fail(file, field, "expected \"all\" or an array of read orders, got " + value->dump());
    for (size_t order_idx = 0; order_idx < value->size(); ++order_idx)
        orders.push_back(readOrder(file, field + "[" + std::to_string(order_idx) + "]", (*value)[order_idx], topics));
    return orders;
}

void readMessage(const std::string& file, const json& entry, size_t entry_idx, Fixture& fixture)
{
    const std::string field = "messages[" + std::to_string(entry_idx) + "]";
    if (!entry.is_object())
        fail(file, field, "expected an object, got " + entry.dump());
    static const std::set<std::string> kKeys = {"topic", "partition", "key", "key_hex", "value", "value_hex", "headers", "time", "count", "phase", "why"};
    for (const auto& [name, unused] : entry.items())
        if (!kKeys.count(name))
            fail(file, field + "." + name, "unknown field (expected one of topic, partition, key, key_hex, value, value_hex, headers, time, count, phase, why)");
    const json* topic = optionalField(entry, "topic");
    if (!topic || !topic->is_string() || topic->get<std::string>().empty())
        fail(file, field + ".topic", "expected a topic name");
    const json* time = optionalField(entry, "time");
    if (!time)
        fail(file, field + ".time", "expected the Kafka timestamp, e.g. \"now-30s\"");
    int count = 1;
    if (const json* repeat = optionalField(entry, "count")) {
        if (!repeat->is_number_integer() || repeat->get<int>() < 1 || repeat->get<int>() > 10000)
            fail(file, field + ".count", "expected 1..10000");
        count = repeat->get<int>();
    }
    for (int n = 1; n <= count; ++n) {
        FixtureMessage message;
        message.index = static_cast<int>(entry_idx);
        message.topic = topic->get<std::string>();
        if (const json* partition = optionalField(entry, "partition")) {
            if (!partition->is_number_integer() || partition->get<int>() < 0)
                fail(file, field + ".partition", "expected a partition number >= 0");
            message.partition = partition->get<int32_t>();
        }
        if (const json* key = optionalField(entry, "key")) {
            if (!key->is_string())
                fail(file, field + ".key", "expected a string");
            message.key = expand(file, field + ".key", key->get<std::string>(), fixture.nowMs, n);
        } else if (const json* keyHex = optionalField(entry, "key_hex")) {
            message.key = fromHex(file, field + ".key_hex", keyHex->get<std::string>());
        }
        if (const json* value = optionalField(entry, "value"))
            message.value = expand(file, field + ".value", value->is_string() ? value->get<std::string>() : value->dump(), fixture.nowMs, n);
        else if (const json* valueHex = optionalField(entry, "value_hex"))
            message.value = fromHex(file, field + ".value_hex", valueHex->get<std::string>());
        if (const json* headers = optionalField(entry, "headers")) {
            if (!headers->is_object())
                fail(file, field + ".headers", "expected an object of header name -> text");
            for (const auto& [name, text] : headers->items()) {
                if (!text.is_string())
                    fail(file, field + ".headers." + name, "expected a string");
                message.headers.emplace_back(name, expand(file, field + ".headers." + name, text.get<std::string>(), fixture.nowMs, n));
            }
        }
        message.timestampMs = timeField(file, field + ".time", *time, fixture.nowMs);
        if (const json* phase = optionalField(entry, "phase")) {
            if (!phase->is_number_integer() || phase->get<int>() < 0 || phase->get<int>() > 9)
                fail(file, field + ".phase", "expected 0..9");
            message.phase = phase->get<int>();
            fixture.phaseCount = std::max(fixture.phaseCount, message.phase + 1);
        }
        // A topic gets as many partitions as its messages name (checked
        // against an explicit "partitions" count afterwards).
        int& partitions = fixture.partitions[message.topic];
        partitions = std::max(partitions, message.partition + 1);
        fixture.messages.push_back(std::move(message));
    }
}

// Expected IDs may be written with the same substitutions as messages
// (a composite ID created at "now-2m").
json expandIds(const std::string& file, const std::string& field, json expect, int64_t nowMs)
{
    for (const char* list : {"stuck_ids", "lost_ids"}) {
        if (!expect.contains(list) || !expect[list].is_array())
            continue;
        for (json& id : expect[list])
            if (id.is_string())
                id = expand(file, field + "." + list, id.get<std::string>(), nowMs, 0);
    }
    return expect;
}

std::optional<Path> pathNamed(const std::string& name)
{
    for (const Path path : kPaths)
        if (name == pathName(path))
            return path;
    return std::nullopt;
}

} // namespace

const char* pathName(Path path)
{
    switch (path) {
    case Path::Engine: return "engine";
    case Path::Audit: return "audit";
    case Path::Live: return "live";
    }
    return "?";
}

std::optional<int64_t> parseRelativeTime(const std::string& text, int64_t nowMs)
{
    if (text == "now")
        return nowMs;
    if (text.rfind("now", 0) == 0 && text.size() > 4 && (text[3] == '-' || text[3] == '+')) {
        const auto duration = config::parseDuration(std::string_view(text).substr(4));
        if (!duration.value)
            return std::nullopt;
        return text[3] == '-' ? nowMs - duration.value->count() : nowMs + duration.value->count();
    }
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

Fixture loadFixture(const std::string& file, int64_t nowMs)
{
    Fixture fixture;
    fixture.file = file;
    fixture.name = std::filesystem::path(file).stem().string();
    fixture.nowMs = nowMs;
    json root;
    try {
        root = json::parse(readText(file), nullptr, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& error) {
        throw FixtureError(file + ": not valid JSON: " + error.what());
    }
    if (!root.is_object())
        fail(file, "(top level)", "expected an object");
    static const std::set<std::string> kKeys = {"about", "config", "partitions", "messages", "orders", "live_orders", "from", "to",
                                                "missing_topics", "skip", "expect", "expect_engine", "expect_audit", "expect_live", "expect_order"};
    for (const auto& [name, unused] : root.items())
        if (!kKeys.count(name))
            fail(file, name, "unknown field (see tests/fixtures/README.md)");
    if (const json* about = optionalField(root, "about"); about && about->is_string())
        fixture.about = about->get<std::string>();
    else
        fail(file, "about", "expected a sentence saying what the fixture shows");
    const json* config = optionalField(root, "config");
    if (!config || !config->is_object())
        fail(file, "config", "expected a slatrack pipeline config object (without \"kafka\")");
    if (config->contains("kafka"))
        fail(file, "config.kafka", "leave it out: the runner points the config at its own broker");
    fixture.config = *config;

    // Without "partitions", topics named by the config get one partition,
    // so that a stage with no messages is still readable. With it, exactly
    // those topics (and the messages' topics) exist: a configured topic can
    // be missing on purpose.
    if (const json* stages = optionalField(*config, "stages"); stages && stages->is_array() && !root.contains("partitions"))
        for (const json& stage : *stages)
            if (stage.is_object() && stage.contains("topics") && stage["topics"].is_array())
                for (const json& topic : stage["topics"])
                    if (topic.is_string())
                        fixture.partitions.emplace(topic.get<std::string>(), 1);
    if (const json* partitions = optionalField(root, "partitions")) {
        if (!partitions->is_object())
            fail(file, "partitions", "expected an object of topic -> partition count");
        for (const auto& [topic, count] : partitions->items()) {
            if (!count.is_number_integer() || count.get<int>() < 1 || count.get<int>() > 64)
                fail(file, "partitions." + topic, "expected 1..64");
            fixture.partitions[topic] = count.get<int>();
        }
    }
    const json* messages = optionalField(root, "messages");
    if (!messages || !messages->is_array())
        fail(file, "messages", "expected an array (may be empty)");
    for (size_t entry_idx = 0; entry_idx < messages->size(); ++entry_idx)
        readMessage(file, (*messages)[entry_idx], entry_idx, fixture);
    if (const json* partitions = optionalField(root, "partitions"))
        for (const auto& [topic, count] : partitions->items())
            if (fixture.partitions[topic] > count.get<int>())
                fail(file, "partitions." + topic, "a message names partition " + std::to_string(fixture.partitions[topic] - 1) + ", past the count");

    if (const json* missing = optionalField(root, "missing_topics")) {
        if (!missing->is_array())
            fail(file, "missing_topics", "expected an array of topic names");
        for (const json& topic : *missing) {
            if (!topic.is_string() || fixture.partitions.count(topic.get<std::string>()))
                fail(file, "missing_topics", "expected names of topics that no message or partition count names, got " + topic.dump());
            fixture.missingTopics.push_back(topic.get<std::string>());
        }
    }
    if (const json* from = optionalField(root, "from"))
        fixture.fromMs = timeField(file, "from", *from, nowMs);
    if (const json* to = optionalField(root, "to"))
        fixture.toMs = timeField(file, "to", *to, nowMs);
    fixture.orders = readOrders(file, "orders", optionalField(root, "orders"), fixture);
    const json* liveOrders = optionalField(root, "live_orders");
    fixture.liveOrders = liveOrders ? readOrders(file, "live_orders", liveOrders, fixture) : fixture.orders;

    if (const json* skip = optionalField(root, "skip")) {
        if (!skip->is_object())
            fail(file, "skip", "expected an object of path -> why it does not apply");
        for (const auto& [name, why] : skip->items()) {
            const auto path = pathNamed(name);
            if (!path || !why.is_string())
                fail(file, "skip." + name, "expected engine, audit or live -> a reason");
            fixture.skipped[*path] = why.get<std::string>();
        }
    }
    const json* expect = optionalField(root, "expect");
    if (!expect || !expect->is_object())
        fail(file, "expect", "expected the verdicts as an object");
    fixture.expect = expandIds(file, "expect", *expect, nowMs);
    for (const Path path : kPaths)
        if (const json* overlay = optionalField(root, (std::string("expect_") + pathName(path)).c_str())) {
            if (!overlay->is_object())
                fail(file, std::string("expect_") + pathName(path), "expected an object");
            fixture.expectByPath[path] = expandIds(file, std::string("expect_") + pathName(path), *overlay, nowMs);
        }
    if (const json* byOrder = optionalField(root, "expect_order")) {
        if (!byOrder->is_object())
            fail(file, "expect_order", "expected an object of order name -> verdicts");
        for (const auto& [name, overlay] : byOrder->items())
            fixture.expectByOrder[name] = expandIds(file, "expect_order." + name, overlay, nowMs);
    }
    return fixture;
}

std::vector<ReadRound> readRounds(const Fixture& fixture, const ReadOrder& order)
{
    std::vector<ReadRound> rounds;
    for (int phase = 0; phase < fixture.phaseCount; ++phase)
        for (size_t step_idx = 0; step_idx < order.steps.size(); ++step_idx)
            rounds.push_back(ReadRound{phase, step_idx, std::set<std::string>(order.steps[step_idx].begin(), order.steps[step_idx].end())});
    return rounds;
}

nlohmann::json Fixture::expectationFor(Path path, const std::string& orderName) const
{
    json merged = expect;
    if (const auto found = expectByPath.find(path); found != expectByPath.end())
        merged.update(found->second);
    if (const auto found = expectByOrder.find(orderName); found != expectByOrder.end())
        merged.update(found->second);
    return merged;
}

} // namespace slatrack::scenario

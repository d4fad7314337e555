#include "raw_message_text.hpp"

#include "core/monitor/json_text.hpp"
#include "core/monitor/time_text.hpp"

#include <variant>

namespace slatrack::ui {

namespace {

std::string hexOf(std::string_view bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "hex:";
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0xf];
    }
    return out;
}

std::string printableUtf8(std::string_view bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        // Control characters could move the cursor or hide text in a
        // terminal the operator pastes into; show them as escapes.
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
            out += "\\x";
            out += kDigits[byte >> 4];
            out += kDigits[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

std::string printableStd(std::string_view bytes)
{
    return monitor::isValidUtf8(bytes) ? printableUtf8(bytes) : hexOf(bytes);
}

nlohmann::json bytesJson(const std::optional<std::string>& bytes)
{
    if (!bytes)
        return nullptr;
    return monitor::isValidUtf8(*bytes) ? nlohmann::json(*bytes) : nlohmann::json(hexOf(*bytes));
}

} // namespace

QString printableBytes(std::string_view bytes)
{
    return QString::fromStdString(printableStd(bytes));
}

std::optional<std::string> prettyJson(std::string_view value)
{
    // Only objects and arrays: a bare number or string "pretty-printed" is
    // the same text, and "123" read as JSON would lose nothing but gain
    // nothing either.
    const size_t start = value.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || (value[start] != '{' && value[start] != '['))
        return std::nullopt;
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
    if (parsed.is_discarded())
        return std::nullopt;
    return monitor::dumpJson(parsed, 2);
}

QString messageText(const QString& stage, const ingest::FetchResult& result)
{
    QString out = QStringLiteral("%1 \u00b7 %2 [%3] @ %4\n")
                      .arg(stage, printableBytes(result.fetched.address.topic))
                      .arg(result.fetched.address.partition)
                      .arg(result.fetched.address.offset);
    if (!result.ok()) {
        out += QStringLiteral("not fetched: %1 (%2)\n")
                   .arg(QString::fromStdString(result.message), QString::fromLatin1(ingest::fetchErrorName(result.error)));
        return out;
    }
    const ingest::FetchedMessage& message = result.fetched;
    if (message.timestampType == ingest::TimestampType::None)
        out += QStringLiteral("timestamp: none\n");
    else
        out += QStringLiteral("timestamp: %1 (%2, %3 ms)\n")
                   .arg(QString::fromStdString(monitor::formatRfc3339(message.timestampMs)),
                        QString::fromLatin1(ingest::timestampTypeName(message.timestampType)))
                   .arg(message.timestampMs);
    out += QStringLiteral("key: %1\n").arg(message.key ? printableBytes(*message.key) : QStringLiteral("(null)"));
    if (message.headers.empty()) {
        out += QStringLiteral("headers: none\n");
    } else {
        out += QStringLiteral("headers:\n");
        for (const auto& [name, value] : message.headers)
            out += QStringLiteral("  %1: %2\n").arg(printableBytes(name), value ? printableBytes(*value) : QStringLiteral("(null)"));
    }
    if (!message.value) {
        out += QStringLiteral("value: (null, a tombstone)\n");
    } else if (const auto pretty = prettyJson(*message.value)) {
        out += QStringLiteral("value (JSON, %1 bytes):\n").arg(message.value->size());
        out += QString::fromStdString(*pretty) + u'\n';
    } else {
        out += QStringLiteral("value (%1 bytes):\n").arg(message.value->size());
        out += printableBytes(*message.value) + u'\n';
    }
    return out;
}

nlohmann::json messageJson(const ingest::FetchedMessage& message)
{
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : message.headers)
        headers.push_back({{"name", printableStd(name)}, {"value", bytesJson(value)}});
    nlohmann::json value = bytesJson(message.value);
    // A JSON value is embedded as JSON, so the copy reads as one document.
    if (message.value)
        if (nlohmann::json parsed = nlohmann::json::parse(*message.value, nullptr, false); !parsed.is_discarded() && prettyJson(*message.value))
            value = std::move(parsed);
    return {{"topic", message.address.topic},
            {"partition", message.address.partition},
            {"offset", message.address.offset},
            {"timestamp_ms", message.timestampType == ingest::TimestampType::None ? nlohmann::json() : nlohmann::json(message.timestampMs)},
            {"timestamp_type", ingest::timestampTypeName(message.timestampType)},
            {"key", bytesJson(message.key)},
            {"headers", headers},
            {"value", value}};
}

std::string recordJson(const monitor::LookupAnswer& answer, const std::vector<std::string>& stageNames,
                       const std::vector<ingest::FetchResult>& messages)
{
    auto stageName = [&](int stage) -> nlohmann::json {
        if (stage >= 0 && static_cast<size_t>(stage) < stageNames.size())
            return stageNames[static_cast<size_t>(stage)];
        return stage;
    };
    nlohmann::json journey = nlohmann::json::array();
    for (const auto& step : answer.journey()) {
        nlohmann::json entry = {{"stage", stageName(step.at.stage)}, {"time", monitor::formatRfc3339(step.at.timeMs)}, {"time_ms", step.at.timeMs}};
        entry["hop_ms"] = step.hopMs ? nlohmann::json(*step.hopMs) : nlohmann::json();
        if (!step.at.topic.empty())
            entry["topic"] = step.at.topic;
        if (step.at.partition >= 0)
            entry["partition"] = step.at.partition;
        if (step.at.offset >= 0)
            entry["offset"] = step.at.offset;
        journey.push_back(std::move(entry));
    }
    nlohmann::json fetched = nlohmann::json::array();
    for (const ingest::FetchResult& result : messages) {
        if (result.ok())
            fetched.push_back(messageJson(result.fetched));
        else
            fetched.push_back({{"topic", result.fetched.address.topic}, {"partition", result.fetched.address.partition},
                               {"offset", result.fetched.address.offset}, {"error", result.message}});
    }
    nlohmann::json out = {{"id", monitor::jsonSafeId(answer.id)}, {"state", monitor::lookupStateName(answer.state)}, {"detail", answer.detail},
                          {"journey", journey}, {"messages", fetched}};
    out["latency_ms"] = answer.state == monitor::LookupState::Matched ? nlohmann::json(answer.latencyMs) : nlohmann::json();
    out["awaiting_stage"] = answer.awaitingStage >= 0 && answer.state != monitor::LookupState::Matched ? stageName(answer.awaitingStage) : nlohmann::json();
    out["creation_time"] = answer.creationMs ? nlohmann::json(monitor::formatRfc3339(*answer.creationMs)) : nlohmann::json();
    return monitor::dumpJson(out, 2);
}

std::string shellQuote(std::string_view text)
{
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::string kcatCommand(const config::KafkaConfig& kafka, const ingest::MessageAddress& address)
{
    std::string out = "kcat -C -b " + shellQuote(kafka.brokers);
    for (const auto& [name, value] : kafka.properties) {
        if (std::holds_alternative<config::Secret>(value))
            out += " -X " + shellQuote(name + "=<" + name + ">");
        else
            out += " -X " + shellQuote(name + "=" + std::get<std::string>(value));
    }
    out += " -t " + shellQuote(address.topic) + " -p " + std::to_string(address.partition) + " -o " + std::to_string(address.offset) +
           " -c 1 -e -f " + shellQuote("%t [%p] @ %o\\ntimestamp: %T\\nkey: %k\\nheaders: %h\\n%s\\n");
    return out;
}

} // namespace slatrack::ui

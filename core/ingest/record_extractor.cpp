#include "record_extractor.hpp"

#include "core/engine/record_id.hpp"
#include "core/time/rfc3339.hpp"

#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace slatrack::ingest {

using config::IdFormat;
using config::IdSource;
using config::TimeFormat;
using config::TimeSource;
using engine::RejectReason;

namespace {

ExtractResult reject(RejectReason reason, std::string detail)
{
    ExtractResult result;
    result.reason = reason;
    result.detail = std::move(detail);
    return result;
}

std::string quotedSample(std::string_view text)
{
    constexpr size_t kShown = 40;
    std::string out = "\"";
    for (const char ch : text.substr(0, kShown)) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte < 0x20 || byte >= 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        } else {
            out += ch;
        }
    }
    out += text.size() > kShown ? "\"..." : "\"";
    return out;
}

bool parseInteger(std::string_view text, int64_t& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

} // namespace

CompiledPointer compilePointer(std::string_view pointer)
{
    CompiledPointer compiled;
    if (pointer.empty())
        return compiled;  // the whole document
    if (pointer.front() != '/')
        throw std::invalid_argument("JSON pointer \"" + std::string(pointer) + "\" does not start with '/'");
    size_t begin = 1;
    while (true) {
        const size_t end = std::min(pointer.find('/', begin), pointer.size());
        CompiledPointer::Token token;
        for (size_t pos = begin; pos < end; ++pos) {
            if (pointer[pos] != '~') {
                token.name += pointer[pos];
                continue;
            }
            if (pos + 1 >= end || (pointer[pos + 1] != '0' && pointer[pos + 1] != '1'))
                throw std::invalid_argument("JSON pointer \"" + std::string(pointer) + "\" has '~' not followed by 0 or 1");
            token.name += pointer[++pos] == '0' ? '~' : '/';
        }
        // As nlohmann's json_pointer (the extractor's reference): "0" or a
        // digit string without a leading zero; "-" (past the end) never matches.
        const std::string& name = token.name;
        const bool digits = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        size_t index = 0;
        if (digits && (name.size() == 1 || name[0] != '0')) {
            const auto [ptr, error] = std::from_chars(name.data(), name.data() + name.size(), index);
            if (error == std::errc() && ptr == name.data() + name.size())
                token.arrayIndex = index;
        }
        compiled.tokens.push_back(std::move(token));
        if (end == pointer.size())
            break;
        begin = end + 1;
    }
    return compiled;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The field `pointer` names, read the way the nlohmann DOM this replaced
// read it: of duplicate keys the last one counts (nlohmann kept the last
// value per key), array indexes only as compilePointer allows.
std::optional<element> find(element root, const CompiledPointer& pointer)
{
    element current = root;
    for (const CompiledPointer::Token& token : pointer.tokens) {
        if (current.type() == element_type::OBJECT) {
            std::optional<element> found;
            for (const auto field : simdjson::dom::object(current))
                if (field.key == token.name)
                    found = field.value;
            if (!found)
                return std::nullopt;
            current = *found;
        } else if (current.type() == element_type::ARRAY) {
            if (!token.arrayIndex)
                return std::nullopt;
            element item;
            if (simdjson::dom::array(current).at(*token.arrayIndex).get(item) != simdjson::SUCCESS)
                return std::nullopt;
            current = item;
        } else {
            return std::nullopt;
        }
    }
    return current;
}

// nlohmann's type names, which the rejection details have always used.
const char* typeName(element value)
{
    switch (value.type()) {
    case element_type::ARRAY:
        return "array";
    case element_type::OBJECT:
        return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
        return "number";
    case element_type::STRING:
        return "string";
    case element_type::BOOL:
        return "boolean";
    case element_type::NULL_VALUE:
        return "null";
    }
    return "value";
}

// Compact JSON of a field, for rejection details only (never on the path of
// a good message).
std::string dump(element value)
{
    return simdjson::to_string(value);
}

// "0x" followed by exactly 16 hex digits: the producers' usual spelling,
// parsed by the table-driven canonical parser instead of the general one
// (which gives the same value or the same error for this shape).
bool parsePrefixedCanonical(std::string_view text, uint64_t& value)
{
    return text.size() == 18 && text[0] == '0' && (text[1] | 0x20) == 'x' && engine::composite_id::parseCanonical(text.substr(2), value);
}

// nlohmann read an integer too large for 64 bits as a double; simdjson 3.0
// rejects it (NUMBER_ERROR). Returns `text` with ".0" after each such
// integer outside strings, so that simdjson reads it as the same double, or
// nullopt if there is none (the error was something else). Only on the path
// of a value simdjson has already rejected.
std::optional<std::string> widenBigIntegers(std::string_view text)
{
    std::string out;
    bool changed = false;
    size_t pos = 0;
    while (pos < text.size()) {
        const char ch = text[pos];
        if (ch == '"') {  // copy the string, escapes included
            size_t end = pos + 1;
            while (end < text.size() && text[end] != '"')
                end += text[end] == '\\' ? 2 : 1;
            end = std::min(end + 1, text.size());
            out.append(text.substr(pos, end - pos));
            pos = end;
            continue;
        }
        if (ch != '-' && (ch < '0' || ch > '9')) {
            out += ch;
            ++pos;
            continue;
        }
        size_t end = pos + 1;
        bool integral = true;
        while (end < text.size() && (text[end] == '-' || text[end] == '+' || text[end] == '.' || text[end] == 'e' || text[end] == 'E' ||
                                     (text[end] >= '0' && text[end] <= '9'))) {
            integral &= text[end] >= '0' && text[end] <= '9';
            ++end;
        }
        const std::string_view token = text.substr(pos, end - pos);
        out.append(token);
        const size_t digits = token.size() - (ch == '-' ? 1 : 0);
        if (integral && digits > 1 && token[token.size() - digits] != '0') {
            int64_t asSigned = 0;
            uint64_t asUnsigned = 0;
            const bool fits = ch == '-' ? std::from_chars(token.data(), token.data() + token.size(), asSigned).ec == std::errc()
                                        : std::from_chars(token.data(), token.data() + token.size(), asUnsigned).ec == std::errc();
            if (!fits) {
                out += ".0";
                changed = true;
            }
        }
        pos = end;
    }
    if (!changed)
        return std::nullopt;
    return out;
}

} // namespace

// The parser and the buffer the value is copied into: simdjson reads
// SIMDJSON_PADDING bytes past the end of its input, which a librdkafka
// payload does not promise.
struct RecordExtractor::JsonState {
    simdjson::dom::parser parser;
    std::unique_ptr<char[]> buffer;
    size_t capacity = 0;  // bytes before the padding

    // Grows buffer and parser (doubling, up to `limit`) to hold `size` bytes.
    bool reserve(size_t size, size_t limit)
    {
        if (size <= capacity)
            return true;
        constexpr size_t kInitialBytes = 4096;
        const size_t wanted = std::max({size, std::min(capacity * 2, limit), kInitialBytes});
        // Depth is bounded by size (each level costs an opening and a closing
        // byte): the nlohmann DOM had no depth limit, so none below what a
        // value of this size can reach.
        if (parser.allocate(wanted, wanted / 2 + 2) != simdjson::SUCCESS)
            return false;
        buffer = std::make_unique_for_overwrite<char[]>(wanted + simdjson::SIMDJSON_PADDING);
        capacity = wanted;
        return true;
    }
};

RecordExtractor::RecordExtractor(const config::StageConfig& stage, IdFormat idFormat, ExtractLimits limits)
    : m_stage(stage), m_idFormat(idFormat), m_limits(limits)
{
    if (m_stage.id.kind == IdSource::Kind::JsonPointer)
        m_idPointer = compilePointer(m_stage.id.pointer);
    if (m_stage.time.kind == TimeSource::Kind::JsonPointer)
        m_timePointer = compilePointer(m_stage.time.pointer);
    if (needsJson())
        m_json = std::make_unique<JsonState>();
}

RecordExtractor::~RecordExtractor() = default;
RecordExtractor::RecordExtractor(RecordExtractor&&) noexcept = default;
RecordExtractor& RecordExtractor::operator=(RecordExtractor&&) noexcept = default;

bool RecordExtractor::needsJson() const
{
    return m_stage.id.kind == IdSource::Kind::JsonPointer || m_stage.time.kind == TimeSource::Kind::JsonPointer;
}

ExtractResult RecordExtractor::extract(const RawMessage& message, int64_t nowMs, TextArena& arena) const
{
    element document;
    if (needsJson()) {
        if (message.value.empty())
            return reject(RejectReason::NotJson, "empty value, expected a JSON object");
        if (message.value.size() > m_limits.maxJsonValueBytes)
            return reject(RejectReason::TooLarge, "value of " + std::to_string(message.value.size()) + " bytes exceeds the " +
                                                      std::to_string(m_limits.maxJsonValueBytes) + "-byte limit for JSON extraction");
        // A UTF-8 byte order mark is skipped, as nlohmann did.
        std::string_view text = message.value;
        if (text.size() >= 3 && text.substr(0, 3) == "\xef\xbb\xbf")
            text.remove_prefix(3);
        if (!m_json->reserve(text.size(), m_limits.maxJsonValueBytes))
            return reject(RejectReason::TooLarge, "cannot allocate " + std::to_string(text.size()) + " bytes to parse the value");
        std::memcpy(m_json->buffer.get(), text.data(), text.size());
        // The whole value is validated (a DOM tape in the parser's reused
        // memory, not per-node allocations): a truncated or broken value is
        // not_json even where the ID and time are intact, as before.
        auto error = m_json->parser.parse(reinterpret_cast<const uint8_t*>(m_json->buffer.get()), text.size(), false).get(document);
        if (error == simdjson::NUMBER_ERROR) {
            if (const std::optional<std::string> widened = widenBigIntegers(text)) {
                if (!m_json->reserve(widened->size(), std::max(widened->size(), m_limits.maxJsonValueBytes)))
                    return reject(RejectReason::TooLarge, "cannot allocate " + std::to_string(widened->size()) + " bytes to parse the value");
                std::memcpy(m_json->buffer.get(), widened->data(), widened->size());
                error = m_json->parser.parse(reinterpret_cast<const uint8_t*>(m_json->buffer.get()), widened->size(), false).get(document);
            }
        }
        if (error != simdjson::SUCCESS)
            return reject(RejectReason::NotJson, std::string("value is not JSON: ") + simdjson::error_message(error) + "; starts " + quotedSample(message.value));
        if (document.type() != element_type::OBJECT)
            return reject(RejectReason::NotJson, std::string("value is JSON but not an object (") + typeName(document) + ")");
    }

    // --- record ID ---
    std::string_view idText;
    char idScratch[24];  // a JSON integer ID rendered as text
    switch (m_stage.id.kind) {
    case IdSource::Kind::Key:
        if (message.key.empty())
            return reject(RejectReason::MissingId, "message has no key (the ID is read from the key)");
        idText = message.key;
        break;
    case IdSource::Kind::Header: {
        const void* headerValue = nullptr;
        size_t headerSize = 0;
        if (!message.headers ||
            rd_kafka_header_get_last(const_cast<rd_kafka_headers_t*>(message.headers), m_stage.id.headerName.c_str(), &headerValue, &headerSize) != RD_KAFKA_RESP_ERR_NO_ERROR ||
            !headerValue || headerSize == 0)
            return reject(RejectReason::MissingId, "no header \"" + m_stage.id.headerName + "\" (the ID is read from it)");
        idText = std::string_view(static_cast<const char*>(headerValue), headerSize);
        break;
    }
    case IdSource::Kind::JsonPointer: {
        const std::optional<element> field = find(document, m_idPointer);
        if (!field)
            return reject(RejectReason::MissingId, "no field at " + m_stage.id.pointer + " (the ID is read from it)");
        switch (field->type()) {
        case element_type::STRING:
            idText = std::string_view(*field);
            break;
        case element_type::INT64:
        case element_type::UINT64: {
            const auto [end, ignored] = field->type() == element_type::INT64 ? std::to_chars(idScratch, idScratch + sizeof idScratch, int64_t(*field))
                                                                              : std::to_chars(idScratch, idScratch + sizeof idScratch, uint64_t(*field));
            idText = std::string_view(idScratch, static_cast<size_t>(end - idScratch));
            break;
        }
        default:
            return reject(RejectReason::MalformedId, "field " + m_stage.id.pointer + " is " + typeName(*field) + ", expected a string or an integer");
        }
        if (idText.empty())
            return reject(RejectReason::MissingId, "field " + m_stage.id.pointer + " is an empty string");
        break;
    }
    }

    ExtractResult result;
    if (m_idFormat == IdFormat::Composite) {
        uint64_t canonical = 0;
        if (!engine::composite_id::parseCanonical(idText, canonical) && !parsePrefixedCanonical(idText, canonical)) {
            const auto parsed = engine::composite_id::parse(idText);
            if (!parsed.value)
                return reject(RejectReason::MalformedId, "not a composite ID: " + parsed.error);
            canonical = *parsed.value;
        }
        result.id = engine::RecordId::composite(canonical);
    } else {
        if (idText.size() > m_limits.maxIdBytes)
            return reject(RejectReason::MalformedId, "ID of " + std::to_string(idText.size()) + " bytes exceeds " + std::to_string(m_limits.maxIdBytes));
        for (size_t byte_idx = 0; byte_idx < idText.size(); ++byte_idx) {
            const auto byte = static_cast<unsigned char>(idText[byte_idx]);
            if (byte < 0x20 || byte == 0x7f)
                return reject(RejectReason::MalformedId, "ID " + quotedSample(idText) + " has control byte at position " + std::to_string(byte_idx));
        }
        result.id = engine::RecordId::opaque(arena.copy(idText));
    }

    // --- event time ---
    switch (m_stage.time.kind) {
    case TimeSource::Kind::KafkaTimestamp:
        if (message.kafkaTimestampMs < 0)
            return reject(RejectReason::MissingTime, "message has no Kafka timestamp");
        result.timeMs = message.kafkaTimestampMs;
        break;
    case TimeSource::Kind::CompositeId:
        result.timeMs = engine::composite_id::creationUnixSeconds(result.id.key) * 1000;
        break;
    case TimeSource::Kind::JsonPointer: {
        const std::string& where = m_stage.time.pointer;
        const std::optional<element> field = find(document, m_timePointer);
        if (!field)
            return reject(RejectReason::MissingTime, "no field at " + where + " (the event time is read from it)");
        const bool isString = field->type() == element_type::STRING;
        const std::string_view text = isString ? std::string_view(*field) : std::string_view();
        if (m_stage.time.format == TimeFormat::Rfc3339) {
            const std::optional<int64_t> parsed = isString ? rfc3339::parseMs(text) : std::nullopt;
            if (!parsed)
                return reject(RejectReason::MissingTime, "field " + where + " is " + (isString ? quotedSample(text) : dump(*field)) +
                                                             ", expected an RFC 3339 time like 2019-08-29T21:15:00Z");
            result.timeMs = *parsed;
            break;
        }
        double number = 0;
        int64_t integer = 0;
        if (field->is_number()) {
            number = double(*field);
        } else if (isString && parseInteger(text, integer)) {
            number = static_cast<double>(integer);
        } else {
            return reject(RejectReason::MissingTime, "field " + where + " is " + dump(*field).substr(0, 40) + ", expected a number (" +
                                                         std::string(config::configName(m_stage.time.format)) + ")");
        }
        const double scale = m_stage.time.format == TimeFormat::EpochSeconds ? 1000.0 : m_stage.time.format == TimeFormat::EpochMicros ? 0.001 : 1.0;
        const double millis = number * scale;
        if (!std::isfinite(millis) || std::abs(millis) > 1e15)
            return reject(RejectReason::AbsurdTime, "field " + where + " = " + dump(*field).substr(0, 40) + " is not a plausible time");
        result.timeMs = static_cast<int64_t>(std::llround(millis));
        break;
    }
    }
    if (result.timeMs < nowMs - m_limits.maxPastMs || result.timeMs > nowMs + m_limits.maxFutureMs)
        return reject(RejectReason::AbsurdTime, "event time " + std::to_string(result.timeMs) + " ms is " +
                                                    (result.timeMs < nowMs ? "more than a year in the past" : "more than a day in the future"));
    result.ok = true;
    return result;
}

} // namespace slatrack::ingest

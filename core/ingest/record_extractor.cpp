#include "record_extractor.hpp"

#include "core/engine/record_id.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

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

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil): no timegm, no locale, no time zone database.
int64_t daysFromCivil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<int64_t>(dayOfEra) - 719468;
}

bool readDigits(std::string_view text, size_t& pos, size_t count, int& out)
{
    if (pos + count > text.size())
        return false;
    int value = 0;
    for (size_t digit_idx = 0; digit_idx < count; ++digit_idx) {
        const char ch = text[pos + digit_idx];
        if (ch < '0' || ch > '9')
            return false;
        value = value * 10 + (ch - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(std::string_view text, size_t& pos, char wanted)
{
    if (pos >= text.size() || text[pos] != wanted)
        return false;
    ++pos;
    return true;
}

bool parseInteger(std::string_view text, int64_t& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

} // namespace

bool parseRfc3339(std::string_view text, int64_t& unixMs)
{
    size_t pos = 0;
    int year, month, day, hour, minute, second;
    if (!readDigits(text, pos, 4, year) || !expect(text, pos, '-') || !readDigits(text, pos, 2, month) ||
        !expect(text, pos, '-') || !readDigits(text, pos, 2, day))
        return false;
    if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' '))
        return false;
    ++pos;
    if (!readDigits(text, pos, 2, hour) || !expect(text, pos, ':') || !readDigits(text, pos, 2, minute) ||
        !expect(text, pos, ':') || !readDigits(text, pos, 2, second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    int64_t millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int64_t scale = 100;
        const size_t fractionStart = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            millis += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == fractionStart)
            return false;
    }
    int64_t offsetMinutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offsetHours, offsetMins;
        if (!readDigits(text, pos, 2, offsetHours) || !expect(text, pos, ':') || !readDigits(text, pos, 2, offsetMins))
            return false;
        offsetMinutes = sign * (offsetHours * 60 + offsetMins);
    } else {
        return false;
    }
    if (pos != text.size())
        return false;
    const int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
    unixMs = seconds * 1000 + millis;
    return true;
}

RecordExtractor::RecordExtractor(const config::StageConfig& stage, IdFormat idFormat, ExtractLimits limits)
    : m_stage(stage), m_idFormat(idFormat), m_limits(limits)
{
}

bool RecordExtractor::needsJson() const
{
    return m_stage.id.kind == IdSource::Kind::JsonPointer || m_stage.time.kind == TimeSource::Kind::JsonPointer;
}

ExtractResult RecordExtractor::extract(const RawMessage& message, int64_t nowMs, TextArena& arena) const
{
    nlohmann::json document;
    if (needsJson()) {
        if (message.value.empty())
            return reject(RejectReason::NotJson, "empty value, expected a JSON object");
        if (message.value.size() > m_limits.maxJsonValueBytes)
            return reject(RejectReason::TooLarge, "value of " + std::to_string(message.value.size()) + " bytes exceeds the " +
                                                      std::to_string(m_limits.maxJsonValueBytes) + "-byte limit for JSON extraction");
        try {
            document = nlohmann::json::parse(message.value);
        } catch (const nlohmann::json::parse_error& error) {
            return reject(RejectReason::NotJson, std::string("value is not JSON: ") + error.what() + "; starts " + quotedSample(message.value));
        }
        if (!document.is_object())
            return reject(RejectReason::NotJson, std::string("value is JSON but not an object (") + document.type_name() + ")");
    }

    // --- record ID ---
    std::string_view idText;
    std::string idScratch;  // a JSON integer ID rendered as text
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
        const nlohmann::json::json_pointer pointer(m_stage.id.pointer);
        if (!document.contains(pointer))
            return reject(RejectReason::MissingId, "no field at " + m_stage.id.pointer + " (the ID is read from it)");
        const nlohmann::json& field = document.at(pointer);
        if (field.is_string()) {
            idText = field.get_ref<const std::string&>();
        } else if (field.is_number_unsigned() || field.is_number_integer()) {
            idScratch = field.dump();
            idText = idScratch;
        } else {
            return reject(RejectReason::MalformedId, "field " + m_stage.id.pointer + " is " + field.type_name() + ", expected a string or an integer");
        }
        if (idText.empty())
            return reject(RejectReason::MissingId, "field " + m_stage.id.pointer + " is an empty string");
        break;
    }
    }

    ExtractResult result;
    if (m_idFormat == IdFormat::Composite) {
        uint64_t canonical = 0;
        if (!engine::composite_id::parseCanonical(idText, canonical)) {
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
        const nlohmann::json::json_pointer pointer(where);
        if (!document.contains(pointer))
            return reject(RejectReason::MissingTime, "no field at " + where + " (the event time is read from it)");
        const nlohmann::json& field = document.at(pointer);
        if (m_stage.time.format == TimeFormat::Rfc3339) {
            if (!field.is_string() || !parseRfc3339(field.get_ref<const std::string&>(), result.timeMs))
                return reject(RejectReason::MissingTime, "field " + where + " is " + (field.is_string() ? quotedSample(field.get_ref<const std::string&>()) : field.dump()) +
                                                             ", expected an RFC 3339 time like 2019-08-29T21:15:00Z");
            break;
        }
        double number = 0;
        int64_t integer = 0;
        if (field.is_number()) {
            number = field.get<double>();
        } else if (field.is_string() && parseInteger(field.get_ref<const std::string&>(), integer)) {
            number = static_cast<double>(integer);
        } else {
            return reject(RejectReason::MissingTime, "field " + where + " is " + field.dump().substr(0, 40) + ", expected a number (" +
                                                         std::string(config::configName(m_stage.time.format)) + ")");
        }
        const double scale = m_stage.time.format == TimeFormat::EpochSeconds ? 1000.0 : m_stage.time.format == TimeFormat::EpochMicros ? 0.001 : 1.0;
        const double millis = number * scale;
        if (!std::isfinite(millis) || std::abs(millis) > 1e15)
            return reject(RejectReason::AbsurdTime, "field " + where + " = " + field.dump().substr(0, 40) + " is not a plausible time");
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

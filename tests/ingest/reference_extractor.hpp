#pragma once

// The record extractor as it was before simdjson (commit f968e6a, nlohmann
// DOM), kept verbatim but for the signature and the RFC 3339 parser, as the reference the
// differential test in test_record_extractor.cpp compares the real one with.
// Test code only.
#include "core/engine/record_id.hpp"
#include "core/ingest/record_extractor.hpp"
#include "core/time/rfc3339.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace slatrack::ingest::reference {

using config::IdFormat;
using config::IdSource;
using config::TimeFormat;
using config::TimeSource;
using engine::RejectReason;

inline ExtractResult reject(RejectReason reason, std::string detail)
{
    ExtractResult result;
    result.reason = reason;
    result.detail = std::move(detail);
    return result;
}

inline std::string quotedSample(std::string_view text)
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

inline bool parseInteger(std::string_view text, int64_t& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

inline ExtractResult extract(const config::StageConfig& m_stage, config::IdFormat m_idFormat, const ExtractLimits& m_limits, const RawMessage& message, int64_t nowMs,
                             TextArena& arena)
{
    const bool needsJson = m_stage.id.kind == IdSource::Kind::JsonPointer || m_stage.time.kind == TimeSource::Kind::JsonPointer;
    nlohmann::json document;
    if (needsJson) {
        if (message.value.empty())
            return reject(RejectReason::NotJson, "empty value, expected a JSON object");
        if (message.value.size() > m_limits.maxJsonValueBytes)
            return reject(RejectReason::TooLarge, "value of " + std::to_string(message.value.size()) + " bytes exceeds the " +
                                                      std::to_string(m_limits.maxJsonValueBytes) + "-byte limit for JSON extraction");
        try {
            document = nlohmann::json::parse(message.value);
        } catch (const nlohmann::json::parse_error& error) {
            return reject(RejectReason::NotJson, std::string("value is not JSON: ") + error.what() + "; starts " + quotedSample(message.value));
        } catch (const nlohmann::json::out_of_range& error) {
            // The original let this escape (a number like 1e400); the new
            // extractor calls such a value not JSON, as nlohmann meant to.
            return reject(RejectReason::NotJson, std::string("value is not JSON: ") + error.what());
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
            // The one change: RFC 3339 text is read by core/time (stricter
            // than the parser the extractor had), in both.
            const std::optional<int64_t> parsed = field.is_string() ? rfc3339::parseMs(field.get_ref<const std::string&>()) : std::nullopt;
            if (parsed)
                result.timeMs = *parsed;
            if (!parsed)
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

} // namespace slatrack::ingest::reference

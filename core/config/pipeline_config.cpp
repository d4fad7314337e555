#include "core/config/pipeline_config.hpp"

namespace slatrack::config {

const std::string& revealProperty(const PropertyValue& value)
{
    if (const auto* secret = std::get_if<Secret>(&value))
        return secret->reveal();
    return std::get<std::string>(value);
}

std::string_view configName(IdFormat format)
{
    switch (format) {
    case IdFormat::Opaque: return "opaque";
    case IdFormat::Composite: return "composite";
    }
    return "?";
}

std::string_view configName(IdSource::Kind kind)
{
    switch (kind) {
    case IdSource::Kind::Key: return "key";
    case IdSource::Kind::JsonPointer: return "json";
    case IdSource::Kind::Header: return "header";
    }
    return "?";
}

std::string_view configName(TimeSource::Kind kind)
{
    switch (kind) {
    case TimeSource::Kind::KafkaTimestamp: return "kafka";
    case TimeSource::Kind::JsonPointer: return "json";
    case TimeSource::Kind::CompositeId: return "composite_id";
    }
    return "?";
}

std::string_view configName(TimeFormat format)
{
    switch (format) {
    case TimeFormat::EpochSeconds: return "epoch_s";
    case TimeFormat::EpochMillis: return "epoch_ms";
    case TimeFormat::EpochMicros: return "epoch_us";
    case TimeFormat::Rfc3339: return "rfc3339";
    }
    return "?";
}

} // namespace slatrack::config

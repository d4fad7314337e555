#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config/alerts_config.hpp"
#include "core/config/secret.hpp"

// The pipeline config model: what a config file says, validated and with
// defaults applied (config_loader.hpp builds it). Plain values, no Qt; built
// once at startup and then only read, so any thread may read a const one.
namespace slatrack::config {

using Milliseconds = std::chrono::milliseconds;

// How record IDs are interpreted (DESIGN.md "Composite temporal IDs").
enum class IdFormat {
    Opaque,     // any string, compared by content
    Composite,  // 64-bit, high 32 bits = Unix seconds of creation
};

// Where a stage finds the record ID in a Kafka message.
struct IdSource {
    enum class Kind {
        Key,          // the message key
        JsonPointer,  // a field of the JSON value
        Header,       // a message header
    };
    Kind kind = Kind::Key;
    std::string pointer;     // Kind::JsonPointer: RFC 6901, starts with '/'
    std::string headerName;  // Kind::Header

    friend bool operator==(const IdSource&, const IdSource&) = default;
};

// Encoding of an event time read from a JSON field.
enum class TimeFormat {
    EpochSeconds,
    EpochMillis,
    EpochMicros,
    Rfc3339,
};

// Where a stage finds the event time of a record.
struct TimeSource {
    enum class Kind {
        KafkaTimestamp,  // the message's Kafka timestamp (the default)
        JsonPointer,     // a field of the JSON value, in `format`
        CompositeId,     // the creation time inside a composite ID
    };
    Kind kind = Kind::KafkaTimestamp;
    std::string pointer;                          // Kind::JsonPointer
    TimeFormat format = TimeFormat::EpochMillis;  // Kind::JsonPointer

    friend bool operator==(const TimeSource&, const TimeSource&) = default;
};

struct StageConfig {
    std::string name;                 // unique within the pipeline
    std::vector<std::string> topics;  // non-empty; each topic in one stage only
    IdSource id;
    TimeSource time;
    // The pipeline's own consumer group(s) that read this stage's topics
    // (e.g. the processor reading "incoming"), whose lag slatrack reports
    // from their committed offsets, read-only (ingest/consumer_group_lag).
    // Config field "consumer_group": a name or an array of names; empty
    // when not given.
    std::vector<std::string> consumerGroups;

    friend bool operator==(const StageConfig&, const StageConfig&) = default;
};

// A librdkafka property value, passed through verbatim. A Secret when it came
// from {"env"}/{"file"} or the property names a credential (e.g.
// sasl.password), so that describing the config never prints it.
using PropertyValue = std::variant<std::string, Secret>;

// The text to hand to librdkafka. Named reveal* because it may be a secret.
const std::string& revealProperty(const PropertyValue& value);

struct KafkaConfig {
    std::string brokers;  // bootstrap.servers, e.g. "host1:9092,host2:9092"
    std::string groupId;  // defaults to "slatrack-<pipeline>"
    // Sorted by name so that logs and diffs of the effective config are stable.
    std::map<std::string, PropertyValue> properties;

    friend bool operator==(const KafkaConfig&, const KafkaConfig&) = default;
};

inline constexpr Milliseconds kDefaultWindow = std::chrono::hours(1);
inline constexpr Milliseconds kDefaultSla = std::chrono::minutes(5);
inline constexpr Milliseconds kDefaultGrace = std::chrono::seconds(30);
// The cap that keeps the engine's memory bounded (DESIGN.md): past it the
// oldest open records are evicted as lost (overflow). A million covers an
// hour-long window at ~275 records/s.
inline constexpr uint64_t kDefaultMaxOpenRecords = 1'000'000;
// DESIGN.md "Judging only what it can see".
inline constexpr Milliseconds kDefaultMaxClockSkew = std::chrono::minutes(5);
inline constexpr Milliseconds kDefaultBlindAfter = std::chrono::seconds(5);
inline constexpr Milliseconds kDefaultBehindThreshold = std::chrono::seconds(30);

inline constexpr size_t kMaxRecordUrlBytes = 2048;

struct PipelineConfig {
    std::string pipeline;  // name, shown in the UI and in pages
    KafkaConfig kafka;
    IdFormat idFormat = IdFormat::Opaque;
    // At least two; stages.front() is incoming, stages.back() is processed.
    std::vector<StageConfig> stages;
    Milliseconds window = kDefaultWindow;  // open longer than this: lost
    Milliseconds sla = kDefaultSla;        // open longer than this: stuck; < window
    Milliseconds grace = kDefaultGrace;    // early (processed-first) records wait this long; < window
    uint64_t maxOpenRecords = kDefaultMaxOpenRecords;
    Milliseconds dedupHorizon = kDefaultWindow;  // defaults to window
    // An event time further ahead of the wall clock than this is rejected
    // as future_time and moves no watermark, stream time or expiry.
    Milliseconds maxClockSkew = kDefaultMaxClockSkew;
    // A partition with no successful fetch response for this long makes its
    // stage blind: nothing it should have delivered is judged meanwhile.
    Milliseconds blindAfter = kDefaultBlindAfter;
    // A stage whose consumer is behind the high watermark by more than this
    // (event time of the newest record read vs now) is catching up.
    Milliseconds behindThreshold = kDefaultBehindThreshold;
    // Optional "record_url": http(s) URL template with {id}, opened from
    // the drill-down ("open in ..."); empty: none.
    std::string recordUrl;
    // Optional "store": the history store file (relative paths from the
    // config's folder), or "none"; empty: the default per pipeline under the
    // XDG data directory. A --store on the command line wins.
    std::string storePath;
    // Optional "metrics": the address the headless agent serves Prometheus
    // /metrics and /healthz on, normalised ("127.0.0.1:9464"); empty: off
    // (metrics_parse.hpp). A --metrics on the command line wins.
    std::string metricsListen;
    AlertsConfig alerts;  // the "alerts" section (alerts_parse.hpp); default rules when absent

    friend bool operator==(const PipelineConfig&, const PipelineConfig&) = default;
};

// The spellings used in the config file, e.g. "composite", "epoch_ms".
// (Not toString: QTest finds that by ADL and expects char* from it.)
std::string_view configName(IdFormat format);
std::string_view configName(IdSource::Kind kind);
std::string_view configName(TimeSource::Kind kind);
std::string_view configName(TimeFormat format);

} // namespace slatrack::config

#pragma once

#include "core/config/pipeline_config.hpp"
#include "core/engine/engine_types.hpp"
#include "text_arena.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct rd_kafka_headers_s rd_kafka_headers_t;

namespace slatrack::ingest {

// The parts of a Kafka message that extraction looks at.
struct RawMessage {
    std::string_view key;
    std::string_view value;
    int64_t kafkaTimestampMs = -1;               // -1: the message has none
    const rd_kafka_headers_t* headers = nullptr; // may be null
};

struct ExtractLimits {
    // Values are parsed as JSON only up to this size; a larger one is
    // rejected as too_large rather than stalling ingestion on one message.
    size_t maxJsonValueBytes = 256 * 1024;
    size_t maxIdBytes = 256;
    // Event times further than this from the wall clock are absurd (a
    // producer with a broken clock, seconds mistaken for ms, ...).
    int64_t maxPastMs = 366LL * 24 * 3600 * 1000;
    int64_t maxFutureMs = 24LL * 3600 * 1000;
};

struct ExtractResult {
    bool ok = false;
    engine::RecordId id;   // ok: text (opaque IDs) lives in the arena passed in
    int64_t timeMs = 0;    // ok
    engine::RejectReason reason = engine::RejectReason::NotJson;  // !ok
    std::string detail;    // !ok: what exactly was wrong, for the samples
};

// An RFC 6901 JSON pointer split into its reference tokens once, when the
// config is read, instead of once per message.
struct CompiledPointer {
    struct Token {
        std::string name;                  // unescaped (~1 -> '/', ~0 -> '~')
        std::optional<size_t> arrayIndex;  // set if the token is a valid array index ("0", "17"; not "01", "-")
    };
    std::vector<Token> tokens;
};

// Throws std::invalid_argument naming the pointer if it is not RFC 6901
// (the config parser has already checked, so this is a programming error).
CompiledPointer compilePointer(std::string_view pointer);

// Turns one stage's Kafka messages into (record ID, event time) following
// the stage's config. JSON values are parsed by simdjson into a parser and a
// padded buffer owned here and reused message after message (no allocation
// per message once they have grown to the largest value seen), and the
// stage's pointers are compiled once. So extract() is const for its results
// but not thread-safe: one extractor per stage per consumer thread.
class RecordExtractor {
public:
    RecordExtractor(const config::StageConfig& stage, config::IdFormat idFormat, ExtractLimits limits = {});
    ~RecordExtractor();
    RecordExtractor(RecordExtractor&&) noexcept;
    RecordExtractor& operator=(RecordExtractor&&) noexcept;

    // An opaque ID's text is copied into `arena`; nothing of a result
    // points into this extractor.
    ExtractResult extract(const RawMessage& message, int64_t nowMs, TextArena& arena) const;

private:
    struct JsonState;

    bool needsJson() const;

    config::StageConfig m_stage;
    config::IdFormat m_idFormat;
    ExtractLimits m_limits;
    CompiledPointer m_idPointer;    // m_stage.id.kind == JsonPointer
    CompiledPointer m_timePointer;  // m_stage.time.kind == JsonPointer
    std::unique_ptr<JsonState> m_json;  // scratch of extract(), see above
};

} // namespace slatrack::ingest

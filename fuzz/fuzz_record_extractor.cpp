// Fuzz target: ingest::RecordExtractor::extract on arbitrary messages under
// every kind of stage config (ID from key / JSON pointer / header, opaque or
// composite; time from Kafka / JSON in each format / composite ID).
// Invariants: an accepted record has a usable ID (composite: nonzero key,
// no text; opaque: non-empty text within maxIdBytes, key = its hash) and an
// event time inside the plausibility limits around now; a rejection has a
// reason in range.

#include "fuzz/fuzz_input.hpp"

#include "core/engine/record_id.hpp"
#include "core/ingest/record_extractor.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

using namespace slatrack;
using config::IdSource;
using config::TimeFormat;
using config::TimeSource;

namespace {

// Around 2025-12-01, as a broker would stamp messages.
constexpr int64_t kNowMs = 1764547200000;

constexpr const char* kPointers[] = {"/id", "/order/id", "/a~1b/~0c", "/arr/0", "/ts", "/"};
constexpr const char* kHeaderNames[] = {"rid", "x", ""};

config::StageConfig stageFrom(slatrack::fuzz::FuzzInput& input, bool composite)
{
    config::StageConfig stage;
    stage.name = "s";
    stage.topics = {"t"};
    switch (input.pick(3)) {
    case 0: stage.id.kind = IdSource::Kind::Key; break;
    case 1:
        stage.id.kind = IdSource::Kind::JsonPointer;
        stage.id.pointer = kPointers[input.pick(std::size(kPointers))];
        break;
    default:
        stage.id.kind = IdSource::Kind::Header;
        stage.id.headerName = "rid";
        break;
    }
    switch (input.pick(composite ? 3 : 2)) {
    case 0: stage.time.kind = TimeSource::Kind::KafkaTimestamp; break;
    case 1:
        stage.time.kind = TimeSource::Kind::JsonPointer;
        stage.time.pointer = input.pick(2) == 0 ? "/ts" : "/meta/ts";
        stage.time.format = static_cast<TimeFormat>(input.pick(4));
        break;
    default: stage.time.kind = TimeSource::Kind::CompositeId; break;
    }
    return stage;
}

struct HeadersDeleter {
    void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    slatrack::fuzz::FuzzInput input(data, size);
    const bool composite = (input.byte() & 1) != 0;
    const config::StageConfig stage = stageFrom(input, composite);
    ingest::ExtractLimits limits;
    if (input.pick(4) == 0)
        limits.maxJsonValueBytes = 64;  // the too_large path without megabyte inputs
    const ingest::RecordExtractor extractor(stage, composite ? config::IdFormat::Composite : config::IdFormat::Opaque, limits);

    ingest::RawMessage message;
    const uint8_t timestampMode = input.byte();
    message.kafkaTimestampMs = timestampMode % 4 == 0 ? -1 : (timestampMode % 4 == 1 ? kNowMs : input.integer<int64_t>());
    std::unique_ptr<rd_kafka_headers_t, HeadersDeleter> headers;
    const unsigned headerCount = input.pick(4);
    if (headerCount > 0) {
        headers.reset(rd_kafka_headers_new(headerCount));
        for (unsigned header_idx = 0; header_idx < headerCount; ++header_idx) {
            const char* name = kHeaderNames[input.pick(std::size(kHeaderNames))];
            const std::string_view value = input.text(64);
            rd_kafka_header_add(headers.get(), name, -1, value.data(), static_cast<ssize_t>(value.size()));
        }
        message.headers = headers.get();
    }
    message.key = input.text(64);
    message.value = input.rest();

    ingest::TextArena arena;
    const ingest::ExtractResult result = extractor.extract(message, kNowMs, arena);
    if (!result.ok) {
        FUZZ_ASSERT(result.reason < engine::RejectReason::Count, "reason %d", int(result.reason));
        return 0;
    }
    FUZZ_ASSERT(result.timeMs >= kNowMs - limits.maxPastMs && result.timeMs <= kNowMs + limits.maxFutureMs,
                "time %lld outside the plausibility limits", static_cast<long long>(result.timeMs));
    FUZZ_ASSERT(result.id.key != 0, "key 0 is reserved");
    if (composite) {
        FUZZ_ASSERT(result.id.isComposite(), "composite pipeline produced an opaque ID");
    } else {
        FUZZ_ASSERT(!result.id.text.empty() && result.id.text.size() <= limits.maxIdBytes, "opaque ID of %zu bytes", result.id.text.size());
        FUZZ_ASSERT(result.id.key == engine::hashOpaqueId(result.id.text), "opaque key is not the hash of its text");
    }
    return 0;
}

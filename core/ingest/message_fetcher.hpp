#pragma once

#include "core/config/pipeline_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::ingest {

// Where a record's raw message lives (what the engine keeps per record:
// stage topic, partition, offset).
struct MessageAddress {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
};

enum class TimestampType : uint8_t { None, CreateTime, LogAppendTime };
const char* timestampTypeName(TimestampType type);

// One Kafka message as the broker holds it: bytes, never interpreted
// (a value is shown as text, or pretty-printed when JSON, by the caller).
struct FetchedMessage {
    MessageAddress address;
    std::optional<std::string> key;  // nullopt: a null key (not the same as an empty one)
    // In message order; a header may repeat, and its value may be null.
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    int64_t timestampMs = -1;  // -1 with TimestampType::None
    TimestampType timestampType = TimestampType::None;
    std::optional<std::string> value;  // nullopt: a null value (tombstone)
};

enum class FetchError : uint8_t {
    None,
    BadConfig,           // a kafka.properties entry librdkafka refuses
    BrokersUnreachable,  // no broker answered within the timeout
    TopicMissing,        // the brokers do not know the topic
    PartitionMissing,    // the topic has fewer partitions
    NotYetWritten,       // offset at or past the end of the partition's log
    DeletedByRetention,  // offset before the start of the log: retention (or deleteRecords) removed it
    NoMessageAtOffset,   // inside the log but absent (compaction, or a transaction marker)
    Timeout,             // the broker answered but the message did not arrive in time
    Kafka,               // another error from librdkafka, quoted
};
const char* fetchErrorName(FetchError error);

struct FetchResult {
    FetchError error = FetchError::None;
    std::string message;  // error != None: what and where ("topic[partition]@offset: ..."), for the operator
    FetchedMessage fetched;  // error == None
    bool ok() const { return error == FetchError::None; }
};

// Fetches the one message at `address` with its own short-lived librdkafka
// consumer (the pipeline's brokers and kafka.properties, so TLS/SASL apply;
// no consumer group is joined and nothing is committed): checks the topic
// and partition in the cluster's metadata (all topics, so a mistyped name
// is reported missing instead of auto-created), compares the offset with
// the partition's low and high watermarks, then assigns the partition at
// the offset and reads one message.
//
// Threading: blocks for up to `timeout` (network), so never call it on the
// UI thread: run it on a worker (QThreadPool / std::async) and hand the
// result back. Calls are independent (one consumer each) and may run
// concurrently on any threads.
FetchResult fetchMessage(const config::KafkaConfig& kafka, const MessageAddress& address,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace slatrack::ingest

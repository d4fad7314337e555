#include "message_fetcher.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>

namespace slatrack::ingest {

const char* timestampTypeName(TimestampType type)
{
    switch (type) {
    case TimestampType::None: return "none";
    case TimestampType::CreateTime: return "create_time";
    case TimestampType::LogAppendTime: return "log_append_time";
    }
    return "none";
}

const char* fetchErrorName(FetchError error)
{
    switch (error) {
    case FetchError::None: return "none";
    case FetchError::BadConfig: return "bad_config";
    case FetchError::BrokersUnreachable: return "brokers_unreachable";
    case FetchError::TopicMissing: return "topic_missing";
    case FetchError::PartitionMissing: return "partition_missing";
    case FetchError::NotYetWritten: return "not_yet_written";
    case FetchError::DeletedByRetention: return "deleted_by_retention";
    case FetchError::NoMessageAtOffset: return "no_message_at_offset";
    case FetchError::Timeout: return "timeout";
    case FetchError::Kafka: return "kafka";
    }
    return "kafka";
}

namespace {

using Clock = std::chrono::steady_clock;

struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* metadata) const { rd_kafka_metadata_destroy(metadata); }
};
struct MessageDeleter {
    void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
struct ListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};

std::string where(const MessageAddress& address)
{
    return address.topic + "[" + std::to_string(address.partition) + "]@" + std::to_string(address.offset);
}

FetchResult failure(FetchError error, const MessageAddress& address, const std::string& text)
{
    FetchResult result;
    result.error = error;
    result.message = where(address) + ": " + text;
    return result;
}

int remainingMs(Clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 1, INT32_MAX));
}

FetchedMessage copyOut(const rd_kafka_message_t& message, const MessageAddress& address)
{
    FetchedMessage out;
    out.address = address;
    if (message.key)
        out.key.emplace(static_cast<const char*>(message.key), message.key_len);
    if (message.payload)
        out.value.emplace(static_cast<const char*>(message.payload), message.len);
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    out.timestampMs = rd_kafka_message_timestamp(&message, &type);
    out.timestampType = type == RD_KAFKA_TIMESTAMP_CREATE_TIME      ? TimestampType::CreateTime
                        : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::LogAppendTime
                                                                      : TimestampType::None;
    if (out.timestampType == TimestampType::None)
        out.timestampMs = -1;
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t header_idx = 0; rd_kafka_header_get_all(headers, header_idx, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++header_idx)
            out.headers.emplace_back(name, value ? std::optional<std::string>(std::string(static_cast<const char*>(value), size)) : std::nullopt);
    }
    return out;
}

} // namespace

FetchResult fetchMessage(const config::KafkaConfig& kafka, const MessageAddress& address, std::chrono::milliseconds timeout)
{
    const Clock::time_point deadline = Clock::now() + timeout;
    if (address.topic.empty())
        return failure(FetchError::TopicMissing, address, "no topic given");
    if (address.partition < 0 || address.offset < 0)
        return failure(FetchError::PartitionMissing, address, "partition and offset must not be negative");

    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::string refused;
    auto set = [&](const std::string& name, const std::string& value) {
        if (refused.empty() && rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
            refused = "kafka.properties[\"" + name + "\"]: " + error;
    };
    set("bootstrap.servers", kafka.brokers);
    set("group.id", kafka.groupId.empty() ? std::string("slatrack-fetch") : kafka.groupId + "-fetch");
    set("client.id", "slatrack-fetch");
    for (const auto& [name, value] : kafka.properties)
        set(name, config::revealProperty(value));
    // Ours win over the pipeline's: never commit, never jump elsewhere when
    // the offset is gone (an error is the answer), hear about the end.
    set("enable.auto.commit", "false");
    set("enable.auto.offset.store", "false");
    set("auto.offset.reset", "error");
    set("enable.partition.eof", "true");
    set("log_level", "0");  // errors come back in the result, not on stderr
    if (!refused.empty()) {
        rd_kafka_conf_destroy(conf);
        return failure(FetchError::BadConfig, address, refused);
    }
    std::unique_ptr<rd_kafka_t, HandleDeleter> handle(rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error));
    if (!handle)
        return failure(FetchError::BadConfig, address, std::string("cannot create a Kafka client: ") + error);

    // All topics: asking for one by name would create it where the brokers
    // auto-create topics (and always on librdkafka's mock cluster).
    const rd_kafka_metadata_t* rawMetadata = nullptr;
    const rd_kafka_resp_err_t metadataErr = rd_kafka_metadata(handle.get(), 1, nullptr, &rawMetadata, remainingMs(deadline));
    std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(rawMetadata);
    if (metadataErr != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure(FetchError::BrokersUnreachable, address,
                       "no answer from the brokers " + kafka.brokers + " within " + std::to_string(timeout.count()) + " ms (" + rd_kafka_err2str(metadataErr) + ")");
    const rd_kafka_metadata_topic_t* topic = nullptr;
    for (int topic_idx = 0; topic_idx < metadata->topic_cnt; ++topic_idx)
        if (address.topic == metadata->topics[topic_idx].topic)
            topic = &metadata->topics[topic_idx];
    if (!topic || topic->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        return failure(FetchError::TopicMissing, address, "topic \"" + address.topic + "\" does not exist on " + kafka.brokers);
    if (topic->err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure(FetchError::Kafka, address, std::string("topic metadata: ") + rd_kafka_err2str(topic->err));
    if (address.partition >= topic->partition_cnt)
        return failure(FetchError::PartitionMissing, address,
                       "topic \"" + address.topic + "\" has " + std::to_string(topic->partition_cnt) + " partition(s), no partition " +
                           std::to_string(address.partition));

    int64_t low = -1, high = -1;
    const rd_kafka_resp_err_t watermarkErr =
        rd_kafka_query_watermark_offsets(handle.get(), address.topic.c_str(), address.partition, &low, &high, remainingMs(deadline));
    if (watermarkErr == RD_KAFKA_RESP_ERR__TIMED_OUT || watermarkErr == RD_KAFKA_RESP_ERR__TRANSPORT)
        return failure(FetchError::BrokersUnreachable, address,
                       std::string("the partition's leader did not answer (") + rd_kafka_err2str(watermarkErr) + ")");
    if (watermarkErr != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure(FetchError::Kafka, address, std::string("querying the partition's offsets: ") + rd_kafka_err2str(watermarkErr));
    if (address.offset < low)
        return failure(FetchError::DeletedByRetention, address,
                       "deleted: the partition's log now starts at offset " + std::to_string(low) + " (retention removed older messages)");
    if (address.offset >= high)
        return failure(FetchError::NotYetWritten, address,
                       "offset out of range: the partition's log ends before it (next offset to be written: " + std::to_string(high) + ")");

    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> assignment(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(assignment.get(), address.topic.c_str(), address.partition)->offset = address.offset;
    if (const rd_kafka_resp_err_t assignErr = rd_kafka_assign(handle.get(), assignment.get()); assignErr != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure(FetchError::Kafka, address, std::string("assign: ") + rd_kafka_err2str(assignErr));
    FetchResult result = failure(FetchError::Timeout, address,
                                 "the message did not arrive within " + std::to_string(timeout.count()) + " ms (the partition's leader is slow or down)");
    while (Clock::now() < deadline) {
        std::unique_ptr<rd_kafka_message_t, MessageDeleter> message(rd_kafka_consumer_poll(handle.get(), std::min(remainingMs(deadline), 100)));
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            result = failure(FetchError::NoMessageAtOffset, address,
                             "no message at this offset: the log ends at " + std::to_string(message->offset) + " after it (compacted or a transaction marker)");
            break;
        }
        if (message->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || message->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
            result = failure(FetchError::DeletedByRetention, address,
                             std::string("offset out of range by the time it was read (retention removed it meanwhile?): ") +
                                 rd_kafka_message_errstr(message.get()));
            break;
        }
        if (message->err == RD_KAFKA_RESP_ERR__TRANSPORT || message->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
            continue;  // reconnecting; the deadline decides
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            result = failure(FetchError::Kafka, address, std::string("fetch: ") + rd_kafka_message_errstr(message.get()));
            break;
        }
        if (message->offset != address.offset) {
            result = failure(FetchError::NoMessageAtOffset, address,
                             "no message at this offset (compacted away or a transaction marker); the next one is at " + std::to_string(message->offset));
            break;
        }
        result = FetchResult{};
        result.fetched = copyOut(*message, address);
        break;
    }
    rd_kafka_assign(handle.get(), nullptr);
    return result;
}

} // namespace slatrack::ingest

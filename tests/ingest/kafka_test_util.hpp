#pragma once

// Small librdkafka helpers shared by the ingest integration tests: read a
// whole topic back, count partitions. Test-thread only; every call creates
// and destroys its own client.

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace slatrack::test {

struct KafkaRecord {
    std::string key;
    std::string value;
    int32_t partition = 0;
    int64_t offset = 0;
};

inline std::unique_ptr<RdKafka::Conf> makeTestConf(const std::string& bootstrapServers,
                                                   const std::map<std::string, std::string>& settings,
                                                   std::string& error)
{
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    if (conf->set("bootstrap.servers", bootstrapServers, error) != RdKafka::Conf::CONF_OK) {
        return nullptr;
    }
    for (const auto& [name, value] : settings) {
        if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
            error = name + ": " + error;
            return nullptr;
        }
    }
    return conf;
}

// Partition count of topic from an all-topics metadata request (which,
// unlike naming the topic, does not auto-create it on the mock broker).
// Returns -1 if the topic does not exist, -2 on error (error is set).
inline int partitionCount(const std::string& bootstrapServers, const std::string& topic,
                          std::string& error)
{
    std::unique_ptr<RdKafka::Conf> conf = makeTestConf(bootstrapServers, {}, error);
    if (!conf) {
        return -2;
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
    if (!producer) {
        return -2;
    }
    RdKafka::Metadata* raw = nullptr;
    const RdKafka::ErrorCode err = producer->metadata(true, nullptr, &raw, 10000);
    const std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR) {
        error = RdKafka::err2str(err);
        return -2;
    }
    for (const RdKafka::TopicMetadata* entry : *metadata->topics()) {
        if (entry->topic() == topic) {
            return static_cast<int>(entry->partitions()->size());
        }
    }
    return -1;
}

// Every record of topic from the start of each partition to its high
// watermark at the time of the call. Uses assign(), not a consumer group, so
// it does not wait out the mock broker's rebalance delay. On failure returns
// what it got and sets error.
inline std::vector<KafkaRecord> readTopic(const std::string& bootstrapServers,
                                          const std::string& topic,
                                          std::chrono::milliseconds limit, std::string& error)
{
    std::vector<KafkaRecord> records;
    const int partitions = partitionCount(bootstrapServers, topic, error);
    if (partitions < 0) {
        if (partitions == -1) {
            error = "no topic " + topic;
        }
        return records;
    }
    std::unique_ptr<RdKafka::Conf> conf = makeTestConf(bootstrapServers,
                                                       {{"group.id", "slatrack-test-reader"},
                                                        {"enable.auto.commit", "false"},
                                                        {"fetch.wait.max.ms", "50"}},
                                                       error);
    if (!conf) {
        return records;
    }
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer) {
        return records;
    }
    std::map<int32_t, int64_t> endOffsets;  // partition -> high watermark
    std::vector<RdKafka::TopicPartition*> assignment;
    for (int32_t partition = 0; partition < partitions; ++partition) {
        int64_t low = 0;
        int64_t high = 0;
        const RdKafka::ErrorCode err =
            consumer->query_watermark_offsets(topic, partition, &low, &high, 10000);
        if (err != RdKafka::ERR_NO_ERROR) {
            error = "watermarks: " + RdKafka::err2str(err);
            RdKafka::TopicPartition::destroy(assignment);
            return records;
        }
        if (high > low) {
            endOffsets[partition] = high;
            assignment.push_back(RdKafka::TopicPartition::create(topic, partition, low));
        }
    }
    consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);

    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!endOffsets.empty() && std::chrono::steady_clock::now() < deadline) {
        const std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
        if (message->err() != RdKafka::ERR_NO_ERROR) {
            continue;
        }
        const auto end = endOffsets.find(message->partition());
        if (end == endOffsets.end() || message->offset() >= end->second) {
            continue;
        }
        KafkaRecord record;
        record.key = message->key() ? *message->key() : std::string();
        record.value.assign(static_cast<const char*>(message->payload()), message->len());
        record.partition = message->partition();
        record.offset = message->offset();
        records.push_back(std::move(record));
        if (message->offset() + 1 >= end->second) {
            endOffsets.erase(end);
        }
    }
    if (!endOffsets.empty()) {
        error = "timed out reading " + topic;
    }
    consumer->close();
    return records;
}

} // namespace slatrack::test

#include "broker_queries.hpp"

#include <chrono>

namespace slatrack::ingest {

int64_t steadyClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<TopicAnswer> describeTopics(rd_kafka_t* handle, const std::vector<std::string>& topics, int timeoutMs)
{
    // One all-topics request, never one naming a topic: a broker with
    // auto-create answers a request naming a topic by creating it, and the
    // librdkafka mock cluster (Metadata up to v2, no AllowAutoTopicCreation
    // field) always does, so a misspelled topic would be created empty and
    // its stage would look fine. Creating a topic handle
    // (rd_kafka_topic_new) would also send such a request, so none is made.
    // The all-topics answer carries the partitions and leaders we need.
    std::vector<TopicAnswer> out;
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t requestError = rd_kafka_metadata(handle, 1, nullptr, &metadata, timeoutMs);
    for (const std::string& topic : topics) {
        TopicAnswer answer;
        answer.topic = topic;
        answer.requestError = requestError;
        if (!requestError) {
            const rd_kafka_metadata_topic_t* found = nullptr;
            for (int topic_idx = 0; topic_idx < metadata->topic_cnt && !found; ++topic_idx)
                if (metadata->topics[topic_idx].topic && topic == metadata->topics[topic_idx].topic)
                    found = &metadata->topics[topic_idx];
            if (!found)
                answer.topicError = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            else if (found->err)
                answer.topicError = found->err;
            else if (found->partition_cnt == 0)
                answer.topicError = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            else
                for (int partition_idx = 0; partition_idx < found->partition_cnt; ++partition_idx)
                    answer.partitions.emplace_back(found->partitions[partition_idx].id, found->partitions[partition_idx].leader);
        }
        out.push_back(std::move(answer));
    }
    if (metadata)
        rd_kafka_metadata_destroy(metadata);
    return out;
}

ProbeAnswer probeEnds(rd_kafka_t* handle, const std::vector<std::pair<std::string, int32_t>>& partitions, int timeoutMs)
{
    ProbeAnswer answer;
    answer.asked = partitions;
    answer.sentAtMs = steadyClockMs();
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
    for (const auto& [topic, partition] : partitions)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_END;
    answer.error = rd_kafka_offsets_for_times(handle, list, timeoutMs);
    answer.receivedAtMs = steadyClockMs();
    if (!answer.error)
        for (int entry_idx = 0; entry_idx < list->cnt; ++entry_idx)
            answer.ends.push_back({list->elems[entry_idx].topic, list->elems[entry_idx].partition, list->elems[entry_idx].offset, list->elems[entry_idx].err});
    rd_kafka_topic_partition_list_destroy(list);
    return answer;
}

} // namespace slatrack::ingest

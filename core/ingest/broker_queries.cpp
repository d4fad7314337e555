#include "broker_queries.hpp"

#include <chrono>

namespace slatrack::ingest {

int64_t steadyClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<TopicAnswer> describeTopics(rd_kafka_t* handle, const std::vector<std::string>& topics, int timeoutMs)
{
    std::vector<TopicAnswer> out;
    for (const std::string& topic : topics) {
        TopicAnswer answer;
        answer.topic = topic;
        rd_kafka_topic_t* topicHandle = rd_kafka_topic_new(handle, topic.c_str(), nullptr);
        const rd_kafka_metadata_t* metadata = nullptr;
        answer.requestError = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMs);
        rd_kafka_topic_destroy(topicHandle);
        if (!answer.requestError) {
            if (metadata->topic_cnt != 1)
                answer.topicError = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            else if (metadata->topics[0].err)
                answer.topicError = metadata->topics[0].err;
            else if (metadata->topics[0].partition_cnt == 0)
                answer.topicError = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            else
                for (int partition_idx = 0; partition_idx < metadata->topics[0].partition_cnt; ++partition_idx)
                    answer.partitions.emplace_back(metadata->topics[0].partitions[partition_idx].id, metadata->topics[0].partitions[partition_idx].leader);
            rd_kafka_metadata_destroy(metadata);
        }
        out.push_back(std::move(answer));
    }
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

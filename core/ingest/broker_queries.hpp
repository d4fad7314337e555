#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::ingest {

// The blocking broker round trips KafkaSource runs on helper threads
// (librdkafka calls are thread-safe): topic metadata, and end-of-log probes.

// What a metadata request said about one topic.
struct TopicAnswer {
    std::string topic;
    rd_kafka_resp_err_t requestError = RD_KAFKA_RESP_ERR_NO_ERROR;  // the request failed: we learnt nothing
    rd_kafka_resp_err_t topicError = RD_KAFKA_RESP_ERR_NO_ERROR;    // the broker answered: the topic is not usable
    std::vector<std::pair<int32_t, int32_t>> partitions;            // (id, leader broker id)
};

// From one all-topics metadata request, which creates no topic (see the
// .cpp): a configured topic absent from it is UNKNOWN_TOPIC_OR_PART.
// Blocking (up to timeoutMs); librdkafka calls are thread-safe, so this
// also runs on a helper thread.
std::vector<TopicAnswer> describeTopics(rd_kafka_t* handle, const std::vector<std::string>& topics, int timeoutMs);

struct ProbeAnswer {
    int64_t sentAtMs = 0;      // steady
    int64_t receivedAtMs = 0;  // steady
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    struct End {
        std::string topic;
        int32_t partition = 0;
        int64_t offset = -1;  // end of the log (the last stable offset under read_committed)
        rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    };
    std::vector<End> ends;
    std::vector<std::pair<std::string, int32_t>> asked;
};

// One ListOffsets(latest) round trip for partitions that share a leader: a
// fresh answer from the broker about where each log ends. Blocking.
ProbeAnswer probeEnds(rd_kafka_t* handle, const std::vector<std::pair<std::string, int32_t>>& partitions, int timeoutMs);

// Steady-clock milliseconds, the clock of every interval in ingestion.
int64_t steadyClockMs();

} // namespace slatrack::ingest

#pragma once

// A known pipeline written to a Kafka-protocol broker by the test itself,
// with its ground truth: which records were processed, with what latency,
// which never were. Test-thread only.

#include "core/engine/record_id.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::test {

struct ScriptedMessage {
    std::string topic;
    std::string key;
    std::string value;
    int64_t timestampMs = 0;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Produces every message (explicit Kafka timestamps) and waits for all
// delivery reports. Returns an empty string, or what went wrong.
inline std::string produceAll(const std::string& brokers, const std::vector<ScriptedMessage>& messages)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "linger.ms", "5", error, sizeof error);
    rd_kafka_conf_set(conf, "message.timeout.ms", "60000", error, sizeof error);
    rd_kafka_conf_set(conf, "message.max.bytes", "4000000", error, sizeof error);  // the 1 MB bad-message case
    static std::atomic<int> failures;
    failures = 0;
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* message, void*) {
        if (message->err)
            ++failures;
    });
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!producer)
        return error;
    std::string problem;
    for (const ScriptedMessage& message : messages) {
        rd_kafka_headers_t* headers = rd_kafka_headers_new(message.headers.size() + 1);
        for (const auto& [name, value] : message.headers)
            rd_kafka_header_add(headers, name.c_str(), -1, value.data(), static_cast<ssize_t>(value.size()));
        for (;;) {
            const rd_kafka_resp_err_t err = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(message.topic.c_str()),
                RD_KAFKA_V_KEY(message.key.empty() ? nullptr : message.key.data(), message.key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(message.timestampMs),
                RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer, 50);
                continue;
            }
            if (err) {
                rd_kafka_headers_destroy(headers);
                problem = std::string("produce: ") + rd_kafka_err2str(err);
            }
            break;  // on success the headers belong to the message
        }
        if (!problem.empty())
            break;
    }
    if (rd_kafka_flush(producer, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR && problem.empty())
        problem = "flush timed out";
    rd_kafka_destroy(producer);
    if (problem.empty() && failures > 0)
        problem = std::to_string(failures.load()) + " message(s) failed delivery";
    return problem;
}

// Records with composite IDs entering every 10 ms from baseMs; each
// processed after a deterministic latency, except every dropEvery-th (never
// processed: stuck, or lost when older than the window); every dupEvery-th
// incoming is delivered twice (at-least-once redelivery).
struct KnownPipeline {
    std::vector<ScriptedMessage> incoming;
    std::vector<ScriptedMessage> processed;
    std::vector<std::string> droppedIds;   // oldest first
    std::vector<int64_t> latencies;        // of processed records
    uint64_t records = 0;
    uint64_t duplicateIncoming = 0;
};

inline KnownPipeline makeKnownPipeline(int64_t baseMs, uint64_t records, uint64_t dropEvery, uint64_t dupEvery, uint32_t salt = 1)
{
    KnownPipeline out;
    out.records = records;
    for (uint64_t record = 0; record < records; ++record) {
        const int64_t t0 = baseMs + static_cast<int64_t>(record) * 10;
        const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000),
                                                       static_cast<uint32_t>((record + 1) * 2654435761u) ^ salt);
        const std::string key = engine::composite_id::format(id);
        const std::string body = R"({"id":")" + key + R"("})";
        out.incoming.push_back({"incoming", key, body, t0, {}});
        if (dupEvery && record % dupEvery == dupEvery - 1) {
            out.incoming.push_back({"incoming", key, body, t0, {}});
            ++out.duplicateIncoming;
        }
        if (dropEvery && record % dropEvery == dropEvery - 1) {
            out.droppedIds.push_back(key);
            continue;
        }
        const int64_t latency = 20 + static_cast<int64_t>((record * 37) % 480);
        out.latencies.push_back(latency);
        out.processed.push_back({"processed", key, body, t0 + latency, {}});
    }
    return out;
}

inline int64_t nearestRank(std::vector<int64_t> values, double percentile)
{
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<size_t>(std::ceil(percentile / 100.0 * static_cast<double>(values.size())));
    return values[std::max<size_t>(rank, 1) - 1];
}

} // namespace slatrack::test

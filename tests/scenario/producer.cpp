#include "producer.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>

namespace slatrack::scenario {

std::string produce(const std::string& brokers, const std::vector<const FixtureMessage*>& messages)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, const char*> settings[] = {
        {"bootstrap.servers", brokers.c_str()},
        {"linger.ms", "1"},
        {"message.timeout.ms", "30000"},
        // One in-flight request and idempotence off: the broker stores each
        // partition's messages in the order they are written in the fixture.
        {"max.in.flight.requests.per.connection", "1"},
    };
    for (const auto& [name, value] : settings) {
        if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return std::string(name) + ": " + error;
        }
    }
    // The delivery callback runs inside rd_kafka_poll/flush on this thread.
    std::atomic<int> failures{0};
    rd_kafka_conf_set_opaque(conf, &failures);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
        if (message->err)
            ++*static_cast<std::atomic<int>*>(opaque);
    });
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!producer) {
        rd_kafka_conf_destroy(conf);
        return std::string("cannot create a producer: ") + error;
    }
    std::string problem;
    for (const FixtureMessage* message : messages) {
        rd_kafka_headers_t* headers = rd_kafka_headers_new(message->headers.size() + 1);
        for (const auto& [name, value] : message->headers)
            rd_kafka_header_add(headers, name.c_str(), -1, value.data(), static_cast<ssize_t>(value.size()));
        // Locals: librdkafka's V_ macros cast their argument without parentheses.
        const char* keyData = message->key ? message->key->data() : nullptr;
        const size_t keySize = message->key ? message->key->size() : 0;
        for (;;) {
            const rd_kafka_resp_err_t err = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(message->topic.c_str()), RD_KAFKA_V_PARTITION(message->partition),
                RD_KAFKA_V_KEY(keyData, keySize),
                RD_KAFKA_V_VALUE(const_cast<char*>(message->value.data()), message->value.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(message->timestampMs), RD_KAFKA_V_HEADERS(headers),
                RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer, 50);
                continue;
            }
            if (err) {
                rd_kafka_headers_destroy(headers);
                problem = "producing fixture message " + std::to_string(message->index) + " to " + message->topic + "[" +
                          std::to_string(message->partition) + "]: " + rd_kafka_err2str(err);
            }
            break;  // on success the headers belong to the message
        }
        if (!problem.empty())
            break;
    }
    if (rd_kafka_flush(producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR && problem.empty())
        problem = "flush timed out";
    rd_kafka_destroy(producer);
    if (problem.empty() && failures > 0)
        problem = std::to_string(failures.load()) + " fixture message(s) failed delivery";
    return problem;
}

} // namespace slatrack::scenario

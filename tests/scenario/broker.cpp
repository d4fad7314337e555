#include "broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace slatrack::scenario {

std::unique_ptr<ingest::MockBroker> startBroker(const Fixture& fixture)
{
    auto broker = std::make_unique<ingest::MockBroker>();
    for (const auto& [topic, partitions] : fixture.partitions)
        broker->createTopic(topic, partitions);
    for (const std::string& topic : fixture.missingTopics)
        rd_kafka_mock_topic_set_error(broker->cluster(), topic.c_str(), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    return broker;
}

} // namespace slatrack::scenario

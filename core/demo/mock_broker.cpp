#include "core/demo/mock_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>
#include <stdexcept>
#include <string>

namespace slatrack::ingest {

namespace {

// Below "notice" so the handle's harmless CONFWARN ("No bootstrap.servers
// configured") is not printed: this handle is never meant to connect.
constexpr const char* kHandleLogLevel = "4";

[[noreturn]] void throwKafkaError(const std::string& what, rd_kafka_resp_err_t err)
{
    throw std::runtime_error("mock broker: " + what + ": " + rd_kafka_err2str(err));
}

} // namespace

MockBroker::MockBroker(int brokerCount)
    : m_brokerCount(brokerCount)
{
    if (brokerCount < 1) {
        throw std::invalid_argument("mock broker: broker count must be >= 1, got "
                                    + std::to_string(brokerCount));
    }
    std::array<char, 512> errText{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "log_level", kHandleLogLevel, errText.data(), errText.size())
        != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("mock broker: ") + errText.data());
    }
    // rd_kafka_new takes ownership of conf only on success.
    m_handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errText.data(), errText.size());
    if (!m_handle) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("mock broker: cannot create handle: ")
                                 + errText.data());
    }
    m_cluster = rd_kafka_mock_cluster_new(m_handle, brokerCount);
    if (!m_cluster) {
        rd_kafka_destroy(m_handle);
        throw std::runtime_error("mock broker: cannot create the mock cluster "
                                 "(could not bind a port on 127.0.0.1?)");
    }
    m_bootstrapServers = rd_kafka_mock_cluster_bootstraps(m_cluster);
}

MockBroker::~MockBroker()
{
    // Order matters: the cluster uses m_handle for its bookkeeping.
    rd_kafka_mock_cluster_destroy(m_cluster);
    rd_kafka_destroy(m_handle);
}

void MockBroker::createTopic(const std::string& name, int partitions, int replicationFactor)
{
    if (name.empty()) {
        throw std::invalid_argument("mock broker: topic name must not be empty");
    }
    if (partitions < 1) {
        throw std::invalid_argument("mock broker: topic '" + name
                                    + "' needs >= 1 partition, got " + std::to_string(partitions));
    }
    const int replication = replicationFactor > 0 ? replicationFactor
                                                  : (m_brokerCount < 3 ? m_brokerCount : 3);
    if (replication > m_brokerCount) {
        throw std::invalid_argument("mock broker: replication factor "
                                    + std::to_string(replication) + " exceeds the "
                                    + std::to_string(m_brokerCount) + " broker(s)");
    }
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(m_cluster, name.c_str(), partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throwKafkaError("cannot create topic '" + name + "'", err);
    }
}

void MockBroker::checkBrokerId(int32_t brokerId, const char* what) const
{
    // The mock answers an unknown id with an error too, but naming the valid
    // range here makes a wrong test or command line obvious.
    if (brokerId != -1 && (brokerId < 1 || brokerId > m_brokerCount)) {
        throw std::runtime_error(std::string("mock broker: ") + what + ": no broker "
                                 + std::to_string(brokerId) + " (ids are 1.."
                                 + std::to_string(m_brokerCount) + ", or -1 for all)");
    }
}

void MockBroker::setBrokerDown(int32_t brokerId)
{
    checkBrokerId(brokerId, "setBrokerDown");
    const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(m_cluster, brokerId);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throwKafkaError("setBrokerDown(" + std::to_string(brokerId) + ")", err);
    }
}

void MockBroker::setBrokerUp(int32_t brokerId)
{
    checkBrokerId(brokerId, "setBrokerUp");
    const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(m_cluster, brokerId);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throwKafkaError("setBrokerUp(" + std::to_string(brokerId) + ")", err);
    }
}

void MockBroker::setRtt(int32_t brokerId, int rttMs)
{
    checkBrokerId(brokerId, "setRtt");
    if (rttMs < 0) {
        throw std::invalid_argument("mock broker: setRtt: rtt must be >= 0 ms, got "
                                    + std::to_string(rttMs));
    }
    const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_rtt(m_cluster, brokerId, rttMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throwKafkaError("setRtt(" + std::to_string(brokerId) + ")", err);
    }
}

} // namespace slatrack::ingest

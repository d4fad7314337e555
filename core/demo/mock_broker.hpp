#pragma once

#include <cstdint>
#include <string>

// Opaque librdkafka types: callers of MockBroker need not include rdkafka.h.
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace slatrack::ingest {

// An embedded Kafka-protocol broker: the librdkafka mock cluster, listening
// on 127.0.0.1 only. It is what `slatrack broker`, `--demo` and the
// integration tests talk to when there is no real Kafka.
//
// Behaviour of librdkafka 2.0.2's mock cluster worth knowing (measured or
// read from its source; tests and the simulator depend on these):
//  - Ports: every broker binds 127.0.0.1 on a port chosen by the kernel.
//    There is no API to choose the port, so bootstrapServers() is the only
//    way to learn the address (`slatrack broker --port` rejects other ports).
//  - Retention: about 5 MB per partition is kept; older data is dropped
//    silently (no error to producers or consumers, the log start moves).
//  - Auto topic creation: any topic named in a Metadata request is created
//    with 4 partitions, even by consumers and `kcat -L -t NAME`, whatever
//    allow.auto.create.topics says. A typo in a topic name therefore
//    creates an empty topic instead of failing. createTopic() first.
//  - Consumer groups: a rebalance completes only after about
//    session.timeout.ms - 1 s, so clients used against it should set a short
//    session.timeout.ms (6000, heartbeat.interval.ms 500).
//  - An empty fetch is held for fetch.wait.max.ms: consumers wanting low
//    latency at low rates set it low (e.g. 50).
//  - setBrokerDown/Up do not move partition leadership: partitions led by
//    a down broker are unavailable until it is up again.
//  - The Admin API (CreateTopics etc.) is not implemented.
//
// Threading: the cluster runs on its own librdkafka thread. Every public
// member function except the destructor may be called from any thread
// (the mock serializes commands through its op queue). The destructor must
// not race with other calls; clients still connected see their connections
// drop, which is harmless.
class MockBroker {
public:
    static constexpr int kDefaultBrokerCount = 1;
    // Replication factor -1 means "min(3, brokerCount)", the mock's default.
    static constexpr int kDefaultReplicationFactor = -1;

    // Starts brokerCount brokers with ids 1..brokerCount.
    // Throws std::invalid_argument for brokerCount < 1 and
    // std::runtime_error if librdkafka cannot create the cluster.
    explicit MockBroker(int brokerCount = kDefaultBrokerCount);
    ~MockBroker();

    MockBroker(const MockBroker&) = delete;
    MockBroker& operator=(const MockBroker&) = delete;

    // "127.0.0.1:PORT[,127.0.0.1:PORT...]", one entry per broker.
    const std::string& bootstrapServers() const { return m_bootstrapServers; }
    int brokerCount() const { return m_brokerCount; }

    // Creates a topic. Throws std::invalid_argument for an empty name or
    // partitions < 1, std::runtime_error if the mock refuses (e.g. the
    // replication factor exceeds the broker count). Creating an existing
    // topic again is refused by the mock (TOPIC_ALREADY_EXISTS).
    void createTopic(const std::string& name, int partitions,
                     int replicationFactor = kDefaultReplicationFactor);

    // Fault injection. brokerId is 1..brokerCount, or -1 for all brokers.
    // Down: existing connections are closed and new ones are refused, so
    // clients log "Connection refused", producers' records time out
    // (message.timeout.ms) and consumers get ERR__TRANSPORT /
    // ERR__ALL_BROKERS_DOWN error events. Up: clients reconnect after their
    // reconnect.backoff.ms and carry on.
    // Throws std::runtime_error on an unknown broker id.
    void setBrokerDown(int32_t brokerId);
    void setBrokerUp(int32_t brokerId);
    // Adds rttMs of delay to every response of that broker (0 removes it).
    // Throws std::runtime_error on an unknown broker id,
    // std::invalid_argument for rttMs < 0.
    void setRtt(int32_t brokerId, int rttMs);

    // Escape hatch for fault injection this class does not wrap
    // (rd_kafka_mock_push_request_errors and friends). Owned by MockBroker.
    rd_kafka_mock_cluster_t* cluster() const { return m_cluster; }

private:
    void checkBrokerId(int32_t brokerId, const char* what) const;

    int m_brokerCount = 0;
    // The mock cluster needs an rd_kafka_t for its bookkeeping; this
    // producer handle never connects anywhere.
    rd_kafka_t* m_handle = nullptr;
    rd_kafka_mock_cluster_t* m_cluster = nullptr;
    std::string m_bootstrapServers;
};

} // namespace slatrack::ingest

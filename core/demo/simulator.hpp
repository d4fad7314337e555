#pragma once

#include "core/demo/simulator_config.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace slatrack::ingest {

class SimulatedProducer;
class SimulatedProcessor;

struct SimulatorStats {
    uint64_t produced = 0;       // incoming records acknowledged by the broker
    uint64_t produceFailed = 0;  // incoming records that could not be written
    uint64_t consumed = 0;       // incoming records the processor read
    uint64_t processed = 0;      // processed records acknowledged by the broker
    uint64_t processFailed = 0;  // processed records that could not be written
    uint64_t dropped = 0;        // consumed and deliberately never processed
    uint64_t pending = 0;        // consumed, waiting out their latency
    bool producing = false;
    bool stalled = false;
    bool assigned = false;
};

// A synthetic pipeline against any Kafka-protocol brokers (the mock broker
// or a real cluster): a SimulatedProducer writing composite-ID records to
// the incoming topic at a fixed rate, and a SimulatedProcessor turning them
// into processed records after a sampled latency, with drops and stalls.
// Used by `slatrack simulate`, `--demo` and the integration tests.
//
// Life cycle: start() -> [stopProducing() -> waitUntilDrained()] -> stop().
// Draining first makes the ground truth exact: produced = processed +
// dropped, and the dropped-IDs file lists exactly the IDs that never reach
// the processed topic.
//
// Threading: start(), stopProducing(), waitUntilDrained(), stop() and the
// destructor from one owner thread; stats(), config() and firstError() from
// any thread. The simulator runs two threads of its own plus librdkafka's.
class Simulator {
public:
    // How long the producer waits for the processor's partition assignment
    // before producing anyway (the mock's first rebalance takes
    // session.timeout.ms - 1 s; a real broker's group.initial.rebalance.delay.ms
    // is 3 s by default).
    static constexpr std::chrono::seconds kAssignmentWaitLimit{30};

    // Throws std::invalid_argument with validateSimulatorConfig()'s message
    // for a bad config, std::runtime_error if a Kafka client cannot be
    // created or the dropped-IDs file cannot be opened.
    explicit Simulator(SimulatorConfig config);
    ~Simulator();

    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    struct BrokerCheck {
        std::string error;  // empty when the brokers answered
        std::vector<std::string> missingTopics;  // of incoming/processed
    };
    // Asks the brokers for their topics, blocking up to limit: tells an
    // unreachable bootstrap address apart from a slow start, and which of
    // our topics would have to be auto-created. Any thread.
    BrokerCheck checkBrokers(std::chrono::milliseconds limit) const;

    // Starts the processor, then the producer (which first waits for the
    // processor's assignment if config.waitForAssignment). Returns at once.
    // Throws std::runtime_error if the processor cannot subscribe.
    void start();
    // Stops the incoming producer and waits (bounded) for its deliveries,
    // so stats().produced is final. The processor keeps running.
    void stopProducing();
    // Blocks until every produced record was consumed and is processed (or
    // dropped) with its delivery settled, or until limit passes. Calls
    // stopProducing() first if needed. Assumes the incoming topic holds no
    // unconsumed records of others (the processor's consumed count is
    // compared with our produced count). Returns true when drained.
    bool waitUntilDrained(std::chrono::milliseconds limit);
    // Stops both; records still pending stay counted as pending.
    void stop();

    SimulatorStats stats() const;
    const SimulatorConfig& config() const { return m_config; }
    // First error from either side (delivery, consumer), empty if none.
    std::string firstError() const;

private:
    SimulatorConfig m_config;
    std::unique_ptr<SimulatedProcessor> m_processor;
    std::unique_ptr<SimulatedProducer> m_producer;
    bool m_producerStopped = false;
};

} // namespace slatrack::ingest

#pragma once

#include "core/demo/simulator_config.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace RdKafka {
class Producer;
}

namespace slatrack::ingest {

class SimulatedDeliveryCounter;

struct SimulatedProducerStats {
    uint64_t sent = 0;       // handed to librdkafka
    uint64_t delivered = 0;  // acknowledged by the broker
    uint64_t failed = 0;     // delivery failed or purged at stop
};

// The pipeline's source: writes composite-ID records to the incoming topic
// at a steady rate on its own thread. Key = ID as 16 hex digits, value =
// formatIncomingValue(), Kafka timestamp = created_ms.
//
// Pacing: each iteration sends what the rate allows for the time elapsed
// since producing began, so a slow iteration is caught up in the next one
// and the long-run rate is exact; when librdkafka's queue is full the
// thread serves delivery reports and retries rather than dropping.
// Batching is left to librdkafka (linger.ms, batch.num.messages); nothing
// flushes per message.
//
// Threading: construct, start(), stop() and destroy from one owner thread.
// stats() and requestStop() may be called from any thread.
class SimulatedProducer {
public:
    // Creates the librdkafka producer. Throws std::runtime_error on a bad
    // setting. The config must already be valid (validateSimulatorConfig).
    SimulatedProducer(const SimulatorConfig& config, uint64_t seed);
    ~SimulatedProducer();

    SimulatedProducer(const SimulatedProducer&) = delete;
    SimulatedProducer& operator=(const SimulatedProducer&) = delete;

    // Starts the thread. It waits (up to gateLimit) until gate() returns
    // true before producing; gate is called on the producer thread.
    void start(std::function<bool()> gate, std::chrono::milliseconds gateLimit);
    // Asks the thread to stop producing; returns at once.
    void requestStop();
    // Stops producing, waits up to flushLimit for outstanding deliveries,
    // then purges the rest (counted as failed) and joins the thread.
    void stop(std::chrono::milliseconds flushLimit);

    // Asks the brokers for the names of all topics (which, unlike naming
    // topics, never auto-creates one). Returns an error text, empty on
    // success. Any thread; blocks up to limit.
    std::string fetchTopicNames(std::chrono::milliseconds limit,
                                std::vector<std::string>& names) const;

    SimulatedProducerStats stats() const;
    // False while waiting at the gate and after stop.
    bool isProducing() const { return m_producing.load(std::memory_order_relaxed); }
    // First delivery error seen, empty if none.
    std::string firstError() const;

private:
    void run(std::function<bool()> gate, std::chrono::milliseconds gateLimit);
    // Sleeps up to duration unless a stop is requested.
    void sleepFor(std::chrono::nanoseconds duration);

    SimulatorConfig m_config;
    uint64_t m_seed = 0;
    std::unique_ptr<SimulatedDeliveryCounter> m_deliveryCounter;
    std::unique_ptr<RdKafka::Producer> m_producer;
    std::thread m_thread;

    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_producing{false};
    std::atomic<uint64_t> m_sent{0};
    std::mutex m_sleepMutex;
    std::condition_variable m_sleepWake;
};

} // namespace slatrack::ingest

#pragma once

#include "core/demo/simulator_config.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace RdKafka {
class KafkaConsumer;
class Message;
class Producer;
class TopicPartition;
}

namespace slatrack::ingest {

class SimulatedDeliveryCounter;

struct SimulatedProcessorStats {
    uint64_t consumed = 0;   // records read from the incoming topic
    uint64_t dropped = 0;    // consumed and deliberately never processed
    uint64_t emitted = 0;    // handed to the producer for the processed topic
    uint64_t processed = 0;  // acknowledged on the processed topic
    uint64_t failed = 0;     // delivery to the processed topic failed
    uint64_t pending = 0;    // consumed, waiting out their latency
    bool stalled = false;    // in a configured stall right now
    bool assigned = false;   // the consumer group has assigned partitions
};

// The simulated pipeline stage: consumes the incoming topic in a consumer
// group and writes each record to the processed topic with the same key and
// its value plus "processed_ms", once the record's sampled latency has
// passed since its created_ms. A fraction of records is dropped (they stay
// stuck forever) and their IDs can be appended to a file as ground truth.
//
// One thread does everything: the consumer, a min-heap of pending records
// ordered by due time, and the producer. Memory is bounded: when
// kMaxPendingRecords wait, or during a stall, the assigned partitions are
// paused, so the backlog stays in Kafka (as lag) rather than in RAM. Note
// that the mock broker keeps only ~5 MB per partition: a long stall at a
// high rate loses the oldest incoming records there, and those are neither
// processed nor listed as dropped.
//
// Offsets are auto-committed as records are consumed, not as they are
// processed: after a restart, records that were pending are not redone.
//
// Threading: construct, start(), stop() and destroy from one owner thread.
// stats(), hasAssignment(), firstError() and requestStop() may be called
// from any thread.
class SimulatedProcessor {
public:
    // Bounds RAM: ~200 bytes per pending record, so ~40 MB at most.
    static constexpr std::size_t kMaxPendingRecords = 200'000;

    // Creates the consumer and producer and opens (truncates) the
    // dropped-IDs file. Throws std::runtime_error naming what failed.
    // The config must already be valid (validateSimulatorConfig).
    SimulatedProcessor(const SimulatorConfig& config, uint64_t seed);
    ~SimulatedProcessor();

    SimulatedProcessor(const SimulatedProcessor&) = delete;
    SimulatedProcessor& operator=(const SimulatedProcessor&) = delete;

    void start();
    void requestStop();
    // Stops the thread, leaves the group (committing offsets), waits up to
    // flushLimit for processed records in flight, purges the rest (counted
    // as failed) and closes the dropped-IDs file. Records still pending
    // stay counted as pending.
    void stop(std::chrono::milliseconds flushLimit);

    SimulatedProcessorStats stats() const;
    bool hasAssignment() const { return m_assigned.load(); }
    // First consumer or delivery error seen, empty if none.
    std::string firstError() const;

private:
    class Rebalancer;
    struct PendingRecord {
        int64_t dueMs = 0;
        uint64_t sequence = 0;  // ties broken in arrival order
        std::string key;
        std::string value;
    };
    struct LaterDue {
        bool operator()(const PendingRecord& lhs, const PendingRecord& rhs) const
        {
            return lhs.dueMs != rhs.dueMs ? lhs.dueMs > rhs.dueMs : lhs.sequence > rhs.sequence;
        }
    };

    void run();
    // Both called on the processor thread only.
    void onRebalance(int err, std::vector<RdKafka::TopicPartition*>& partitions);
    void setPaused(bool paused);
    void consumeAvailable(int firstWaitMs);
    void takeRecord(const RdKafka::Message& message);
    void emitDue();
    bool isStallTime(std::chrono::steady_clock::duration sinceStart) const;
    void noteError(const std::string& error);

    SimulatorConfig m_config;
    // Processor-thread state (the random streams are deterministic per
    // seed, which makes drops reproducible for a given input order).
    std::mt19937_64 m_rng;
    std::bernoulli_distribution m_dropDecision;
    LatencySampler m_latency;
    std::unique_ptr<Rebalancer> m_rebalancer;
    std::unique_ptr<SimulatedDeliveryCounter> m_deliveryCounter;
    std::unique_ptr<RdKafka::KafkaConsumer> m_consumer;
    std::unique_ptr<RdKafka::Producer> m_producer;
    struct FileCloser {
        void operator()(std::FILE* file) const { std::fclose(file); }
    };
    std::unique_ptr<std::FILE, FileCloser> m_droppedIds;
    std::thread m_thread;

    std::priority_queue<PendingRecord, std::vector<PendingRecord>, LaterDue> m_pending;
    uint64_t m_nextSequence = 0;
    bool m_paused = false;

    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_assigned{false};
    std::atomic<bool> m_stalled{false};
    std::atomic<uint64_t> m_consumed{0};
    std::atomic<uint64_t> m_dropped{0};
    std::atomic<uint64_t> m_emitted{0};
    std::atomic<uint64_t> m_pendingCount{0};
    mutable std::mutex m_errorMutex;
    std::string m_firstError;
};

} // namespace slatrack::ingest

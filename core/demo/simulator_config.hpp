#pragma once

// Settings of the synthetic pipeline (`slatrack simulate`, `--demo`) and
// the small pieces its producer and processor share: the latency model,
// the record ID generator and the record formats.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace RdKafka {
class Conf;
}

namespace slatrack::ingest {

// Latency the simulated processor adds, end to end: a record created at t
// is written to the processed topic at t + sample (or as soon as it has
// been consumed, if that is later), so the latency a monitor measures
// follows this model as long as the processor keeps up.
struct LatencyModel {
    enum class Kind { Fixed, LogNormal };
    Kind kind = Kind::Fixed;
    double medianMs = 50.0;  // Fixed: the latency itself
    double p99Ms = 0.0;      // LogNormal only, must be > medianMs

    static LatencyModel fixed(double latencyMs) { return {Kind::Fixed, latencyMs, 0.0}; }
    static LatencyModel logNormal(double medianMs, double p99Ms)
    {
        return {Kind::LogNormal, medianMs, p99Ms};
    }
};

// Draws latencies from a LatencyModel. Not thread-safe: one per thread.
class LatencySampler {
public:
    LatencySampler(const LatencyModel& model, uint64_t seed);
    double sampleMs();

private:
    bool m_fixed = true;
    double m_fixedMs = 0.0;
    std::mt19937_64 m_rng;
    std::lognormal_distribution<double> m_distribution;
};

struct SimulatorConfig {
    std::string bootstrapServers;
    std::string incomingTopic = "incoming";
    std::string processedTopic = "processed";
    std::string consumerGroup = "slatrack-simulator";

    double ratePerSecond = 1000.0;  // incoming records per second
    LatencyModel latency = LatencyModel::fixed(50.0);
    double dropFraction = 0.0;  // [0, 1]: consumed but never processed
    // Every stallEverySeconds (from the processor's start) the processor
    // stops for stallForSeconds: it emits nothing and pauses its partitions,
    // so lag builds up in Kafka as with a real stuck processor. 0 = never.
    double stallEverySeconds = 0.0;
    double stallForSeconds = 0.0;
    std::string droppedIdsPath;  // one dropped ID per line; empty = none
    std::size_t payloadBytes = 16;  // filler in each value

    // Consumer group timing. The mock broker completes a rebalance only
    // after session.timeout.ms - 1 s, hence a short session by default;
    // 6000 is also the lowest a default real broker accepts.
    int sessionTimeoutMs = 6000;
    int heartbeatIntervalMs = 500;
    // The mock holds an empty fetch this long; low keeps latency honest at
    // low rates at the cost of more fetch requests.
    int fetchWaitMaxMs = 50;
    // How long both producers gather records into one batch (linger.ms).
    // The mock cluster keeps every batch as one list node per partition and
    // walks that list on every fetch, and a fetch returns one batch per
    // partition: many small batches make the broker thread busy (measured
    // for `--demo`, see DemoSettings). Longer linger, fewer and larger
    // batches; the cost is up to lingerMs of extra delay before the
    // processor sees a record.
    int lingerMs = 5;
    // Produce only once the processor has its partitions (or after
    // kAssignmentWaitLimit), so the first seconds do not show the group's
    // join time as processing latency.
    bool waitForAssignment = true;

    uint64_t seed = 0;  // 0: seeded from std::random_device
    // Applied to every client after the simulator's own settings, e.g.
    // security.protocol for a real cluster. Never logged (may hold secrets).
    std::map<std::string, std::string> extraKafkaConfig;
};

// Empty when the config is usable, else a message naming the bad field.
std::string validateSimulatorConfig(const SimulatorConfig& config);

// Record IDs are composite temporal IDs: high 32 bits Unix seconds, low 32
// bits random-looking. The low half is a bijective mix of a per-second
// counter and a per-second random salt, so IDs from one generator never
// repeat (up to 2^32 per second); purely random halves would collide a few
// times per second at 200,000 records/s (birthday bound), and a duplicate
// ID would corrupt the ground truth the tests compare against.
// Not thread-safe: one per producing thread.
class SimulatedIdGenerator {
public:
    explicit SimulatedIdGenerator(uint64_t seed);
    uint64_t next(uint32_t unixSeconds);

private:
    std::mt19937_64 m_rng;
    uint32_t m_second = 0;
    uint32_t m_salt = 0;
    uint32_t m_counter = 0;
};

constexpr std::size_t kIdHexDigits = 16;
// Canonical text of an ID: 16 lowercase hex digits, no prefix.
std::string formatIdHex(uint64_t id);

// {"id":"<hex>","created_ms":<ms>,"payload":"<payloadBytes chars>"}
std::string formatIncomingValue(std::string_view idHex, int64_t createdMs,
                                std::size_t payloadBytes);
// The incoming value with ,"processed_ms":<ms> added before its final '}'.
// A value that is not a JSON object becomes
// {"id":"<key>","processed_ms":<ms>} so foreign records still flow.
std::string formatProcessedValue(std::string_view incomingValue, std::string_view key,
                                 int64_t processedMs);
// created_ms from an incoming value, or -1 if it has none.
int64_t parseCreatedMs(std::string_view incomingValue);

// Producer settings both simulator producers use: batching left to
// librdkafka (linger.ms), a deep local queue so a 200,000 records/s burst or
// a short broker outage does not block the producing loop.
std::map<std::string, std::string> simulatorProducerSettings(const SimulatorConfig& config);

// Builds a librdkafka global config from settings then config.extraKafkaConfig.
// Throws std::runtime_error naming the property librdkafka refused.
std::unique_ptr<RdKafka::Conf> makeKafkaConf(
    const SimulatorConfig& config, const std::map<std::string, std::string>& settings);

} // namespace slatrack::ingest

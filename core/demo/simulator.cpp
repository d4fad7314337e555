#include "core/demo/simulator.hpp"

#include "core/demo/simulated_processor.hpp"
#include "core/demo/simulated_producer.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

namespace slatrack::ingest {

namespace {

// Bounded waits at shutdown: long enough for a local broker to acknowledge
// what is in flight, short enough that Ctrl-C feels immediate.
constexpr auto kFlushLimit = std::chrono::seconds(2);
constexpr auto kDrainPollInterval = std::chrono::milliseconds(20);

// splitmix64: derives independent seeds for the two threads from one.
uint64_t mixSeed(uint64_t value)
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

} // namespace

Simulator::Simulator(SimulatorConfig config)
    : m_config(std::move(config))
{
    const std::string problem = validateSimulatorConfig(m_config);
    if (!problem.empty()) {
        throw std::invalid_argument("simulator: " + problem);
    }
    uint64_t seed = m_config.seed;
    if (seed == 0) {
        std::random_device entropy;
        seed = (static_cast<uint64_t>(entropy()) << 32) | entropy();
    }
    m_processor = std::make_unique<SimulatedProcessor>(m_config, mixSeed(seed));
    m_producer = std::make_unique<SimulatedProducer>(m_config, mixSeed(seed + 1));
}

Simulator::~Simulator()
{
    stop();
}

Simulator::BrokerCheck Simulator::checkBrokers(std::chrono::milliseconds limit) const
{
    BrokerCheck check;
    std::vector<std::string> names;
    check.error = m_producer->fetchTopicNames(limit, names);
    if (!check.error.empty()) {
        return check;
    }
    for (const std::string& wanted : {m_config.incomingTopic, m_config.processedTopic}) {
        if (std::find(names.begin(), names.end(), wanted) == names.end()) {
            check.missingTopics.push_back(wanted);
        }
    }
    return check;
}

void Simulator::start()
{
    m_processor->start();
    std::function<bool()> gate;
    if (m_config.waitForAssignment) {
        SimulatedProcessor* processor = m_processor.get();
        gate = [processor] { return processor->hasAssignment(); };
    }
    m_producer->start(std::move(gate), kAssignmentWaitLimit);
}

void Simulator::stopProducing()
{
    if (m_producerStopped) {
        return;
    }
    m_producerStopped = true;
    m_producer->stop(kFlushLimit);
}

bool Simulator::waitUntilDrained(std::chrono::milliseconds limit)
{
    stopProducing();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        const SimulatorStats now = stats();
        const bool allConsumed = now.consumed >= now.produced;
        const bool settled = now.pending == 0
                             && now.processed + now.processFailed + now.dropped >= now.consumed;
        if (allConsumed && settled) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(kDrainPollInterval);
    }
}

void Simulator::stop()
{
    stopProducing();
    m_processor->stop(kFlushLimit);
}

SimulatorStats Simulator::stats() const
{
    const SimulatedProducerStats producer = m_producer->stats();
    const SimulatedProcessorStats processor = m_processor->stats();
    SimulatorStats stats;
    stats.produced = producer.delivered;
    stats.produceFailed = producer.failed;
    stats.consumed = processor.consumed;
    stats.processed = processor.processed;
    stats.processFailed = processor.failed;
    stats.dropped = processor.dropped;
    stats.pending = processor.pending;
    stats.producing = m_producer->isProducing();
    stats.stalled = processor.stalled;
    stats.assigned = processor.assigned;
    return stats;
}

std::string Simulator::firstError() const
{
    std::string error = m_producer->firstError();
    if (error.empty()) {
        error = m_processor->firstError();
    }
    return error;
}

} // namespace slatrack::ingest

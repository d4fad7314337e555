#include "core/demo/simulated_producer.hpp"

#include "core/demo/simulated_delivery_counter.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <stdexcept>

namespace slatrack::ingest {

namespace {

using Clock = std::chrono::steady_clock;

// Records sent per loop iteration at most, so delivery reports and a stop
// request are served at least every ~50 ms even at full speed.
constexpr uint64_t kMaxRecordsPerIteration = 10'000;
// Longest sleep between iterations: bounds how late a record can be sent
// at low rates and how quickly a stop request is noticed.
constexpr auto kMaxSleep = std::chrono::milliseconds(10);
// Shortest sleep: records due meanwhile go out together. Sleeping until the
// next record's due time woke the thread 2,000 times a second at the demo's
// rate (~7 % of a core); 5 ms is invisible next to the producers' linger.
constexpr auto kMinSleep = std::chrono::milliseconds(5);
constexpr auto kGatePollInterval = std::chrono::milliseconds(20);
// Serving delivery reports when the local queue is full.
constexpr int kQueueFullPollMs = 10;
constexpr int kPurgePollMs = 100;

int64_t wallClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

SimulatedProducer::SimulatedProducer(const SimulatorConfig& config, uint64_t seed)
    : m_config(config)
    , m_seed(seed)
    , m_deliveryCounter(std::make_unique<SimulatedDeliveryCounter>())
{
    std::unique_ptr<RdKafka::Conf> conf = makeKafkaConf(m_config, simulatorProducerSettings(m_config));
    std::string errText;
    if (conf->set("dr_cb", m_deliveryCounter.get(), errText) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("simulated producer: " + errText);
    }
    m_producer.reset(RdKafka::Producer::create(conf.get(), errText));
    if (!m_producer) {
        throw std::runtime_error("simulated producer: cannot create the Kafka producer: "
                                 + errText);
    }
}

SimulatedProducer::~SimulatedProducer()
{
    stop(std::chrono::milliseconds(0));
}

void SimulatedProducer::start(std::function<bool()> gate, std::chrono::milliseconds gateLimit)
{
    if (m_thread.joinable()) {
        return;
    }
    m_stopRequested.store(false);
    m_thread = std::thread([this, gate = std::move(gate), gateLimit]() mutable {
        run(std::move(gate), gateLimit);
    });
}

void SimulatedProducer::requestStop()
{
    {
        // Taking the mutex orders the flag before the sleeper's predicate
        // check, so the notification cannot be lost.
        const std::lock_guard lock(m_sleepMutex);
        m_stopRequested.store(true);
    }
    m_sleepWake.notify_all();
}

void SimulatedProducer::stop(std::chrono::milliseconds flushLimit)
{
    requestStop();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (!m_producer) {
        return;
    }
    m_producer->flush(static_cast<int>(flushLimit.count()));
    if (m_producer->outq_len() > 0) {
        // Whatever is still queued would otherwise keep the destructor
        // waiting for a broker that may be down.
        m_producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
        m_producer->poll(kPurgePollMs);
    }
}

std::string SimulatedProducer::fetchTopicNames(std::chrono::milliseconds limit,
                                               std::vector<std::string>& names) const
{
    RdKafka::Metadata* rawMetadata = nullptr;
    const RdKafka::ErrorCode err =
        m_producer->metadata(true, nullptr, &rawMetadata, static_cast<int>(limit.count()));
    const std::unique_ptr<RdKafka::Metadata> metadata(rawMetadata);
    if (err != RdKafka::ERR_NO_ERROR) {
        return RdKafka::err2str(err);
    }
    for (const RdKafka::TopicMetadata* topic : *metadata->topics()) {
        names.push_back(topic->topic());
    }
    return {};
}

SimulatedProducerStats SimulatedProducer::stats() const
{
    SimulatedProducerStats stats;
    stats.sent = m_sent.load(std::memory_order_relaxed);
    stats.delivered = m_deliveryCounter->delivered();
    stats.failed = m_deliveryCounter->failed();
    return stats;
}

std::string SimulatedProducer::firstError() const
{
    return m_deliveryCounter->firstError();
}

void SimulatedProducer::sleepFor(std::chrono::nanoseconds duration)
{
    std::unique_lock lock(m_sleepMutex);
    m_sleepWake.wait_for(lock, duration, [this] { return m_stopRequested.load(); });
}

void SimulatedProducer::run(std::function<bool()> gate, std::chrono::milliseconds gateLimit)
{
    const Clock::time_point gateDeadline = Clock::now() + gateLimit;
    while (gate && !m_stopRequested.load() && !gate() && Clock::now() < gateDeadline) {
        m_producer->poll(0);
        sleepFor(kGatePollInterval);
    }
    if (m_stopRequested.load()) {
        return;
    }
    m_producing.store(true);

    SimulatedIdGenerator ids(m_seed);
    const double rate = m_config.ratePerSecond;
    const Clock::time_point start = Clock::now();
    uint64_t sent = 0;
    while (!m_stopRequested.load(std::memory_order_relaxed)) {
        const double elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        // +1: the first record goes out at once rather than after 1/rate.
        const uint64_t target = static_cast<uint64_t>(elapsedSeconds * rate) + 1;
        const uint64_t batchEnd = std::min(target, sent + kMaxRecordsPerIteration);
        while (sent < batchEnd) {
            const int64_t createdMs = wallClockMs();
            const uint64_t id = ids.next(static_cast<uint32_t>(createdMs / 1000));
            const std::string key = formatIdHex(id);
            std::string value = formatIncomingValue(key, createdMs, m_config.payloadBytes);
            const RdKafka::ErrorCode err = m_producer->produce(
                m_config.incomingTopic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                value.data(), value.size(), key.data(), key.size(), createdMs, nullptr);
            if (err == RdKafka::ERR__QUEUE_FULL) {
                // The broker is slower than the rate (or down): let
                // deliveries drain; the pacing catches up afterwards.
                m_producer->poll(kQueueFullPollMs);
                break;
            }
            ++sent;
            if (err != RdKafka::ERR_NO_ERROR) {
                // Not retried: a refused record counts as failed, like a
                // failed delivery, so sent = delivered + failed at the end.
                m_deliveryCounter->countFailure(RdKafka::err2str(err));
            }
        }
        m_sent.store(sent, std::memory_order_relaxed);
        m_producer->poll(0);
        if (sent >= target) {
            const auto nextDue = start + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(sent / rate));
            const auto untilDue = nextDue - Clock::now();
            if (untilDue > Clock::duration::zero()) {
                sleepFor(std::clamp<Clock::duration>(untilDue, kMinSleep, kMaxSleep));
            }
        }
    }
    m_producing.store(false);
}

} // namespace slatrack::ingest

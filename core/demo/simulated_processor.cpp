#include "core/demo/simulated_processor.hpp"

#include "core/demo/simulated_delivery_counter.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

namespace slatrack::ingest {

namespace {

using Clock = std::chrono::steady_clock;

// Longest the thread blocks in consume(): bounds how late a due record is
// emitted when no input arrives, and how quickly stop is noticed.
constexpr int kMaxWaitMs = 10;
// Shortest wait when the next record is not due yet: records due meanwhile
// are emitted together (up to 5 ms late) instead of waking the thread for
// each of them, which at 2,000 rec/s is every 0.5 ms.
constexpr int kMinWaitMs = 5;
// Per-iteration caps so neither consuming nor emitting starves the other.
constexpr int kMaxConsumePerIteration = 20'000;
constexpr int kMaxEmitPerIteration = 20'000;
constexpr auto kDroppedIdsFlushInterval = std::chrono::seconds(1);
constexpr int kQueueFullPollMs = 10;
constexpr int kPurgePollMs = 100;
// Decorrelates the latency stream from the drop stream of the same seed.
constexpr uint64_t kLatencySeedSalt = 0x5851f42d4c957f2dULL;
// Resume when the backlog is half gone, not at the cap, so a full heap
// does not flip pause/resume on every record.
constexpr std::size_t kResumePendingRecords = SimulatedProcessor::kMaxPendingRecords / 2;

int64_t wallClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

class SimulatedProcessor::Rebalancer : public RdKafka::RebalanceCb {
public:
    explicit Rebalancer(SimulatedProcessor& processor)
        : m_processor(processor)
    {
    }
    // Called by librdkafka from consume(), i.e. on the processor thread.
    void rebalance_cb(RdKafka::KafkaConsumer*, RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& partitions) override
    {
        m_processor.onRebalance(static_cast<int>(err), partitions);
    }

private:
    SimulatedProcessor& m_processor;
};

SimulatedProcessor::SimulatedProcessor(const SimulatorConfig& config, uint64_t seed)
    : m_config(config)
    , m_rng(seed)
    , m_dropDecision(config.dropFraction)
    , m_latency(config.latency, seed ^ kLatencySeedSalt)
    , m_rebalancer(std::make_unique<Rebalancer>(*this))
    , m_deliveryCounter(std::make_unique<SimulatedDeliveryCounter>())
{
    // First, so a bad path fails before any client starts connecting.
    if (!m_config.droppedIdsPath.empty()) {
        m_droppedIds.reset(std::fopen(m_config.droppedIdsPath.c_str(), "w"));
        if (!m_droppedIds) {
            throw std::runtime_error("simulated processor: cannot write dropped IDs to '"
                                     + m_config.droppedIdsPath + "': " + std::strerror(errno));
        }
    }
    std::string errText;
    std::unique_ptr<RdKafka::Conf> consumerConf = makeKafkaConf(
        m_config, {
                      {"group.id", m_config.consumerGroup},
                      {"session.timeout.ms", std::to_string(m_config.sessionTimeoutMs)},
                      {"heartbeat.interval.ms", std::to_string(m_config.heartbeatIntervalMs)},
                      {"fetch.wait.max.ms", std::to_string(m_config.fetchWaitMaxMs)},
                      {"auto.offset.reset", "earliest"},
                      {"enable.partition.eof", "false"},
                      // Once the prefetch queue holds queued.min.messages,
                      // librdkafka 2.0.2 stops fetching and only looks again
                      // about a second later, even if the queue drained at
                      // once: at the default 100,000 that capped the
                      // processor near 100,000-150,000 records/s. The bytes
                      // cap (queued.max.messages.kbytes, 64 MB) still bounds
                      // memory.
                      {"queued.min.messages", "1000000"},
                  });
    if (consumerConf->set("rebalance_cb", m_rebalancer.get(), errText) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("simulated processor: " + errText);
    }
    m_consumer.reset(RdKafka::KafkaConsumer::create(consumerConf.get(), errText));
    if (!m_consumer) {
        throw std::runtime_error("simulated processor: cannot create the Kafka consumer: "
                                 + errText);
    }

    std::unique_ptr<RdKafka::Conf> producerConf =
        makeKafkaConf(m_config, simulatorProducerSettings(m_config));
    if (producerConf->set("dr_cb", m_deliveryCounter.get(), errText) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("simulated processor: " + errText);
    }
    m_producer.reset(RdKafka::Producer::create(producerConf.get(), errText));
    if (!m_producer) {
        throw std::runtime_error("simulated processor: cannot create the Kafka producer: "
                                 + errText);
    }
}

SimulatedProcessor::~SimulatedProcessor()
{
    stop(std::chrono::milliseconds(0));
}

void SimulatedProcessor::start()
{
    if (m_thread.joinable()) {
        return;
    }
    const RdKafka::ErrorCode err = m_consumer->subscribe({m_config.incomingTopic});
    if (err != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("simulated processor: cannot subscribe to '"
                                 + m_config.incomingTopic + "': " + RdKafka::err2str(err));
    }
    m_stopRequested.store(false);
    m_thread = std::thread([this] { run(); });
}

void SimulatedProcessor::requestStop()
{
    m_stopRequested.store(true);
}

void SimulatedProcessor::stop(std::chrono::milliseconds flushLimit)
{
    requestStop();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_consumer) {
        // close() leaves the group at once instead of letting the broker
        // wait out the session timeout before reassigning partitions.
        m_consumer->close();
        m_consumer.reset();
        m_assigned.store(false);
    }
    if (m_producer) {
        m_producer->flush(static_cast<int>(flushLimit.count()));
        if (m_producer->outq_len() > 0) {
            m_producer->purge(RdKafka::Producer::PURGE_QUEUE
                              | RdKafka::Producer::PURGE_INFLIGHT);
            m_producer->poll(kPurgePollMs);
        }
    }
    m_droppedIds.reset();
}

SimulatedProcessorStats SimulatedProcessor::stats() const
{
    SimulatedProcessorStats stats;
    stats.consumed = m_consumed.load(std::memory_order_relaxed);
    stats.dropped = m_dropped.load(std::memory_order_relaxed);
    stats.emitted = m_emitted.load(std::memory_order_relaxed);
    stats.processed = m_deliveryCounter->delivered();
    stats.failed = m_deliveryCounter->failed();
    stats.pending = m_pendingCount.load(std::memory_order_relaxed);
    stats.stalled = m_stalled.load(std::memory_order_relaxed);
    stats.assigned = m_assigned.load(std::memory_order_relaxed);
    return stats;
}

std::string SimulatedProcessor::firstError() const
{
    {
        const std::lock_guard lock(m_errorMutex);
        if (!m_firstError.empty()) {
            return m_firstError;
        }
    }
    return m_deliveryCounter->firstError();
}

void SimulatedProcessor::noteError(const std::string& error)
{
    const std::lock_guard lock(m_errorMutex);
    if (m_firstError.empty()) {
        m_firstError = error;
    }
}

void SimulatedProcessor::onRebalance(int err, std::vector<RdKafka::TopicPartition*>& partitions)
{
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
        m_consumer->assign(partitions);
        if (m_paused) {
            // A stall outlives a rebalance: new partitions start paused.
            m_consumer->pause(partitions);
        }
        m_assigned.store(true);
    } else {
        m_consumer->unassign();
        m_assigned.store(false);
    }
}

void SimulatedProcessor::setPaused(bool paused)
{
    m_paused = paused;
    std::vector<RdKafka::TopicPartition*> partitions;
    if (m_consumer->assignment(partitions) != RdKafka::ERR_NO_ERROR) {
        return;
    }
    if (!partitions.empty()) {
        // librdkafka drops already-fetched messages of paused partitions
        // and refetches from the consumed position on resume: nothing is
        // lost or duplicated.
        paused ? m_consumer->pause(partitions) : m_consumer->resume(partitions);
    }
    RdKafka::TopicPartition::destroy(partitions);
}

bool SimulatedProcessor::isStallTime(Clock::duration sinceStart) const
{
    if (m_config.stallEverySeconds <= 0.0) {
        return false;
    }
    const double elapsed = std::chrono::duration<double>(sinceStart).count();
    if (elapsed < m_config.stallEverySeconds) {
        return false;
    }
    return std::fmod(elapsed, m_config.stallEverySeconds) < m_config.stallForSeconds;
}

void SimulatedProcessor::consumeAvailable(int firstWaitMs)
{
    for (int message_idx = 0; message_idx < kMaxConsumePerIteration; ++message_idx) {
        // Only the first call may block; the rest take what is queued.
        const std::unique_ptr<RdKafka::Message> message(
            m_consumer->consume(message_idx == 0 ? firstWaitMs : 0));
        const RdKafka::ErrorCode err = message->err();
        if (err == RdKafka::ERR__TIMED_OUT) {
            return;
        }
        if (err == RdKafka::ERR_NO_ERROR) {
            takeRecord(*message);
        } else if (err != RdKafka::ERR__PARTITION_EOF) {
            noteError("consuming '" + m_config.incomingTopic + "': " + message->errstr());
        }
    }
}

void SimulatedProcessor::takeRecord(const RdKafka::Message& message)
{
    m_consumed.fetch_add(1, std::memory_order_relaxed);
    const std::string key = message.key() ? *message.key() : std::string();
    if (m_dropDecision(m_rng)) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        if (m_droppedIds) {
            std::fputs(key.c_str(), m_droppedIds.get());
            std::fputc('\n', m_droppedIds.get());
        }
        return;
    }
    PendingRecord record;
    record.key = key;
    record.value.assign(static_cast<const char*>(message.payload()), message.len());
    int64_t createdMs = parseCreatedMs(record.value);
    if (createdMs < 0) {
        // A foreign record: its Kafka timestamp is the best creation time
        // there is.
        const RdKafka::MessageTimestamp stamp = message.timestamp();
        createdMs = stamp.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE
                        ? stamp.timestamp
                        : wallClockMs();
    }
    record.dueMs = createdMs + std::llround(m_latency.sampleMs());
    record.sequence = m_nextSequence++;
    m_pending.push(std::move(record));
}

void SimulatedProcessor::run()
{
    const Clock::time_point start = Clock::now();
    Clock::time_point lastDroppedFlush = start;

    while (!m_stopRequested.load(std::memory_order_relaxed)) {
        const Clock::time_point now = Clock::now();
        const bool stalled = isStallTime(now - start);
        m_stalled.store(stalled, std::memory_order_relaxed);
        const bool backlogged = m_paused ? m_pending.size() > kResumePendingRecords
                                         : m_pending.size() >= kMaxPendingRecords;
        if ((stalled || backlogged) != m_paused) {
            setPaused(stalled || backlogged);
        }
        if (!stalled) {
            emitDue();
        }

        int waitMs = kMaxWaitMs;
        if (!stalled && !m_pending.empty()) {
            const int64_t untilDue = m_pending.top().dueMs - wallClockMs();
            waitMs = untilDue <= 0 ? 0 : static_cast<int>(std::clamp<int64_t>(untilDue, kMinWaitMs, kMaxWaitMs));
        }
        // Consume even when paused: rebalances are served from consume().
        consumeAvailable(waitMs);
        m_pendingCount.store(m_pending.size(), std::memory_order_relaxed);
        m_producer->poll(0);

        if (m_droppedIds && Clock::now() - lastDroppedFlush >= kDroppedIdsFlushInterval) {
            // Readable while the simulator runs, e.g. by a demo's operator.
            std::fflush(m_droppedIds.get());
            lastDroppedFlush = Clock::now();
        }
    }
    m_stalled.store(false);
}

void SimulatedProcessor::emitDue()
{
    const int64_t nowMs = wallClockMs();
    for (int emit_idx = 0; emit_idx < kMaxEmitPerIteration && !m_pending.empty(); ++emit_idx) {
        const PendingRecord& record = m_pending.top();
        if (record.dueMs > nowMs) {
            break;
        }
        std::string value = formatProcessedValue(record.value, record.key, nowMs);
        const RdKafka::ErrorCode err = m_producer->produce(
            m_config.processedTopic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            value.data(), value.size(), record.key.data(), record.key.size(), nowMs, nullptr);
        if (err == RdKafka::ERR__QUEUE_FULL) {
            m_producer->poll(kQueueFullPollMs);
            break;
        }
        if (err != RdKafka::ERR_NO_ERROR) {
            m_deliveryCounter->countFailure(RdKafka::err2str(err));
        }
        m_emitted.fetch_add(1, std::memory_order_relaxed);
        m_pending.pop();
    }
    m_pendingCount.store(m_pending.size(), std::memory_order_relaxed);
}

} // namespace slatrack::ingest

#include "monitor_store.hpp"

#include "time_text.hpp"

#include "core/store/forked_capture.hpp"

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

namespace slatrack::monitor {

namespace {

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int64_t kFlushEveryMs = 1000;
constexpr int64_t kFinalWriteWaitMs = 60'000;

// A capture whose child failed: the snapshot is rolled back, the store
// itself is fine.
struct CaptureFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string sizeText(int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

} // namespace

// Written by the store thread, read by the engine thread and summary().
struct MonitorStore::Progress {
    mutable std::mutex mutex;
    std::atomic<bool> inFlight{false};
    int64_t lastAtMs = 0;
    int64_t lastBytes = 0;
    int64_t lastWriteMs = 0;
    int64_t lastPauseUs = 0;
    int64_t maxPauseUs = 0;
    uint64_t written = 0;
    uint64_t failures = 0;
    std::string lastError;
};

MonitorStore::MonitorStore(const config::PipelineConfig& config, MonitorStoreOptions options, std::function<void(const std::string&)> log)
    : m_pipeline(config.pipeline), m_stageCount(static_cast<int>(config.stages.size())), m_options(std::move(options)), m_log(std::move(log)),
      m_progress(std::make_shared<Progress>())
{
    m_source = sourceOf(config);
    store::StoreWriterOptions writerOptions;
    writerOptions.path = m_options.path;
    writerOptions.pipeline = m_pipeline;
    writerOptions.stageCount = m_stageCount;
    writerOptions.log = m_log;
    m_writer = std::make_unique<store::StoreWriter>(std::move(writerOptions));
}

MonitorStore::~MonitorStore() { stop(); }

std::string MonitorStore::sourceOf(const config::PipelineConfig& config)
{
    std::string out = "brokers " + config.kafka.brokers;
    for (const auto& stage : config.stages) {
        out += "; " + stage.name + ":";
        for (const std::string& topic : stage.topics)
            out += " " + topic;
    }
    return out;
}

std::unique_ptr<engine::JoinEngine> MonitorStore::start(const engine::EngineConfig& engineConfig)
{
    m_writer->start();
    if (!m_options.restore) {
        m_start = "started fresh (restore not asked): replaying the window from Kafka";
        return nullptr;
    }
    // The file belongs to the store thread (its connection, its lock): the
    // snapshot is read and decoded there.
    auto promise = std::make_shared<std::promise<store::RestoredEngine>>();
    std::future<store::RestoredEngine> result = promise->get_future();
    m_writer->submitTask([promise, engineConfig, source = m_source](store::Database& db) { promise->set_value(store::restoreLatestEngine(db, engineConfig, source)); });
    const int64_t deadline = steadyMs() + m_options.restoreWaitMs;
    using State = store::StoreWriterStatus::State;
    for (;;) {
        if (result.wait_for(std::chrono::milliseconds(20)) == std::future_status::ready)
            break;
        const store::StoreWriterStatus status = m_writer->status();
        if (status.state != State::Opening && status.state != State::Ok) {
            m_start = "no usable snapshot (the store is " + std::string(store::storeStateName(status.state)) + ": " + status.error +
                      "): replaying the window from Kafka";
            if (m_log)
                m_log(m_start);
            return nullptr;
        }
        if (steadyMs() > deadline) {
            m_start = "no usable snapshot (the store did not answer within " + std::to_string(m_options.restoreWaitMs / 1000) +
                      " s): replaying the window from Kafka";
            if (m_log)
                m_log(m_start);
            return nullptr;
        }
    }
    store::RestoredEngine restored = result.get();
    if (!restored.engine) {
        m_start = "no usable snapshot (" + restored.why + "): replaying the window from Kafka";
        if (m_log)
            m_log(m_start);
        return nullptr;
    }
    m_restored = restored.info;
    m_scopeStartMs = restored.info->meta.scopeStartMs;
    m_start = "restored from snapshot of " + formatRfc3339(restored.info->meta.takenAtMs) + " (" + sizeText(restored.info->stateBytes) + ", loaded in " +
              std::to_string(restored.loadMillis) + " ms): resuming every partition at its offset, no replay of the window";
    if (m_log)
        m_log(m_start);
    for (const store::StoredPosition& pos : restored.info->meta.positions)
        m_topics[{pos.stage, pos.index}] = {pos.topic, pos.partition};
    return std::move(restored.engine);
}

void MonitorStore::afterBatch(ingest::IngestBatch& batch)
{
    if (batch.positions.empty())
        return;
    m_positions = std::move(batch.positions);
    for (const ingest::PartitionPosition& pos : m_positions)
        m_topics.try_emplace({pos.stage, pos.index}, pos.topic, pos.partition);
}

std::pair<std::string, int32_t> MonitorStore::topicOf(int stage, uint16_t index) const
{
    if (const auto found = m_topics.find({stage, index}); found != m_topics.end())
        return found->second;
    return {"?", index};
}

void MonitorStore::submitLost(std::vector<engine::LostRecord> lost)
{
    if (lost.empty())
        return;
    std::vector<store::StoredLostRecord> out;
    out.reserve(lost.size());
    for (engine::LostRecord& record : lost) {
        store::StoredLostRecord stored;
        // The record's partition is that of the first stage that saw it:
        // stage 0 once it has its incoming, else (an early record) the
        // last stage seen, the best the engine keeps.
        const int stage = record.awaitingStage > 0 ? 0 : record.lastStage;
        auto [topic, partition] = topicOf(stage, record.partition);
        stored.topic = std::move(topic);
        stored.record = std::move(record);
        stored.record.partition = static_cast<uint16_t>(partition);
        out.push_back(std::move(stored));
    }
    m_writer->submitLost(std::move(out));
}

void MonitorStore::submitSeconds(engine::JoinEngine& engine, bool all)
{
    std::vector<engine::MetricBucket> out = engine.metrics().takeExpired();
    const auto& buckets = engine.metrics().buckets();
    if (!buckets.empty()) {
        const int64_t from = all ? buckets.front().second : buckets.back().second - kRecentSeconds;
        for (const engine::MetricBucket& bucket : buckets)
            if (bucket.second >= from)
                out.push_back(bucket);
    }
    m_writer->submitSeconds(std::move(out));
}

void MonitorStore::tick(engine::JoinEngine& engine, int64_t steadyNowMs)
{
    engine.metrics().setKeepExpired(true);
    if (steadyNowMs - m_lastFlushMs >= kFlushEveryMs) {
        submitLost(engine.takeLost());
        submitSeconds(engine, false);
        m_lastFlushMs = steadyNowMs;
    }
    if (m_lastSnapshotMs == 0)
        m_lastSnapshotMs = steadyNowMs;  // the first one an interval after start
    if (steadyNowMs - m_lastSnapshotMs >= m_options.snapshotIntervalMs) {
        m_lastSnapshotMs = steadyNowMs;
        snapshot(engine);
    }
}

void MonitorStore::snapshot(engine::JoinEngine& engine)
{
    // Nothing read yet (no positions): there is no cut to resume from.
    if (m_positions.empty() || m_progress->inFlight)
        return;
    // While the store fails the work would only queue up: skip, it retries.
    if (m_writer->status().state != store::StoreWriterStatus::State::Ok)
        return;
    submitLost(engine.takeLost());  // evicted before the cut: stored, not in the snapshot
    store::SnapshotMeta meta;
    meta.takenAtMs = wallMs();
    meta.scopeStartMs = m_scopeStartMs;
    meta.source = m_source;
    for (const ingest::PartitionPosition& pos : m_positions)
        meta.positions.push_back(store::StoredPosition{pos.topic, pos.partition, pos.stage, pos.index, pos.nextOffset});
    std::shared_ptr<store::ForkedCapture> capture;
    try {
        capture = std::make_shared<store::ForkedCapture>(engine);
    } catch (const std::exception& error) {
        std::lock_guard lock(m_progress->mutex);
        ++m_progress->failures;
        m_progress->lastError = error.what();
        if (m_log)
            m_log(error.what());
        return;
    }
    m_progress->inFlight = true;
    // Cleared when the task is gone, run or dropped (a store that failed
    // meanwhile drops queued tasks): never a snapshot stuck "in flight".
    struct InFlight {
        std::shared_ptr<Progress> progress;
        ~InFlight() { progress->inFlight = false; }
    };
    std::shared_ptr<InFlight> guard(new InFlight{m_progress});  // not make_shared: a temporary copy would clear the flag
    const int64_t pauseUs = capture->pauseMicros();
    m_writer->submitTask([capture, meta = std::move(meta), guard, pauseUs, log = m_log](store::Database& db) {
        Progress& progress = *guard->progress;
        const int64_t started = steadyMs();
        int64_t bytes = 0;
        try {
            store::writeEngineSnapshot(db, meta, [&](std::string& chunk) {
                if (capture->next(chunk, store::kSnapshotChunkBytes)) {
                    bytes += static_cast<int64_t>(chunk.size());
                    return true;
                }
                if (std::string error = capture->finish(); !error.empty())
                    throw CaptureFailed(error);
                return false;
            });
        } catch (const CaptureFailed& error) {
            std::lock_guard lock(progress.mutex);
            ++progress.failures;
            progress.lastError = error.what();
            if (log)
                log(std::string(error.what()) + " (the previous snapshot stays the latest)");
            return;
        } catch (const std::exception& error) {
            {
                std::lock_guard lock(progress.mutex);
                ++progress.failures;
                progress.lastError = std::string("snapshot: ") + error.what();
            }
            throw;  // the store itself failed: the writer reports it and retries
        }
        std::lock_guard lock(progress.mutex);
        ++progress.written;
        progress.lastAtMs = meta.takenAtMs;
        progress.lastBytes = bytes;
        progress.lastWriteMs = steadyMs() - started;
        progress.lastPauseUs = pauseUs;
        progress.maxPauseUs = std::max(progress.maxPauseUs, pauseUs);
        progress.lastError.clear();
    });
}

void MonitorStore::finish(engine::JoinEngine& engine)
{
    engine.metrics().setKeepExpired(true);
    submitSeconds(engine, true);
    // Wait for a snapshot still being written before taking the last one.
    for (const int64_t deadline = steadyMs() + kFinalWriteWaitMs; m_progress->inFlight && steadyMs() < deadline;)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    snapshot(engine);
    submitLost(engine.takeLost());
    // The capture's child dies with this thread (PR_SET_PDEATHSIG): stay
    // until it is written.
    m_writer->flush(kFinalWriteWaitMs);
}

void MonitorStore::stop()
{
    if (m_writer)
        m_writer->stop();
}

StoreSummary MonitorStore::summary() const
{
    StoreSummary out;
    out.enabled = true;
    out.path = m_options.path.string();
    const store::StoreWriterStatus status = m_writer->status();
    out.state = store::storeStateName(status.state);
    out.error = status.error;
    out.failingSinceMs = status.failingSinceMs;
    out.lostWritten = status.lostWritten;
    out.lostNotPersisted = status.lostNotPersisted;
    out.secondsWritten = status.secondsWritten;
    out.notices = status.notices;
    out.start = m_start;
    out.restored = m_restored.has_value();
    out.restoredFromMs = m_restored ? m_restored->meta.takenAtMs : 0;
    std::lock_guard lock(m_progress->mutex);
    out.lastSnapshotAtMs = m_progress->lastAtMs;
    out.lastSnapshotBytes = m_progress->lastBytes;
    out.lastSnapshotWriteMs = m_progress->lastWriteMs;
    out.lastSnapshotPauseUs = m_progress->lastPauseUs;
    out.maxSnapshotPauseUs = m_progress->maxPauseUs;
    out.snapshotsWritten = m_progress->written;
    out.snapshotFailures = m_progress->failures;
    out.lastSnapshotError = m_progress->lastError;
    return out;
}

} // namespace slatrack::monitor

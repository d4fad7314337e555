#include "monitor.hpp"

#include "batch_apply.hpp"
#include "snapshot_builder.hpp"

#include <chrono>

namespace slatrack::monitor {

namespace {

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Intervals (publishing, sweeping) run on the steady clock: a backward step
// of the wall clock must not stall them. The wall clock is only "now" for
// the judgement itself.
int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr auto kPopTimeout = std::chrono::milliseconds(20);

} // namespace

engine::EngineConfig Monitor::engineConfigFor(const config::PipelineConfig& config)
{
    engine::EngineConfig out;
    out.stageCount = static_cast<int>(config.stages.size());
    out.slaMs = config.sla.count();
    out.windowMs = config.window.count();
    out.graceMs = config.grace.count();
    out.maxOpenRecords = config.maxOpenRecords;
    out.dedupHorizonMs = config.dedupHorizon.count();
    out.maxClockSkewMs = config.maxClockSkew.count();
    return out;
}

Monitor::Monitor(config::PipelineConfig config, MonitorOptions options)
    : m_config(std::move(config)), m_options(std::move(options))
{
    m_engine = std::make_unique<engine::JoinEngine>(engineConfigFor(m_config));
    m_fromMs = m_options.fromMs.value_or(wallMs() - m_config.window.count());
    m_engine->setScopeStart(m_fromMs);
    if (m_options.store)
        m_store = std::make_unique<MonitorStore>(m_config, *m_options.store, m_options.log);
    if (ingest::ConsumerGroupLagPoller::wanted(m_config))
        m_lagPoller = std::make_unique<ingest::ConsumerGroupLagPoller>(m_config, ingest::LagPollerOptions{m_options.pipelineLagIntervalMs, 3'000, m_options.log});
}

Monitor::~Monitor() { stop(); }

void Monitor::start()
{
    m_stop = false;
    ingest::SourceOptions sourceOptions;
    if (m_store && !m_source) {
        // A snapshot wins over the replay start: the resumed run keeps the
        // scope it had and reads on where it stood.
        if (auto restored = m_store->start(engineConfigFor(m_config))) {
            m_engine = std::move(restored);
            m_fromMs = m_store->restoredFrom()->meta.scopeStartMs;
            for (const store::StoredPosition& pos : m_store->restoredFrom()->meta.positions) {
                sourceOptions.resume.push_back(ingest::PartitionPosition{pos.topic, pos.partition, static_cast<uint8_t>(pos.stage), pos.index, pos.nextOffset});
                // Caught up is proven, never remembered (kafka_source.hpp):
                // what was proven before the restart says nothing now, and
                // would let the watermarks run with the wall clock over
                // records written while we were down.
                m_engine->setCaughtUp(pos.stage, pos.index, false);
            }
        }
        m_store->setScopeStart(m_fromMs);
        // Seconds leaving the engine's memory go to the store, from the first batch.
        m_engine->metrics().setKeepExpired(true);
    }
    if (!m_source) {
        sourceOptions.fromMs = m_fromMs;
        sourceOptions.log = m_options.log;
        sourceOptions.metadataRefreshMs = m_options.metadataRefreshMs;
        m_source = std::make_unique<ingest::KafkaSource>(m_config, std::move(sourceOptions), m_queue);
    }
    m_source->start();
    if (m_lagPoller)
        m_lagPoller->start();
    m_thread = std::thread([this] { run(); });
}

void Monitor::stop()
{
    if (m_stop.exchange(true))
        return;
    m_queue.close();  // unblocks a consumer waiting on a full queue
    if (m_source)
        m_source->stop();
    if (m_lagPoller)
        m_lagPoller->stop();
    if (m_thread.joinable())
        m_thread.join();
    if (m_store)
        m_store->stop();
}

SnapshotPtr Monitor::latest() const
{
    std::lock_guard lock(m_latestMutex);
    return m_latest;
}

void Monitor::post(std::function<void(const engine::JoinEngine&)> task)
{
    std::lock_guard lock(m_tasksMutex);
    m_tasks.push_back(std::move(task));
}

void Monitor::run()
{
    // Nothing may escape this thread (std::terminate): an engine error stops
    // the monitor with a last snapshot that says why.
    try {
        loop();
    } catch (const std::exception& error) {
        fail(error.what());
    } catch (...) {
        fail("unknown error");
    }
}

void Monitor::loop()
{
    int64_t lastPublish = steadyMs() - m_options.publishIntervalMs;
    int64_t lastSweep = steadyMs();
    while (!m_stop) {
        // Take everything queued, then judge and maybe publish: under load
        // the engine catches up in big gulps instead of publishing per batch.
        for (auto batch = m_queue.pop(kPopTimeout); batch; batch = m_queue.pop(std::chrono::milliseconds(0)))
            apply(*batch);
        std::vector<std::function<void(const engine::JoinEngine&)>> tasks;
        {
            std::lock_guard lock(m_tasksMutex);
            tasks.swap(m_tasks);
        }
        for (auto& task : tasks) {
            // A failing query (e.g. a page of the stuck list) is reported
            // and the monitor carries on: it changed nothing.
            try {
                task(*m_engine);
            } catch (const std::exception& error) {
                log(std::string("a query on the engine failed: ") + error.what());
            }
        }
        const int64_t now = wallMs();
        const int64_t steadyNow = steadyMs();
        // The engine's own sweep interval compares wall-clock instants, which
        // a backward clock step would stall: force it on the steady clock.
        const bool sweepDue = steadyNow - lastSweep >= m_engine->config().sweepIntervalMs;
        m_engine->advance(now, sweepDue);
        if (sweepDue)
            lastSweep = steadyNow;
        if (m_store)
            m_store->tick(*m_engine, steadyNow);
        if (steadyNow - lastPublish >= m_options.publishIntervalMs) {
            publish(now);
            lastPublish = steadyNow;
        }
    }
    if (m_store)
        m_store->finish(*m_engine);
}

void Monitor::setStuckSilencer(StuckSilencer silencer)
{
    auto shared = silencer ? std::make_shared<const StuckSilencer>(std::move(silencer)) : nullptr;
    std::lock_guard lock(m_latestMutex);
    m_silencer = std::move(shared);
}

void Monitor::fail(const std::string& error)
{
    log("monitor stopped: " + error);
    m_queue.close();  // the consumer must not wait on us any more
    auto snapshot = std::make_shared<MonitorSnapshot>();
    if (const SnapshotPtr last = latest())
        *snapshot = *last;
    snapshot->takenAtMs = wallMs();
    snapshot->fatalError = error;
    SnapshotPtr published = std::move(snapshot);
    {
        std::lock_guard lock(m_latestMutex);
        m_latest = published;
    }
    if (m_options.onSnapshot)
        m_options.onSnapshot(published);
}

void Monitor::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
}

void Monitor::apply(ingest::IngestBatch& batch)
{
    applyBatch(*m_engine, batch, m_config, m_rejectedSamples, wallMs());
    if (m_store)
        m_store->afterBatch(batch);
}

void Monitor::publish(int64_t nowMs)
{
    const ingest::SourceStatus status = m_source->status();
    std::shared_ptr<const StuckSilencer> silencer;
    {
        std::lock_guard lock(m_latestMutex);
        silencer = m_silencer;
    }
    auto snapshot = std::make_shared<MonitorSnapshot>(buildEngineSnapshot(*m_engine, nowMs, m_gaugeHistory, silencer ? *silencer : StuckSilencer{}));
    snapshot->pipeline = m_config.pipeline;
    for (const auto& stage : m_config.stages)
        snapshot->stageNames.push_back(stage.name);
    snapshot->phase = !status.started ? Phase::Starting : (status.replayDone ? Phase::Live : Phase::Replaying);
    snapshot->replay = status.replay;
    uint64_t consumed = 0, target = 0;
    for (const auto& stage : status.replay) {
        consumed += stage.consumed;
        target += stage.target;
    }
    snapshot->replayPercent = target == 0 ? (status.replayDone ? 100.0 : 0.0) : 100.0 * static_cast<double>(consumed) / static_cast<double>(target);
    // ETA from the replay rate, smoothed so one slow poll does not swing it.
    if (m_lastReplaySampleMs > 0 && nowMs > m_lastReplaySampleMs && consumed >= m_lastReplayConsumed) {
        const double rate = static_cast<double>(consumed - m_lastReplayConsumed) / static_cast<double>(nowMs - m_lastReplaySampleMs);
        m_replayRatePerMs = m_replayRatePerMs == 0 ? rate : 0.7 * m_replayRatePerMs + 0.3 * rate;
    }
    m_lastReplayConsumed = consumed;
    m_lastReplaySampleMs = nowMs;
    if (snapshot->phase == Phase::Replaying && m_replayRatePerMs > 0)
        snapshot->replayEtaMs = static_cast<int64_t>(static_cast<double>(target - consumed) / m_replayRatePerMs);
    snapshot->connected = status.connected;
    snapshot->connectionDetail = status.fatalError.empty() ? (status.connected ? std::string() : status.lastError) : status.fatalError;
    snapshot->consumerRestarts = status.restarts;
    snapshot->health = status.health;
    snapshot->partitions = status.partitions;
    for (const auto& partition : status.partitions)
        snapshot->totalLag += partition.lag;
    if (m_lagPoller)
        snapshot->pipelineLag = m_lagPoller->latest();
    snapshot->rejectedSamples.assign(m_rejectedSamples.begin(), m_rejectedSamples.end());
    // Without a store lost records are counted in the snapshot and
    // dropped; with one, MonitorStore::tick hands them to it.
    if (m_store)
        snapshot->store = m_store->summary();
    else
        (void)m_engine->takeLost();

    SnapshotPtr published = std::move(snapshot);
    {
        std::lock_guard lock(m_latestMutex);
        m_latest = published;
    }
    if (m_options.onSnapshot)
        m_options.onSnapshot(published);
}

} // namespace slatrack::monitor

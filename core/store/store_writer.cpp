#include "store_writer.hpp"

#include "metric_history.hpp"

#include <chrono>

namespace slatrack::store {

namespace {

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Retry and upkeep timing must not stall on a wall-clock step.
int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Roll-up and retention run this often: each pass is bounded, and a minute
// of seconds (60 rows) accrues between passes, far below one pass's budget.
constexpr int64_t kUpkeepEveryMs = 10'000;

} // namespace

const char* storeStateName(StoreWriterStatus::State state)
{
    switch (state) {
    case StoreWriterStatus::State::Opening: return "opening";
    case StoreWriterStatus::State::Ok: return "ok";
    case StoreWriterStatus::State::Unavailable: return "unavailable";
    case StoreWriterStatus::State::InUse: return "in_use";
    case StoreWriterStatus::State::Refused: return "refused";
    case StoreWriterStatus::State::Stopped: return "stopped";
    }
    return "unknown";
}

StoreWriter::StoreWriter(StoreWriterOptions options) : m_options(std::move(options)) {}

StoreWriter::~StoreWriter()
{
    stop();
}

void StoreWriter::start()
{
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void StoreWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void StoreWriter::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log("store: " + line);
}

void StoreWriter::submitSeconds(std::vector<engine::MetricBucket> buckets)
{
    if (buckets.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        for (engine::MetricBucket& bucket : buckets)
            m_pendingSeconds.insert_or_assign(bucket.second, std::move(bucket));
        m_status.pendingSeconds = m_pendingSeconds.size();
        ++m_submitted;
    }
    m_wake.notify_one();
}

void StoreWriter::submitLost(std::vector<StoredLostRecord> records)
{
    if (records.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        for (StoredLostRecord& record : records)
            m_pendingLost.push_back(std::move(record));
        while (m_pendingLost.size() > m_options.maxPendingLost) {
            m_pendingLost.pop_front();
            ++m_status.lostNotPersisted;
        }
        m_status.pendingLost = m_pendingLost.size();
        ++m_submitted;
    }
    m_wake.notify_one();
}

void StoreWriter::submitTask(std::function<void(Database&)> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_pendingTasks.push_back(std::move(task));
        ++m_submitted;
    }
    m_wake.notify_one();
}

StoreWriterStatus StoreWriter::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

bool StoreWriter::flush(int64_t timeoutMs)
{
    std::unique_lock lock(m_mutex);
    const uint64_t target = m_submitted;
    m_wake.notify_one();
    m_idle.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        return m_written >= target || (m_status.state != StoreWriterStatus::State::Ok && m_status.state != StoreWriterStatus::State::Opening);
    });
    return m_written >= target;
}

void StoreWriter::fail(StoreWriterStatus::State state, const std::string& error, int64_t nowMs)
{
    m_retryDelayMs = m_retryDelayMs == 0 ? m_options.retryFirstMs : std::min(m_retryDelayMs * 2, m_options.retryMaxMs);
    m_nextTryMs = steadyMs() + m_retryDelayMs;
    {
        std::lock_guard lock(m_mutex);
        const bool changed = m_status.state != state || m_status.error != error;
        if (m_status.state == StoreWriterStatus::State::Ok || m_status.state == StoreWriterStatus::State::Opening)
            m_status.failingSinceMs = nowMs;
        m_status.state = state;
        m_status.error = error;
        m_status.nextRetryInMs = m_retryDelayMs;
        if (changed)
            log(std::string(storeStateName(state)) + ": " + error + " (the engine keeps running in memory; retrying)");
    }
    m_idle.notify_all();
}

bool StoreWriter::ensureOpen(int64_t nowMs)
{
    if (m_store.db)
        return true;
    if (steadyMs() < m_nextTryMs)
        return false;
    m_store = openStore(m_options.path, m_options.pipeline, nowMs);
    if (!m_store.ok()) {
        using State = StoreWriterStatus::State;
        const State state = m_store.status == StoreOpenResult::Status::InUse     ? State::InUse
                            : m_store.status == StoreOpenResult::Status::Refused ? State::Refused
                                                                                 : State::Unavailable;
        fail(state, m_store.error, nowMs);
        return false;
    }
    m_retryDelayMs = 0;
    {
        std::lock_guard lock(m_mutex);
        for (const std::string& notice : m_store.notices) {
            m_status.notices.push_back(notice);
            log(notice);
        }
        m_status.state = StoreWriterStatus::State::Ok;
        m_status.error.clear();
        m_status.failingSinceMs = 0;
        m_status.nextRetryInMs = 0;
    }
    log("opened " + m_options.path.string() + " (schema " + std::to_string(m_store.schemaFrom) + " -> " + std::to_string(m_store.schemaTo) + ")");
    return true;
}

bool StoreWriter::writePending()
{
    std::map<int64_t, engine::MetricBucket> seconds;
    std::deque<StoredLostRecord> lost;
    std::vector<std::function<void(Database&)>> tasks;
    uint64_t generation = 0;
    {
        std::lock_guard lock(m_mutex);
        seconds.swap(m_pendingSeconds);
        lost.swap(m_pendingLost);
        tasks.swap(m_pendingTasks);
        generation = m_submitted;
    }
    try {
        if (!seconds.empty()) {
            std::vector<engine::MetricBucket> buckets;
            buckets.reserve(seconds.size());
            for (auto& [second, bucket] : seconds)
                buckets.push_back(bucket);
            MetricHistory(*m_store.db, m_options.stageCount).writeSeconds(buckets);
        }
        if (!lost.empty())
            LostRecordLog(*m_store.db).append(std::vector<StoredLostRecord>(lost.begin(), lost.end()));
        for (auto& task : tasks)
            task(*m_store.db);
        if (steadyMs() - m_lastUpkeepMs >= kUpkeepEveryMs) {
            MetricHistory(*m_store.db, m_options.stageCount)
                .upkeep(wallMs() / 1000, m_options.keepSecondsFor, m_options.retentionSeconds, m_options.upkeepRowsPerPass);
            m_lastUpkeepMs = steadyMs();
        }
    } catch (const std::exception& failure) {
        // Put the work back (a second submitted meanwhile is newer and wins)
        // and close: the next attempt reopens, which also notices a file
        // replaced or repaired meanwhile.
        {
            std::lock_guard lock(m_mutex);
            for (auto& [second, bucket] : seconds)
                m_pendingSeconds.try_emplace(second, std::move(bucket));
            for (auto it = lost.rbegin(); it != lost.rend(); ++it)
                m_pendingLost.push_front(std::move(*it));
            while (m_pendingLost.size() > m_options.maxPendingLost) {
                m_pendingLost.pop_front();
                ++m_status.lostNotPersisted;
            }
            m_status.pendingSeconds = m_pendingSeconds.size();
            m_status.pendingLost = m_pendingLost.size();
            ++m_status.writeFailures;
            if (!tasks.empty())
                log("dropped " + std::to_string(tasks.size()) + " store task(s): " + failure.what());
        }
        m_store = StoreOpenResult{};
        fail(StoreWriterStatus::State::Unavailable, std::string("writing failed: ") + failure.what(), wallMs());
        return false;
    }
    {
        std::lock_guard lock(m_mutex);
        m_status.secondsWritten += seconds.size();
        m_status.lostWritten += lost.size();
        m_status.pendingSeconds = m_pendingSeconds.size();
        m_status.pendingLost = m_pendingLost.size();
        m_written = generation;
    }
    m_idle.notify_all();
    return true;
}

void StoreWriter::run()
{
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            // Queued work only wakes us while the store is open: while it
            // fails, the retry time does (no spinning on a full queue).
            const auto hasWork = [&] { return m_stop || (m_store.db && m_written < m_submitted); };
            // Wake for work, for the retry time, or for periodic upkeep.
            const int64_t waitMs = m_store.db ? kUpkeepEveryMs : std::max<int64_t>(1, m_nextTryMs - steadyMs());
            m_wake.wait_for(lock, std::chrono::milliseconds(waitMs), hasWork);
            stopping = m_stop;
        }
        if (stopping)
            m_nextTryMs = 0;  // one last attempt to write what is queued
        if (!ensureOpen(wallMs())) {
            if (stopping)
                break;
            continue;
        }
        writePending();
        if (stopping)
            break;
    }
    std::lock_guard lock(m_mutex);
    if (m_status.state == StoreWriterStatus::State::Ok)
        m_status.state = StoreWriterStatus::State::Stopped;
    m_store = StoreOpenResult{};
}

} // namespace slatrack::store

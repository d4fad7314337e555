#pragma once

#include "lost_record_log.hpp"
#include "store_file.hpp"

#include "core/engine/metric_buckets.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::store {

// 1 s rows are kept this long, then rolled up into 1 min rows: history
// queries reaching further back get minute resolution (HistoryQuery).
inline constexpr int64_t kDefaultKeepSecondsFor = 3600;

struct StoreWriterOptions {
    std::filesystem::path path;
    std::string pipeline;
    int stageCount = 2;
    int64_t keepSecondsFor = kDefaultKeepSecondsFor;  // 1 s rows, then rolled to 1 min
    int64_t retentionSeconds = 7 * 86400;      // 1 min rows
    size_t upkeepRowsPerPass = 500;            // bounded work per pass (no long stall)
    int64_t retryFirstMs = 1000;               // backoff while the store is unavailable
    int64_t retryMaxMs = 30'000;
    // Lost records held in memory while the store cannot be written; past
    // it the oldest are dropped and counted (lostNotPersisted), never unbounded.
    size_t maxPendingLost = 1'000'000;
    std::function<void(const std::string&)> log;  // store thread
};

// What the UI, the status line and the "store failing" alert rule read.
struct StoreWriterStatus {
    enum class State { Opening, Ok, Unavailable, InUse, Refused, Stopped };
    State state = State::Opening;
    std::string error;                  // !Ok: what and where
    int64_t failingSinceMs = 0;         // wall clock; 0 when Ok
    int64_t nextRetryInMs = 0;
    std::vector<std::string> notices;   // e.g. the corrupt file moved aside
    size_t pendingSeconds = 0;          // queued, not yet written
    size_t pendingLost = 0;
    uint64_t lostNotPersisted = 0;      // dropped past maxPendingLost while failing
    uint64_t secondsWritten = 0;
    uint64_t lostWritten = 0;
    uint64_t writeFailures = 0;
};
const char* storeStateName(StoreWriterStatus::State state);

// The store's single writer (DESIGN.md "one writer thread"): owns the
// connection on its own thread; the engine thread hands it work and never
// waits. While the store cannot be opened or written (read-only folder,
// full disk, another instance) the work stays queued in memory, the status
// says why and since when, and the thread retries with backoff, so the
// engine keeps running and nothing queued is lost when the store returns.
//
// Threading: submit*() and status() from any thread; start()/stop() from
// the owner.
class StoreWriter {
public:
    explicit StoreWriter(StoreWriterOptions options);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    void start();
    // Writes what is queued if the store is writable, then stops.
    void stop();

    // 1 s buckets; a second submitted again replaces the queued one.
    void submitSeconds(std::vector<engine::MetricBucket> buckets);
    void submitLost(std::vector<StoredLostRecord> records);
    // Runs on the store thread with the open database, after the queued
    // writes (e.g. a snapshot); dropped with a log line if the store is
    // not open. For work that must not pile up while failing.
    void submitTask(std::function<void(Database&)> task);

    StoreWriterStatus status() const;
    // Blocks until everything submitted so far was written or the store is
    // failing; for tests and shutdown. Returns true when all was written.
    bool flush(int64_t timeoutMs);

private:
    void run();
    bool ensureOpen(int64_t nowMs);
    bool writePending();
    void fail(StoreWriterStatus::State state, const std::string& error, int64_t nowMs);
    void log(const std::string& line) const;

    StoreWriterOptions m_options;
    std::thread m_thread;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    bool m_stop = false;
    std::map<int64_t, engine::MetricBucket> m_pendingSeconds;
    std::deque<StoredLostRecord> m_pendingLost;
    std::vector<std::function<void(Database&)>> m_pendingTasks;
    uint64_t m_submitted = 0;   // generations, for flush()
    uint64_t m_written = 0;
    StoreWriterStatus m_status;

    // store thread only
    StoreOpenResult m_store;
    int64_t m_retryDelayMs = 0;
    int64_t m_nextTryMs = 0;
    int64_t m_lastUpkeepMs = 0;
};

} // namespace slatrack::store

#pragma once

#include "lost_record_log.hpp"
#include "metric_history.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace slatrack::store {

// Answers history queries (metric series, lost records of a range, a
// record's past) on a thread of its own with its own read-only connection,
// so neither the UI thread nor the writer ever waits on a query. WAL lets
// it read while the writer writes.
//
// Results come back through the callback, on the reader's thread: a GUI
// hands them to its event loop (QMetaObject::invokeMethod, queued).
//
// Threading: query*() from any thread.
class StoreReader {
public:
    StoreReader(std::filesystem::path path, int stageCount);
    ~StoreReader();
    StoreReader(const StoreReader&) = delete;
    StoreReader& operator=(const StoreReader&) = delete;

    struct SeriesResult {
        std::string error;  // empty on success
        int64_t resolutionSeconds = 0;
        std::vector<engine::MetricBucket> buckets;
    };
    // At a fitting resolution for the range (MetricHistory::fittingResolution).
    // minResolutionSeconds: 60 where the range reaches back into rolled-up
    // minutes, so that every bucket of the answer spans the same time.
    void querySeries(int64_t fromMs, int64_t toMs, std::function<void(SeriesResult)> done, int64_t minResolutionSeconds = 1);

    struct LostResult {
        std::string error;
        uint64_t total = 0;  // in the range, beyond this page too
        std::vector<StoredLostRecord> records;
    };
    void queryLost(int64_t fromMs, int64_t toMs, size_t limit, std::function<void(LostResult)> done);
    void queryLostById(std::string id, std::function<void(LostResult)> done);

private:
    void run();
    void post(std::function<void()> job);
    // Opens lazily (the writer may create the file after us) and reopens
    // after an error; throws with the reason when it cannot.
    Database& database();

    std::filesystem::path m_path;
    int m_stageCount;
    std::unique_ptr<Database> m_db;  // reader thread only
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;
};

} // namespace slatrack::store

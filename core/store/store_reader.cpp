#include "store_reader.hpp"

#include <algorithm>

#include <system_error>

namespace slatrack::store {

StoreReader::StoreReader(std::filesystem::path path, int stageCount) : m_path(std::move(path)), m_stageCount(stageCount)
{
    m_thread = std::thread([this] { run(); });
}

StoreReader::~StoreReader()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void StoreReader::post(std::function<void()> job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void StoreReader::run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        job();
    }
}

Database& StoreReader::database()
{
    if (!m_db) {
        std::error_code error;
        if (!std::filesystem::exists(m_path, error))
            throw std::runtime_error("no store at " + m_path.string() + " yet");
        m_db = std::make_unique<Database>(m_path.string(), Database::Mode::ReadOnly);
    }
    return *m_db;
}

void StoreReader::querySeries(int64_t fromMs, int64_t toMs, std::function<void(SeriesResult)> done, int64_t minResolutionSeconds)
{
    post([this, fromMs, toMs, minResolutionSeconds, done = std::move(done)] {
        SeriesResult result;
        result.resolutionSeconds = std::max(MetricHistory::fittingResolution(fromMs, toMs), minResolutionSeconds);
        try {
            result.buckets = MetricHistory(database(), m_stageCount).series(fromMs, toMs, result.resolutionSeconds);
        } catch (const std::exception& failure) {
            m_db.reset();
            result.error = failure.what();
        }
        done(std::move(result));
    });
}

void StoreReader::queryLost(int64_t fromMs, int64_t toMs, size_t limit, std::function<void(LostResult)> done)
{
    post([this, fromMs, toMs, limit, done = std::move(done)] {
        LostResult result;
        try {
            LostRecordLog log(database());
            result.total = log.countBetween(fromMs, toMs);
            result.records = log.between(fromMs, toMs, limit);
        } catch (const std::exception& failure) {
            m_db.reset();
            result.error = failure.what();
        }
        done(std::move(result));
    });
}

void StoreReader::queryLostById(std::string id, std::function<void(LostResult)> done)
{
    post([this, id = std::move(id), done = std::move(done)] {
        LostResult result;
        try {
            result.records = LostRecordLog(database()).byId(id);
            result.total = result.records.size();
        } catch (const std::exception& failure) {
            m_db.reset();
            result.error = failure.what();
        }
        done(std::move(result));
    });
}

} // namespace slatrack::store

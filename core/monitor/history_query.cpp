#include "history_query.hpp"

#include "history_points.hpp"

#include <memory>

namespace slatrack::monitor {

HistoryQuery::HistoryQuery(std::filesystem::path storePath, int stageCount)
    : m_stageCount(stageCount), m_reader(std::move(storePath), stageCount)
{
}

void HistoryQuery::request(int64_t fromMs, int64_t toMs, int64_t nowMs, std::function<void(HistoryResult)> done)
{
    auto result = std::make_shared<HistoryResult>();
    result->fromMs = fromMs;
    result->toMs = toMs;
    // The reader runs its jobs one after another on one thread: the lost
    // records are asked for from the series' answer, so `done` sees both.
    m_reader.querySeries(fromMs, toMs, [this, result, fromMs, toMs, done = std::move(done)](store::StoreReader::SeriesResult series) mutable {
        result->resolutionSeconds = series.resolutionSeconds;
        result->error = series.error;
        result->series = secondPoints(series.buckets.begin(), series.buckets.end(), static_cast<size_t>(m_stageCount), series.resolutionSeconds);
        m_reader.queryLost(fromMs, toMs, HistoryResult::kLostRows, [result, done = std::move(done)](store::StoreReader::LostResult lost) {
            if (result->error.empty())
                result->error = lost.error;
            result->lostTotal = lost.total;
            result->lost = std::move(lost.records);
            done(std::move(*result));
        });
    }, fromMs < nowMs - kSecondsKeptMs ? 60 : 1);
}

} // namespace slatrack::monitor

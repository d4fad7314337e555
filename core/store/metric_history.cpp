#include "metric_history.hpp"

#include "bucket_codec.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace slatrack::store {

using engine::MetricBucket;

namespace {

int64_t floorDiv(int64_t value, int64_t divisor)
{
    const int64_t quotient = value / divisor;
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

} // namespace

MetricHistory::MetricHistory(Database& db, int stageCount)
    : m_db(db), m_stageCount(stageCount),
      m_putSecond(db.prepare("INSERT OR REPLACE INTO metric_second (second, data) VALUES (?1, ?2)")),
      m_getMinute(db.prepare("SELECT data FROM metric_minute WHERE minute = ?1")),
      m_putMinute(db.prepare("INSERT OR REPLACE INTO metric_minute (minute, data) VALUES (?1, ?2)"))
{
}

MetricBucket MetricHistory::emptyBucket(int64_t second) const
{
    MetricBucket bucket;
    bucket.second = second;
    bucket.stages.resize(static_cast<size_t>(m_stageCount));
    if (m_stageCount > 2)
        bucket.hops.resize(static_cast<size_t>(m_stageCount));
    return bucket;
}

void MetricHistory::writeSeconds(const std::vector<MetricBucket>& buckets)
{
    if (buckets.empty())
        return;
    Transaction transaction(m_db);
    for (const MetricBucket& bucket : buckets) {
        m_putSecond.bind(1, bucket.second).bindBlob(2, encodeBucket(bucket));
        m_putSecond.run();
    }
    transaction.commit();
}

MetricHistory::Upkeep MetricHistory::upkeep(int64_t nowSecond, int64_t keepSecondsFor, int64_t retentionSeconds, size_t maxRows)
{
    Upkeep done;
    Transaction transaction(m_db);
    {
        // Oldest first, so a backlog drains in order and every pass leaves
        // whole minutes behind it.
        Statement old = m_db.prepare("SELECT second, data FROM metric_second WHERE second < ?1 ORDER BY second LIMIT ?2");
        old.bind(1, nowSecond - keepSecondsFor).bind(2, static_cast<int64_t>(maxRows));
        std::map<int64_t, MetricBucket> minutes;
        std::vector<int64_t> rolled;
        while (old.step()) {
            const int64_t second = old.int64At(0);
            rolled.push_back(second);
            std::optional<MetricBucket> bucket = decodeBucket(old.blobAt(1), m_stageCount);
            if (!bucket) {
                ++done.undecodable;
                continue;
            }
            const int64_t minute = floorDiv(second, 60);
            auto [entry, inserted] = minutes.try_emplace(minute, emptyBucket(minute * 60));
            mergeBucket(entry->second, *bucket);
        }
        old.reset();
        for (auto& [minute, bucket] : minutes) {
            m_getMinute.bind(1, minute);
            if (m_getMinute.step()) {
                if (std::optional<MetricBucket> existing = decodeBucket(m_getMinute.blobAt(0), m_stageCount))
                    mergeBucket(bucket, *existing);
                else
                    ++done.undecodable;
            }
            m_getMinute.reset();
            m_putMinute.bind(1, minute).bindBlob(2, encodeBucket(bucket));
            m_putMinute.run();
        }
        Statement drop = m_db.prepare("DELETE FROM metric_second WHERE second = ?1");
        for (const int64_t second : rolled) {
            drop.bind(1, second);
            drop.run();
        }
        done.secondsRolled = rolled.size() - done.undecodable;
    }
    {
        Statement expire = m_db.prepare(
            "DELETE FROM metric_minute WHERE minute IN (SELECT minute FROM metric_minute WHERE minute < ?1 ORDER BY minute LIMIT ?2)");
        expire.bind(1, floorDiv(nowSecond - retentionSeconds, 60)).bind(2, static_cast<int64_t>(maxRows));
        expire.run();
        done.minutesExpired = static_cast<size_t>(m_db.changes());
    }
    transaction.commit();
    return done;
}

void MetricHistory::mergeInto(std::vector<MetricBucket>& out, MetricBucket&& bucket, int64_t resolutionSeconds)
{
    const int64_t slot = floorDiv(bucket.second, resolutionSeconds) * resolutionSeconds;
    // Rows arrive ascending per table; both tables are merged, so look up
    // by binary search rather than assuming append order.
    auto at = std::lower_bound(out.begin(), out.end(), slot, [](const MetricBucket& b, int64_t s) { return b.second < s; });
    if (at == out.end() || at->second != slot) {
        at = out.insert(at, emptyBucket(slot));
    }
    mergeBucket(*at, bucket);
}

std::vector<MetricBucket> MetricHistory::series(int64_t fromMs, int64_t toMs, int64_t resolutionSeconds)
{
    std::vector<MetricBucket> out;
    if (toMs <= fromMs || resolutionSeconds < 1)
        return out;
    const int64_t fromSecond = floorDiv(fromMs, 1000);
    const int64_t toSecond = floorDiv(toMs - 1, 1000) + 1;  // exclusive
    {
        Statement minutes = m_db.prepare("SELECT data FROM metric_minute WHERE minute >= ?1 AND minute < ?2 ORDER BY minute");
        minutes.bind(1, floorDiv(fromSecond, 60)).bind(2, floorDiv(toSecond - 1, 60) + 1);
        while (minutes.step())
            if (std::optional<MetricBucket> bucket = decodeBucket(minutes.blobAt(0), m_stageCount))
                mergeInto(out, std::move(*bucket), std::max<int64_t>(resolutionSeconds, 60));
    }
    {
        Statement seconds = m_db.prepare("SELECT data FROM metric_second WHERE second >= ?1 AND second < ?2 ORDER BY second");
        seconds.bind(1, fromSecond).bind(2, toSecond);
        while (seconds.step())
            if (std::optional<MetricBucket> bucket = decodeBucket(seconds.blobAt(0), m_stageCount))
                mergeInto(out, std::move(*bucket), resolutionSeconds);
    }
    return out;
}

int64_t MetricHistory::fittingResolution(int64_t fromMs, int64_t toMs, int64_t maxPoints)
{
    constexpr std::array<int64_t, 8> kSteps{1, 10, 60, 300, 900, 3600, 6 * 3600, 86400};
    const int64_t spanSeconds = std::max<int64_t>(1, (toMs - fromMs + 999) / 1000);
    for (const int64_t step : kSteps)
        if (spanSeconds / step <= maxPoints)
            return step;
    return kSteps.back();
}

} // namespace slatrack::store

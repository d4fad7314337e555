#include "metric_buckets.hpp"

namespace slatrack::engine {

namespace {
int64_t floorSeconds(int64_t timeMs)
{
    return timeMs >= 0 ? timeMs / 1000 : -((-timeMs + 999) / 1000);
}
} // namespace

MetricBuckets::MetricBuckets(int stageCount, int64_t retentionSeconds)
    : m_stageCount(stageCount), m_retentionSeconds(retentionSeconds < 1 ? 1 : retentionSeconds),
      m_older(makeBucket(0))
{
}

MetricBucket MetricBuckets::makeBucket(int64_t second) const
{
    MetricBucket bucket;
    bucket.second = second;
    bucket.stages.resize(static_cast<size_t>(m_stageCount));
    if (m_stageCount > 2)
        bucket.hops.resize(static_cast<size_t>(m_stageCount));
    return bucket;
}

MetricBucket& MetricBuckets::remember(MetricBucket& bucket)
{
    m_cached = &bucket;
    m_cachedFromMs = bucket.second * 1000;
    return bucket;
}

MetricBucket& MetricBuckets::locate(int64_t timeMs)
{
    const int64_t second = floorSeconds(timeMs);
    if (m_buckets.empty()) {
        m_buckets.push_back(makeBucket(second));
        return remember(m_buckets.back());
    }
    const int64_t first = m_buckets.front().second;
    const int64_t last = m_buckets.back().second;
    if (second > last) {
        // A jump further than the retention (a replay starting, a stalled
        // stream resuming) must not allocate every second in between.
        if (second - last > m_retentionSeconds) {
            while (!m_buckets.empty())
                expireFront();
            m_buckets.push_back(makeBucket(second));
            return remember(m_buckets.back());
        }
        for (int64_t fill = last + 1; fill <= second; ++fill)
            m_buckets.push_back(makeBucket(fill));
        while (m_buckets.back().second - m_buckets.front().second >= m_retentionSeconds)
            expireFront();
        return remember(m_buckets.back());
    }
    if (second >= first)
        return remember(m_buckets[static_cast<size_t>(second - first)]);
    if (last - second < m_retentionSeconds) {
        for (int64_t fill = first - 1; fill >= second; --fill)
            m_buckets.push_front(makeBucket(fill));
        return remember(m_buckets.front());
    }
    return m_older;
}

void MetricBuckets::expireFront()
{
    if (m_cached == &m_buckets.front())
        m_cached = nullptr;
    if (m_keepExpired)
        m_expired.push_back(std::move(m_buckets.front()));
    m_buckets.pop_front();
}

std::vector<MetricBucket> MetricBuckets::takeExpired()
{
    std::vector<MetricBucket> out;
    out.swap(m_expired);
    return out;
}

LatencyHistogram MetricBuckets::endToEndBetween(int64_t fromMs, int64_t toMs) const
{
    LatencyHistogram merged;
    for (const MetricBucket& bucket : m_buckets)
        if (bucket.second * 1000 >= fromMs && bucket.second * 1000 < toMs)
            merged.merge(bucket.endToEnd);
    return merged;
}

LatencyHistogram MetricBuckets::hopBetween(int stage, int64_t fromMs, int64_t toMs) const
{
    LatencyHistogram merged;
    if (stage < 0 || stage >= m_stageCount)
        return merged;
    for (const MetricBucket& bucket : m_buckets)
        if (!bucket.hops.empty() && bucket.second * 1000 >= fromMs && bucket.second * 1000 < toMs)
            merged.merge(bucket.hops[static_cast<size_t>(stage)]);
    return merged;
}

StageCounters MetricBuckets::countersBetween(int stage, int64_t fromMs, int64_t toMs) const
{
    StageCounters sum;
    for (const MetricBucket& bucket : m_buckets)
        if (bucket.second * 1000 >= fromMs && bucket.second * 1000 < toMs)
            sum += bucket.stages[static_cast<size_t>(stage)];
    return sum;
}

} // namespace slatrack::engine

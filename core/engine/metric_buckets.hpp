#pragma once

#include "engine_types.hpp"
#include "latency_histogram.hpp"

#include <cstdint>
#include <deque>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// Metrics of one second of event time.
struct MetricBucket {
    int64_t second = 0;                   // Unix seconds
    std::vector<StageCounters> stages;    // one per stage
    LatencyHistogram endToEnd;            // completed in this second
    std::vector<LatencyHistogram> hops;   // hops[k]: stage k-1 -> k; empty for 2-stage pipelines
};

// A sliding run of 1 s buckets over event time, `retentionSeconds` long,
// ending at the newest second touched. Buckets that fall off the front are
// either dropped or, if keepExpired is set, queued for takeExpired() (the
// store rolls them up into minutes). A count for a second already older than
// the retention goes to olderThanRetention() so nothing vanishes from sums.
//
// Thread-safety: none; owned by the engine.
class MetricBuckets {
public:
    MetricBuckets(int stageCount, int64_t retentionSeconds);

    // Called several times per event: the last bucket used is cached, since
    // events of one batch nearly always fall in the same second.
    MetricBucket& bucketFor(int64_t timeMs)
    {
        if (m_cached && timeMs >= m_cachedFromMs && timeMs < m_cachedFromMs + 1000)
            return *m_cached;
        return locate(timeMs);
    }
    // Where a count goes whose own time is not to be trusted (a rejected
    // future time): the newest bucket, or before any the older-than-
    // retention one, so that it moves no window.
    MetricBucket& newest() { return m_buckets.empty() ? m_older : m_buckets.back(); }
    void setKeepExpired(bool keep) { m_keepExpired = keep; }
    std::vector<MetricBucket> takeExpired();

    const std::deque<MetricBucket>& buckets() const { return m_buckets; }
    const MetricBucket& olderThanRetention() const { return m_older; }

    // Merged over buckets whose second lies in [fromMs, toMs).
    LatencyHistogram endToEndBetween(int64_t fromMs, int64_t toMs) const;
    StageCounters countersBetween(int stage, int64_t fromMs, int64_t toMs) const;
    // Hop latencies into `stage` (stage-1 -> stage) recorded in buckets in
    // [fromMs, toMs); empty for 2-stage pipelines, whose one hop is end to end.
    LatencyHistogram hopBetween(int stage, int64_t fromMs, int64_t toMs) const;

private:
    friend struct EngineStateAccess;  // engine_snapshot
    MetricBucket& locate(int64_t timeMs);
    MetricBucket& remember(MetricBucket& bucket);
    MetricBucket makeBucket(int64_t second) const;
    void expireFront();

    int m_stageCount;
    int64_t m_retentionSeconds;
    bool m_keepExpired = false;
    std::deque<MetricBucket> m_buckets;  // contiguous seconds, ascending
    MetricBucket m_older;
    std::vector<MetricBucket> m_expired;
    // std::deque keeps references valid on push at either end; the cache is
    // dropped whenever a bucket is popped.
    MetricBucket* m_cached = nullptr;
    int64_t m_cachedFromMs = 0;
};

} // namespace slatrack::engine

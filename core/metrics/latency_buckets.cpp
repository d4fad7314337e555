#include "latency_buckets.hpp"

namespace slatrack::metrics {

LatencyBuckets latencyBuckets(const engine::LatencyHistogram& histogram)
{
    LatencyBuckets out;
    out.count = histogram.count();
    out.sumSeconds = static_cast<double>(histogram.sumMs()) / 1000.0;
    // Non-empty bins ascend, so one pass: each bin lands in the first bucket
    // whose bound holds its whole range, then the counts are accumulated.
    std::array<uint64_t, kLatencyBucketBoundsMs.size()> perBucket{};
    std::size_t bucket = 0;
    for (const auto& [bin, binCount] : histogram.nonEmptyBins()) {
        const int64_t upper = engine::LatencyHistogram::binUpperEdge(bin);
        while (bucket < kLatencyBucketBoundsMs.size() && kLatencyBucketBoundsMs[bucket] < upper)
            ++bucket;
        if (bucket == kLatencyBucketBoundsMs.size())
            break;  // past 7 days: only in +Inf (count)
        perBucket[bucket] += binCount;
    }
    uint64_t running = 0;
    for (std::size_t bucket_idx = 0; bucket_idx < perBucket.size(); ++bucket_idx) {
        running += perBucket[bucket_idx];
        out.cumulative[bucket_idx] = running;
    }
    return out;
}

} // namespace slatrack::metrics

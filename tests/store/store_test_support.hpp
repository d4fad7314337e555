#pragma once

// Shared by the store tests: a fresh store file in a temporary folder, and
// metric buckets with recognisable numbers in them.

#include "core/engine/metric_buckets.hpp"
#include "core/store/store_file.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

namespace store_test {

inline constexpr int64_t kNowMs = 1'764'574'500'000;  // 2025-12-01T07:35:00Z

struct FreshStore {
    QTemporaryDir dir;
    std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "orders.db";
    slatrack::store::StoreOpenResult store = slatrack::store::openStore(path, "orders", kNowMs);
    slatrack::store::Database& db() { return *store.db; }
};

// A bucket whose counts derive from `second` and `seed`, with latencies
// recorded, so a lost or doubled bucket changes every sum.
inline slatrack::engine::MetricBucket makeBucket(int64_t second, int stageCount, uint64_t seed)
{
    slatrack::engine::MetricBucket bucket;
    bucket.second = second;
    bucket.stages.resize(static_cast<size_t>(stageCount));
    for (int stage = 0; stage < stageCount; ++stage) {
        auto& counters = bucket.stages[static_cast<size_t>(stage)];
        counters.seen = seed * 10 + static_cast<uint64_t>(stage);
        counters.duplicates = seed % 3;
        counters.matched = stage == stageCount - 1 ? seed * 9 : 0;
        counters.stuck = seed % 5;
        counters.lostOverflow = seed % 2;
        counters.rejected[static_cast<size_t>(slatrack::engine::RejectReason::NotJson)] = seed % 7;
    }
    for (uint64_t sample = 0; sample < seed % 50 + 1; ++sample)
        bucket.endToEnd.record(static_cast<int64_t>(sample * 37 + seed));
    if (stageCount > 2) {
        bucket.hops.resize(static_cast<size_t>(stageCount));
        bucket.hops[1].record(static_cast<int64_t>(seed * 3));
        bucket.hops[2].record(-5);  // clock skew: recorded as 0, counted negative
    }
    return bucket;
}

inline bool sameHistogram(const slatrack::engine::LatencyHistogram& a, const slatrack::engine::LatencyHistogram& b)
{
    return a.count() == b.count() && a.min() == b.min() && a.max() == b.max() && a.sumMs() == b.sumMs() &&
           a.negativeCount() == b.negativeCount() && a.nonEmptyBins() == b.nonEmptyBins();
}

inline bool sameBucket(const slatrack::engine::MetricBucket& a, const slatrack::engine::MetricBucket& b)
{
    if (a.second != b.second || a.stages != b.stages || !sameHistogram(a.endToEnd, b.endToEnd) || a.hops.size() != b.hops.size())
        return false;
    for (size_t hop = 0; hop < a.hops.size(); ++hop)
        if (!sameHistogram(a.hops[hop], b.hops[hop]))
            return false;
    return true;
}

} // namespace store_test

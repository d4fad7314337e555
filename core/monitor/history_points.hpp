#pragma once

#include "monitor_snapshot.hpp"

#include "core/engine/metric_buckets.hpp"

#include <cstdint>
#include <iterator>
#include <vector>

namespace slatrack::monitor {

// Chart points from metric buckets: the live snapshot's last 300 one-second
// buckets and the store's history (1 s or rolled-up 1 min buckets) become
// the same SecondPoints, so the charts draw both alike. `spanSeconds` is
// the buckets' resolution (1 live; the store's for history): a point's
// counts are over that span, its percentiles from the merged histogram.
SecondPoint secondPoint(const engine::MetricBucket& bucket, size_t stageCount, int64_t spanSeconds = 1);

template <typename Iterator>
std::vector<SecondPoint> secondPoints(Iterator first, Iterator last, size_t stageCount, int64_t spanSeconds = 1)
{
    std::vector<SecondPoint> out;
    out.reserve(static_cast<size_t>(std::distance(first, last)));
    for (; first != last; ++first)
        out.push_back(secondPoint(*first, stageCount, spanSeconds));
    return out;
}

} // namespace slatrack::monitor

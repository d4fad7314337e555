#pragma once

#include "core/engine/latency_histogram.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

// The engine's latency histogram as Prometheus histogram buckets.
//
// Fixed bounds, the same for every pipeline and every agent, so that
// `sum by (le) (rate(slatrack_latency_seconds_bucket[5m]))` over several
// agents (or pipelines) is a valid histogram: bounds derived from each
// SLA would differ between pipelines and break that sum. 1-2-5 steps up to
// a second, then the steps people write SLAs in (15 s, 30 s, 1 m, 5 m,
// 15 m, 1 h, ...), so an SLA of 1s/2s/5s/10s/15s/30s/1m/2m/5m/10m/15m/30m/1h
// is itself a bound and "within SLA" is one bucket over _count. The last
// finite bound is 7 days, the longest window the engine tracks.
//
// Precision: the engine's bins are whole milliseconds, exact below 128 ms
// and at most 1/64 of their value wide above. A bucket counts the bins that
// lie entirely at or below its bound; values in the one bin straddling a
// bound (within 1/64 of it, e.g. 1000..1007 ms for le="1") are counted in
// the next bucket. _count and _sum are exact.
//
// Pure functions; any thread.
namespace slatrack::metrics {

inline constexpr std::array<int64_t, 28> kLatencyBucketBoundsMs = {
    1,      2,       5,       10,      20,        50,        100,       200,        500,        1'000,
    2'000,  5'000,   10'000,  15'000,  30'000,    60'000,    120'000,   300'000,    600'000,    900'000,
    1'800'000, 3'600'000, 7'200'000, 21'600'000, 43'200'000, 86'400'000, 172'800'000, 604'800'000};

struct LatencyBuckets {
    // cumulative[i]: values in bins entirely <= kLatencyBucketBoundsMs[i];
    // non-decreasing, the last <= count (the +Inf bucket is count).
    std::array<uint64_t, kLatencyBucketBoundsMs.size()> cumulative{};
    uint64_t count = 0;
    double sumSeconds = 0;
};

LatencyBuckets latencyBuckets(const engine::LatencyHistogram& histogram);

} // namespace slatrack::metrics

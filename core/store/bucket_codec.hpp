#pragma once

#include "core/engine/metric_buckets.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace slatrack::store {

// A MetricBucket as a compact blob for the metric_second / metric_minute
// tables: a version byte, then varints. Counters are written as (tag, value)
// pairs for the non-zero ones only, so a field added to StageCounters later
// gets a new tag and old rows still decode (the new field reads 0), and an
// idle second costs a few bytes. Histograms are written sparse
// (LatencyHistogram::nonEmptyBins) with min, max, sum and the negative count.
//
// decodeBucket() never trusts the blob: truncated or garbled input yields
// std::nullopt (the caller counts and skips the row), never a crash or a
// huge allocation.
//
// Pure functions; any thread.
std::string encodeBucket(const engine::MetricBucket& bucket);
std::optional<engine::MetricBucket> decodeBucket(std::string_view blob, int stageCount);

// Adds `from` into `into` (counters summed, histograms merged); stage and
// hop counts must match. For the 1 s -> 1 min roll-up and range queries.
void mergeBucket(engine::MetricBucket& into, const engine::MetricBucket& from);

} // namespace slatrack::store

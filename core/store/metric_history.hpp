#pragma once

#include "sqlite_db.hpp"

#include "core/engine/metric_buckets.hpp"

#include <cstdint>
#include <vector>

namespace slatrack::store {

// Metric history in the store: 1 s buckets for the last hour (metric_second),
// rolled up into 1 min buckets (metric_minute) kept for the retention.
// Both roll-up and retention work a bounded number of rows per call, so the
// writer thread never stalls in one long delete (DESIGN.md "Store").
//
// Threading: the owning connection's thread (the store writer for writes;
// a reader connection of its own for queries).
class MetricHistory {
public:
    MetricHistory(Database& db, int stageCount);

    // Inserts or replaces these 1 s buckets (a second re-written with more
    // late events simply replaces its row). One transaction.
    void writeSeconds(const std::vector<engine::MetricBucket>& buckets);

    struct Upkeep {
        size_t secondsRolled = 0;   // second rows merged into minutes and deleted
        size_t minutesExpired = 0;  // minute rows past the retention deleted
        size_t undecodable = 0;     // rows that could not be read, deleted (counted, not silent)
    };
    // Rolls up to `maxRows` second rows older than `keepSecondsFor` before
    // `nowSecond` into their minutes, and deletes up to `maxRows` minute rows
    // older than `retentionSeconds`. Call it periodically; it catches up.
    Upkeep upkeep(int64_t nowSecond, int64_t keepSecondsFor, int64_t retentionSeconds, size_t maxRows);

    // Buckets covering [fromMs, toMs), each `resolutionSeconds` wide
    // (aligned to multiples of it), ascending; buckets with no data are left
    // out. Reads minute rows and second rows alike, so a range across the
    // roll-up boundary is whole. resolutionSeconds >= 1.
    std::vector<engine::MetricBucket> series(int64_t fromMs, int64_t toMs, int64_t resolutionSeconds);

    // A resolution that gives at most about `maxPoints` buckets over the
    // range, from 1 s, 10 s, 1 min, 5 min, 15 min, 1 h, 6 h, 1 d.
    static int64_t fittingResolution(int64_t fromMs, int64_t toMs, int64_t maxPoints = 1500);

private:
    void mergeInto(std::vector<engine::MetricBucket>& out, engine::MetricBucket&& bucket, int64_t resolutionSeconds);
    engine::MetricBucket emptyBucket(int64_t second) const;

    Database& m_db;
    int m_stageCount;
    Statement m_putSecond;
    Statement m_getMinute;
    Statement m_putMinute;
};

} // namespace slatrack::store

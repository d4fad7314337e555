#pragma once

#include "done_set.hpp"
#include "engine_types.hpp"
#include "id_text_slab.hpp"
#include "latency_histogram.hpp"
#include "linear_probe_map.hpp"
#include "metric_buckets.hpp"
#include "open_record.hpp"
#include "open_table.hpp"
#include "stage_clock.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace slatrack::engine {

// The windowed join of a pipeline's stages by record ID (DESIGN.md, "Join
// semantics"). Plain C++: no Qt, no I/O; wall-clock time is passed in.
//
// Threading contract: a JoinEngine has exactly one owner thread, which makes
// every call (ingest, advance, queries). Nothing here locks. Other threads
// see the engine only through values the owner copies out (gauges(),
// oldestStuck(), ...), e.g. in a published immutable snapshot.
//
// Identity: records are matched on RecordId::key. For opaque IDs that is a
// 64-bit hash, so two distinct IDs that collide are joined as one record:
// with n records held, a new ID collides with probability n / 2^64 (5e-14
// at a million open records).
//
// Judging time: records become stuck, lost or orphan only in advance(), at
// most every sweepIntervalMs of wall clock, by one sequential pass over the
// open table (about 3 ms per million records). That pass replaces any
// per-record timer structure, which would cost memory and cache misses on
// every event.
class JoinEngine {
public:
    explicit JoinEngine(const EngineConfig& config);  // config must validate()

    // --- feeding ------------------------------------------------------------
    // Joins a batch of events. Text in Event::id is copied if kept.
    void ingest(std::span<const Event> events);
    // Counts a message that ingestion could not use.
    void reject(int stage, RejectReason reason, int64_t timeMs);
    // Partition bookkeeping from ingestion (see StageClock).
    void setCaughtUp(int stage, uint16_t partition, bool caughtUp) { m_clock.setCaughtUp(stage, partition, caughtUp); }
    void forgetPartition(int stage, uint16_t partition) { m_clock.forget(stage, partition); }
    // The earliest event time ingestion reads (replay start). A processed
    // record seen without its incoming one, whose incoming would predate
    // this, is counted beforeScope instead of orphan: otherwise every start
    // or audit would report the records that straddle its first instant as
    // orphans. Composite IDs tell their creation time exactly; for opaque
    // IDs a record first seen within one SLA of the start is given the
    // benefit of the doubt.
    void setScopeStart(int64_t scopeStartMs) { m_scopeStartMs = scopeStartMs; }
    // Recomputes watermarks at `nowMs` and, if the sweep interval has
    // passed (or `force`), judges stuck / lost / orphan records.
    void advance(int64_t nowMs, bool force = false);

    // Closes a bounded range (an audit): every stage counts as read up to
    // `endMs` - "now" is the end of the range - and records are judged.
    void finishAt(int64_t endMs);

    // --- outputs --------------------------------------------------------------
    // Records evicted since the last call, oldest first; the store keeps them.
    std::vector<LostRecord> takeLost();
    MetricBuckets& metrics() { return m_metrics; }
    const MetricBuckets& metrics() const { return m_metrics; }
    // Since construction.
    const std::vector<StageCounters>& totals() const { return m_totals; }
    const LatencyHistogram& totalEndToEnd() const { return m_totalEndToEnd; }
    const std::vector<LatencyHistogram>& totalHops() const { return m_totalHops; }

    // --- queries ----------------------------------------------------------------
    Gauges gauges() const;
    // The n oldest stuck records (by t0, then key), optionally only those
    // awaiting `stage`. Cost: one pass over the open table.
    std::vector<StuckRecord> oldestStuck(size_t n, std::optional<int> awaitingStage = std::nullopt) const;
    // Every open record (stuck or not), oldest first; for reports.
    std::vector<StuckRecord> openRecords() const;
    RecordStatus lookup(const RecordId& id) const;

    // Memory held by the join's tables, for the benchmark and the status line.
    struct MemoryUse {
        size_t openTableBytes = 0;
        size_t idTextBytes = 0;
        size_t doneSetBytes = 0;
        size_t doneSetEntries = 0;
    };
    MemoryUse memoryUse() const;
    const EngineConfig& config() const { return m_config; }

private:
    void ingestOne(const Event& event);
    void onKnownRecord(OpenTable::Slot slot, const Event& event);
    void onUnknownRecord(const Event& event);
    void complete(OpenTable::Slot slot, int64_t completionMs);
    void insertRecord(const Event& event, bool incoming);
    void evictOldest();
    void evict(OpenTable::Slot slot, LostReason reason, int64_t atMs, bool beforeScope = false);
    bool startedBeforeScope(uint64_t key, const OpenRecord& record) const;
    void sweep();
    std::string idText(uint64_t key, const OpenRecord& record) const;
    StuckRecord describe(uint64_t key, const OpenRecord& record) const;
    StageCounters& countersAt(int stage, int64_t timeMs);
    void recordHop(int stage, int64_t timeMs, int64_t latencyMs);
    int lastStageIndex() const { return m_config.stageCount - 1; }

    EngineConfig m_config;
    OpenTable m_open;
    IdTextSlab m_texts;
    DoneSet m_done;
    StageClock m_clock;
    MetricBuckets m_metrics;
    std::vector<StageCounters> m_totals;
    LatencyHistogram m_totalEndToEnd;
    std::vector<LatencyHistogram> m_totalHops;
    std::vector<LostRecord> m_lost;
    uint64_t m_openCount = 0;   // has incoming
    uint64_t m_earlyCount = 0;  // later stages only
    std::vector<uint64_t> m_stuckAwaiting;  // per stage, exact at all times
    std::vector<uint64_t> m_openAwaiting;   // per stage, as of the last sweep
    std::vector<uint64_t> m_earlyAt;        // per stage, as of the last sweep
    int64_t m_streamTimeMs = kNoTime;
    int64_t m_lastSweepNowMs = kNoTime;
    int64_t m_scopeStartMs = kNoTime;
};

} // namespace slatrack::engine

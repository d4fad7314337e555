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

struct EngineStateAccess;

// The windowed join of a pipeline's stages by record ID (DESIGN.md, "Join
// semantics"). Plain C++: no Qt, no I/O; wall-clock time is passed in.
//
// Threading contract: a JoinEngine has exactly one owner thread, which makes
// every call (ingest, advance, queries). Nothing here locks. Other threads
// see the engine only through values the owner copies out (gauges(),
// oldestStuck(), ...), e.g. in a published immutable snapshot.
//
// Identity: records are found by RecordId::key. For opaque IDs that is a
// 64-bit hash, and a hit on an open record is confirmed on the ID text held
// for it (IdTextSlab): a different text is a collision, counted in
// StageCounters::idCollisions, and the event is not joined. The dedup set
// holds no text, so a hit there cannot be confirmed: with d outcomes held
// (rate x horizon, e.g. 3e8 at 100k/s over 50 min) each new ID is wrongly
// taken for a done one with probability d / 2^64 (1.6e-11), i.e. about one
// record in 6e10 over a run; expect a first one after ~7 days at that rate.
//
// Bad input: an event time ahead of the wall clock by more than
// maxClockSkewMs is rejected (future_time) before it touches anything; one
// outside [kMinEventTimeMs, kMaxEventTimeMs] is rejected absurd_time; key 0
// is malformed_id; a stage the pipeline does not have is counted in
// invalidInputs(). Nothing in ingest(), advance() or the queries asserts,
// throws (other than bad_alloc) or overflows, whatever the input.
//
// Dedup clock: the dedup set expires outcomes against the slowest stage's
// watermark, not the newest event time, so a record far ahead cannot expire
// it. An event of a record neither open nor remembered, older than that
// clock by more than the dedup horizon, is counted stale: it may be a
// redelivery of one forgotten, so it is neither opened nor matched.
//
// Read order: a record that completes with an intermediate stage unseen is
// held (flagged done, not open) until every missing stage has been read
// past its completion + grace; that stage arriving meanwhile is a late hop
// with its hop latencies, exactly as if read in order. Then it moves to the
// dedup set as MatchedPartial: the stage arriving later still is a late hop
// (no latency). Held records count against maxOpenRecords; the cap moves
// them on to the dedup set, it does not lose them.
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
    // wallNowMs: the wall clock; events more than maxClockSkewMs ahead of it
    // are rejected future_time.
    void ingest(std::span<const Event> events, int64_t wallNowMs);
    // Counts a message that ingestion could not use. timeMs places it in a
    // metric bucket only if it is plausible (not past the last ingest's
    // future limit); otherwise it goes to the newest bucket.
    void reject(int stage, RejectReason reason, int64_t timeMs);
    // Partition bookkeeping from ingestion (see StageClock).
    void setCaughtUp(int stage, uint16_t partition, bool caughtUp)
    {
        if (validStage(stage))
            m_clock.setCaughtUp(stage, partition, caughtUp);
        else
            ++m_invalidInputs;
    }
    void forgetPartition(int stage, uint16_t partition)
    {
        if (validStage(stage))
            m_clock.forget(stage, partition);
        else
            ++m_invalidInputs;
    }
    // The earliest event time ingestion reads (replay start). A processed
    // record seen without its incoming one, whose incoming would predate
    // this, is counted beforeScope instead of orphan: otherwise every start
    // or audit would report the records that straddle its first instant as
    // orphans. Composite IDs tell their creation time exactly; for opaque
    // IDs a record first seen within one SLA of the start is given the
    // benefit of the doubt.
    void setScopeStart(int64_t scopeStartMs) { m_scopeStartMs = scopeStartMs; }
    // Recomputes watermarks at `nowMs` (none past the later of nowMs and the
    // wall clock of the last ingest) and, if the sweep interval has passed (or `force`, or the
    // clock stepped back), judges stuck / lost / orphan records.
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
    // totalHops()[k]: stage k-1 -> k, for k >= 1 (index 0 stays empty);
    // empty for 2-stage pipelines, whose only hop is totalEndToEnd().
    // Every hop whose two times the engine knows is recorded once, whatever
    // the read order (late hops included); a negative one is recorded as 0
    // and counted clockSkew at stage k.
    const std::vector<LatencyHistogram>& totalHops() const { return m_totalHops; }
    // Calls naming a stage the pipeline does not have, or a reject reason
    // out of range: counted here, since no stage can hold them.
    uint64_t invalidInputs() const { return m_invalidInputs; }

    // --- queries ----------------------------------------------------------------
    Gauges gauges() const;
    // The n oldest stuck records (by t0, then key), optionally only those
    // awaiting `stage`. Cost: one pass over the open table with a heap of n
    // (never a copy of every stuck record).
    std::vector<StuckRecord> oldestStuck(size_t n, std::optional<int> awaitingStage = std::nullopt) const;
    // The next query.limit stuck records in (t0, key) order strictly after
    // query.after (from the oldest without it). Same cost as oldestStuck.
    std::vector<StuckRecord> stuckPage(const StuckQuery& query) const;
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
    friend struct EngineStateAccess;  // engine_snapshot: capture/restore at a consistent cut
    bool validStage(int stage) const { return stage >= 0 && stage < m_config.stageCount; }
    void refuse(const Event& event, int64_t wallNowMs);
    void ingestOne(const Event& event);
    bool sameId(const OpenRecord& record, const RecordId& id) const;
    void onKnownRecord(OpenTable::Slot slot, const Event& event);
    void onLateHop(OpenTable::Slot slot, const Event& event);
    void onOutOfOrder(OpenRecord& record, const Event& event);
    void onUnknownRecord(const Event& event);
    void complete(OpenTable::Slot slot, int64_t completionMs);
    void releaseHeld(OpenTable::Slot slot);
    void advanceDedupClock();
    void noteSkew(int stage, int64_t timeMs, int64_t skewMs);
    void recordEndToEnd(MetricBucket& bucket, int64_t completionMs, int64_t latencyMs);
    bool insertRecord(const Event& event, bool incoming);
    bool isBeyondDedupHorizon(const Event& event) const;
    void evictOldest();
    void evict(OpenTable::Slot slot, LostReason reason, int64_t atMs, bool beforeScope = false);
    bool startedBeforeScope(uint64_t key, const OpenRecord& record) const;
    void sweep();
    std::string idText(uint64_t key, const OpenRecord& record) const;
    StuckRecord describe(uint64_t key, const OpenRecord& record) const;
    StageCounters& countersAt(int stage, int64_t timeMs);
    StageCounters& countersAtUntrusted(int stage, int64_t timeMs);
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
    uint64_t m_heldCount = 0;   // completed, held for late hops (kFlagDone)
    uint64_t m_invalidInputs = 0;
    int64_t m_futureLimitMs = kMaxEventTimeMs;  // of the last ingest()
    int64_t m_wallMs = kMaxEventTimeMs;         // of the last ingest(): no watermark passes it (or advance's now)
    std::vector<uint64_t> m_stuckAwaiting;  // per stage, exact at all times
    std::vector<uint64_t> m_openAwaiting;   // per stage, as of the last sweep
    std::vector<uint64_t> m_earlyAt;        // per stage, as of the last sweep
    int64_t m_streamTimeMs = kNoTime;
    int64_t m_lastSweepNowMs = kNoTime;
    int64_t m_scopeStartMs = kNoTime;
};

} // namespace slatrack::engine

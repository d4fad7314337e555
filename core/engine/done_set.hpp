#pragma once

#include "outcome_table.hpp"
#include "second_outcome_table.hpp"
#include "second_partitions.hpp"

#include <cstdint>
#include <optional>

namespace slatrack::engine {

struct EngineStateAccess;

// Remembers records that have left the open set (matched, lost or orphaned)
// for the dedup horizon, so that an at-least-once redelivery is counted as a
// duplicate instead of opening a record that would later look stuck, and a
// lost record that is finally processed is "late after lost", not an orphan.
//
// Every new incoming record costs a lookup here and every completion an
// insert, and the set holds rate x horizon entries (millions): far more
// than the caches. So where an entry lives matters more than anything else
// in the join's throughput.
//
//  - Composite IDs carry their creation second, and records are created,
//    completed and redelivered close to "now". They are kept in one
//    table per creation second (SecondPartitions). A new incoming
//    record looks in the table of the current second, which holds only
//    what was created and completed moments ago: small, cache-resident,
//    often absent. A completion inserts into the table of a recent second,
//    also hot. So the set as a whole (rate x horizon) is never touched at
//    random. Tables are dropped whole once every entry in them has
//    expired, instead of being purged slot by slot.
//    (slatrack-bench engine, 64-bit IDs, 1M open: 5.3M -> 10.7-11.3M events/s.)
//    These tables are SecondOutcomeTables: 8 bytes a slot, the key's
//    second and most of the outcome's second implied by the table's (see
//    second_outcome_table.hpp), so a completed composite record costs
//    about 11 B instead of 27 B (16-byte slots at 0.6 load). An outcome
//    with no compact form goes to the general table, as it was before.
//  - Opaque IDs (hashes) carry no time: one general OutcomeTable, purged in
//    place when it fills, with a PresenceFilter in front because it is big
//    and nearly every lookup in it misses. Composite IDs whose second is
//    implausible go there too (see SecondPartitions), and those whose
//    outcome has no compact form. Its layout (16 B a slot: the full 64-bit
//    key, a hash for opaque IDs, and the 64-bit word) stays: a hash implies
//    nothing, and fewer key bits would turn hash collisions into false
//    duplicates.
//
// Outcome word (the general table's; per-second tables hold a 32-bit form
// of it that widens back to the same bits): kind in bits 63..62, 30 bits
// "a", 32 bits "b" = Unix seconds of the outcome (what expiry is measured
// from):
//   0 MatchedPartial, 1 Matched:
//            a = latency ms (saturating at 2^30-1, ~12 days), b = completion
//   2 Lost:  a = ms from t0 to the eviction (<= window + 1 s), b = eviction
//   3 Orphan, LostEarly (an early record evicted by the cap):
//            a = [29] LostEarly, [12..10] last stage seen, [9..0] ms of
//            last seen within its second;                b = last seen
// MatchedPartial is a record that completed with an intermediate stage
// never seen (within the grace): that stage seen later is a late hop, not a
// duplicate. It takes the one kind value that was free, so remembering it
// costs no byte per entry. (Which of several missing stages came is not
// kept: with more than 3 stages a second late copy of one reads late hop.)
//
// Expiry: an entry is dropped once its second is more than horizon + 1 s
// behind the clock passed to advance(). The extra second covers the
// seconds precision of b: an event of the record (time <= b + 999 ms) is
// then always older than staleBeforeMs(), so a redelivery the set has
// forgotten is recognisably stale, never taken for a new record.
//
// Thread-safety: none; one owner thread.
class DoneSet {
public:
    enum class Kind : uint8_t { MatchedPartial = 0, Matched = 1, Lost = 2, Orphan = 3, LostEarly = 4 };
    struct Outcome {
        Kind kind;
        int64_t latencyMs;  // Matched, MatchedPartial
        int64_t timeMs;     // Matched*: completion (s precision); Lost: t0; Orphan, LostEarly: last seen
        int stage = 0;      // Orphan, LostEarly: the last stage seen
    };
    static bool isMatched(Kind kind) { return kind == Kind::Matched || kind == Kind::MatchedPartial; }

    // windowMs: how long a record may stay open, so how old a composite
    // ID's creation second can plausibly be when its outcome is recorded.
    DoneSet(int64_t horizonMs, int64_t windowMs);

    // forInsert: also the value line (a completion writes it; a lookup of
    // an absent key, the common case for incoming records, does not).
    void prefetch(uint64_t key, bool composite, bool forInsert) const
    {
        if (!composite)
            m_general.prefetch(key, forInsert);
        else if (const SecondOutcomeTable* table = m_bySecond.find(Partitions::secondOf(key)))
            table->prefetch(key);  // one line holds key and outcome
    }

    // The outcome of `key` if it is within the horizon. An expired entry is
    // erased on the way, so that insertAbsent() may assume absence.
    std::optional<Outcome> find(uint64_t key, bool composite);
    // Like find(), without erasing: for queries.
    std::optional<Outcome> peek(uint64_t key, bool composite) const;

    // Records (or overwrites) the outcome of `key`.
    void put(uint64_t key, bool composite, Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs, int stage = 0);

    // Records the outcome of a key known to be absent: it was open until now
    // and an open key is never also done (find() erased any expired twin
    // when the record was opened). Saves put()'s lookup on every match.
    // timeMs: Matched completion, Lost t0, Orphan/LostEarly last seen;
    // atMs: when it left the open set (Lost: eviction time); stage:
    // Orphan/LostEarly the last stage seen.
    void insertAbsent(uint64_t key, bool composite, Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs, int stage = 0)
    {
        const uint64_t word = encode(kind, latencyMs, timeMs, atMs, stage);
        if (!composite) {
            if (m_general.insertAbsent(key, word, cutoffMs()))
                ++m_purges;
            return;
        }
        uint32_t compact = 0;
        if (SecondOutcomeTable* table = tableForInsert(key, word, atMs, compact)) [[likely]] {
            if (table->insertAbsent(key, compact, OutcomeTable::secondsOf(word), cutoffMs()))
                ++m_purges;
            return;
        }
        insertGeneral(key, word);
    }

    // The dedup clock decides what has expired; it only moves forward. The
    // engine passes the slowest stage's watermark, so that one record far
    // ahead cannot expire the set, and a stage read behind the others still
    // finds the outcomes of what it has yet to read. Once per second of it,
    // tables whose entries have all expired are dropped and old ones kept
    // alive by a straggler are purged.
    void advance(int64_t clockMs);
    // An event older than this, of a record the set does not know, may be
    // one it has forgotten: the engine counts it stale.
    int64_t staleBeforeMs() const { return m_nowMs - m_horizonMs; }
    int64_t horizonMs() const { return m_horizonMs; }

    size_t size() const;
    size_t bytesUsed() const;
    size_t purges() const { return m_purges; }
    size_t partitionCount() const { return m_bySecond.count(); }
    // Composite entries held in the general table with the 64-bit word
    // because their second was implausible or their outcome had no compact
    // form (tests, the bench).
    size_t generalSize() const { return m_general.size(); }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    static constexpr uint64_t kMaxA = (1u << 30) - 1;

    static constexpr int64_t kExpiryMarginMs = 1000;  // b is in seconds (see the class comment)
    static constexpr uint64_t kLostEarlyBit = uint64_t{1} << 29;
    using Partitions = SecondPartitions<SecondOutcomeTable>;
    int64_t cutoffMs() const { return m_nowMs - m_horizonMs - kExpiryMarginMs; }
    // The per-second table for a composite key and its outcome, created if
    // need be, and the compact word in `compact`; or null if it goes to the
    // general table (an implausible second or no compact form; noted so
    // that lookups look there).
    SecondOutcomeTable* tableForInsert(uint64_t key, uint64_t word, int64_t atMs, uint32_t& compact);
    // A composite key to the general table: it may hold an opaque ID with
    // this very hash: one entry per key, whoever came last.
    void insertGeneral(uint64_t key, uint64_t word);

    static std::optional<Outcome> findIn(OutcomeTable& table, uint64_t key, int64_t cutoffMs);
    static std::optional<Outcome> peekIn(const OutcomeTable& table, uint64_t key, int64_t cutoffMs);
    static uint64_t encode(Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs, int stage);
    static Outcome decode(uint64_t word);

    int64_t m_horizonMs;
    int64_t m_nowMs = INT64_MIN / 2;
    int64_t m_lastScanSecond = INT64_MIN;
    size_t m_purges = 0;
    // Size of the last table dropped: a new current-second table starts
    // that big instead of growing through a dozen rehashes.
    size_t m_typicalPartitionSize = 0;
    mutable OutcomeTable m_general{OutcomeTable::kMinCapacity, true};
    Partitions m_bySecond;
};

} // namespace slatrack::engine

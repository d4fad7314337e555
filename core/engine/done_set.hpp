#pragma once

#include "linear_probe_map.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace slatrack::engine {

// Remembers records that have left the open set (matched, lost or orphaned)
// for the dedup horizon, so that an at-least-once redelivery is counted as a
// duplicate instead of opening a record that would later look stuck, and a
// lost record that is finally processed is "late after lost", not an orphan.
//
// One LinearProbeMap<uint64_t> (8-byte key + 8-byte outcome word): every new
// incoming record costs exactly one lookup here, which matters more than
// anything else in the join's throughput (an earlier two-generation design
// cost two cache misses per incoming record: 4.6M vs 7.1M events/s in a
// microbenchmark). Entries older than the horizon (by stream time) read as
// absent; they are purged in one sequential pass when the table fills,
// before it is allowed to grow, so memory follows rate x horizon.
//
// Outcome word: kind in bits 63..62, 30 bits "a", 32 bits "b" = Unix
// seconds of the outcome (what expiry is measured from):
//   Matched: a = latency ms (saturating at 2^30-1, ~12 days), b = completion
//   Lost:    a = ms from t0 to the eviction (<= window + 1 s), b = eviction
//   Orphan:  a = 0,                                         b = first seen
//
// Thread-safety: none; one owner thread.
class DoneSet {
public:
    enum class Kind : uint8_t { Matched = 1, Lost = 2, Orphan = 3 };
    struct Outcome {
        Kind kind;
        int64_t latencyMs;  // Matched
        int64_t timeMs;     // Matched: completion (s precision); Lost: t0; Orphan: first seen (s)
    };

    explicit DoneSet(int64_t horizonMs) : m_horizonMs(horizonMs) {}

    // forInsert: also the value line (a completion writes it; a lookup of
    // an absent key, the common case for incoming records, does not).
    void prefetch(uint64_t key, bool forInsert) const { m_table.prefetch(key, forInsert); }
    uint64_t touch(uint64_t key) const { return m_table.touch(key); }

    // The outcome of `key` if it is within the horizon. An expired entry is
    // erased on the way, so that insertAbsent() may assume absence.
    std::optional<Outcome> find(uint64_t key)
    {
        const size_t idx = m_table.find(key);
        if (idx == LinearProbeMap<uint64_t>::kNotFound)
            return std::nullopt;
        const uint64_t word = m_table.valueAt(idx);
        if (expired(word)) {
            m_table.eraseAt(idx);
            return std::nullopt;
        }
        return decode(word);
    }

    // Like find(), without erasing: for queries.
    std::optional<Outcome> peek(uint64_t key) const
    {
        const size_t idx = m_table.find(key);
        if (idx == LinearProbeMap<uint64_t>::kNotFound || expired(m_table.valueAt(idx)))
            return std::nullopt;
        return decode(m_table.valueAt(idx));
    }

    // Records (or overwrites) the outcome of `key`.
    void put(uint64_t key, Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs)
    {
        const size_t idx = m_table.find(key);
        if (idx != LinearProbeMap<uint64_t>::kNotFound) {
            m_table.valueAt(idx) = encode(kind, latencyMs, timeMs, atMs);
            return;
        }
        insertAbsent(key, kind, latencyMs, timeMs, atMs);
    }

    // Records the outcome of a key known to be absent: it was open until now
    // and an open key is never also done (find() erased any expired twin
    // when the record was opened). Saves put()'s lookup on every match.
    // timeMs: Matched completion, Lost t0, Orphan first seen; atMs: when it
    // left the open set (Lost: eviction time).
    void insertAbsent(uint64_t key, Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs)
    {
        if (static_cast<double>(m_table.size() + 1) > kPurgeLoad * static_cast<double>(m_table.capacity()))
            purge();
        m_table.valueAt(m_table.insertNew(key)) = encode(kind, latencyMs, timeMs, atMs);
    }

    // Stream time (newest event time seen) decides what has expired.
    void advance(int64_t streamTimeMs) { m_nowMs = std::max(m_nowMs, streamTimeMs); }

    size_t size() const { return m_table.size(); }
    size_t bytesUsed() const { return m_table.bytesUsed(); }
    size_t purges() const { return m_purges; }

private:
    static constexpr uint64_t kMaxA = (1u << 30) - 1;
    // Purge when 3/4 full; if live entries still fill more than half the
    // table afterwards, rehash to 40 % load so the next purge is far away.
    static constexpr double kPurgeLoad = 0.75;
    static constexpr double kCrowdedAfterPurge = 0.5;
    static constexpr double kLoadAfterGrowth = 0.4;

    bool expired(uint64_t word) const
    {
        const int64_t seconds = static_cast<uint32_t>(word);
        return seconds * 1000 + m_horizonMs < m_nowMs;
    }

    void purge()
    {
        ++m_purges;
        m_table.eraseIf([this](uint64_t, uint64_t word) { return expired(word); });
        const double live = static_cast<double>(m_table.size() + 1);
        if (live > kCrowdedAfterPurge * static_cast<double>(m_table.capacity()))
            m_table.rehash(static_cast<size_t>(live / kLoadAfterGrowth));
    }

    static uint64_t encode(Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs)
    {
        uint64_t a = 0;
        int64_t seconds = floorDiv(timeMs, 1000);
        if (kind == Kind::Matched) {
            a = static_cast<uint64_t>(std::clamp<int64_t>(latencyMs, 0, kMaxA));
        } else if (kind == Kind::Lost) {
            // Expiry counts from the eviction; t0 is recovered as b - a.
            seconds = std::max(floorDiv(atMs, 1000), floorDiv(timeMs, 1000) + 1);
            a = static_cast<uint64_t>(std::clamp<int64_t>(seconds * 1000 - timeMs, 0, kMaxA));
        }
        return (static_cast<uint64_t>(kind) << 62) | (a << 32) | static_cast<uint32_t>(seconds);
    }
    static Outcome decode(uint64_t word)
    {
        const auto kind = static_cast<Kind>(word >> 62);
        const int64_t a = static_cast<int64_t>((word >> 32) & kMaxA);
        const int64_t seconds = static_cast<uint32_t>(word);
        if (kind == Kind::Matched)
            return {kind, a, seconds * 1000};
        if (kind == Kind::Lost)
            return {kind, 0, seconds * 1000 - a};
        return {kind, 0, seconds * 1000};
    }
    static int64_t floorDiv(int64_t value, int64_t divisor)
    {
        const int64_t quotient = value / divisor;
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
    }

    int64_t m_horizonMs;
    int64_t m_nowMs = INT64_MIN / 2;
    size_t m_purges = 0;
    LinearProbeMap<uint64_t> m_table;
};

} // namespace slatrack::engine

#pragma once

#include "linear_probe_map.hpp"

#include <cstdint>
#include <optional>

namespace slatrack::engine {

// Remembers records that have left the open set (matched, lost or orphaned)
// for the dedup horizon, so that an at-least-once redelivery is counted as a
// duplicate instead of opening a record that would later look stuck, and a
// lost record that is finally processed is "late after lost", not an orphan.
//
// Two generations of LinearProbeMap<uint64_t>: new outcomes go to the
// current one; when it is a horizon old, the previous one is dropped whole
// and the current one becomes previous. So an outcome is remembered for at
// least one horizon and at most two, expiry costs nothing per record, and a
// lookup reads two tables (both prefetched).
//
// Entry (16 bytes with its key): kind in bits 63..62, 30 bits "a", 32 bits
// "b", meaning per kind:
//   Matched: a = latency ms (saturating at 2^30-1, ~12 days), b = completion
//            Unix seconds
//   Lost:    a = t0 ms within its second,          b = t0 Unix seconds
//   Orphan:  a = 0,                                b = first-seen Unix seconds
//
// Thread-safety: none; one owner thread.
class DoneSet {
public:
    enum class Kind : uint8_t { Matched = 1, Lost = 2, Orphan = 3 };
    struct Outcome {
        Kind kind;
        int64_t latencyMs;  // Matched
        int64_t timeMs;     // Matched: completion (second precision); Lost: t0; Orphan: first seen (s)
    };

    explicit DoneSet(int64_t horizonMs) : m_horizonMs(horizonMs) {}

    void prefetch(uint64_t key) const
    {
        m_current.prefetch(key);
        m_previous.prefetch(key);
    }

    std::optional<Outcome> find(uint64_t key) const
    {
        size_t idx = m_current.find(key);
        if (idx != LinearProbeMap<uint64_t>::kNotFound)
            return decode(m_current.valueAt(idx));
        idx = m_previous.find(key);
        if (idx != LinearProbeMap<uint64_t>::kNotFound)
            return decode(m_previous.valueAt(idx));
        return std::nullopt;
    }

    // Records (or overwrites) the outcome of `key`.
    void put(uint64_t key, Kind kind, int64_t latencyMs, int64_t timeMs)
    {
        const uint64_t word = encode(kind, latencyMs, timeMs);
        size_t idx = m_current.find(key);
        if (idx == LinearProbeMap<uint64_t>::kNotFound) {
            const size_t previousIdx = m_previous.find(key);
            if (previousIdx != LinearProbeMap<uint64_t>::kNotFound) {
                m_previous.valueAt(previousIdx) = word;
                return;
            }
            idx = m_current.insertNew(key);
        }
        m_current.valueAt(idx) = word;
    }

    // Records the outcome of a key known to be absent (it was open until
    // now: a key is never both open and done). Saves put()'s two lookups on
    // the hot path of every match.
    void insertAbsent(uint64_t key, Kind kind, int64_t latencyMs, int64_t timeMs)
    {
        m_current.valueAt(m_current.insertNew(key)) = encode(kind, latencyMs, timeMs);
    }

    // Rotates generations by stream time (newest event time seen).
    void advance(int64_t streamTimeMs)
    {
        if (!m_generationStartMs) {
            m_generationStartMs = streamTimeMs;
            return;
        }
        if (streamTimeMs - *m_generationStartMs < m_horizonMs)
            return;
        std::swap(m_previous, m_current);
        // Size the new generation for what the last one held, so a steady
        // stream never pays for growing (rehash + fresh pages) again.
        const auto expected = static_cast<size_t>(static_cast<double>(m_previous.size()) / LinearProbeMap<uint64_t>::kMaxLoad * 1.1);
        m_current = LinearProbeMap<uint64_t>(expected);
        m_generationStartMs = streamTimeMs;
    }

    size_t size() const { return m_current.size() + m_previous.size(); }
    size_t bytesUsed() const { return m_current.bytesUsed() + m_previous.bytesUsed(); }

private:
    static constexpr uint64_t kMaxA = (1u << 30) - 1;

    static uint64_t encode(Kind kind, int64_t latencyMs, int64_t timeMs)
    {
        uint64_t a = 0;
        int64_t seconds = floorDiv(timeMs, 1000);
        if (kind == Kind::Matched)
            a = static_cast<uint64_t>(std::clamp<int64_t>(latencyMs, 0, kMaxA));
        else if (kind == Kind::Lost)
            a = static_cast<uint64_t>(timeMs - seconds * 1000);
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
            return {kind, 0, seconds * 1000 + a};
        return {kind, 0, seconds * 1000};
    }
    static int64_t floorDiv(int64_t value, int64_t divisor)
    {
        const int64_t quotient = value / divisor;
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
    }

    int64_t m_horizonMs;
    std::optional<int64_t> m_generationStartMs;
    LinearProbeMap<uint64_t> m_current;
    LinearProbeMap<uint64_t> m_previous;
};

} // namespace slatrack::engine

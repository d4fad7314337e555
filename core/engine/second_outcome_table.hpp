#pragma once

#include "huge_page_array.hpp"
#include "prefetch.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// The done outcomes of composite IDs created in one second (DoneSet's
// per-second unit of storage), in 8 bytes a slot where OutcomeTable takes 16.
//
// Why it can be half the size without losing anything:
//  - The key: a composite ID is second << 32 | 32 low bits, and every key
//    here has the table's second. So the low 32 bits are the whole key:
//    lookups are exact, there are no false positives (a fresh record is
//    never taken for a duplicate because of this table; a shorter
//    fingerprint would have been: f bits at ~5 probes a miss is 5 x 2^-f
//    per new record, for f = 24 about 30 wrong "duplicates" an hour at
//    100,000 records/s).
//  - The outcome: DoneSet's 64-bit word holds a Unix second (32 bits) that,
//    for a record created in this second, is close to it. The compact
//    32-bit word stores the second relative to the table's (and, for
//    Matched and Lost, relative to what the latency already implies), so
//    the kind, latency (ms), stage, LostEarly flag and second all fit. An
//    outcome that does not fit (latency above 2^23 ms = 2 h 19 min, a
//    producer clock far off the event times) gets no compact word:
//    compact() returns 0 and DoneSet keeps it in its general table with the
//    64-bit word. compact() checks that widen() gives back the very same
//    64-bit word, so the compact form is lossless by construction.
//
// Compact word (0 marks an empty slot; every valid word is >= 2^28):
//   1  E:8 L:23          Matched         second = S + L/1000 + E
//   01 E:7 A:23          Lost            second = S + A/1000 + E
//   001 E:6 L:23         MatchedPartial  second = S + L/1000 + E
//   0001 F:1 T:3 D:14 M:10  Orphan (F=0) / LostEarly (F=1), T last stage,
//                        second = S + D, M ms of last seen in its second
// S: the table's second; E, D signed. L latency ms, A ms from t0 to the
// second (as in the 64-bit word). E is in practice the skew between the
// ID's creation clock and the incoming record's time (0 or 1 s when both
// come from the producer), which is why it can be so short.
//
// Slot: compact word << 32 | low 32 bits of the key, so a probe reads one
// 8-byte word and a cache line holds eight slots, as many keys as
// OutcomeTable's key array: a miss costs what it cost there, a hit one
// line less (no separate value line).
//
// Expiry, purging and the min/max second bookkeeping are OutcomeTable's
// (see outcome_table.hpp), on the second each compact word decodes to.
//
// Thread-safety: none; one owner thread.
class SecondOutcomeTable {
public:
    static constexpr size_t kNotFound = SIZE_MAX;
    static constexpr size_t kMinCapacity = 16;
    // Linear probing on 8-byte slots: a miss at 0.85 load scans ~22 slots
    // (three lines), but misses here are rare after a table's own second
    // (new records look in the current second's table, which is filling).
    // Growth at 0.85 by 1/0.6: the load stays within 0.6..0.85.
    static constexpr double kMaxLoad = 0.85;
    static constexpr double kLoadAfterGrowth = 0.6;
    // What settle() packs a sparse old table to.
    static constexpr double kSettledLoad = 0.8;

    explicit SecondOutcomeTable(int64_t second, size_t capacity = kMinCapacity) : m_second(second) { allocate(capacity); }

    // The compact word of a 64-bit DoneSet word for a key of `second`, or 0
    // if it has none (see the class comment).
    static uint32_t compact(uint64_t wide, int64_t second)
    {
        const uint64_t a = (wide >> 32) & kMaxA;
        const int64_t seconds = static_cast<uint32_t>(wide);
        uint32_t word = 0;
        switch (wide >> 62) {
        case kWideMatched:
            word = tagged(kMatchedTag, 8, seconds - second - static_cast<int64_t>(a / 1000), a);
            break;
        case kWideLost:
            word = tagged(kLostTag, 7, seconds - second - static_cast<int64_t>(a / 1000), a);
            break;
        case kWidePartial:
            word = tagged(kPartialTag, 6, seconds - second - static_cast<int64_t>(a / 1000), a);
            break;
        default: {
            const int64_t delta = seconds - second;
            if (delta < -(1 << 13) || delta >= (1 << 13))
                return 0;
            word = kOrphanTag | static_cast<uint32_t>(((a >> 29) & 1) << 27) | static_cast<uint32_t>(((a >> 10) & 7) << 24) |
                   (static_cast<uint32_t>(delta & 0x3fff) << 10) | static_cast<uint32_t>(a & 0x3ff);
            break;
        }
        }
        return word != 0 && widen(word, second) == wide ? word : 0;
    }

    // The 64-bit DoneSet word of a compact word of this table's second.
    static uint64_t widen(uint32_t word, int64_t second)
    {
        uint64_t kind = kWideOrphan;
        uint64_t a = 0;
        int64_t seconds = 0;
        if (word >= kMatchedTag) {
            kind = kWideMatched;
            a = word & kPayloadMask;
            seconds = second + static_cast<int64_t>(a / 1000) + signExtend(word >> 23, 8);
        } else if (word >= kLostTag) {
            kind = kWideLost;
            a = word & kPayloadMask;
            seconds = second + static_cast<int64_t>(a / 1000) + signExtend(word >> 23, 7);
        } else if (word >= kPartialTag) {
            kind = kWidePartial;
            a = word & kPayloadMask;
            seconds = second + static_cast<int64_t>(a / 1000) + signExtend(word >> 23, 6);
        } else {
            a = (static_cast<uint64_t>((word >> 27) & 1) << 29) | (static_cast<uint64_t>((word >> 24) & 7) << 10) | (word & 0x3ff);
            seconds = second + signExtend(word >> 10, 14);
        }
        return (kind << 62) | (a << 32) | static_cast<uint32_t>(seconds);
    }
    // A word compact() can produce (snapshot checks).
    static bool validWord(uint32_t word) { return word >= kOrphanTag; }

    int64_t second() const { return m_second; }

    void prefetch(uint64_t key) const
    {
        const size_t home = homeOf(key);
        prefetchLine(&m_slots[home]);
        // A probe runs a few slots past home: into the next line when home
        // sits late in its own (as LinearProbeMap::prefetch).
        if ((reinterpret_cast<uintptr_t>(&m_slots[home]) & 63) >= 32)
            prefetchLine(&m_slots[std::min(home + 4, m_capacity - 1)]);
    }

    size_t find(uint64_t key) const
    {
        const auto low = static_cast<uint32_t>(key);
        for (size_t idx = homeOf(key);; idx = next(idx)) {
            const uint64_t slot = m_slots[idx];
            if (slot == 0)
                return kNotFound;
            if (static_cast<uint32_t>(slot) == low)
                return idx;
        }
    }
    // The 64-bit word at `slot` (expiry not checked).
    uint64_t wordAt(size_t slot) const { return widen(compactAt(slot), m_second); }
    uint32_t compactAt(size_t slot) const { return static_cast<uint32_t>(m_slots[slot] >> 32); }
    void setCompactAt(size_t slot, uint32_t word)
    {
        m_slots[slot] = (uint64_t{word} << 32) | static_cast<uint32_t>(m_slots[slot]);
        noteSeconds(secondsOf(word));
    }
    void eraseAt(size_t hole)
    {
        // Backward shift, as LinearProbeMap::eraseAt: no tombstones.
        for (size_t probe = next(hole);; probe = next(probe)) {
            const uint64_t slot = m_slots[probe];
            if (slot == 0)
                break;
            const size_t home = homeOf(slot);
            const bool homeInRange = hole <= probe ? (hole < home && home <= probe) : (hole < home || home <= probe);
            if (homeInRange)
                continue;
            m_slots[hole] = slot;
            hole = probe;
        }
        m_slots[hole] = 0;
        --m_size;
    }

    // Inserts a key known to be absent, with a compact word whose second is
    // `seconds` (the caller has it from the 64-bit word). Returns true if
    // it purged expired entries to make room.
    bool insertAbsent(uint64_t key, uint32_t word, int64_t seconds, int64_t cutoffMs)
    {
        bool purged = false;
        if (m_size + 1 > m_growAt) [[unlikely]] {
            purged = purge(cutoffMs);
            if (static_cast<double>(m_size + 1) > kLoadAfterGrowth * static_cast<double>(m_capacity))
                rehash(static_cast<size_t>(static_cast<double>(m_size + 1) / kLoadAfterGrowth) + 1);
        }
        place((uint64_t{word} << 32) | static_cast<uint32_t>(key));
        ++m_size;
        noteSeconds(seconds);
        return purged;
    }

    // Erases expired entries (if any can be). Returns whether it scanned.
    bool purge(int64_t cutoffMs)
    {
        if (m_size == 0 || m_minSeconds * 1000 >= cutoffMs)
            return false;
        std::vector<uint64_t> live;
        live.reserve(m_size);
        int64_t minLive = INT64_MAX;
        int64_t maxLive = INT64_MIN;
        for (size_t idx = 0; idx < m_capacity; ++idx) {
            const uint64_t slot = m_slots[idx];
            if (slot == 0)
                continue;
            const int64_t seconds = secondsOf(static_cast<uint32_t>(slot >> 32));
            if (seconds * 1000 < cutoffMs)
                continue;
            live.push_back(slot);
            minLive = std::min(minLive, seconds);
            maxLive = std::max(maxLive, seconds);
        }
        m_minSeconds = minLive;
        m_maxSeconds = maxLive;
        refill(m_capacity, live);
        return true;
    }
    // Rehashes to `kSettledLoad` if the table is much emptier than that
    // (presized for more than came, or grown just before the last entries).
    // Returns whether it did.
    bool settle()
    {
        const size_t wanted = std::max(kMinCapacity, static_cast<size_t>(static_cast<double>(m_size) / kSettledLoad) + 1);
        // Not worth a rehash for less than a fifth of the memory.
        if (wanted * 5 > m_capacity * 4)
            return false;
        rehash(wanted);
        return true;
    }

    bool allExpired(int64_t cutoffMs) const { return m_size == 0 || m_maxSeconds * 1000 < cutoffMs; }
    bool anyExpired(int64_t cutoffMs) const { return m_size != 0 && m_minSeconds * 1000 < cutoffMs; }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    size_t bytesUsed() const { return m_capacity * sizeof(uint64_t); }

    // fn(key, 64-bit word) for every entry, in slot order.
    template <typename Fn>
    void forEach(Fn&& fn) const
    {
        for (size_t idx = 0; idx < m_capacity; ++idx)
            if (const uint64_t slot = m_slots[idx])
                fn((static_cast<uint64_t>(m_second) << 32) | static_cast<uint32_t>(slot), widen(static_cast<uint32_t>(slot >> 32), m_second));
    }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    // The 64-bit word (DoneSet): kind in bits 63..62, a in 61..32.
    static constexpr uint64_t kWidePartial = 0, kWideMatched = 1, kWideLost = 2, kWideOrphan = 3;
    static constexpr uint64_t kMaxA = (uint64_t{1} << 30) - 1;
    static constexpr uint32_t kMatchedTag = 0x80000000u, kLostTag = 0x40000000u, kPartialTag = 0x20000000u, kOrphanTag = 0x10000000u;
    static constexpr uint32_t kPayloadMask = (1u << 23) - 1;

    // tag | E (bits bits wide, signed, at 23) | a (23 bits), or 0 if out of range.
    static uint32_t tagged(uint32_t tag, int bits, int64_t skew, uint64_t a)
    {
        if (a > kPayloadMask || skew < -(int64_t{1} << (bits - 1)) || skew >= (int64_t{1} << (bits - 1)))
            return 0;
        return tag | (static_cast<uint32_t>(static_cast<uint64_t>(skew) & ((uint64_t{1} << bits) - 1)) << 23) | static_cast<uint32_t>(a);
    }
    static int64_t signExtend(uint32_t value, int bits)
    {
        const auto field = static_cast<int64_t>(value & ((uint32_t{1} << bits) - 1));
        return field >= (int64_t{1} << (bits - 1)) ? field - (int64_t{1} << bits) : field;
    }
    int64_t secondsOf(uint32_t word) const { return static_cast<uint32_t>(widen(word, m_second)); }

    // murmur3's 32-bit finalizer (a bijection): the low halves of composite
    // IDs may be counters rather than random.
    static uint32_t mix(uint32_t low)
    {
        low ^= low >> 16;
        low *= 0x85ebca6bu;
        low ^= low >> 13;
        low *= 0xc2b2ae35u;
        low ^= low >> 16;
        return low;
    }
    size_t homeOf(uint64_t keyOrSlot) const
    {
        return static_cast<size_t>((static_cast<uint64_t>(mix(static_cast<uint32_t>(keyOrSlot))) * m_capacity) >> 32);
    }
    size_t next(size_t idx) const { return idx + 1 == m_capacity ? 0 : idx + 1; }

    void allocate(size_t capacity)
    {
        m_capacity = std::max(capacity, kMinCapacity);
        m_growAt = static_cast<size_t>(kMaxLoad * static_cast<double>(m_capacity));
        m_slots = HugePageArray<uint64_t>(m_capacity);  // zeroed: all empty
    }
    void place(uint64_t slot)
    {
        size_t idx = homeOf(slot);
        while (m_slots[idx] != 0)
            idx = next(idx);
        m_slots[idx] = slot;
    }
    void rehash(size_t capacity)
    {
        std::vector<uint64_t> live;
        live.reserve(m_size);
        for (size_t idx = 0; idx < m_capacity; ++idx)
            if (m_slots[idx] != 0)
                live.push_back(m_slots[idx]);
        refill(std::max(capacity, static_cast<size_t>(static_cast<double>(m_size) / kMaxLoad) + 1), live);
    }
    void refill(size_t capacity, const std::vector<uint64_t>& live)
    {
        allocate(capacity);
        for (const uint64_t slot : live)
            place(slot);
        m_size = live.size();
        if (m_size == 0) {
            m_minSeconds = INT64_MAX;
            m_maxSeconds = INT64_MIN;
        }
    }
    void noteSeconds(int64_t seconds)
    {
        m_minSeconds = std::min(m_minSeconds, seconds);
        m_maxSeconds = std::max(m_maxSeconds, seconds);
    }

    int64_t m_second;
    HugePageArray<uint64_t> m_slots;
    size_t m_capacity = 0;
    size_t m_growAt = 0;  // kMaxLoad x capacity
    size_t m_size = 0;
    int64_t m_minSeconds = INT64_MAX;  // <= every live entry's second
    int64_t m_maxSeconds = INT64_MIN;  // >= every live entry's second
};

} // namespace slatrack::engine

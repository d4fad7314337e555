#pragma once

#include "linear_probe_map.hpp"
#include "presence_filter.hpp"

#include <algorithm>
#include <cstdint>

namespace slatrack::engine {

struct EngineStateAccess;

// One hash table of done outcomes (DoneSet's unit of storage): key -> an
// outcome word whose low 32 bits are the Unix second expiry counts from.
// An entry whose second is before the caller's cutoff is expired: it reads
// as absent and is purged in place when the table fills, before the table
// is allowed to grow, so memory follows rate x horizon.
//
// The table knows a lower bound of its live seconds, so a purge that could
// not find anything (a young table, still filling) is skipped rather than
// paid for with a pass over every slot.
//
// A table that is large and mostly asked about absent keys can keep a
// PresenceFilter in front (`filtered`): see presence_filter.hpp.
//
// Thread-safety: none; one owner thread.
class OutcomeTable {
    // Keys apart from outcomes: a lookup that misses (most of them) scans
    // eight keys per line. (Interleaved 16-byte entries measured 10-15 %
    // slower in slatrack-bench engine.)
    using OutcomeMap = LinearProbeMap<uint64_t>;

public:
    static constexpr size_t kNotFound = OutcomeMap::kNotFound;
    static constexpr size_t kMinCapacity = OutcomeMap::kMinCapacity;

    explicit OutcomeTable(size_t initialCapacity = kMinCapacity, bool filtered = false)
        : m_table(initialCapacity), m_filtered(filtered)
    {
        rebuildFilter();
    }

    static int64_t secondsOf(uint64_t word) { return static_cast<uint32_t>(word); }
    static bool expired(uint64_t word, int64_t cutoffMs) { return secondsOf(word) * 1000 < cutoffMs; }

    void prefetch(uint64_t key, bool forInsert) const
    {
        if (!m_filtered) {
            m_table.prefetch(key, forInsert);
            return;
        }
        m_filter.prefetch(key);
        if (forInsert)
            m_table.prefetch(key, true);
    }

    // The word of `key`, or kNotFound in `slot`. No expiry check.
    size_t find(uint64_t key) const
    {
        if (m_filtered && !m_filter.mayContain(key))
            return kNotFound;
        return m_table.find(key);
    }
    uint64_t wordAt(size_t slot) const { return m_table.valueAt(slot); }
    void setWordAt(size_t slot, uint64_t word)
    {
        m_table.valueAt(slot) = word;
        noteSeconds(secondsOf(word));
    }
    void eraseAt(size_t slot) { m_table.eraseAt(slot); }

    // Inserts a key known to be absent. Returns true if it purged.
    bool insertAbsent(uint64_t key, uint64_t word, int64_t cutoffMs)
    {
        bool purged = false;
        if (static_cast<double>(m_table.size() + 1) > kPurgeLoad * static_cast<double>(m_table.capacity()))
            purged = makeRoom(cutoffMs);
        m_table.valueAt(m_table.insertNew(key)) = word;
        if (m_filtered)
            m_filter.add(key);
        noteSeconds(secondsOf(word));
        return purged;
    }

    // Erases expired entries (if any can be) and shrinks the table when
    // most of it is empty afterwards. Returns whether it scanned.
    bool purge(int64_t cutoffMs)
    {
        if (m_table.size() == 0 || m_minSeconds * 1000 >= cutoffMs)
            return false;
        int64_t minLive = INT64_MAX;
        m_table.eraseIf([&](uint64_t, uint64_t word) {
            if (expired(word, cutoffMs))
                return true;
            minLive = std::min(minLive, secondsOf(word));
            return false;
        });
        m_minSeconds = minLive;
        if (m_table.size() == 0)
            m_maxSeconds = INT64_MIN;
        rebuildFilter();
        return true;
    }

    // Rehashes to the load a freshly grown table has, if that is smaller.
    void shrinkToFit()
    {
        const size_t wanted = static_cast<size_t>(static_cast<double>(m_table.size() + 1) / kLoadAfterGrowth);
        if (wanted * 2 < m_table.capacity()) {
            m_table.rehash(wanted);
            rebuildFilter();
        }
    }

    // Every entry has expired: the table can be dropped whole.
    bool allExpired(int64_t cutoffMs) const { return m_table.size() == 0 || m_maxSeconds * 1000 < cutoffMs; }
    bool anyExpired(int64_t cutoffMs) const { return m_table.size() != 0 && m_minSeconds * 1000 < cutoffMs; }

    size_t size() const { return m_table.size(); }
    size_t capacity() const { return m_table.capacity(); }
    size_t bytesUsed() const { return m_table.bytesUsed() + (m_filtered ? m_filter.bytesUsed() : 0); }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    // Purge when 3/4 full; if live entries still fill more than half the
    // table afterwards, rehash to 40 % load so the next purge is far away.
    static constexpr double kPurgeLoad = 0.75;
    static constexpr double kCrowdedAfterPurge = 0.5;
    static constexpr double kLoadAfterGrowth = 0.4;

    void noteSeconds(int64_t seconds)
    {
        m_minSeconds = std::min(m_minSeconds, seconds);
        m_maxSeconds = std::max(m_maxSeconds, seconds);
    }

    bool makeRoom(int64_t cutoffMs)
    {
        const bool purged = purge(cutoffMs);
        const double live = static_cast<double>(m_table.size() + 1);
        if (live > kCrowdedAfterPurge * static_cast<double>(m_table.capacity())) {
            m_table.rehash(static_cast<size_t>(live / kLoadAfterGrowth));
            rebuildFilter();
        }
        return purged;
    }

    // After a purge (the filter cannot delete) or a resize.
    void rebuildFilter()
    {
        if (!m_filtered)
            return;
        m_filter.resizeFor(m_table.capacity());
        m_table.forEach([this](uint64_t key, uint64_t) { m_filter.add(key); });
    }

    OutcomeMap m_table;
    bool m_filtered = false;
    PresenceFilter m_filter;
    int64_t m_minSeconds = INT64_MAX;  // <= every live entry's second
    int64_t m_maxSeconds = INT64_MIN;  // >= every live entry's second
};

} // namespace slatrack::engine

#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>

namespace slatrack::engine {

struct EngineStateAccess;

// Tables kept per creation second of composite record IDs (the high 32 bits
// of the ID), for the join's big keyed structures (OpenTable, DoneSet).
//
// Why: records are created, completed and redelivered close to "now", so
// the tables of a few recent seconds take nearly every access and stay in
// cache, where one table keyed by hash would be touched at random over its
// whole size (tens of MB to GB: DRAM misses on every event).
//
// Not every composite ID's second means something: random 64-bit numbers
// configured as composite IDs, or a producer with a broken clock, would
// make a table per ID. So a second is used only if it is plausible (within
// maxAge before, or a day after, the time of the insert); other IDs go to
// the owner's general table, and the range of seconds ever sent there is
// remembered so that lookups know when the general table must be checked
// too (a second implausible at insert may be plausible by lookup time).
//
// Thread-safety: none; one owner thread.
template <typename Table>
class SecondPartitions {
public:
    // Producer clocks may run ahead of the broker's; past this a composite
    // ID's second is treated as meaningless.
    static constexpr int64_t kFutureSkewSeconds = 24 * 3600;

    explicit SecondPartitions(int64_t maxAgeSeconds) : m_maxAgeSeconds(maxAgeSeconds) {}

    static int64_t secondOf(uint64_t key) { return static_cast<int64_t>(key >> 32); }

    // Whether a key of `second`, inserted at `referenceSecond`, gets a
    // per-second table. If not, the caller puts it in its general table and
    // this remembers that it did.
    bool placeBySecond(int64_t second, int64_t referenceSecond)
    {
        m_referenceSecond = referenceSecond;
        if (second >= referenceSecond - m_maxAgeSeconds && second <= referenceSecond + kFutureSkewSeconds)
            return true;
        noteInGeneral(second);
        return false;
    }
    // The owner put a key of `second` in its general table for a reason of
    // its own (DoneSet: an outcome with no compact form).
    void noteInGeneral(int64_t second)
    {
        m_generalMin = std::min(m_generalMin, second);
        m_generalMax = std::max(m_generalMax, second);
    }
    // Whether a composite key of `second` may be in the general table.
    bool mayBeInGeneral(int64_t second) const { return second >= m_generalMin && second <= m_generalMax; }

    // The table of `second`, or null. A direct-mapped cache answers nearly
    // every call: the seconds in use at any moment are few.
    Table* find(int64_t second) const
    {
        const CacheSlot& slot = m_cache[cacheIndex(second)];
        if (slot.second == second)
            return slot.table;
        const auto found = m_tables.find(second);
        Table* table = found == m_tables.end() ? nullptr : found->second.get();
        m_cache[cacheIndex(second)] = {second, table};
        return table;
    }

    template <typename... Args>
    Table& create(int64_t second, Args&&... args)
    {
        auto& owned = m_tables[second];
        owned = std::make_unique<Table>(std::forward<Args>(args)...);
        // "Newest" is what the owners presize for and take as the current
        // second: one ID from a clock a day ahead must not make every later
        // second look old (which turned off presizing for a day).
        m_newest = std::max(m_newest, std::min(second, m_referenceSecond));
        m_cache[cacheIndex(second)] = {second, owned.get()};
        return *owned;
    }

    void drop(int64_t second)
    {
        CacheSlot& cached = m_cache[cacheIndex(second)];
        if (cached.second == second)
            cached = CacheSlot{};
        m_tables.erase(second);
    }

    // fn(second, table) for every table; fn may not create or drop tables.
    template <typename Fn>
    void forEach(Fn&& fn) const
    {
        for (const auto& [second, table] : m_tables)
            fn(second, *table);
    }

    size_t count() const { return m_tables.size(); }
    // The newest second with a table, but never past the reference second
    // of the last placeBySecond().
    int64_t newestSecond() const { return m_newest; }
    static constexpr size_t overheadBytesPerTable() { return sizeof(Table) + 32; }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    static constexpr size_t kCacheSlots = 256;  // power of two
    static size_t cacheIndex(int64_t second) { return static_cast<size_t>(second) & (kCacheSlots - 1); }

    struct CacheSlot {
        int64_t second = INT64_MIN;
        Table* table = nullptr;  // null: known to have no table
    };

    int64_t m_maxAgeSeconds;
    int64_t m_newest = INT64_MIN / 2;  // none yet; halved so that "newest - 1" cannot overflow
    int64_t m_referenceSecond = INT64_MAX / 2;  // of the last placeBySecond()
    int64_t m_generalMin = INT64_MAX;  // composite seconds ever sent to the general table
    int64_t m_generalMax = INT64_MIN;
    std::unordered_map<int64_t, std::unique_ptr<Table>> m_tables;
    mutable std::array<CacheSlot, kCacheSlots> m_cache{};
};

} // namespace slatrack::engine

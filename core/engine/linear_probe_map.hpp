#pragma once

#include "huge_page_array.hpp"
#include "prefetch.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// An open-addressing hash map from nonzero 64-bit keys to a small POD value,
// hand-written because it is the join's hot path and std::unordered_map
// costs a node allocation and two dependent cache misses per record.
//
// Layout: keys and values live in two parallel arrays. Probing scans only
// the 8-byte keys (eight per cache line), so even a miss at 80 % load reads
// about two lines; the value line is touched once, at the slot found.
// Key 0 marks an empty slot (RecordId guarantees real keys are nonzero).
//
// Home slot: fastrange(mix(key), capacity) - a multiply-high instead of a
// modulo, which lets the capacity be any size. That matters for memory:
// growing by 1.5x instead of doubling keeps load between 53 % and 80 %.
//
// Deletion: backward shift (no tombstones), so probe lengths never rot under
// the insert/erase churn of a join. It moves entries: indexes returned by
// find()/insert() are valid only until the next insert or erase.
//
// Thread-safety: none; one owner thread.
template <typename Value>
class LinearProbeMap {
    static_assert(std::is_trivially_copyable_v<Value>, "values are moved with plain copies");

public:
    static constexpr size_t kNotFound = SIZE_MAX;
    // Tuning: 0.8 keeps expected probes for a miss at ~13 keys (two lines);
    // 1.5x growth keeps the table at >= 53 % load right after a resize.
    static constexpr double kMaxLoad = 0.8;
    static constexpr size_t kMinCapacity = 64;

    explicit LinearProbeMap(size_t initialCapacity = kMinCapacity) { allocate(std::max(initialCapacity, kMinCapacity)); }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    size_t bytesUsed() const { return m_capacity * (sizeof(uint64_t) + sizeof(Value)); }

    // Hints the CPU to load the lines a later find/insert of `key` will read.
    // Issued a few events ahead in a batch so the misses overlap.
    void prefetch(uint64_t key, bool withValue = true) const
    {
        // A probe runs a few slots past home (about 4 at the loads kept
        // here): into the next line of keys when home sits late in its own.
        // (Measured: +15 % events/s with string IDs, whose inserts into the
        // large general dedup table stalled there.)
        const size_t home = homeOf(key);
        const size_t ahead = std::min(home + 4, m_capacity - 1);
        prefetchLine(&m_keys[home]);
        if ((reinterpret_cast<uintptr_t>(&m_keys[home]) & 63) >= 32)
            prefetchLine(&m_keys[ahead]);
        if (!withValue)
            return;
        // Values do not tile cache lines evenly either. (The same rule for
        // 8-byte values measured no better: one more line in flight.)
        const char* value = reinterpret_cast<const char*>(&m_values[home]);
        prefetchLine(value);
        if constexpr (sizeof(Value) > 8)
            prefetchLine(value + 64);
    }

    size_t find(uint64_t key) const
    {
        for (size_t idx = homeOf(key);; idx = next(idx)) {
            const uint64_t probe = m_keys[idx];
            if (probe == key)
                return idx;
            if (probe == 0)
                return kNotFound;
        }
    }

    // Inserts a key that is not present; returns its slot with the value
    // default-initialized. May grow the table (invalidating indexes).
    size_t insertNew(uint64_t key)
    {
        if (static_cast<double>(m_size + 1) > kMaxLoad * static_cast<double>(m_capacity))
            grow();
        size_t idx = homeOf(key);
        while (m_keys[idx] != 0)
            idx = next(idx);
        m_keys[idx] = key;
        m_values[idx] = Value{};
        ++m_size;
        return idx;
    }

    void eraseAt(size_t hole)
    {
        // Backward shift: walk the cluster after the hole and pull back every
        // entry whose home does not lie cyclically in (hole, probe].
        for (size_t probe = next(hole);; probe = next(probe)) {
            const uint64_t key = m_keys[probe];
            if (key == 0)
                break;
            const size_t home = homeOf(key);
            const bool homeInRange = hole <= probe ? (hole < home && home <= probe)
                                                   : (hole < home || home <= probe);
            if (homeInRange)
                continue;
            m_keys[hole] = key;
            m_values[hole] = m_values[probe];
            hole = probe;
        }
        m_keys[hole] = 0;
        --m_size;
    }

    // Erases every entry for which pred(key, value) holds, in one
    // sequential pass (no second table), cluster by cluster: a cluster's
    // entries are taken out and its survivors put back from their home
    // slots. Each survivor's home lies within its own cluster, so it lands
    // there again, and nothing outside the cluster moves. One backward
    // shift per erased entry would instead re-walk the rest of the cluster
    // each time: at 3/4 load that made purging the dedup table 4x slower.
    template <typename Pred>
    size_t eraseIf(Pred&& pred)
    {
        if (m_size == 0)
            return 0;
        // Start just past an empty slot so that no cluster wraps around
        // the scan's start (the load is below 1: there is one).
        size_t start = 0;
        while (m_keys[start] != 0)
            ++start;
        size_t erased = 0;
        std::vector<std::pair<uint64_t, Value>> cluster;
        size_t idx = start;
        for (size_t visited = 0; visited < m_capacity;) {
            idx = next(idx);
            ++visited;
            if (m_keys[idx] == 0)
                continue;
            cluster.clear();
            for (;;) {
                cluster.emplace_back(m_keys[idx], m_values[idx]);
                m_keys[idx] = 0;
                const size_t after = next(idx);
                if (m_keys[after] == 0)
                    break;
                idx = after;
                ++visited;
            }
            for (const auto& [key, value] : cluster) {
                if (pred(key, value)) {
                    ++erased;
                    continue;
                }
                size_t slot = homeOf(key);
                while (m_keys[slot] != 0)
                    slot = next(slot);
                m_keys[slot] = key;
                m_values[slot] = value;
            }
        }
        m_size -= erased;
        return erased;
    }

    // Rehashes into `capacity` slots (at least what the entries need).
    void rehash(size_t capacity)
    {
        capacity = std::max({capacity, kMinCapacity, static_cast<size_t>(static_cast<double>(m_size) / kMaxLoad) + 1});
        rehashInto(capacity);
    }

    uint64_t keyAt(size_t idx) const { return m_keys[idx]; }
    Value& valueAt(size_t idx) { return m_values[idx]; }
    const Value& valueAt(size_t idx) const { return m_values[idx]; }

    // Calls fn(key, value) for every entry, in slot order.
    template <typename Fn>
    void forEach(Fn&& fn) const
    {
        for (size_t idx = 0; idx < m_capacity; ++idx)
            if (m_keys[idx] != 0)
                fn(m_keys[idx], m_values[idx]);
    }

    void clear()
    {
        m_keys.zero();
        m_size = 0;
    }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    // murmur3's 64-bit finalizer, halved: composite IDs carry a timestamp in
    // their high bits, so the key itself is far from uniform.
    static uint64_t mix(uint64_t key)
    {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
        return key;
    }
    size_t homeOf(uint64_t key) const
    {
        __extension__ using Wide = unsigned __int128;  // GCC/Clang builtin; __extension__ silences -Wpedantic
        return static_cast<size_t>((static_cast<Wide>(mix(key)) * m_capacity) >> 64);
    }
    size_t next(size_t idx) const { return idx + 1 == m_capacity ? 0 : idx + 1; }

    void allocate(size_t capacity)
    {
        m_capacity = capacity;
        m_keys = HugePageArray<uint64_t>(capacity);  // zeroed: all empty
        m_values = HugePageArray<Value>(capacity);
        m_size = 0;
    }

    void grow() { rehashInto(m_capacity + m_capacity / 2); }

    void rehashInto(size_t capacity)
    {
        const size_t oldCapacity = m_capacity;
        auto oldKeys = std::move(m_keys);
        auto oldValues = std::move(m_values);
        allocate(capacity);
        for (size_t idx = 0; idx < oldCapacity; ++idx) {
            if (oldKeys[idx] == 0)
                continue;
            size_t slot = homeOf(oldKeys[idx]);
            while (m_keys[slot] != 0)
                slot = next(slot);
            m_keys[slot] = oldKeys[idx];
            m_values[slot] = oldValues[idx];
            ++m_size;
        }
    }

    HugePageArray<uint64_t> m_keys;
    HugePageArray<Value> m_values;
    size_t m_capacity = 0;
    size_t m_size = 0;
};

} // namespace slatrack::engine

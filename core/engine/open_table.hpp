#pragma once

#include "linear_probe_map.hpp"
#include "open_record.hpp"
#include "second_partitions.hpp"

#include <cstdint>

namespace slatrack::engine {

struct EngineStateAccess;

// The join's open records by key: one LinearProbeMap per creation second
// for composite IDs (see SecondPartitions: new records go to the table of
// "now", completions come from the table of "now - latency", both hot),
// one general table for opaque IDs and implausible seconds.
//
// A Slot names one entry; like LinearProbeMap indexes it is valid only
// until the next insert or erase (or tidy()).
//
// Thread-safety: none; one owner thread.
class OpenTable {
public:
    using Map = LinearProbeMap<OpenRecord>;
    struct Slot {
        Map* table = nullptr;
        size_t index = 0;
        explicit operator bool() const { return table != nullptr; }
    };

    // maxAgeSeconds: how much older than the time of insert a composite
    // ID's second may be and still be trusted (the window, and some).
    explicit OpenTable(int64_t maxAgeSeconds) : m_bySecond(maxAgeSeconds) {}

    void prefetch(uint64_t key, bool composite) const
    {
        if (const Map* table = composite ? m_bySecond.find(SecondPartitions<Map>::secondOf(key)) : &m_general)
            table->prefetch(key);
    }

    // (Hot: forced inline, as the plain LinearProbeMap calls it replaced
    // were; out of line they cost 5-10 % of string-ID throughput.)
    [[gnu::always_inline]] Slot find(uint64_t key, bool composite) const
    {
        if (!composite)
            return inTable(m_general, key);
        const int64_t second = SecondPartitions<Map>::secondOf(key);
        if (Map* table = m_bySecond.find(second))
            if (const Slot slot = inTable(*table, key))
                return slot;
        return m_bySecond.mayBeInGeneral(second) ? inTable(m_general, key) : Slot{};
    }

    // Inserts a key find() did not find; the record starts zeroed.
    // nowMs: the time of the insert, against which the ID's second is judged.
    // An empty Slot if the key is taken after all: a composite ID whose
    // second sends it to the general table, where an opaque ID with that
    // hash (which find() for the composite did not look at) already is.
    [[gnu::always_inline]] Slot insertNew(uint64_t key, bool composite, int64_t nowMs)
    {
        Map& table = composite ? tableForComposite(key, nowMs) : m_general;
        if (composite && &table == &m_general && m_general.find(key) != Map::kNotFound) [[unlikely]]
            return Slot{};
        ++m_size;
        return Slot{&table, table.insertNew(key)};
    }

    [[gnu::always_inline]] void erase(Slot slot)
    {
        const uint64_t key = slot.table->keyAt(slot.index);
        slot.table->eraseAt(slot.index);
        --m_size;
        // A past second's table goes as soon as its last record does: at
        // 100k records/s a drained second is 5 MB, and sweeps are seconds
        // of event time apart during a replay.
        if (slot.table->size() == 0 && slot.table != &m_general)
            dropIfPast(SecondPartitions<Map>::secondOf(key));
    }
    static uint64_t keyAt(Slot slot) { return slot.table->keyAt(slot.index); }
    static OpenRecord& recordAt(Slot slot) { return slot.table->valueAt(slot.index); }

    // fn(key, record) for every open record; fn may change the record but
    // not insert or erase.
    template <typename Fn>
    void forEach(Fn&& fn) const
    {
        const auto visit = [&](Map& table) {
            for (size_t idx = 0; idx < table.capacity(); ++idx)
                if (table.keyAt(idx) != 0)
                    fn(table.keyAt(idx), table.valueAt(idx));
        };
        visit(m_general);
        m_bySecond.forEach([&](int64_t, Map& table) { visit(table); });
    }

    // Drops the tables of past seconds that have emptied and shrinks the
    // ones mostly drained (records stuck long after their second's others
    // completed), so memory follows the open count. Invalidates slots.
    void tidy();

    size_t size() const { return m_size; }
    size_t bytesUsed() const;
    size_t partitionCount() const { return m_bySecond.count(); }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    Map& tableForComposite(uint64_t key, int64_t nowMs);
    void dropIfPast(int64_t second)
    {
        if (second < m_streamSecond - 1)
            m_bySecond.drop(second);
    }
    static Slot inTable(Map& table, uint64_t key)
    {
        const size_t index = table.find(key);
        return index == Map::kNotFound ? Slot{} : Slot{&table, index};
    }

    int64_t m_streamSecond = INT64_MIN / 2;  // newest composite insert time, s (halved: arithmetic on it cannot overflow)
    size_t m_size = 0;
    // The number of records the last complete second held: a new second's
    // table starts that big instead of growing through a dozen rehashes.
    size_t m_typicalPartitionSize = 0;
    mutable Map m_general;
    SecondPartitions<Map> m_bySecond;
};

} // namespace slatrack::engine

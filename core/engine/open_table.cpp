#include "open_table.hpp"

#include <algorithm>
#include <vector>

namespace slatrack::engine {

namespace {
// A new second's table is sized for this load at the typical count, and a
// drained one is shrunk back to it.
constexpr double kPresizeLoad = 0.6;
// Below this load (and above this size) a table is worth shrinking.
constexpr size_t kShrinkBelowOneIn = 8;
constexpr size_t kShrinkMinCapacity = 4096;

int64_t floorSeconds(int64_t timeMs)
{
    return timeMs >= 0 ? timeMs / 1000 : -((-timeMs + 999) / 1000);
}
} // namespace

OpenTable::Map& OpenTable::tableForComposite(uint64_t key, int64_t nowMs)
{
    m_streamSecond = std::max(m_streamSecond, floorSeconds(nowMs));
    const int64_t second = SecondPartitions<Map>::secondOf(key);
    if (!m_bySecond.placeBySecond(second, m_streamSecond))
        return m_general;
    if (Map* table = m_bySecond.find(second))
        return *table;
    // A new newest second: the previous newest is complete now.
    const int64_t newest = m_bySecond.newestSecond();
    size_t capacity = Map::kMinCapacity;
    if (second > newest) {
        if (const Map* previous = m_bySecond.find(newest))
            m_typicalPartitionSize = std::max(previous->size(), m_typicalPartitionSize / 2);
        capacity = static_cast<size_t>(static_cast<double>(m_typicalPartitionSize) / kPresizeLoad);
    }
    return m_bySecond.create(second, capacity);
}

void OpenTable::tidy()
{
    const int64_t current = m_streamSecond;
    std::vector<int64_t> empty;
    m_bySecond.forEach([&](int64_t second, Map& table) {
        if (table.size() == 0) {
            if (second < current - 1)
                empty.push_back(second);
            return;
        }
        if (second < current - 1 && table.capacity() >= kShrinkMinCapacity && table.size() * kShrinkBelowOneIn < table.capacity())
            table.rehash(static_cast<size_t>(static_cast<double>(table.size()) / kPresizeLoad));
    });
    for (const int64_t second : empty)
        m_bySecond.drop(second);
}

size_t OpenTable::bytesUsed() const
{
    size_t total = m_general.bytesUsed();
    m_bySecond.forEach([&](int64_t, const Map& table) { total += table.bytesUsed() + SecondPartitions<Map>::overheadBytesPerTable(); });
    return total;
}

} // namespace slatrack::engine

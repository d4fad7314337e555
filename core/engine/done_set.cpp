#include "done_set.hpp"

#include <algorithm>
#include <vector>

namespace slatrack::engine {

namespace {
int64_t floorDiv(int64_t value, int64_t divisor)
{
    const int64_t quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}
// A new current-second table is sized for this load at the typical count:
// below SecondOutcomeTable::kMaxLoad, so that a second a little busier
// than the typical one does not grow its table (to 0.6 load).
constexpr double kPresizeLoad = 0.75;
// A table this many seconds older than the clock may be packed (settle()):
// most records complete sooner, and one that grows after costs one rehash.
constexpr int64_t kSettleAfterSeconds = 60;
// A table dropped this soon is not worth purging first.
constexpr int64_t kDroppedSoonMs = 5000;
} // namespace

DoneSet::DoneSet(int64_t horizonMs, int64_t windowMs)
    : m_horizonMs(horizonMs), m_bySecond((windowMs + horizonMs) / 1000 + 2)
{
}

SecondOutcomeTable* DoneSet::tableForInsert(uint64_t key, uint64_t word, int64_t atMs, uint32_t& compact)
{
    const int64_t second = Partitions::secondOf(key);
    if (!m_bySecond.placeBySecond(second, floorDiv(std::max(m_nowMs, atMs), 1000)))
        return nullptr;
    compact = SecondOutcomeTable::compact(word, second);
    if (compact == 0) [[unlikely]] {
        m_bySecond.noteInGeneral(second);
        return nullptr;
    }
    if (SecondOutcomeTable* table = m_bySecond.find(second))
        return table;
    const bool current = second >= m_bySecond.newestSecond() - 1;
    const size_t capacity = current ? static_cast<size_t>(static_cast<double>(m_typicalPartitionSize) / kPresizeLoad) : 0;
    return &m_bySecond.create(second, second, capacity);
}

void DoneSet::insertGeneral(uint64_t key, uint64_t word)
{
    if (const size_t slot = m_general.find(key); slot != OutcomeTable::kNotFound) {
        m_general.setWordAt(slot, word);
        return;
    }
    if (m_general.insertAbsent(key, word, cutoffMs()))
        ++m_purges;
}

std::optional<DoneSet::Outcome> DoneSet::findIn(OutcomeTable& table, uint64_t key, int64_t cutoffMs)
{
    const size_t slot = table.find(key);
    if (slot == OutcomeTable::kNotFound)
        return std::nullopt;
    const uint64_t word = table.wordAt(slot);
    if (OutcomeTable::expired(word, cutoffMs)) {
        table.eraseAt(slot);
        return std::nullopt;
    }
    return decode(word);
}

std::optional<DoneSet::Outcome> DoneSet::peekIn(const OutcomeTable& table, uint64_t key, int64_t cutoffMs)
{
    const size_t slot = table.find(key);
    if (slot == OutcomeTable::kNotFound || OutcomeTable::expired(table.wordAt(slot), cutoffMs))
        return std::nullopt;
    return decode(table.wordAt(slot));
}

// A key lives in at most one table: its second's, or the general one.
std::optional<DoneSet::Outcome> DoneSet::find(uint64_t key, bool composite)
{
    if (composite) {
        const int64_t second = Partitions::secondOf(key);
        if (SecondOutcomeTable* table = m_bySecond.find(second)) {
            if (const size_t slot = table->find(key); slot != SecondOutcomeTable::kNotFound) {
                const uint64_t word = table->wordAt(slot);
                if (!OutcomeTable::expired(word, cutoffMs()))
                    return decode(word);
                table->eraseAt(slot);
                return std::nullopt;
            }
        }
        if (!m_bySecond.mayBeInGeneral(second))
            return std::nullopt;
    }
    return findIn(m_general, key, cutoffMs());
}

std::optional<DoneSet::Outcome> DoneSet::peek(uint64_t key, bool composite) const
{
    if (composite) {
        const int64_t second = Partitions::secondOf(key);
        if (const SecondOutcomeTable* table = m_bySecond.find(second)) {
            if (const size_t slot = table->find(key); slot != SecondOutcomeTable::kNotFound) {
                const uint64_t word = table->wordAt(slot);
                if (OutcomeTable::expired(word, cutoffMs()))
                    return std::nullopt;
                return decode(word);
            }
        }
        if (!m_bySecond.mayBeInGeneral(second))
            return std::nullopt;
    }
    return peekIn(m_general, key, cutoffMs());
}

void DoneSet::put(uint64_t key, bool composite, Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs, int stage)
{
    const uint64_t word = encode(kind, latencyMs, timeMs, atMs, stage);
    if (composite) {
        const int64_t second = Partitions::secondOf(key);
        if (SecondOutcomeTable* table = m_bySecond.find(second)) {
            if (const size_t slot = table->find(key); slot != SecondOutcomeTable::kNotFound) {
                if (const uint32_t compact = SecondOutcomeTable::compact(word, second)) {
                    table->setCompactAt(slot, compact);
                    return;
                }
                // The new outcome has no compact form: it moves.
                table->eraseAt(slot);
                m_bySecond.noteInGeneral(second);
                insertGeneral(key, word);
                return;
            }
        }
    }
    if (!composite || m_bySecond.mayBeInGeneral(Partitions::secondOf(key))) {
        if (const size_t slot = m_general.find(key); slot != OutcomeTable::kNotFound) {
            m_general.setWordAt(slot, word);
            return;
        }
    }
    insertAbsent(key, composite, kind, latencyMs, timeMs, atMs, stage);
}

void DoneSet::advance(int64_t clockMs)
{
    m_nowMs = std::max(m_nowMs, clockMs);
    const int64_t nowSecond = floorDiv(m_nowMs, 1000);
    if (nowSecond == m_lastScanSecond)
        return;
    m_lastScanSecond = nowSecond;
    const int64_t cutoff = cutoffMs();
    std::vector<int64_t> dropped;
    m_bySecond.forEach([&](int64_t second, SecondOutcomeTable& table) {
        if (table.allExpired(cutoff)) {
            dropped.push_back(second);
            // Its final size is what one second of completions holds.
            m_typicalPartitionSize = table.size();
        } else if (second * 1000 < cutoff && table.anyExpired(cutoff) && !table.allExpired(cutoff + kDroppedSoonMs)) {
            // Past the horizon, new entries here are stragglers (records
            // open longer than the horizon): keep them, not the rest. A
            // table whose last entries expire in a moment is left to be
            // dropped whole instead.
            if (table.purge(cutoff))
                ++m_purges;
            table.settle();
        } else if (second < nowSecond - kSettleAfterSeconds) {
            // Its records have mostly completed: a table presized for more
            // than came, or grown just before its last entries, is packed.
            table.settle();
        }
    });
    for (const int64_t second : dropped)
        m_bySecond.drop(second);
}

size_t DoneSet::size() const
{
    size_t total = m_general.size();
    m_bySecond.forEach([&](int64_t, const SecondOutcomeTable& table) { total += table.size(); });
    return total;
}

size_t DoneSet::bytesUsed() const
{
    size_t total = m_general.bytesUsed();
    m_bySecond.forEach([&](int64_t, const SecondOutcomeTable& table) {
        total += table.bytesUsed() + Partitions::overheadBytesPerTable();
    });
    return total;
}

uint64_t DoneSet::encode(Kind kind, int64_t latencyMs, int64_t timeMs, int64_t atMs, int stage)
{
    uint64_t a = 0;
    int64_t seconds = floorDiv(timeMs, 1000);
    uint64_t kindBits = static_cast<uint64_t>(kind);
    switch (kind) {
    case Kind::Matched:
    case Kind::MatchedPartial:
        a = static_cast<uint64_t>(std::clamp<int64_t>(latencyMs, 0, kMaxA));
        break;
    case Kind::Lost:
        // Expiry counts from the eviction; t0 is recovered as b - a.
        seconds = std::max(floorDiv(atMs, 1000), floorDiv(timeMs, 1000) + 1);
        a = static_cast<uint64_t>(std::clamp<int64_t>(seconds * 1000 - timeMs, 0, kMaxA));
        break;
    case Kind::Orphan:
    case Kind::LostEarly:
        a = (kind == Kind::LostEarly ? kLostEarlyBit : 0) | (static_cast<uint64_t>(stage & 7) << 10) |
            static_cast<uint64_t>(timeMs - seconds * 1000);
        kindBits = static_cast<uint64_t>(Kind::Orphan);
        break;
    }
    return (kindBits << 62) | (a << 32) | static_cast<uint32_t>(seconds);
}

DoneSet::Outcome DoneSet::decode(uint64_t word)
{
    const auto kind = static_cast<Kind>(word >> 62);
    const int64_t a = static_cast<int64_t>((word >> 32) & kMaxA);
    const int64_t seconds = static_cast<uint32_t>(word);
    if (isMatched(kind))
        return {kind, a, seconds * 1000};
    if (kind == Kind::Lost)
        return {kind, 0, seconds * 1000 - a};
    const Kind orphanKind = (static_cast<uint64_t>(a) & kLostEarlyBit) ? Kind::LostEarly : Kind::Orphan;
    return {orphanKind, 0, seconds * 1000 + (a & 1023), static_cast<int>((a >> 10) & 7)};
}

} // namespace slatrack::engine

#pragma once

#include "huge_page_array.hpp"
#include "prefetch.hpp"

#include <cstdint>

namespace slatrack::engine {

// A blocked Bloom filter over 64-bit keys that are already well mixed
// (hashes): two bits in one 64-bit word per key, so a query reads one word.
// No false negatives; with 4 bits per slot of the table it guards (about
// 5 to 10 per entry) about 5-10 % false positives.
//
// Why: the general dedup table holds rate x horizon entries, far beyond the
// caches, and nearly every lookup in it (a new incoming record) is a miss.
// The filter is a few MB, so most of those misses are answered from cache
// instead of DRAM. It cannot delete: the owner rebuilds it when it purges.
//
// Thread-safety: none; one owner thread.
class PresenceFilter {
public:
    static constexpr size_t kBitsPerSlot = 4;

    void resizeFor(size_t tableSlots)
    {
        m_words = HugePageArray<uint64_t>(tableSlots * kBitsPerSlot / 64 + 1);
    }
    void clear() { m_words.zero(); }

    void add(uint64_t key) { m_words[wordOf(key)] |= maskOf(key); }
    bool mayContain(uint64_t key) const
    {
        const uint64_t mask = maskOf(key);
        return (m_words[wordOf(key)] & mask) == mask;
    }
    void prefetch(uint64_t key) const { prefetchLine(&m_words[wordOf(key)]); }
    size_t bytesUsed() const { return m_words.bytes(); }

private:
    // The table's home slot comes from a multiplicative mix of the whole
    // key; the filter takes the word from the low half and the two bits
    // from the high half, so the three are independent enough.
    size_t wordOf(uint64_t key) const
    {
        return static_cast<size_t>((static_cast<uint64_t>(static_cast<uint32_t>(key)) * m_words.size()) >> 32);
    }
    static uint64_t maskOf(uint64_t key) { return (uint64_t{1} << ((key >> 32) & 63)) | (uint64_t{1} << ((key >> 38) & 63)); }

    HugePageArray<uint64_t> m_words;
};

} // namespace slatrack::engine

#pragma once

#include "mapped_region_pool.hpp"

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace slatrack::engine {

// A zero-initialized array of trivially copyable T that asks the kernel for
// transparent huge pages when it is large.
//
// Why: the join touches its tables at random. With 4 KiB pages a 50 MB table
// spans 12,000 pages, far more than the TLB holds, so nearly every event
// pays a page walk on top of the cache miss (and in a VM that walk is two-
// dimensional); software prefetches are often dropped on a TLB miss too.
// 2 MiB pages make the whole table fit in the TLB. Debian's default THP
// mode is "madvise", hence the explicit MADV_HUGEPAGE.
template <typename T>
class HugePageArray {
public:
    static constexpr size_t kHugePage = size_t{2} << 20;
    static constexpr size_t kCacheLine = 64;
    static constexpr size_t kPage = 4096;
    // From here up, a mapping of its own (page-granular: at most 1/16
    // wasted), returned to the kernel when freed (or kept for the next
    // table of its size, within mapped_region_pool's bounds). From the heap, tables
    // that come and go every second (DoneSet's, OpenTable's) left glibc
    // holding freed memory: resident 15-24 B per dedup entry where the
    // tables held 11 (slatrack-bench engine; 11.6 B with mappings).
    static constexpr size_t kMapThreshold = size_t{64} << 10;

    HugePageArray() = default;
    explicit HugePageArray(size_t count) : m_count(count)
    {
        if (count == 0)
            return;
        m_bytes = roundUp(count * sizeof(T));
        if (m_bytes < kMapThreshold) {
            // Small tables (DoneSet keeps one per second) come from the heap:
            // a page-granular mapping each would waste most of a page.
            void* memory = std::aligned_alloc(kCacheLine, m_bytes);
            if (!memory)
                throw std::bad_alloc();
            std::memset(memory, 0, m_bytes);
            m_data = static_cast<T*>(memory);
            return;
        }
        // A region a freed table left (already resident: a memset instead
        // of a page fault per 4 KiB, mapped_region_pool.hpp), else a fresh
        // mapping: zero-filled and lazily backed, so an empty table costs
        // no time to clear and no memory until touched.
        size_t reusedBytes = 0;
        if (void* reused = mapped_region_pool::take(m_bytes, &reusedBytes)) {
            m_bytes = reusedBytes;
            m_data = static_cast<T*>(reused);
            return;
        }
        void* memory = mmap(nullptr, m_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            throw std::bad_alloc();
        if (m_bytes >= kHugePage)
            madvise(memory, m_bytes, MADV_HUGEPAGE);  // a hint: failure only costs speed
        m_data = static_cast<T*>(memory);
    }
    ~HugePageArray() { release(); }
    HugePageArray(HugePageArray&& other) noexcept { *this = std::move(other); }
    HugePageArray& operator=(HugePageArray&& other) noexcept
    {
        if (this != &other) {
            release();
            m_data = std::exchange(other.m_data, nullptr);
            m_count = std::exchange(other.m_count, 0);
            m_bytes = std::exchange(other.m_bytes, 0);
        }
        return *this;
    }
    HugePageArray(const HugePageArray&) = delete;
    HugePageArray& operator=(const HugePageArray&) = delete;

    T& operator[](size_t index) { return m_data[index]; }
    const T& operator[](size_t index) const { return m_data[index]; }
    T* data() { return m_data; }
    size_t size() const { return m_count; }
    size_t bytes() const { return m_count * sizeof(T); }
    void zero() { std::memset(static_cast<void*>(m_data), 0, m_count * sizeof(T)); }

private:
    static size_t roundUp(size_t bytes)
    {
        const size_t unit = bytes >= kHugePage ? kHugePage : bytes >= kMapThreshold ? kPage : kCacheLine;
        return (bytes + unit - 1) / unit * unit;
    }
    void release()
    {
        if (m_data && m_bytes < kMapThreshold)
            std::free(m_data);
        else if (m_data)
            mapped_region_pool::give(m_data, m_bytes);
        m_data = nullptr;
    }

    T* m_data = nullptr;
    size_t m_count = 0;
    size_t m_bytes = 0;
};

} // namespace slatrack::engine

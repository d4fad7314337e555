#include "mapped_region_pool.hpp"

#include <sys/mman.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace slatrack::engine::mapped_region_pool {

namespace {

struct Region {
    void* memory;
    size_t bytes;
};

struct Pool {
    std::mutex mutex;
    std::vector<Region> regions;  // oldest first
    size_t bytes = 0;
};

Pool& pool()
{
    // Never destroyed: a table freed during static destruction can still
    // give its region back (it is then unmapped).
    static Pool* instance = new Pool;
    return *instance;
}

} // namespace

void* take(size_t bytes, size_t* actualBytes)
{
    Region found{nullptr, 0};
    {
        Pool& kept = pool();
        std::lock_guard lock(kept.mutex);
        // The newest fitting one: it is the most likely to still be in cache.
        for (size_t idx = kept.regions.size(); idx-- > 0;) {
            const Region& region = kept.regions[idx];
            if (region.bytes >= bytes && region.bytes - bytes <= bytes / 4) {
                found = region;
                kept.bytes -= region.bytes;
                kept.regions.erase(kept.regions.begin() + static_cast<std::ptrdiff_t>(idx));
                break;
            }
        }
    }
    if (!found.memory)
        return nullptr;
    std::memset(found.memory, 0, found.bytes);  // outside the lock
    *actualBytes = found.bytes;
    return found.memory;
}

void give(void* region, size_t bytes)
{
    std::vector<Region> unmap;
    if (bytes > kMaxBytes) {
        unmap.push_back({region, bytes});
    } else {
        Pool& kept = pool();
        std::lock_guard lock(kept.mutex);
        // Room is made from the oldest: the newest regions are the likelier
        // sizes of the next tables.
        while (!kept.regions.empty() && (kept.regions.size() >= kMaxRegions || kept.bytes + bytes > kMaxBytes)) {
            unmap.push_back(kept.regions.front());
            kept.bytes -= kept.regions.front().bytes;
            kept.regions.erase(kept.regions.begin());
        }
        kept.regions.push_back({region, bytes});
        kept.bytes += bytes;
    }
    for (const Region& old : unmap)
        munmap(old.memory, old.bytes);
}

size_t keptRegions()
{
    Pool& kept = pool();
    std::lock_guard lock(kept.mutex);
    return kept.regions.size();
}

size_t keptBytes()
{
    Pool& kept = pool();
    std::lock_guard lock(kept.mutex);
    return kept.bytes;
}

void releaseAll()
{
    std::vector<Region> unmap;
    {
        Pool& kept = pool();
        std::lock_guard lock(kept.mutex);
        unmap.swap(kept.regions);
        kept.bytes = 0;
    }
    for (const Region& old : unmap)
        munmap(old.memory, old.bytes);
}

} // namespace slatrack::engine::mapped_region_pool

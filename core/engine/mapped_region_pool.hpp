#pragma once

#include <cstddef>

namespace slatrack::engine {

// A few anonymous mappings kept after their table is freed, for the next
// table of (about) the same size: the process-wide reuse behind
// HugePageArray's mapped arrays.
//
// Why: the dedup set and the open table keep one table per second of event
// time; every second one is created (and grows, doubling) and one falls out
// of the horizon. Fresh mappings cost a page fault per 4 KiB touched, and
// in a VM a fault is expensive: slatrack-bench engine took 150k more faults
// and 2.87 s instead of 2.36 s for 20M events once the tables were mapped
// one by one. A region that is already resident is reused after a memset,
// which is bandwidth only. Bounded (kMaxRegions, kMaxBytes), so it holds at
// most what about one second's tables need: the memory is still given back.
//
// Thread-safety: all functions may be called from any thread (one mutex;
// used once per table creation or release, never per record).
namespace mapped_region_pool {

inline constexpr size_t kMaxRegions = 12;
inline constexpr size_t kMaxBytes = size_t{16} << 20;

// A kept region of `bytes` up to bytes + bytes / 4 long, zeroed, or null.
// `*actualBytes` is its real length (what give() and munmap need).
void* take(size_t bytes, size_t* actualBytes);
// Keeps the region if there is room; otherwise unmaps it.
void give(void* region, size_t bytes);

// What the pool holds now, and giving it all back (tests).
size_t keptRegions();
size_t keptBytes();
void releaseAll();

} // namespace mapped_region_pool
} // namespace slatrack::engine

// The slatrack executable runs on jemalloc (linked in app/CMakeLists.txt
// unless built with sanitizers); this file holds its settings.
//
// Why not glibc's malloc: librdkafka's broker thread allocates every message
// the consumer thread later frees, and glibc returns such a free to the
// allocating thread's arena under that arena's lock. On 2 cores, perf put
// about 30 % of `slatrack-bench ingest`'s samples (header path) in malloc,
// free and the futex waits between those two threads. jemalloc's per-thread
// caches take cross-thread frees without that contention: 0.85x kcat's rate
// became 1.25x on the JSON and header paths (same run, 2 MB prefetch).
#include "allocator.hpp"

#if SLATRACK_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include <string>

#if SLATRACK_JEMALLOC
// Read once by jemalloc when it initialises (jemalloc(3), "malloc_conf");
// MALLOC_CONF in the environment is applied after it and still wins.
//  - narenas:2: one arena per core here instead of 4 per core: fewer
//    half-empty arenas, and the two busy threads still do not share one.
//  - dirty_decay_ms:200, muzzy_decay_ms:0: freed pages go back to the
//    system within 200 ms instead of 10 s, so a burst of prefetched
//    messages does not stay in the resident size (peak RSS on the bench
//    was 133-138 MB with jemalloc's defaults, 81-86 MB with these).
extern "C" {
__attribute__((used)) const char* malloc_conf = "narenas:2,dirty_decay_ms:200,muzzy_decay_ms:0";
}
#endif

namespace slatrack::app {

std::string allocatorDescription()
{
#if SLATRACK_JEMALLOC
    const char* version = nullptr;
    unsigned arenas = 0;
    ssize_t decay = 0;
    size_t size = sizeof version;
    if (mallctl("version", &version, &size, nullptr, 0) != 0 || !version)
        return "jemalloc (linked, but it does not answer mallctl)";
    size = sizeof arenas;
    mallctl("opt.narenas", &arenas, &size, nullptr, 0);
    size = sizeof decay;
    mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0);
    return "jemalloc " + std::string(version) + " (narenas " + std::to_string(arenas) + ", dirty_decay_ms " + std::to_string(decay) + ")";
#else
    return "glibc malloc";
#endif
}

} // namespace slatrack::app

#pragma once

namespace slatrack::engine {

// Asks the CPU to start loading the cache line holding `address`.
// Spelled out in asm on x86-64: GCC 12 treats a function whose only effect
// is __builtin_prefetch as const and deletes calls to it (measured: no
// prefetcht0 was left in JoinEngine::ingest).
inline void prefetchLine(const void* address)
{
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
    __builtin_prefetch(address);
#endif
}

} // namespace slatrack::engine

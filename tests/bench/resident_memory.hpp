#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdio>

namespace slatrack::bench {

// Resident memory of this process from /proc/self/statm: it counts the
// join's mmap'd (huge page) tables, which malloc statistics do not see.
// 0 if it cannot be read.
inline size_t residentBytes()
{
    long pages = 0, resident = 0;
    if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(statm);
    }
    return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace slatrack::bench

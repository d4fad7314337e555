#include "thread_priority.hpp"

#if defined(__linux__)
#include <dirent.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#endif

namespace slatrack::app {

int deprioritizeOtherThreads(int niceValue)
{
#if defined(__linux__)
    const auto self = static_cast<pid_t>(syscall(SYS_gettid));
    DIR* tasks = opendir("/proc/self/task");
    if (!tasks)
        return 0;
    int changed = 0;
    while (const dirent* entry = readdir(tasks)) {
        const auto tid = static_cast<pid_t>(std::atoi(entry->d_name));
        if (tid <= 0 || tid == self)
            continue;
        errno = 0;
        const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
        if (errno == 0 && current < niceValue && setpriority(PRIO_PROCESS, static_cast<id_t>(tid), niceValue) == 0)
            ++changed;
    }
    closedir(tasks);
    return changed;
#else
    (void)niceValue;
    return 0;
#endif
}

} // namespace slatrack::app

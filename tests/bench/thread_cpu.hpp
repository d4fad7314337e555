#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace slatrack::bench {

// CPU time of every thread of this process, read from
// /proc/self/task/<tid>/stat (utime + stime, in clock ticks), keyed by tid.
// Two samples and their difference give each thread's share of one core
// over the interval, as `top -H` shows it.
struct ThreadCpuSample {
    struct Thread {
        std::string name;
        uint64_t ticks = 0;
    };
    std::map<long, Thread> threads;
};

inline ThreadCpuSample sampleThreadCpu()
{
    ThreadCpuSample sample;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line))
            continue;  // the thread ended meanwhile
        // "tid (name) state ppid ..."; the name may hold spaces and ')'.
        const size_t open = line.find('(');
        const size_t close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close < open)
            continue;
        std::istringstream rest(line.substr(close + 2));
        std::string field;
        uint64_t utime = 0, stime = 0;
        // Fields after the name: state(3) ... utime is field 14, stime 15.
        for (int field_idx = 3; field_idx <= 15 && rest >> field; ++field_idx) {
            if (field_idx == 14)
                utime = std::stoull(field);
            else if (field_idx == 15)
                stime = std::stoull(field);
        }
        sample.threads[std::stol(entry.path().filename().string())] = {line.substr(open + 1, close - open - 1), utime + stime};
    }
    return sample;
}

// Percent of one core per thread name (threads of one name summed) between
// two samples taken `seconds` apart; "total" is the whole process.
inline std::map<std::string, double> threadCpuPercent(const ThreadCpuSample& before, const ThreadCpuSample& after, double seconds)
{
    std::map<std::string, double> percent;
    const double ticksPerSecond = static_cast<double>(sysconf(_SC_CLK_TCK));
    double total = 0;
    for (const auto& [tid, thread] : after.threads) {
        const auto earlier = before.threads.find(tid);
        const uint64_t start = earlier == before.threads.end() ? 0 : earlier->second.ticks;
        const double share = static_cast<double>(thread.ticks - start) / ticksPerSecond / seconds * 100.0;
        std::string name = tid == static_cast<long>(getpid()) ? thread.name + " (UI thread)" : thread.name;
        percent[name] += share;
        total += share;
    }
    percent["total"] = total;
    return percent;
}

} // namespace slatrack::bench

#include "process_metrics.hpp"

#include "metric_families.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace slatrack::metrics {

namespace {

// /proc/stat's btime: boot time in Unix seconds (start times are relative to it).
long long bootTimeSeconds()
{
    std::ifstream stat("/proc/stat");
    std::string key;
    long long value = 0;
    while (stat >> key) {
        if (key == "btime" && stat >> value)
            return value;
        stat.ignore(1 << 20, '\n');
    }
    return -1;
}

void note(std::string* error, const std::string& text)
{
    if (error)
        *error += (error->empty() ? "" : "; ") + text;
}

} // namespace

void appendProcessMetrics(std::vector<prometheus::MetricFamily>& out, std::string* error)
{
    using prometheus::MetricType;
    std::ifstream statFile("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
    // Field 2 (comm) is in parentheses and may contain spaces or ')': the
    // fields we want are counted from after its last ')', where field 3 is.
    const size_t commEnd = stat.rfind(')');
    std::vector<std::string> fields;
    if (commEnd != std::string::npos) {
        std::istringstream rest(stat.substr(commEnd + 1));
        for (std::string field; rest >> field;)
            fields.push_back(field);
    }
    // proc(5) numbering: utime 14, stime 15, starttime 22, vsize 23, rss 24;
    // fields[0] is field 3.
    constexpr size_t kUtime = 14 - 3, kStime = 15 - 3, kStartTime = 22 - 3, kVsize = 23 - 3, kRss = 24 - 3;
    if (fields.size() <= kRss) {
        note(error, "/proc/self/stat: unreadable or too few fields");
    } else {
        try {
            const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
            const double pageSize = static_cast<double>(sysconf(_SC_PAGESIZE));
            addSingle(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType::Counter, {},
                      (std::stod(fields[kUtime]) + std::stod(fields[kStime])) / ticks);
            addSingle(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge, {}, std::stod(fields[kVsize]));
            addSingle(out, "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge, {}, std::stod(fields[kRss]) * pageSize);
            const long long boot = bootTimeSeconds();
            if (boot >= 0)
                addSingle(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType::Gauge, {},
                          static_cast<double>(boot) + std::stod(fields[kStartTime]) / ticks);
            else
                note(error, "/proc/stat: no btime");
        } catch (const std::exception& failure) {  // a field that is not a number (stod)
            note(error, std::string("/proc/self/stat: ") + failure.what());
        }
    }

    std::error_code code;
    size_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", code), end; !code && it != end; it.increment(code))
        ++fds;
    if (!code)
        addSingle(out, "process_open_fds", "Number of open file descriptors.", MetricType::Gauge, {}, static_cast<double>(fds));
    else
        note(error, "/proc/self/fd: " + code.message());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        addSingle(out, "process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge, {}, static_cast<double>(limit.rlim_cur));
}

} // namespace slatrack::metrics

#include "health_check.hpp"

#include <cstdio>

namespace slatrack::metrics {

HealthVerdict judgeHealth(const monitor::MonitorSnapshot* latest, int64_t nowMs, int64_t staleAfterMs)
{
    if (latest == nullptr)
        return {503, "no snapshot yet"};
    if (!latest->fatalError.empty())
        return {503, "the monitor stopped: " + latest->fatalError};
    const int64_t ageMs = nowMs - latest->takenAtMs;
    if (ageMs > staleAfterMs) {
        char text[128];
        std::snprintf(text, sizeof text, "stale: the latest snapshot is %.1f s old (limit %.1f s)", static_cast<double>(ageMs) / 1000.0,
                      static_cast<double>(staleAfterMs) / 1000.0);
        return {503, text};
    }
    return {200, "ok"};
}

} // namespace slatrack::metrics

#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <cstdint>
#include <string>

// What /healthz answers, for systemd watchdogs and load balancers: is this
// agent working? Not whether the pipeline is healthy (a blind stage or a
// firing alert is /metrics' business: restarting slatrack would not fix it).
//   200 "ok"                      the monitor runs and its latest snapshot is fresh
//   503 "no snapshot yet"         the monitor has not published one (starting)
//   503 "the monitor stopped: ..." fatal error: nothing it shows moves any more
//   503 "stale: the latest snapshot is 12.3 s old (limit 10 s)"
//                                 the engine thread stopped publishing
//
// Pure; any thread.
namespace slatrack::metrics {

// The monitor publishes every 250 ms and a store snapshot pauses the engine
// thread only for a fork (milliseconds); 10 s without a new snapshot is an
// engine thread that is stuck, while a replay's big batches (a second or
// two between publications) stay well inside it.
inline constexpr int64_t kDefaultStaleAfterMs = 10'000;

struct HealthVerdict {
    int httpStatus = 503;
    std::string text;
};

HealthVerdict judgeHealth(const monitor::MonitorSnapshot* latest, int64_t nowMs, int64_t staleAfterMs = kDefaultStaleAfterMs);

} // namespace slatrack::metrics

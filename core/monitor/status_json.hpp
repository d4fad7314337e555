#pragma once

#include "monitor_snapshot.hpp"

#include <string>

namespace slatrack::monitor {

// One line of JSON describing a snapshot: the headless agent's status line.
// Fields: time_ms, pipeline, phase, replay_percent, replay_eta_ms,
// replay[{stage, consumed, target, percent}], connected,
// connection_detail, consumer_restarts, counts{incoming, processed, matched,
// open, stuck, early, lost, lost_overflow, duplicates, orphans, late,
// rejected}, rates{in_per_s, out_per_s}, latency_ms{last_minute{p50,p95,p99,max,count},
// since_start{...}}, lag{total, partitions}, watermark_age_ms[per stage, -1 unknown].
std::string statusLineJson(const MonitorSnapshot& snapshot);

} // namespace slatrack::monitor

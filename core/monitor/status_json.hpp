#pragma once

#include "monitor_snapshot.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace slatrack::monitor {

// One line of JSON describing a snapshot: the headless agent's status line.
// Fields: time_ms, pipeline, phase, replay_percent, replay_eta_ms,
// replay[{stage, consumed, target, percent}], connected,
// connection_detail, consumer_restarts,
// health[{stage, state: ok|catching_up|blind|no_data, why, since: Unix ms}],
// judgement ("ok", or "can't judge: <stage> <state>: <why>; ..." while a
// stage is blind or catching up: its stuck/lost counts are held, not final),
// fatal_error (non-empty: the monitor stopped), counts{incoming, processed, matched,
// open, stuck, early, lost, lost_overflow, duplicates, orphans, late,
// rejected, clock_skew, worst_clock_skew_ms, stale, late_hop, id_collisions}, rates{in_per_s, out_per_s}, latency_ms{last_minute{p50,p95,p99,max,count},
// since_start{...}}, hop_latency_ms{last_minute, since_start: [{from, to, count, p50, p90,
// p95, p99, max}] one per hop}, lag{total, partitions[{topic, partition, lag, caught_up,
// last_response_age_ms, leader}]}, watermark_age_ms[per stage, -1 unknown].
// Strings that are not valid UTF-8 are written with U+FFFD (never an exception).
std::string statusLineJson(const MonitorSnapshot& snapshot);

// Shared with the audit report.
nlohmann::json healthJson(const std::vector<StageHealth>& health, const std::vector<std::string>& stageNames);
nlohmann::json hopLatencyJson(const std::vector<LatencySummary>& hops, const std::vector<std::string>& stageNames);

} // namespace slatrack::monitor

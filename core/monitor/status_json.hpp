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
// open, stuck (net of silenced records), stuck_silenced, early, lost, lost_overflow, duplicates, orphans, late,
// rejected, clock_skew, worst_clock_skew_ms, stale, late_hop, id_collisions}, rates{in_per_s, out_per_s}, latency_ms{last_minute{p50,p95,p99,max,count},
// since_start{...}}, hop_latency_ms{last_minute, since_start: [{from, to, count, p50, p90,
// p95, p99, max}] one per hop}, lag{total, partitions[{topic, partition, lag, caught_up,
// last_response_age_ms, leader}]} (slatrack's own position behind the high
// watermarks, not the pipeline's), pipeline_lag (the pipeline's consumer
// groups, see pipelineLagJson), watermark_age_ms[per stage, -1 unknown].
// Strings that are not valid UTF-8 are written with U+FFFD (never an exception).
std::string statusLineJson(const MonitorSnapshot& snapshot);
// The same line with an "alerts" block (headless: the AlertingService's
// statusJson, null until alerting is attached).
std::string statusLineJson(const MonitorSnapshot& snapshot, const nlohmann::json& alerts);
nlohmann::json statusLine(const MonitorSnapshot& snapshot);

// The pipeline's lag, one entry per configured (stage, consumer group):
// [{group, stage, topics, state: ok|cant_judge|unknown_group, why,
// read_at_ms (null: not read yet), msgs (null: unknown), time_ms (null:
// unknown; now - timestamp of the first uncommitted message, the largest
// over partitions), unknown_partitions, trend: unknown|steady|growing|shrinking,
// partitions[{topic, partition, committed, high_watermark, msgs, time_ms,
// trend, why}]}]; [] when the config names no consumer_group. Unknown
// numbers are null, never 0.
nlohmann::json pipelineLagJson(const std::vector<GroupLag>& groups);

// Shared with the audit report.
nlohmann::json healthJson(const std::vector<StageHealth>& health, const std::vector<std::string>& stageNames);
nlohmann::json hopLatencyJson(const std::vector<LatencySummary>& hops, const std::vector<std::string>& stageNames);

} // namespace slatrack::monitor

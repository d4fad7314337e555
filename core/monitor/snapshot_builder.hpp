#pragma once

#include "monitor_snapshot.hpp"

#include "core/engine/join_engine.hpp"

#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace slatrack::monitor {

// Fills the engine-derived part of a snapshot (gauges, totals, rates,
// latency summaries, per-second series, oldest stuck). The caller adds what
// ingestion knows (phase, connection, partitions).
//
// Thread: the engine's owner thread (it reads the engine).
// gaugeHistory is the caller's running list of samples; this appends the
// current one and trims it to kSeriesSeconds.
//
// `silenced` (may be empty): stuck records an operator silenced by ID or
// pattern. They leave gauges.stuck, the per-stage stuckAwaiting and
// oldestStuck, and are counted in silencedStuck (a few listed in
// silencedStuckSample), so every reader of the snapshot (tiles, status
// line, rules, pages) sees the same net count.
MonitorSnapshot buildEngineSnapshot(const engine::JoinEngine& engine, int64_t nowMs,
                                    std::deque<GaugeSample>& gaugeHistory, const StuckSilencer& silenced = {});

LatencySummary summarize(const engine::LatencyHistogram& histogram);
// Per stage k, the hop from stage k-1 (index 0 empty; two stages: the
// end-to-end latency). Over buckets in [first, second) of event time, or
// since start when `between` is empty. Thread: the engine's owner thread.
std::vector<LatencySummary> hopSummaries(const engine::JoinEngine& engine, std::optional<std::pair<int64_t, int64_t>> between);

} // namespace slatrack::monitor

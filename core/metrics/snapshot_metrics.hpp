#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <prometheus/metric_family.h>

#include <vector>

// A MonitorSnapshot as Prometheus metric families: the same numbers the
// headless status line prints for that snapshot (status_json.cpp), by
// name, so a scrape and the status line of the same snapshot agree.
// Every sample has the label pipeline; per-stage ones add stage.
//
//   slatrack_snapshot_timestamp_seconds     when the snapshot was taken (= status time_ms / 1000)
//   slatrack_monitor_failed                 1: the monitor stopped (fatal_error)
//   slatrack_phase{phase}                   state set: starting, replaying, live
//   slatrack_replay_progress_ratio          replay_percent / 100
//   slatrack_connected, slatrack_consumer_restarts_total
//   slatrack_sla_seconds, slatrack_window_seconds
//   slatrack_matched_total                  counts.matched
//   slatrack_open_records, slatrack_stuck_records, slatrack_early_records   counts.open/stuck/early
//   slatrack_records_total{stage}           distinct records (counts.incoming: the first stage, processed: the last)
//   slatrack_duplicates_total{stage}, slatrack_orphans_total{stage}, slatrack_lost_total{stage}
//       (lost: by the stage the record was awaiting), slatrack_lost_overflow_total{stage},
//       slatrack_late_total{stage}, slatrack_stale_total{stage}, slatrack_late_hop_total{stage},
//       slatrack_id_collisions_total{stage}, slatrack_clock_skew_total{stage}
//       (the status line's counts are these summed over stages)
//   slatrack_rejected_total{stage,reason}   every reason, 0 included, so rate() works from the start
//   slatrack_open_awaiting_records{stage}, slatrack_stuck_awaiting_records{stage}
//   slatrack_watermark_age_seconds{stage}   absent while unknown (watermark_age_ms -1)
//   slatrack_stage_health{stage,state}      state set: ok, catching_up, blind, no_data
//   slatrack_latency_seconds                histogram, end to end since start (latency_buckets.hpp)
//   slatrack_hop_latency_seconds{from,to}   histogram per hop since start
//   slatrack_own_lag_messages{stage}        slatrack's own position behind the log ends, over
//                                           partitions whose lag is known (lag.total when all are)
//   slatrack_own_lag_unknown_partitions{stage}
//   slatrack_pipeline_lag_messages{stage,group}, slatrack_pipeline_lag_seconds{stage,group}
//                                           the pipeline's consumer groups; absent while unknown
//   slatrack_pipeline_lag_unknown_partitions{stage,group}
//   slatrack_pipeline_lag_state{stage,group,state}  state set: ok, cant_judge, unknown_group
//   slatrack_store_state{state}             state set (with a store): opening, ok, unavailable,
//                                           in_use, refused, stopped
//   slatrack_store_snapshots_written_total, slatrack_store_snapshot_failures_total
//
// Unknown values are left out rather than exported as 0 or -1, which a
// query would take for "no lag": absent is Prometheus's "unknown".
//
// Pure; any thread (the snapshot is immutable).
namespace slatrack::metrics {

void appendSnapshotMetrics(const monitor::MonitorSnapshot& snapshot, std::vector<prometheus::MetricFamily>& out);

} // namespace slatrack::metrics

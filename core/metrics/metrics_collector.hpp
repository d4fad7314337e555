#pragma once

#include "core/alerting/alerting_service.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <prometheus/metric_family.h>

#include <cstdint>
#include <string>
#include <vector>

// Everything /metrics serves, built at scrape time from the latest
// snapshot: the snapshot's numbers (snapshot_metrics.hpp), the alert rules
// and outbox when there is an alerting service (alert_metrics.hpp), and the
// process metrics (process_metrics.hpp).
//
// Why at scrape time, not on the headless loop's interval: a scrape then
// shows the newest snapshot (published every 250 ms) rather than one up to
// an interval old, no thread or timer is added, and between scrapes it
// costs nothing. The caller copies the SnapshotPtr (Monitor::latest() takes
// a short lock around a shared_ptr copy); the engine is never locked.
//
// Thread: any (civetweb's worker threads call it).
namespace slatrack::metrics {

std::vector<prometheus::MetricFamily> collectMetrics(const monitor::MonitorSnapshot* snapshot, const alerting::AlertingService* alerts,
                                                     const std::string& pipeline, int64_t nowMs);

} // namespace slatrack::metrics

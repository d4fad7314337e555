#include "metrics_collector.hpp"

#include "alert_metrics.hpp"
#include "metric_families.hpp"
#include "process_metrics.hpp"
#include "snapshot_metrics.hpp"

namespace slatrack::metrics {

std::vector<prometheus::MetricFamily> collectMetrics(const monitor::MonitorSnapshot* snapshot, const alerting::AlertingService* alerts,
                                                     const std::string& pipeline, int64_t nowMs)
{
    std::vector<prometheus::MetricFamily> out;
    // Before the first snapshot there is nothing to say about the pipeline
    // (not zeros: "no data" is not "no records"); /healthz says why.
    addSingle(out, "slatrack_snapshot_available", "1 once the monitor has published a snapshot (the slatrack_* values below come from it).",
              prometheus::MetricType::Gauge, {{"pipeline", pipeline}}, snapshot ? 1.0 : 0.0);
    if (snapshot)
        appendSnapshotMetrics(*snapshot, out);
    if (alerts)
        appendAlertMetrics(*alerts, pipeline, nowMs, out);
    appendProcessMetrics(out);
    dropEmptyFamilies(out);
    return out;
}

} // namespace slatrack::metrics

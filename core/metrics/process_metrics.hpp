#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

// The process metrics every Prometheus client library exports, under the
// same names (client_golang's process collector), read from /proc/self:
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds
// A file that cannot be read leaves its metrics out (and says so in
// `error`), never a 0.
//
// Thread: any.
namespace slatrack::metrics {

void appendProcessMetrics(std::vector<prometheus::MetricFamily>& out, std::string* error = nullptr);

} // namespace slatrack::metrics

#pragma once

#include "core/alerting/alerting_service.hpp"

#include <prometheus/metric_family.h>

#include <cstdint>
#include <string>
#include <vector>

// The alert rules and the page outbox as Prometheus metric families:
//   slatrack_alert_state{rule,kind,severity,state}  state set: normal, pending, firing,
//                                                  recovering, resolved, cant_judge
//   slatrack_alert_silenced{rule}                  1 while a silence covers the rule
//   slatrack_alert_pages{state}                    pages in the outbox: queued, retrying, sent, failed
//   slatrack_alert_outbox_store_failing            1 while the outbox keeps pages in memory only
// The page counts are those of the service's status JSON (the status
// line's "alerts.pages").
//
// Thread: any (AlertingService::rules() and statusJson() lock inside).
namespace slatrack::metrics {

void appendAlertMetrics(const alerting::AlertingService& alerts, const std::string& pipeline, int64_t nowMs,
                        std::vector<prometheus::MetricFamily>& out);

} // namespace slatrack::metrics

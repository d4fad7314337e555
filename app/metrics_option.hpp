#pragma once

#include "core/alerting/alerting_service.hpp"
#include "core/config/pipeline_config.hpp"
#include "core/metrics/metrics_server.hpp"
#include "core/monitor/monitor.hpp"

#include <memory>
#include <optional>
#include <string>

// The headless agent's side of core/metrics: which address (`--metrics
// ADDR|none` wins over the config's "metrics"), starting the server, and
// its block in the status line. Owner thread: the headless command's.
namespace slatrack::app {

struct MetricsChoice {
    std::string listen;  // normalised address; empty: off
    std::string error;   // a bad --metrics, naming it
};
MetricsChoice chooseMetricsAddress(const std::optional<std::string>& flag, const config::PipelineConfig& config);

// Null when `listen` is empty. Logs "slatrack: metrics on http://HOST:PORT/metrics"
// on stderr, or why it cannot serve; a failure never stops the agent (the
// server is returned, stopped, so the status line can say why).
std::unique_ptr<metrics::MetricsServer> startMetricsServer(const std::string& listen, const monitor::Monitor& monitor,
                                                           const config::PipelineConfig& config, const alerting::AlertingService* alerts);

// The status line with "metrics": {...} (MetricsServer::statusJson) added
// as its last member; unchanged when `server` is null.
std::string withMetricsStatus(std::string statusLine, const metrics::MetricsServer* server);

} // namespace slatrack::app

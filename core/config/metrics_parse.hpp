#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/config/json_fields.hpp"
#include "core/config/pipeline_config.hpp"

// The "metrics" field of a pipeline config: where the headless agent serves
// Prometheus /metrics and /healthz. A string, the same syntax as
// `slatrack --headless --metrics ADDR|none`:
//   "127.0.0.1:9464"   that address and port
//   "9464" or ":9464"  127.0.0.1 only (a bare port never means every interface)
//   "0.0.0.0:9464"     every IPv4 interface: written out, never a default
//   "[::1]:9464"       IPv6
//   "none"             off (the same as leaving the field out)
// Port 0 asks the system for a free port (tests); the bound port is logged.
// Absent: no metrics. Off by default because several agents (one per
// pipeline) on one host would all fight for one default port.
//
// Threading: plain functions, any thread.
namespace slatrack::config {

struct ListenAddress {
    std::string host;  // IPv4 dotted quad, or an IPv6 literal without brackets
    uint16_t port = 0;
    bool ipv6 = false;
    // "127.0.0.1:9464" / "[::1]:9464": civetweb's listening_ports syntax.
    std::string text() const;
};

// nullopt and `error` set (saying what is expected) when `text` is not one
// of the forms above; "none" is not an address (the caller checks it first).
std::optional<ListenAddress> parseListenAddress(std::string_view text, std::string& error);

// Fills config.metricsListen from root["metrics"]: the normalised address,
// or empty when absent or "none". Errors name the field.
void readMetrics(Diagnostics& diag, const nlohmann::json& root, PipelineConfig& config);

} // namespace slatrack::config

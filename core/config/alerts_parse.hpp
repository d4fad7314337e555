#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/alerts_config.hpp"
#include "core/config/json_fields.hpp"
#include "core/config/pipeline_config.hpp"

// The "alerts" section of a pipeline config (format: the shipped
// resources/config/example.json). Part of config_loader: called after the
// stages and the SLA are read, because rules name stages and the default
// rules derive from the SLA.
//
// Threading: plain functions; reads secret files and the environment (the
// routing keys), so call at startup like the rest of the loader.
namespace slatrack::config {

// Fills config.alerts from root["alerts"] (absent: default rules, no pagers).
// Errors go to `diag` by field path; the routing keys and secrets are
// {"env"}/{"file"} references only, never inline text.
void readAlerts(Diagnostics& diag, const nlohmann::json& root, const std::filesystem::path& baseDir,
                PipelineConfig& config);

// The rules used when the config names none, derived from the SLA:
// p99 end to end over the SLA, records stuck, records lost, orphans,
// throughput stall, a stage blind, the store failing.
std::vector<AlertRuleConfig> defaultAlertRules(const PipelineConfig& config);

// For describeForLog: rules and pagers, secrets masked.
nlohmann::ordered_json describeAlerts(const AlertsConfig& alerts);

} // namespace slatrack::config

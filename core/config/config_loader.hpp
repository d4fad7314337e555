#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config_error.hpp"
#include "core/config/pipeline_config.hpp"

// Reads and validates a pipeline config file (JSON; // and /* */ comments
// allowed). The format, field by field, is documented in the shipped
// resources/config/example.json.
//
// Threading: plain functions without shared state; callable from any thread.
// They read the file, referenced secret files and the environment, so call
// them at startup or off the UI thread.
namespace slatrack::config {

// Either a config (errors empty) or every error found (config empty):
// validation goes on after the first problem so that an operator fixes the
// file in one round trip.
struct LoadResult {
    std::optional<PipelineConfig> config;
    std::vector<ConfigError> errors;

    bool ok() const { return config.has_value(); }
};

// Reads `path`; messages name the file as given. Relative secret file paths
// resolve against the file's directory.
LoadResult loadConfigFile(const std::filesystem::path& path);

// Parses config text. `fileNameForMessages` is what errors call the file;
// `baseDir` is where relative secret file paths resolve.
LoadResult parseConfig(std::string_view json, std::string_view fileNameForMessages,
                       const std::filesystem::path& baseDir);

// The effective config (defaults applied) as one line of JSON for the log.
// Secrets appear as "***" with where they came from, e.g.
// "*** (env KAFKA_PASSWORD)", never as their value.
std::string describeForLog(const PipelineConfig& config);

} // namespace slatrack::config

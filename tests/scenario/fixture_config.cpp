// The fixture's pipeline config, completed with the runner's broker and
// read by the real config loader.
#include "paths.hpp"

namespace slatrack::scenario {

config::LoadResult loadFixtureConfig(const Fixture& fixture, const std::string& brokers)
{
    nlohmann::json config = fixture.config;
    if (!config.contains("pipeline"))
        config["pipeline"] = fixture.name;
    // fetch.wait.max.ms: the mock cluster holds an empty fetch this long;
    // short, so a fixture of a few messages is read in milliseconds.
    config["kafka"] = {{"brokers", brokers}, {"group_id", "slatrack-scenario-" + fixture.name}, {"properties", {{"fetch.wait.max.ms", "20"}}}};
    return config::parseConfig(config.dump(), fixture.file + " (config)", ".");
}

bool noteConfigErrors(const config::LoadResult& loaded, Observed& observed)
{
    if (loaded.ok())
        return false;
    for (const config::ConfigError& error : loaded.errors)
        observed.configErrorFields.push_back(error.path);
    observed.error = "config refused: " + config::formatErrors(loaded.errors);
    return true;
}

} // namespace slatrack::scenario

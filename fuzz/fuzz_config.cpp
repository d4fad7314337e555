// Fuzz target: the pipeline config loader (core/config parseConfig).
// Invariants: the result is a config or errors, never both; every error
// names the file and says something; a config that loads is one the engine
// accepts (issue 8: limits the engine cannot hold are config errors) and
// can be built from; its log description is itself a config with the same
// meaning (when it holds no secrets, which the description masks).

#include "fuzz/fuzz_input.hpp"

#include "core/config/config_loader.hpp"
#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor.hpp"

#include <string>
#include <variant>

using namespace slatrack;

namespace {

constexpr char kFileName[] = "fuzz.json";

bool holdsSecrets(const config::PipelineConfig& config)
{
    for (const auto& [name, value] : config.kafka.properties) {
        if (std::holds_alternative<config::Secret>(value))
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Relative secret files resolve against a directory that does not exist.
    const config::LoadResult result = config::parseConfig(text, kFileName, "/nonexistent/slatrack-fuzz");
    FUZZ_ASSERT(result.ok() == result.errors.empty(), "ok=%d with %zu errors", int(result.ok()), result.errors.size());
    for (const config::ConfigError& error : result.errors) {
        FUZZ_ASSERT(error.file == kFileName, "error names file \"%s\"", error.file.c_str());
        FUZZ_ASSERT(!error.message.empty(), "empty message at %s", error.path.c_str());
    }
    if (!result.ok())
        return 0;

    const engine::EngineConfig engineConfig = monitor::Monitor::engineConfigFor(*result.config);
    const std::string problem = engineConfig.validate();
    FUZZ_ASSERT(problem.empty(), "config loads but the engine refuses it: %s", problem.c_str());
    { engine::JoinEngine engine(engineConfig); }

    if (!holdsSecrets(*result.config)) {
        const std::string description = config::describeForLog(*result.config);
        const config::LoadResult again = config::parseConfig(description, kFileName, "/nonexistent/slatrack-fuzz");
        FUZZ_ASSERT(again.ok(), "the description does not load: %s\n%s", description.c_str(), config::formatErrors(again.errors).c_str());
        FUZZ_ASSERT(*again.config == *result.config, "the description means something else: %s", description.c_str());
    }
    return 0;
}

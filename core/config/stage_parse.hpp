#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/json_fields.hpp"
#include "core/config/pipeline_config.hpp"

// The "stages" array of a pipeline config: each stage's name, topics and ID
// and time extractors, plus the checks across stages (unique names, each
// topic in one stage, at least two stages). Part of config_loader.
namespace slatrack::config {

// Appends one StageConfig per element of root["stages"] (partly filled when
// an element has errors; the caller discards the config if any were
// reported). `idFormat` is nullopt when id_format itself was invalid: the
// composite_id check is then skipped rather than reported as a second,
// derived error.
void readStages(Diagnostics& diag, const nlohmann::json& root, std::optional<IdFormat> idFormat,
                std::vector<StageConfig>& stages);

} // namespace slatrack::config

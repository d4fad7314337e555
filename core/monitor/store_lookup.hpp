#pragma once

#include "record_lookup.hpp"

#include "core/config/pipeline_config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace slatrack::monitor {

// `slatrack lookup` from the running agent's store, without reading Kafka:
// the latest complete engine snapshot (at most snapshot_interval old) is
// decoded read-only and asked like the live engine (liveLookup), and an ID
// it does not know is looked for among the lost records the store keeps
// for the retention. The agent keeps writing meanwhile (WAL: readers never
// block it).
struct StoreLookupOutcome {
    bool ok = false;
    std::string why;           // !ok: why the store cannot answer (the caller replays instead)
    int64_t snapshotAtMs = 0;  // the cut the answers are "as of"
    LookupReport report;
};

StoreLookupOutcome lookupInStore(const config::PipelineConfig& config, const std::filesystem::path& storePath, const std::vector<std::string>& typedIds);

} // namespace slatrack::monitor

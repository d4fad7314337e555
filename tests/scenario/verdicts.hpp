#pragma once

// What one path (engine, audit, live) concluded about a fixture, in the
// fixture's vocabulary, and the comparison with what the fixture expects.

#include "core/engine/engine_types.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::scenario {

struct LatencySeen {
    uint64_t count = 0;
    int64_t max = 0;
};

struct Observed {
    // The path could not run the scenario: config refused, engine threw,
    // audit failed, report not printable... (empty when it ran).
    std::string error;
    std::vector<std::string> configErrorFields;  // paths of config errors, e.g. "window", "stages[8]"
    // Verdict counts by fixture name; nullopt: this build has no such counter.
    std::map<std::string, std::optional<uint64_t>> counts;
    std::map<std::string, uint64_t> rejected;  // by reason name, zeros left out
    std::optional<std::vector<std::string>> stuckIds;  // nullopt: not observable on this path
    std::optional<std::vector<std::string>> lostIds;
    std::optional<int> exitCode;                 // audit only
    std::optional<uint64_t> skippedOutOfRange;   // audit only
    std::optional<LatencySeen> latency;          // end to end
    std::optional<std::map<std::string, LatencySeen>> hops;  // by stage name; nullopt: not reported by this path
    std::optional<int64_t> worstClockSkewMs;
    std::string describe;  // the path's own account, printed on failure
};

// The counters every path reads from engine::StageCounters (summed over
// stages), plus the end-of-run gauges. Counters the engine of this build
// does not have (added by issue #8) are left nullopt, so a fixture that
// expects them fails as "not measurable" instead of silently passing.
void fillCounts(Observed& observed, const std::vector<engine::StageCounters>& totals, const engine::Gauges& gauges);

// Every difference between `expected` (a fixture's merged "expect" object)
// and `observed`, one line each; empty when they agree. `notes` receives
// what could not be checked on this path and why.
std::vector<std::string> compareVerdicts(const nlohmann::json& expected, const Observed& observed, std::vector<std::string>& notes);

// Expected IDs are strings, or {"hex": "ff fe 41"} for bytes that are not
// text. Printed back the same way for messages.
std::string printableId(const std::string& id);

} // namespace slatrack::scenario

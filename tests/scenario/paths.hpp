#pragma once

// The three ways a fixture is judged (README.md, "Paths"). Each returns
// what it concluded; none asserts: test_scenarios compares.
// Test-thread only. The audit and live paths start their own embedded
// broker (a librdkafka mock cluster on 127.0.0.1).

#include "fixture.hpp"
#include "verdicts.hpp"

#include "core/config/config_loader.hpp"

#include <string>

namespace slatrack::scenario {

// The fixture's config pointed at `brokers`, through the real config
// loader (so config validation is part of every path).
config::LoadResult loadFixtureConfig(const Fixture& fixture, const std::string& brokers);
// Records the loader's refusal in `observed`; false when the config loaded.
bool noteConfigErrors(const config::LoadResult& loaded, Observed& observed);

// engine::JoinEngine fed directly, messages extracted with the stages'
// RecordExtractors, topics in `order`. Deterministic: one fixed "now".
Observed runEnginePath(const Fixture& fixture, const ReadOrder& order);
// monitor::runAudit over the fixture's range, after every message was produced.
Observed runAuditPath(const Fixture& fixture);
// A monitor::Monitor (what --headless runs), `order`'s steps produced one
// after the other, each read before the next is produced.
Observed runLivePath(const Fixture& fixture, const ReadOrder& order);

} // namespace slatrack::scenario

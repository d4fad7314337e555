#pragma once

#include "fixture.hpp"

#include <string>
#include <vector>

namespace slatrack::scenario {

// Produces `messages` to `brokers` in the given order, each to its own
// partition with its own Kafka timestamp, key (or none) and headers, and
// waits for every delivery report. Returns "" or what went wrong.
// Test-thread only; one producer per call.
std::string produce(const std::string& brokers, const std::vector<const FixtureMessage*>& messages);

} // namespace slatrack::scenario

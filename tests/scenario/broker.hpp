#pragma once

#include "fixture.hpp"

#include "core/demo/mock_broker.hpp"

#include <memory>
#include <string>

namespace slatrack::scenario {

// An embedded broker (librdkafka mock cluster on 127.0.0.1) with the
// fixture's topics. The mock creates any topic a client asks metadata for,
// which a real broker does not do for a consumer (allow.auto.create.topics
// is false by default): the fixture's missing_topics are made to answer
// UNKNOWN_TOPIC_OR_PART, as a real broker would. Test-thread only.
std::unique_ptr<ingest::MockBroker> startBroker(const Fixture& fixture);

} // namespace slatrack::scenario

#pragma once

#include "core/engine/engine_types.hpp"
#include "text_arena.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace slatrack::ingest {

// A partition's state changed in a way the engine's watermarks care about.
struct PartitionFlag {
    uint8_t stage = 0;
    uint16_t partition = 0;  // stage-local source index
    bool caughtUp = false;
    bool forget = false;     // no longer assigned
};

struct Rejection {
    uint8_t stage = 0;
    engine::RejectReason reason = engine::RejectReason::NotJson;
    int64_t timeMs = 0;      // Kafka timestamp, else arrival wall clock
    std::string sample;      // "topic[partition]@offset: detail"; empty when not sampled
};

// What a consumer thread hands to the engine thread in one go. Events'
// opaque ID text points into `arena`, which travels with them.
struct IngestBatch {
    std::vector<engine::Event> events;
    TextArena arena;
    std::vector<PartitionFlag> flags;  // applied before the events
    std::vector<Rejection> rejections;

    bool empty() const { return events.empty() && flags.empty() && rejections.empty(); }
};

} // namespace slatrack::ingest

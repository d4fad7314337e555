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

// Where reading stands in one partition: the next offset to read. A batch
// carries these for every assigned partition as they are after it, so the
// engine state after batch k and the positions of batch k are one
// consistent cut (a snapshot resumes there: nothing read twice or skipped).
struct PartitionPosition {
    std::string topic;
    int32_t partition = 0;
    uint8_t stage = 0;
    uint16_t index = 0;      // stage-local, as the engine knows it
    int64_t nextOffset = 0;  // may be RD_KAFKA_OFFSET_BEGINNING (-2) before anything was read
};

// What a consumer thread hands to the engine thread in one go. Events'
// opaque ID text points into `arena`, which travels with them.
struct IngestBatch {
    std::vector<engine::Event> events;
    TextArena arena;
    std::vector<PartitionFlag> flags;  // applied before the events
    std::vector<Rejection> rejections;
    // After this batch (see PartitionPosition); empty only in batches made
    // outside a KafkaSource (tests).
    std::vector<PartitionPosition> positions;

    bool empty() const { return events.empty() && flags.empty() && rejections.empty(); }
};

} // namespace slatrack::ingest

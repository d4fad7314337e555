#pragma once

#include <cstdint>
#include <string>

namespace slatrack::ingest {

// Per-partition read progress, as the consumer sees it.
struct PartitionLag {
    int stage = 0;
    std::string topic;
    int32_t partition = 0;
    int64_t position = -1;       // next offset to read; -1 unknown
    int64_t highWatermark = -1;  // -1 unknown
    int64_t lag = 0;             // highWatermark - position, 0 when unknown
    // Proven by a recent broker response (see
    // PartitionTracker::Partition::caughtUp), never remembered.
    bool caughtUp = false;
    int64_t lastResponseAgeMs = -1;  // since the last response about it; -1 never
    int32_t leader = -1;             // broker id, -1 unknown
};

// Replay progress of one stage towards the high watermarks seen at start.
struct StageReplay {
    uint64_t consumed = 0;  // records read since start towards the target
    uint64_t target = 0;    // records between start offsets and the high watermarks at start
};

// Whether a stage's data can be judged (DESIGN.md, "Judging only what it
// can see"). Worst first in this order: Blind, CatchingUp, NoData, Ok.
enum class StageHealthState : uint8_t {
    Ok,          // every partition proven caught up recently, records seen
    CatchingUp,  // replaying, or behind by more than behind_threshold
    Blind,       // no response for a partition for blind_after, topic missing, nothing assigned
    NoData,      // readable and caught up, but not one record read on it
};

inline const char* stageHealthName(StageHealthState state)
{
    switch (state) {
    case StageHealthState::Ok: return "ok";
    case StageHealthState::CatchingUp: return "catching_up";
    case StageHealthState::Blind: return "blind";
    case StageHealthState::NoData: return "no_data";
    }
    return "unknown";
}

struct StageHealth {
    StageHealthState state = StageHealthState::Blind;
    std::string why;      // names the topic/partition/broker and the reason; empty when ok
    int64_t sinceMs = 0;  // wall clock (Unix ms) when the stage entered this state
    // Verdicts on records awaiting this stage rest on what was read: Blind
    // and CatchingUp mean its watermark is held where the data proved it.
    bool canJudge() const { return state == StageHealthState::Ok || state == StageHealthState::NoData; }
};

} // namespace slatrack::ingest

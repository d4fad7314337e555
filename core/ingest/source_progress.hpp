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
    bool caughtUp = false;
};

// Replay progress of one stage towards the high watermarks seen at start.
struct StageReplay {
    uint64_t consumed = 0;  // records read since start towards the target
    uint64_t target = 0;    // records between start offsets and the high watermarks at start
};

} // namespace slatrack::ingest

#pragma once

#include "source_progress.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::ingest {

// Bookkeeping for every partition one consumer reads: where reading
// started, the high watermark seen at start (the replay target), the
// current position and high watermark (lag), and whether it is caught up.
// Also hands out the stage-local partition index the engine uses.
//
// Threading: owned by the consumer thread; status() copies are taken under
// the source's mutex.
class PartitionTracker {
public:
    struct Partition {
        int stage = 0;
        std::string topic;
        int32_t partition = 0;
        uint16_t index = 0;            // stage-local, for the engine
        int64_t startOffset = -1;      // first offset we read from
        int64_t startHighWatermark = -1;
        int64_t position = -1;         // next offset to read
        int64_t highWatermark = -1;
        // Caught up, as last sent to the engine: true only while a broker
        // response that has not expired (kProofValidMs) showed the end of
        // the log at or below `position` (a PARTITION_EOF, or a ListOffsets probe
        // whose answer was <= position). Never remembered beyond that.
        bool caughtUp = false;
        // Steady-clock ms (-1: never).
        int64_t assignedAtMs = -1;
        int64_t lastResponseMs = -1;   // message, EOF or probe answer about it
        int64_t lastMessageMs = -1;    // a fetch response that carried a record
        int64_t provenAtMs = -1;       // when the end of its log was last learnt
        int64_t provenEnd = -1;        // ... and where it was
        int64_t proofExpiresMs = -1;   // caught up no longer counts after this
        int64_t lastCaughtUpMs = -1;   // last time it was proven caught up
        uint64_t events = 0;           // records handed to the engine (in range)
        int32_t leader = -1;           // broker id from metadata, -1 unknown
        std::string lastError;         // last error about it, for health's why
        bool discovered = false;       // found after start (not part of the replay)

        // Offset we read next: position once anything was read, else the start.
        int64_t nextOffset() const { return position >= 0 ? position : startOffset; }
    };
    using Key = std::pair<std::string, int32_t>;

    Partition& add(int stage, const std::string& topic, int32_t partition);
    Partition* find(const std::string& topic, int32_t partition);
    std::vector<Partition>& partitions() { return m_partitions; }
    const std::vector<Partition>& partitions() const { return m_partitions; }

    // True when every partition has reached the high watermark it had at
    // start: the replay is over (and an audit may stop).
    bool reachedStartTargets() const;
    std::vector<StageReplay> replayProgress(int stageCount) const;
    std::vector<PartitionLag> lag() const;
    // Events in range handed to the engine, per stage.
    std::vector<uint64_t> eventsPerStage(int stageCount) const;
    // Next offset per partition, to resume after a consumer restart.
    std::map<Key, int64_t> positions() const;

private:
    std::vector<Partition> m_partitions;
    std::map<Key, size_t> m_byKey;
    std::vector<uint16_t> m_nextIndex;  // per stage
};

} // namespace slatrack::ingest

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
        bool caughtUp = false;
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
    // Next offset per partition, to resume after a consumer restart.
    std::map<Key, int64_t> positions() const;

private:
    std::vector<Partition> m_partitions;
    std::map<Key, size_t> m_byKey;
    std::vector<uint16_t> m_nextIndex;  // per stage
};

} // namespace slatrack::ingest

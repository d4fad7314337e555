#pragma once

#include "engine_types.hpp"

#include <cstdint>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// Per-stage event-time watermarks: how far each stage's stream has been
// read. A record is judged (stuck, lost, orphan) only against the watermark
// of the stage it waits for, so catching up after a restart raises no false
// alarm.
//
// watermark(stage) = min over the stage's known partitions of
//   now             if the partition is caught up to its high watermark
//                   (nothing more to read: silence means time passes)
//   newest event time seen on it, otherwise,
// kept monotonic and never past the wall clock (`capMs`, from the engine):
// a stream cannot have been read beyond now, so an event time ahead of the
// clock (accepted within max_clock_skew) does not make every record of a
// single-partition stage look stuck. A stage with no known partition has no
// watermark (kNoTime).
//
// Thread-safety: none; owned by the engine.
class StageClock {
public:
    explicit StageClock(int stageCount) : m_stages(static_cast<size_t>(stageCount)) {}

    void observe(int stage, uint16_t partition, int64_t eventTimeMs)
    {
        Partition& part = partitionOf(stage, partition);
        if (eventTimeMs > part.newestMs)
            part.newestMs = eventTimeMs;
    }
    void setCaughtUp(int stage, uint16_t partition, bool caughtUp) { partitionOf(stage, partition).caughtUp = caughtUp; }
    // The partition is no longer ours (rebalance): stop waiting for it.
    void forget(int stage, uint16_t partition);

    // Recomputes every stage's watermark at wall-clock `nowMs`, none past
    // `capMs`.
    void update(int64_t nowMs, int64_t capMs);
    int64_t watermark(int stage) const { return m_stages[static_cast<size_t>(stage)].watermarkMs; }
    void restoreWatermark(int stage, int64_t watermarkMs) { m_stages[static_cast<size_t>(stage)].watermarkMs = watermarkMs; }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    struct Partition {
        int64_t newestMs = kNoTime;
        bool known = false;
        bool caughtUp = false;
    };
    struct Stage {
        std::vector<Partition> partitions;
        int64_t watermarkMs = kNoTime;
    };
    Partition& partitionOf(int stage, uint16_t partition)
    {
        auto& parts = m_stages[static_cast<size_t>(stage)].partitions;
        if (partition >= parts.size())
            parts.resize(size_t{partition} + 1);
        parts[partition].known = true;
        return parts[partition];
    }

    std::vector<Stage> m_stages;
};

} // namespace slatrack::engine

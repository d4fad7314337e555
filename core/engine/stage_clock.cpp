#include "stage_clock.hpp"

#include <algorithm>

namespace slatrack::engine {

void StageClock::forget(int stage, uint16_t partition)
{
    auto& parts = m_stages[static_cast<size_t>(stage)].partitions;
    if (partition < parts.size())
        parts[partition] = Partition{};
}

void StageClock::update(int64_t nowMs, int64_t capMs)
{
    for (Stage& stage : m_stages) {
        int64_t lowest = INT64_MAX;
        bool anyKnown = false;
        for (const Partition& part : stage.partitions) {
            if (!part.known)
                continue;
            anyKnown = true;
            // A partition that is not caught up and has yielded nothing yet
            // holds the stage back entirely: we do not know where it is.
            lowest = std::min(lowest, part.caughtUp ? std::max(nowMs, part.newestMs) : part.newestMs);
        }
        if (anyKnown && lowest != kNoTime)
            stage.watermarkMs = std::max(stage.watermarkMs, std::min(lowest, capMs));
    }
}

} // namespace slatrack::engine

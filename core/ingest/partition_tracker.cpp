#include "partition_tracker.hpp"

#include <algorithm>

namespace slatrack::ingest {

PartitionTracker::Partition& PartitionTracker::add(int stage, const std::string& topic, int32_t partition)
{
    if (Partition* existing = find(topic, partition))
        return *existing;
    if (m_nextIndex.size() <= static_cast<size_t>(stage))
        m_nextIndex.resize(static_cast<size_t>(stage) + 1, 0);
    Partition entry;
    entry.stage = stage;
    entry.topic = topic;
    entry.partition = partition;
    entry.index = m_nextIndex[static_cast<size_t>(stage)]++;
    m_byKey.emplace(Key{topic, partition}, m_partitions.size());
    m_partitions.push_back(std::move(entry));
    return m_partitions.back();
}

PartitionTracker::Partition* PartitionTracker::find(const std::string& topic, int32_t partition)
{
    const auto found = m_byKey.find(Key{topic, partition});
    return found == m_byKey.end() ? nullptr : &m_partitions[found->second];
}

bool PartitionTracker::reachedStartTargets() const
{
    if (m_partitions.empty())
        return false;
    return std::all_of(m_partitions.begin(), m_partitions.end(), [](const Partition& part) {
        return part.discovered || (part.startHighWatermark >= 0 && (part.position >= part.startHighWatermark || part.startOffset >= part.startHighWatermark));
    });
}

std::vector<StageReplay> PartitionTracker::replayProgress(int stageCount) const
{
    std::vector<StageReplay> out(static_cast<size_t>(stageCount));
    for (const Partition& part : m_partitions) {
        if (part.discovered || part.startHighWatermark < 0 || part.startOffset < 0)
            continue;
        auto& stage = out[static_cast<size_t>(part.stage)];
        const int64_t target = std::max<int64_t>(0, part.startHighWatermark - part.startOffset);
        const int64_t done = std::clamp<int64_t>(part.position < 0 ? 0 : part.position - part.startOffset, 0, target);
        stage.target += static_cast<uint64_t>(target);
        stage.consumed += static_cast<uint64_t>(done);
    }
    return out;
}

std::vector<PartitionLag> PartitionTracker::lag() const
{
    std::vector<PartitionLag> out;
    out.reserve(m_partitions.size());
    for (const Partition& part : m_partitions) {
        PartitionLag entry;
        entry.stage = part.stage;
        entry.topic = part.topic;
        entry.partition = part.partition;
        entry.position = part.nextOffset();
        entry.highWatermark = part.highWatermark;
        entry.lag = (entry.position >= 0 && part.highWatermark >= 0) ? std::max<int64_t>(0, part.highWatermark - entry.position) : 0;
        entry.caughtUp = part.caughtUp;
        entry.leader = part.leader;
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<uint64_t> PartitionTracker::eventsPerStage(int stageCount) const
{
    std::vector<uint64_t> out(static_cast<size_t>(stageCount), 0);
    for (const Partition& part : m_partitions)
        out[static_cast<size_t>(part.stage)] += part.events;
    return out;
}

std::map<PartitionTracker::Key, int64_t> PartitionTracker::positions() const
{
    std::map<Key, int64_t> out;
    for (const Partition& part : m_partitions)
        if (part.position >= 0)
            out[Key{part.topic, part.partition}] = part.position;
    return out;
}

} // namespace slatrack::ingest

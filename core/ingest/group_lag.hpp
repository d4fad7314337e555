#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::ingest {

// The pipeline's consumer lag: how far the pipeline's own consumer groups
// (config: a stage's "consumer_group") are behind the end of that stage's
// topics, from their committed offsets. Not slatrack's own position (that
// is PartitionLag, source_progress.hpp): a slow processor shows here, a
// slow slatrack does not.

// Direction of a lag over the last kTrendSamples reads.
enum class LagTrend : uint8_t {
    Unknown,    // fewer than kMinTrendSamples reads with a known lag
    Steady,
    Growing,
    Shrinking,
};
const char* lagTrendName(LagTrend trend);  // "unknown", "steady", "growing", "shrinking"

// kafka-lag-exporter polls every 30 s; 5 s keeps a stalled processor
// visible within a few seconds while costing the brokers one OffsetFetch
// and one ListOffsets per group every 5 s.
inline constexpr int64_t kDefaultLagPollIntervalMs = 5'000;
// The trend is over the last 6 reads (30 s at 5 s), and needs 3.
inline constexpr size_t kTrendSamples = 6;
inline constexpr size_t kMinTrendSamples = 3;
// A change over the trend's span smaller than this (messages), or than
// kSteadyFraction of the mean lag, is steady: a healthy consumer's lag
// jitters by a batch or so between reads, and that must not read as growing.
inline constexpr double kSteadyMessages = 50;
inline constexpr double kSteadyFraction = 0.10;

// Trend of `samples` (reader time ms, lag in messages), oldest first: the
// least-squares slope over the last kTrendSamples, times their span,
// against the steady band above; a newest read that moved against that
// slope by more than the band turns it (a drained backlog is shrinking at
// once, not "growing" for another 15 s). Pure: any thread.
LagTrend lagTrend(const std::deque<std::pair<int64_t, int64_t>>& samples);

struct GroupPartitionLag {
    std::string topic;
    int32_t partition = 0;
    int64_t committed = -1;      // the group's committed offset; -1: none
    int64_t highWatermark = -1;  // end of the log; -1 unknown
    int64_t messages = -1;       // highWatermark - committed; -1 unknown (never a made-up 0)
    int64_t timeMs = -1;         // now - timestamp of the first uncommitted message; 0 when messages == 0; -1 unknown
    LagTrend trend = LagTrend::Unknown;
    std::string why;             // why messages or timeMs is unknown; empty when both are known
};

enum class GroupLagState : uint8_t {
    Ok,            // committed offsets and log ends read for every partition
    CantJudge,     // not read yet, brokers unreachable, topic missing, a request failed: see why
    UnknownGroup,  // the brokers answered, and the group has no committed offset on any partition
};
const char* groupLagStateName(GroupLagState state);  // "ok", "cant_judge", "unknown_group"

struct GroupLag {
    std::string group;
    int stage = 0;
    std::string stageName;
    std::vector<std::string> topics;
    GroupLagState state = GroupLagState::CantJudge;
    std::string why = "not read yet";  // state != Ok: the reason, naming group, topic, broker
    int64_t readAtMs = 0;              // wall clock of the read this comes from; 0 never read
    // Over the partitions whose lag is known (all of them unless
    // unknownPartitions > 0); -1 when none is known.
    int64_t messages = -1;
    int64_t timeMs = -1;  // the largest time lag of a partition
    size_t unknownPartitions = 0;
    LagTrend trend = LagTrend::Unknown;  // of `messages`
    std::vector<GroupPartitionLag> partitions;
};

} // namespace slatrack::ingest

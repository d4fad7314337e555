#pragma once

#include "partition_tracker.hpp"
#include "source_progress.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace slatrack::ingest {

// What librdkafka's statistics say about one broker (statistics.interval.ms).
struct BrokerView {
    std::string name;        // "127.0.0.1:9092/1"
    std::string state;       // "UP", "DOWN", "CONNECT", ...
    int64_t rxIdleMs = -1;   // since the last byte received from it; -1 unknown
};

struct HealthPolicy {
    int64_t blindAfterMs = 5000;
    int64_t behindThresholdMs = 30'000;
};

// Everything the judgement looks at, at steady-clock instant nowMs.
struct HealthInputs {
    int64_t nowMs = 0;  // steady clock, as the Partition fields
    // When the consumer last came back from waiting on a full BatchQueue:
    // while it waits it reads nothing, which is the engine's slowness, not
    // the broker's.
    int64_t resumedAtMs = -1;
    int stageCount = 0;
    const std::vector<PartitionTracker::Partition>* partitions = nullptr;
    // Per stage: problems with its topics ("topic \"x\" does not exist ...").
    std::vector<std::vector<std::string>> topicProblems;
    std::vector<std::string> stageTopics;  // per stage, "a, b", for no_data's why
    const std::map<int32_t, BrokerView>* brokers = nullptr;
};

struct JudgedHealth {
    StageHealthState state = StageHealthState::Blind;
    std::string why;
};

// Per-stage state from per-partition evidence. Rules, first match wins per
// partition; a stage takes its worst partition (Blind > CatchingUp > Ok),
// then NoData if it is Ok and not one record was read on it:
//  - Blind: a topic problem; no partition assigned; no response about the
//    partition (record, EOF or ListOffsets answer) for blindAfter; records
//    waiting (its log end is past our position) but none delivered for
//    blindAfter while the consumer was reading.
//  - CatchingUp: still below the high watermark seen at start (replay);
//    not proven caught up for behindThreshold.
// Pure function; any thread.
std::vector<JudgedHealth> judgeStageHealth(const HealthInputs& inputs, const HealthPolicy& policy);

// Keeps "since when" across judgements: a stage's sinceMs moves only when its
// state changes. Not thread-safe; the consumer thread owns one.
class StageHealthHistory {
public:
    std::vector<StageHealth> update(const std::vector<JudgedHealth>& judged, int64_t wallNowMs);

private:
    std::vector<StageHealth> m_current;
};

} // namespace slatrack::ingest

#pragma once

#include "record_id.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace slatrack::engine {

inline constexpr int64_t kNoTime = INT64_MIN;

struct EngineConfig {
    int stageCount = 2;               // 2..OpenRecord::kMaxStages; stage 0 incoming, last processed
    int64_t slaMs = 5 * 60 * 1000;    // open longer than this: stuck
    int64_t windowMs = 3600 * 1000;   // open longer than this: lost (evicted); at most 7 days
    int64_t graceMs = 30 * 1000;      // early (processed, not yet incoming) this long: orphan
    size_t maxOpenRecords = 1000000;  // open + early; past it the oldest are evicted
    int64_t dedupHorizonMs = 0;       // 0 = windowMs
    int64_t maxClockSkewMs = 5 * 60 * 1000;  // event time > wall now + this: rejected future_time
    int64_t sweepIntervalMs = 250;    // how often advance() re-judges stuck/lost/orphan
    int64_t bucketRetentionSeconds = 600;  // 1 s metric buckets kept in memory

    // Empty when valid, else what is wrong, naming the field.
    std::string validate() const;
};

// One record seen on one stage, as extracted by ingestion.
struct Event {
    RecordId id;
    int64_t eventTimeMs = 0;
    uint8_t stage = 0;
    uint16_t partition = 0;  // stage-local source index (topic-partition)
    int64_t offset = 0;
};

// Why ingestion refused a message; counted per stage, never fatal.
enum class RejectReason : uint8_t {
    NotJson,
    MissingId,
    MalformedId,
    MissingTime,
    AbsurdTime,
    TooLarge,
    FutureTime,  // event time ahead of the wall clock by more than maxClockSkewMs
    Count
};
const char* rejectReasonName(RejectReason reason);

// Counters of one stage over some span of time. Which bucket a count lands
// in is the *record's* event time (t0 for stuck/lost, first-seen time for
// orphans, completion time for matched), so a replay reproduces history.
struct StageCounters {
    uint64_t seen = 0;           // every event on this stage, duplicates included
    uint64_t duplicates = 0;     // same ID again on this stage, or after completion
    uint64_t outOfOrder = 0;     // seen here after a later stage already had it
    uint64_t early = 0;          // seen here before stage 0 (held for the grace period)
    uint64_t orphans = 0;        // early records whose incoming never came (stage = last seen)
    uint64_t beforeScope = 0;    // early records whose incoming predates what the monitor reads
    uint64_t matched = 0;        // last stage only: completed records
    uint64_t late = 0;           // matched after having been declared stuck
    uint64_t lateAfterLost = 0;  // processed after having been evicted as lost
    uint64_t lateIncoming = 0;   // stage 0 seen after the record was counted orphan
    uint64_t stuck = 0;          // declared stuck while awaiting this stage
    uint64_t lost = 0;           // evicted while awaiting this stage (window or overflow)
    uint64_t lostOverflow = 0;   // of which by the open-record cap
    std::array<uint64_t, static_cast<size_t>(RejectReason::Count)> rejected{};

    uint64_t rejectedTotal() const;
    StageCounters& operator+=(const StageCounters& other);
    bool operator==(const StageCounters&) const = default;
};

enum class LostReason : uint8_t { Window, Overflow };

// A record evicted from memory, with everything an operator may ask about
// it; the store keeps these.
struct LostRecord {
    std::string id;
    int64_t t0Ms = 0;
    int lastStage = 0;      // highest stage that saw it
    int awaitingStage = 0;  // where it is stuck: lastStage + 1
    uint16_t partition = 0;
    int64_t offset = 0;
    int64_t lostAtMs = 0;   // watermark of the awaiting stage when evicted
    LostReason reason = LostReason::Window;
};

struct StuckRecord {
    std::string id;
    uint64_t key = 0;
    int64_t t0Ms = 0;
    int64_t lastSeenMs = 0;
    int lastStage = 0;
    int awaitingStage = 0;
    uint16_t partition = 0;
    int64_t offset = 0;
    int64_t ageMs = 0;  // awaiting stage's watermark - t0
};

enum class RecordState : uint8_t { Unknown, Early, Open, Stuck, Matched, Lost, Orphan };
const char* recordStateName(RecordState state);

struct JourneyStep {
    int stage = 0;
    int64_t timeMs = 0;
};

struct RecordStatus {
    RecordState state = RecordState::Unknown;
    int64_t latencyMs = 0;  // Matched: end to end
    std::vector<JourneyStep> journey;  // known stage times, ascending stage
    int awaitingStage = -1;            // Open/Stuck/Early: the next stage it waits for
    uint16_t partition = 0;
    int64_t offset = 0;
};

struct StageGauges {
    int64_t watermarkMs = kNoTime;  // kNoTime: this stage cannot be judged yet
    uint64_t openAwaiting = 0;      // open records waiting for this stage
    uint64_t stuckAwaiting = 0;     // of which stuck
    uint64_t earlyHere = 0;         // early records last seen on this stage
};

struct Gauges {
    uint64_t open = 0;   // seen on stage 0, not completed, not evicted
    uint64_t stuck = 0;  // of which open longer than the SLA
    uint64_t early = 0;  // seen on a later stage only
    int64_t streamTimeMs = kNoTime;  // newest event time seen on any stage
    std::vector<StageGauges> stages;
};

} // namespace slatrack::engine

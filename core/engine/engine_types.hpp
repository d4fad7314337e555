#pragma once

#include "record_id.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::engine {

inline constexpr int64_t kNoTime = INT64_MIN;

// Limits the engine can hold. EngineConfig::validate() names the field that
// breaks one; the config loader checks the same numbers, so that a config
// the engine would refuse is a config error, never an exception at start.
//  - stages: the seen mask of an open record is one byte.
//  - window: latencies are binned up to 7 days (LatencyHistogram), and a
//    record's last-seen offset from t0 is 32-bit ms (24 days).
//  - dedup horizon: expiry arithmetic on ms stays far from overflow, and
//    the dedup set's memory is rate x horizon.
//  - open records: IdTextSlab indexes are 32-bit; at least 16 because the
//    cap evicts 1/16 at a time.
//  - clock skew: composite IDs are trusted to be at most a day ahead.
//  - event times: [kMinEventTimeMs, kMaxEventTimeMs] (1970 .. 2096); the
//    dedup set keeps Unix seconds in 32 bits. Anything outside is rejected
//    as absurd_time by ingest(), so no arithmetic on times can overflow.
inline constexpr int kMinStages = 2;
inline constexpr int kMaxStages = 8;
inline constexpr int64_t kMaxWindowMs = 7LL * 24 * 3600 * 1000;
inline constexpr int64_t kMaxDedupHorizonMs = 7LL * 24 * 3600 * 1000;
inline constexpr size_t kMinOpenRecords = 16;
inline constexpr size_t kMaxOpenRecords = size_t{1} << 31;
inline constexpr int64_t kMaxClockSkewMs = 24LL * 3600 * 1000;
inline constexpr int64_t kMaxSweepIntervalMs = 3600LL * 1000;
inline constexpr int64_t kMaxBucketRetentionSeconds = 24LL * 3600;
inline constexpr int64_t kMinEventTimeMs = 0;
inline constexpr int64_t kMaxEventTimeMs = 4'000'000'000'000LL;

struct EngineConfig {
    int stageCount = 2;               // kMinStages..kMaxStages; stage 0 incoming, last processed
    int64_t slaMs = 5 * 60 * 1000;    // open longer than this: stuck
    int64_t windowMs = 3600 * 1000;   // open longer than this: lost (evicted); at most kMaxWindowMs
    int64_t graceMs = 30 * 1000;      // early (processed, not yet incoming) this long: orphan
    size_t maxOpenRecords = 1000000;  // open + early (+ completed held for late hops); past it the oldest are evicted
    int64_t dedupHorizonMs = 0;       // 0 = windowMs; at most kMaxDedupHorizonMs
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
    // How long after its event time the message was written to the log
    // (its Kafka timestamp minus eventTimeMs), saturated to [0, INT32_MAX]
    // ms; 0 when unknown. A copy seen again that was written more than the
    // dedup horizon after its event time is `stale`, whichever batch it was
    // read in (see JoinEngine::onUnknownRecord). Sits in what was padding.
    int32_t loggedAfterMs = 0;
    int64_t offset = 0;

    void setLogTime(int64_t logTimeMs)
    {
        if (logTimeMs <= eventTimeMs || logTimeMs < 0)
            loggedAfterMs = 0;
        else
            loggedAfterMs = static_cast<int32_t>(std::min<int64_t>(logTimeMs - eventTimeMs, INT32_MAX));
    }
};
// Batches hold millions of these: the log time must not make them bigger.
static_assert(sizeof(Event) == sizeof(RecordId) + 3 * sizeof(int64_t));

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
    uint64_t lostOverflow = 0;   // of which by the open-record cap (early records: at stage 0)
    uint64_t clockSkew = 0;      // a latency ending here came out negative (recorded as 0)
    int64_t worstClockSkewMs = 0;  // the most negative of those, as a positive number (max, not a sum)
    uint64_t stale = 0;          // a copy older than the dedup horizon (see Event::loggedAfterMs): not opened, not matched
    uint64_t lateHop = 0;        // intermediate stage seen after the record completed (or was lost)
    uint64_t idCollisions = 0;   // opaque ID whose hash hit a different ID's text: not joined
    std::array<uint64_t, static_cast<size_t>(RejectReason::Count)> rejected{};

    uint64_t rejectedTotal() const;
    // Distinct records seen: a redelivery is not one, whether it came
    // within the dedup horizon (duplicate) or after it (stale).
    uint64_t records() const { return seen - duplicates - stale; }
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
    int awaitingStage = 0;  // where it is stuck: lastStage + 1; 0 for an early record lost to the cap
    uint16_t partition = 0;
    int64_t offset = 0;
    int64_t lostAtMs = 0;   // watermark of the awaiting stage when evicted
    LostReason reason = LostReason::Window;
};

// Keyset paging over stuck records in (t0, key) order: the next page
// starts strictly after the last record of the previous one.
struct StuckCursor {
    int64_t t0Ms = 0;
    uint64_t key = 0;
};
struct StuckRecord;

struct StuckQuery {
    size_t limit = 100;
    std::optional<int> awaitingStage;
    std::optional<StuckCursor> after;
    // Records this says true of (operators' silenced poison pills) are left
    // out of the page and only reported to it; empty: none. Each stuck
    // record is then described (its ID text built) before the heap, so it
    // costs a describe per stuck record: set it only when silences exist.
    std::function<bool(const StuckRecord&)> exclude;
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
    int64_t latencyMs = 0;  // Matched: end to end (negative clock skew reads 0)
    std::vector<JourneyStep> journey;  // known stage times, ascending stage
    int awaitingStage = -1;            // Open/Stuck/Early: the next stage it waits for; Lost early: 0
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

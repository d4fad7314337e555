#include "engine_types.hpp"

#include "latency_histogram.hpp"
#include "open_record.hpp"

#include <algorithm>
#include <string>

namespace slatrack::engine {

static_assert(kMaxStages == OpenRecord::kMaxStages, "the seen mask holds the stages");
static_assert(kMaxWindowMs <= LatencyHistogram::kMaxTrackableMs, "latencies up to the window are binned");

std::string EngineConfig::validate() const
{
    using std::to_string;
    if (stageCount < kMinStages || stageCount > kMaxStages)
        return "stageCount: expected " + to_string(kMinStages) + ".." + to_string(kMaxStages) + " stages, got " + to_string(stageCount);
    if (slaMs <= 0)
        return "slaMs: expected > 0, got " + to_string(slaMs);
    if (windowMs > kMaxWindowMs)
        return "windowMs: expected at most 7 days (" + to_string(kMaxWindowMs) + " ms), got " + to_string(windowMs);
    if (windowMs <= slaMs)
        return "windowMs: expected greater than the SLA (" + to_string(slaMs) + " ms), got " + to_string(windowMs);
    if (graceMs <= 0 || graceMs >= windowMs)
        return "graceMs: expected > 0 and less than the window, got " + to_string(graceMs);
    if (maxOpenRecords < kMinOpenRecords || maxOpenRecords > kMaxOpenRecords)
        return "maxOpenRecords: expected " + to_string(kMinOpenRecords) + ".." + to_string(kMaxOpenRecords) + ", got " + to_string(maxOpenRecords);
    if (dedupHorizonMs < 0 || dedupHorizonMs > kMaxDedupHorizonMs)
        return "dedupHorizonMs: expected 0 (= the window) .. 7 days (" + to_string(kMaxDedupHorizonMs) + " ms), got " + to_string(dedupHorizonMs);
    if (maxClockSkewMs <= 0 || maxClockSkewMs > kMaxClockSkewMs)
        return "maxClockSkewMs: expected > 0 and at most a day (" + to_string(kMaxClockSkewMs) + " ms), got " + to_string(maxClockSkewMs);
    if (sweepIntervalMs < 0 || sweepIntervalMs > kMaxSweepIntervalMs)
        return "sweepIntervalMs: expected 0.." + to_string(kMaxSweepIntervalMs) + ", got " + to_string(sweepIntervalMs);
    if (bucketRetentionSeconds < 1 || bucketRetentionSeconds > kMaxBucketRetentionSeconds)
        return "bucketRetentionSeconds: expected 1.." + to_string(kMaxBucketRetentionSeconds) + ", got " + to_string(bucketRetentionSeconds);
    return {};
}

const char* rejectReasonName(RejectReason reason)
{
    switch (reason) {
    case RejectReason::NotJson: return "not_json";
    case RejectReason::MissingId: return "missing_id";
    case RejectReason::MalformedId: return "malformed_id";
    case RejectReason::MissingTime: return "missing_time";
    case RejectReason::AbsurdTime: return "absurd_time";
    case RejectReason::TooLarge: return "too_large";
    case RejectReason::FutureTime: return "future_time";
    case RejectReason::Count: break;
    }
    return "unknown";
}

const char* recordStateName(RecordState state)
{
    switch (state) {
    case RecordState::Unknown: return "unknown";
    case RecordState::Early: return "early";
    case RecordState::Open: return "open";
    case RecordState::Stuck: return "stuck";
    case RecordState::Matched: return "matched";
    case RecordState::Lost: return "lost";
    case RecordState::Orphan: return "orphan";
    }
    return "unknown";
}

uint64_t StageCounters::rejectedTotal() const
{
    uint64_t sum = 0;
    for (uint64_t count : rejected)
        sum += count;
    return sum;
}

StageCounters& StageCounters::operator+=(const StageCounters& other)
{
    seen += other.seen;
    duplicates += other.duplicates;
    outOfOrder += other.outOfOrder;
    early += other.early;
    orphans += other.orphans;
    beforeScope += other.beforeScope;
    matched += other.matched;
    late += other.late;
    lateAfterLost += other.lateAfterLost;
    lateIncoming += other.lateIncoming;
    stuck += other.stuck;
    lost += other.lost;
    lostOverflow += other.lostOverflow;
    clockSkew += other.clockSkew;
    worstClockSkewMs = std::max(worstClockSkewMs, other.worstClockSkewMs);
    stale += other.stale;
    lateHop += other.lateHop;
    idCollisions += other.idCollisions;
    for (size_t reason_idx = 0; reason_idx < rejected.size(); ++reason_idx)
        rejected[reason_idx] += other.rejected[reason_idx];
    return *this;
}

} // namespace slatrack::engine

#include "engine_types.hpp"

#include "latency_histogram.hpp"
#include "open_record.hpp"

#include <string>

namespace slatrack::engine {

std::string EngineConfig::validate() const
{
    if (stageCount < 2 || stageCount > OpenRecord::kMaxStages)
        return "stageCount: expected 2.." + std::to_string(OpenRecord::kMaxStages) + " stages, got " + std::to_string(stageCount);
    if (slaMs <= 0)
        return "slaMs: expected > 0, got " + std::to_string(slaMs);
    if (windowMs <= slaMs)
        return "windowMs: expected greater than the SLA (" + std::to_string(slaMs) + " ms), got " + std::to_string(windowMs);
    if (windowMs > LatencyHistogram::kMaxTrackableMs)
        return "windowMs: expected at most 7 days, got " + std::to_string(windowMs);
    if (graceMs <= 0 || graceMs >= windowMs)
        return "graceMs: expected > 0 and less than the window, got " + std::to_string(graceMs);
    if (maxOpenRecords < 16)
        return "maxOpenRecords: expected at least 16, got " + std::to_string(maxOpenRecords);
    if (dedupHorizonMs < 0)
        return "dedupHorizonMs: expected >= 0 (0 = the window), got " + std::to_string(dedupHorizonMs);
    if (maxClockSkewMs <= 0)
        return "maxClockSkewMs: expected > 0, got " + std::to_string(maxClockSkewMs);
    if (sweepIntervalMs < 0)
        return "sweepIntervalMs: expected >= 0, got " + std::to_string(sweepIntervalMs);
    if (bucketRetentionSeconds < 1)
        return "bucketRetentionSeconds: expected >= 1, got " + std::to_string(bucketRetentionSeconds);
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
    for (size_t reason_idx = 0; reason_idx < rejected.size(); ++reason_idx)
        rejected[reason_idx] += other.rejected[reason_idx];
    return *this;
}

} // namespace slatrack::engine

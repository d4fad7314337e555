#include "history_points.hpp"

namespace slatrack::monitor {

SecondPoint secondPoint(const engine::MetricBucket& bucket, size_t stageCount, int64_t spanSeconds)
{
    SecondPoint point;
    point.second = bucket.second;
    point.spanSeconds = spanSeconds;
    point.seen.resize(stageCount);
    for (size_t stage_idx = 0; stage_idx < stageCount && stage_idx < bucket.stages.size(); ++stage_idx)
        point.seen[stage_idx] = bucket.stages[stage_idx].records();
    if (stageCount > 0 && stageCount <= bucket.stages.size())
        point.matched = bucket.stages[stageCount - 1].matched;
    if (!bucket.endToEnd.empty()) {
        point.p50 = bucket.endToEnd.percentile(50);
        point.p95 = bucket.endToEnd.percentile(95);
        point.p99 = bucket.endToEnd.percentile(99);
    }
    return point;
}

} // namespace slatrack::monitor

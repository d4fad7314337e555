#pragma once

// Snapshots and configs for the alerting tests: a two-stage pipeline
// "orders" (incoming -> processed), live, every stage seen, SLA 30 s.

#include "core/config/alerts_config.hpp"
#include "core/config/pipeline_config.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <string>

namespace alerting_test {

inline constexpr int64_t kStartMs = 1'764'574'500'000;  // 2025-12-01T07:35:00Z
inline constexpr int64_t kSlaMs = 30'000;

inline slatrack::monitor::MonitorSnapshot healthySnapshot(int64_t nowMs)
{
    using namespace slatrack;
    monitor::MonitorSnapshot snapshot;
    snapshot.takenAtMs = nowMs;
    snapshot.pipeline = "orders";
    snapshot.stageNames = {"incoming", "processed"};
    snapshot.slaMs = kSlaMs;
    snapshot.windowMs = 3'600'000;
    snapshot.phase = monitor::Phase::Live;
    snapshot.connected = true;
    snapshot.health = {monitor::StageHealth{monitor::StageHealthState::Ok, {}, kStartMs},
                       monitor::StageHealth{monitor::StageHealthState::Ok, {}, kStartMs}};
    snapshot.gauges.open = 100;
    snapshot.gauges.stages.resize(2);
    snapshot.gauges.stages[0].watermarkMs = nowMs - 1000;
    snapshot.gauges.stages[1].watermarkMs = nowMs - 1000;
    snapshot.totals.resize(2);
    snapshot.ratePerSec = {50.0, 50.0};
    snapshot.latencyLastMinute = {3000, 1000, 2000, 2500, 4000, 5000};
    snapshot.hopLatencyLastMinute = {{}, snapshot.latencyLastMinute};
    snapshot.freshnessMs = {1000, 1000};
    return snapshot;
}

inline void setP99(slatrack::monitor::MonitorSnapshot& snapshot, int64_t p99Ms)
{
    snapshot.latencyLastMinute.p99 = p99Ms;
    snapshot.latencyLastMinute.max = std::max(snapshot.latencyLastMinute.max, p99Ms);
    snapshot.hopLatencyLastMinute[1] = snapshot.latencyLastMinute;
}

inline void setStuck(slatrack::monitor::MonitorSnapshot& snapshot, const std::vector<std::string>& ids)
{
    snapshot.gauges.stuck = ids.size();
    snapshot.gauges.stages[1].stuckAwaiting = ids.size();
    snapshot.oldestStuck.clear();
    int64_t age = 600'000;
    for (const std::string& id : ids) {
        slatrack::engine::StuckRecord record;
        record.id = id;
        record.awaitingStage = 1;
        record.ageMs = age;
        age -= 1000;
        snapshot.oldestStuck.push_back(record);
    }
}

inline void setBlind(slatrack::monitor::MonitorSnapshot& snapshot, size_t stage, int64_t sinceMs)
{
    snapshot.health[stage] = {slatrack::monitor::StageHealthState::Blind, "no answer from broker 1 for 6 s", sinceMs};
}

inline slatrack::config::AlertRuleConfig rule(std::string name, slatrack::config::RuleKind kind, int64_t forMs, int64_t keepMs,
                                              slatrack::config::Severity severity = slatrack::config::Severity::Critical)
{
    slatrack::config::AlertRuleConfig out;
    out.name = std::move(name);
    out.kind = kind;
    out.forDuration = std::chrono::milliseconds(forMs);
    out.keepFiringFor = std::chrono::milliseconds(keepMs);
    out.severity = severity;
    out.thresholdMs = std::chrono::milliseconds(kSlaMs);
    return out;
}

inline slatrack::config::PipelineConfig pipelineWith(std::vector<slatrack::config::AlertRuleConfig> rules)
{
    slatrack::config::PipelineConfig config;
    config.pipeline = "orders";
    config.sla = std::chrono::milliseconds(kSlaMs);
    config.stages.resize(2);
    config.stages[0].name = "incoming";
    config.stages[1].name = "processed";
    config.alerts.rules = std::move(rules);
    config.alerts.rulesAreDefaults = false;
    return config;
}

} // namespace alerting_test

#include "rule_measure.hpp"

#include "core/config/duration_parse.hpp"
#include "core/engine/engine_types.hpp"
#include "core/monitor/stage_trust.hpp"

#include <algorithm>
#include <cstdio>

namespace slatrack::alerting {

namespace {

using config::RuleKind;
using monitor::MonitorSnapshot;

std::string stageName(const MonitorSnapshot& snapshot, size_t stage)
{
    if (stage < snapshot.stageNames.size())
        return snapshot.stageNames[stage];
    return "stage " + std::to_string(stage);
}

std::optional<size_t> stageIndex(const MonitorSnapshot& snapshot, const std::string& name)
{
    for (size_t stage_idx = 0; stage_idx < snapshot.stageNames.size(); ++stage_idx) {
        if (snapshot.stageNames[stage_idx] == name)
            return stage_idx;
    }
    return std::nullopt;
}

size_t stageCount(const MonitorSnapshot& snapshot)
{
    return std::max({snapshot.stageNames.size(), snapshot.health.size(), snapshot.gauges.stages.size()});
}

std::string durationWords(int64_t ms)
{
    return config::formatDuration(std::chrono::milliseconds(std::max<int64_t>(ms, 0)));
}

std::string countWords(uint64_t count, const char* one, const char* many)
{
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

// Why the data a rule rests on (stages first..last) cannot be judged now,
// or nullopt when it can (DESIGN.md "Judging only what it can see").
std::optional<std::string> cantJudgeStages(const MonitorSnapshot& snapshot, size_t first, size_t last)
{
    if (!snapshot.fatalError.empty())
        return "the monitor stopped: " + snapshot.fatalError;
    // A rule judges live data only: the tiles show a replay's numbers as
    // "behind", but a page about the past would be a false alarm.
    if (snapshot.phase == monitor::Phase::Starting)
        return std::string("starting: nothing read yet");
    if (snapshot.phase == monitor::Phase::Replaying)
        return std::string("replaying the backlog");
    // The dashboard's definition (core/monitor/stage_trust): blind and
    // catching up both mean no verdict from a rule.
    const monitor::StageTrustJudgement judged = monitor::judgeStagesTrust(snapshot, first, last);
    if (judged.trust != monitor::StageTrust::Trusted)
        return judged.reason;
    return std::nullopt;
}

int64_t pick(const monitor::LatencySummary& summary, config::Percentile percentile)
{
    switch (percentile) {
    case config::Percentile::P50: return summary.p50;
    case config::Percentile::P90: return summary.p90;
    case config::Percentile::P95: return summary.p95;
    case config::Percentile::P99: return summary.p99;
    case config::Percentile::Max: return summary.max;
    }
    return summary.p99;
}

Measurement cantJudge(std::string why, std::string component)
{
    Measurement out;
    out.verdict = Verdict::CantJudge;
    out.why = std::move(why);
    out.component = std::move(component);
    return out;
}

Measurement judged(bool breached, double value, std::string text, std::string component)
{
    Measurement out;
    out.verdict = breached ? Verdict::Breached : Verdict::Fine;
    out.value = value;
    out.text = std::move(text);
    out.component = std::move(component);
    return out;
}

Measurement measureLatency(const config::AlertRuleConfig& rule, const MonitorSnapshot& snapshot)
{
    const size_t stages = stageCount(snapshot);
    const size_t last = stages > 0 ? stages - 1 : 0;
    size_t first = 0;
    const monitor::LatencySummary* summary = &snapshot.latencyLastMinute;
    std::string where = "end to end";
    std::string component = "pipeline";
    if (rule.stage) {
        const std::optional<size_t> stage = stageIndex(snapshot, *rule.stage);
        if (!stage || *stage == 0 || *stage >= snapshot.hopLatencyLastMinute.size())
            return cantJudge("no hop latency into stage \"" + *rule.stage + "\" in the snapshot", *rule.stage);
        first = *stage - 1;
        summary = &snapshot.hopLatencyLastMinute[*stage];
        where = "hop " + stageName(snapshot, first) + " -> " + *rule.stage;
        component = *rule.stage;
        if (std::optional<std::string> why = cantJudgeStages(snapshot, first, *stage))
            return cantJudge(*why, component);
    } else if (std::optional<std::string> why = cantJudgeStages(snapshot, 0, last)) {
        return cantJudge(*why, component);
    }
    if (summary->count == 0) {
        // No completion is not "fast": the stuck rule speaks for records
        // that do not complete; this one has nothing to measure.
        return cantJudge("no record completed in the last 60 s (" + where + ")", component);
    }
    const int64_t value = pick(*summary, rule.percentile);
    const bool breached = value > rule.thresholdMs.count();
    const char* limit = rule.thresholdMs.count() == snapshot.slaMs ? "SLA" : "threshold";
    std::string text = std::string(config::configName(rule.percentile)) + " " + latencyWords(value) + (breached ? " > " : " <= ") +
                       limit + " " + latencyWords(rule.thresholdMs.count()) + " on " + snapshot.pipeline +
                       (rule.stage ? " (" + where + ")" : "") + ", last 60 s, " + std::to_string(summary->count) + " completed";
    return judged(breached, static_cast<double>(value), std::move(text), component);
}

Measurement measureStuck(const config::AlertRuleConfig& rule, const MeasureInputs& in)
{
    const MonitorSnapshot& snapshot = *in.snapshot;
    const size_t stages = stageCount(snapshot);
    const size_t last = stages > 0 ? stages - 1 : 0;
    if (std::optional<std::string> why = cantJudgeStages(snapshot, 1, last))
        return cantJudge(*why, "pipeline");
    for (size_t stage = 1; stage < snapshot.gauges.stages.size(); ++stage) {
        if (snapshot.gauges.stages[stage].watermarkMs == engine::kNoTime)
            return cantJudge("no record read on " + stageName(snapshot, stage) + " yet", stageName(snapshot, stage));
    }
    const StuckView view = unsilencedStuck(snapshot, *in.silences, in.nowMs);
    // With the silences applied by the monitor, gauges.stuck is already net
    // of every silenced record; otherwise only the sample can be checked.
    const uint64_t silenced = snapshot.stuckSilencesApplied ? snapshot.silencedStuck : view.silencedInSample;
    const uint64_t stuck = snapshot.stuckSilencesApplied ? snapshot.gauges.stuck : snapshot.gauges.stuck - std::min(snapshot.gauges.stuck, view.silencedInSample);
    // The stage most stuck records wait for is where to look first.
    std::string component = "pipeline";
    uint64_t most = 0;
    for (size_t stage = 1; stage < snapshot.gauges.stages.size(); ++stage) {
        if (snapshot.gauges.stages[stage].stuckAwaiting > most) {
            most = snapshot.gauges.stages[stage].stuckAwaiting;
            component = stageName(snapshot, stage);
        }
    }
    const bool breached = stuck > rule.thresholdCount;
    std::string text = countWords(stuck, "record", "records") + " stuck (open > SLA " + durationWords(snapshot.slaMs) + ") on " +
                       snapshot.pipeline + (rule.thresholdCount > 0 ? ", threshold " + std::to_string(rule.thresholdCount) : "");
    if (silenced > 0)
        text += ", " + std::to_string(silenced) + " more silenced";
    if (!view.records.empty())
        text += ", oldest " + latencyWords(view.records.front()->ageMs);
    return judged(breached, static_cast<double>(stuck), std::move(text), component);
}

Measurement measureGrowing(const config::AlertRuleConfig& rule, const MeasureInputs& in, bool lost)
{
    const MonitorSnapshot& snapshot = *in.snapshot;
    const size_t stages = stageCount(snapshot);
    const size_t last = stages > 0 ? stages - 1 : 0;
    if (std::optional<std::string> why = cantJudgeStages(snapshot, lost ? 1 : 0, last))
        return cantJudge(*why, "pipeline");
    const bool breached = in.increase > rule.thresholdCount;
    std::string text = lost ? countWords(in.increase, "record", "records") + " lost in the last " + durationWords(rule.over.count()) +
                                  " on " + snapshot.pipeline + " (open > window " + durationWords(snapshot.windowMs) + " or evicted by the cap)"
                            : countWords(in.increase, "orphan", "orphans") + " in the last " + durationWords(rule.over.count()) + " on " +
                                  snapshot.pipeline + " (seen on a later stage, never incoming)";
    if (rule.thresholdCount > 0)
        text += ", threshold " + std::to_string(rule.thresholdCount);
    return judged(breached, static_cast<double>(in.increase), std::move(text), "pipeline");
}

std::string rateWords(double rate)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, rate >= 10 ? "%.0f" : "%.1f", rate);
    return std::string(buffer) + " rec/s";
}

Measurement measureStall(const config::AlertRuleConfig& rule, const MonitorSnapshot& snapshot)
{
    const size_t stages = stageCount(snapshot);
    const size_t last = stages > 0 ? stages - 1 : 0;
    if (std::optional<std::string> why = cantJudgeStages(snapshot, 0, last))
        return cantJudge(*why, "pipeline");
    if (snapshot.ratePerSec.size() < 2)
        return cantJudge("no rates in the snapshot", "pipeline");
    const double in = snapshot.ratePerSec.front();
    const double out = snapshot.ratePerSec.back();
    const bool breached = in >= rule.minRate && out <= 0.0;
    const std::string lastName = stageName(snapshot, snapshot.ratePerSec.size() - 1);
    std::string text = stageName(snapshot, 0) + " " + rateWords(in) + ", " + lastName + " " + rateWords(out) + " over the last " +
                       std::to_string(MonitorSnapshot::kRateSeconds) + " s on " + snapshot.pipeline;
    return judged(breached, out, std::move(text), lastName);
}

Measurement measureFreshness(const config::AlertRuleConfig& rule, const MonitorSnapshot& snapshot)
{
    const size_t stages = stageCount(snapshot);
    size_t stage = stages > 0 ? stages - 1 : 0;
    if (rule.stage) {
        const std::optional<size_t> found = stageIndex(snapshot, *rule.stage);
        if (!found)
            return cantJudge("no stage \"" + *rule.stage + "\" in the snapshot", *rule.stage);
        stage = *found;
    }
    const std::string name = stageName(snapshot, stage);
    if (std::optional<std::string> why = cantJudgeStages(snapshot, stage, stage))
        return cantJudge(*why, name);
    if (stage >= snapshot.freshnessMs.size() || snapshot.freshnessMs[stage] < 0)
        return cantJudge("no record read on " + name + " yet", name);
    const int64_t age = snapshot.freshnessMs[stage];
    const bool breached = age > rule.thresholdMs.count();
    std::string text = "newest data on " + name + " is " + latencyWords(age) + " old (" + (breached ? "> " : "<= ") +
                       durationWords(rule.thresholdMs.count()) + ") on " + snapshot.pipeline;
    return judged(breached, static_cast<double>(age), std::move(text), name);
}

// From the snapshot's pipeline lag (ingest/consumer_group_lag): the worst
// group on the rule's stage (or any stage). A group whose lag is not known
// makes the rule unable to judge: unknown is never a 0.
Measurement measureGroupLag(const config::AlertRuleConfig& rule, const MonitorSnapshot& snapshot)
{
    const std::string component = rule.stage.value_or("pipeline");
    const ingest::GroupLag* worst = nullptr;
    bool any = false;
    for (const ingest::GroupLag& group : snapshot.pipelineLag) {
        if (rule.stage && group.stageName != *rule.stage)
            continue;
        any = true;
        if (group.state != ingest::GroupLagState::Ok || group.messages < 0)
            return cantJudge("consumer group " + group.group + " on " + group.stageName + ": " + ingest::groupLagStateName(group.state) +
                                 (group.why.empty() ? "" : ": " + group.why),
                             group.stageName);
        if (worst == nullptr || group.messages > worst->messages)
            worst = &group;
    }
    if (!any || worst == nullptr)
        return cantJudge(rule.stage ? "no consumer_group configured on " + *rule.stage : std::string("no consumer_group configured on any stage"),
                         component);
    const bool breached = static_cast<uint64_t>(worst->messages) > rule.thresholdCount;
    std::string text = "consumer group " + worst->group + " on " + worst->stageName + " " + std::to_string(worst->messages) +
                       " messages behind (" + (breached ? "> " : "<= ") + std::to_string(rule.thresholdCount) + ")";
    if (worst->timeMs >= 0)
        text += ", oldest unread " + latencyWords(worst->timeMs);
    text += std::string(", ") + ingest::lagTrendName(worst->trend) + ", on " + snapshot.pipeline;
    return judged(breached, static_cast<double>(worst->messages), std::move(text), worst->stageName);
}

Measurement measureLag(const config::AlertRuleConfig& rule, const MeasureInputs& in)
{
    const MonitorSnapshot& snapshot = *in.snapshot;
    const std::string component = rule.stage.value_or("pipeline");
    if (!in.context->consumerLag)
        return measureGroupLag(rule, snapshot);
    const std::vector<int64_t>& lag = *in.context->consumerLag;
    int64_t worst = -1;
    size_t worstStage = 0;
    for (size_t stage = 0; stage < lag.size(); ++stage) {
        if (rule.stage && stageName(snapshot, stage) != *rule.stage)
            continue;
        if (lag[stage] > worst) {
            worst = lag[stage];
            worstStage = stage;
        }
    }
    if (worst < 0)
        return cantJudge(rule.stage ? "no consumer-group lag measured on " + *rule.stage : std::string("no consumer-group lag measured on any stage"),
                         component);
    if (std::optional<std::string> why = cantJudgeStages(snapshot, worstStage, worstStage))
        return cantJudge(*why, stageName(snapshot, worstStage));
    const bool breached = static_cast<uint64_t>(worst) > rule.thresholdCount;
    std::string text = "consumer group on " + stageName(snapshot, worstStage) + " " + std::to_string(worst) + " messages behind (" +
                       (breached ? "> " : "<= ") + std::to_string(rule.thresholdCount) + ") on " + snapshot.pipeline;
    return judged(breached, static_cast<double>(worst), std::move(text), stageName(snapshot, worstStage));
}

// Never cant_judge: this is the rule that pages when slatrack cannot see.
Measurement measureBlind(const config::AlertRuleConfig& rule, const MeasureInputs& in)
{
    const MonitorSnapshot& snapshot = *in.snapshot;
    if (!snapshot.fatalError.empty())
        return judged(true, 1, "slatrack stopped monitoring " + snapshot.pipeline + ": " + snapshot.fatalError, "slatrack");
    if (snapshot.health.empty()) {
        const bool breached = !snapshot.connected;
        return judged(breached, breached ? 1 : 0,
                      breached ? "slatrack is disconnected from the brokers of " + snapshot.pipeline
                               : "slatrack connected to the brokers of " + snapshot.pipeline,
                      "slatrack");
    }
    uint64_t blind = 0;
    std::string first;
    std::string component = rule.stage.value_or("pipeline");
    for (size_t stage = 0; stage < snapshot.health.size(); ++stage) {
        const std::string name = stageName(snapshot, stage);
        if (rule.stage && name != *rule.stage)
            continue;
        const monitor::StageHealth& health = snapshot.health[stage];
        if (health.state != monitor::StageHealthState::Blind)
            continue;
        if (blind++ == 0) {
            component = name;
            first = name + " blind for " + latencyWords(in.nowMs - health.sinceMs) + (health.why.empty() ? "" : ": " + health.why);
        }
    }
    if (blind == 0)
        return judged(false, 0, "every stage of " + snapshot.pipeline + " seen", component);
    std::string text = "slatrack cannot see " + snapshot.pipeline + ": " + first;
    if (blind > 1)
        text += " (+" + std::to_string(blind - 1) + " more stages blind)";
    return judged(true, static_cast<double>(blind), std::move(text), component);
}

Measurement measureStore(const MeasureInputs& in)
{
    const MonitorSnapshot& snapshot = *in.snapshot;
    AlertContext::Store fromSnapshot;
    if (!in.context->store) {
        // --store none is the operator's choice, not a failure.
        if (!snapshot.store.enabled)
            return judged(false, 0, "no store configured for " + snapshot.pipeline, "store");
        const std::string& state = snapshot.store.state;
        fromSnapshot.failing = state == "unavailable" || state == "in_use" || state == "refused";
        fromSnapshot.error = snapshot.store.error;
        fromSnapshot.failingSinceMs = snapshot.store.failingSinceMs;
    }
    const AlertContext::Store& store = in.context->store ? *in.context->store : fromSnapshot;
    if (!store.failing)
        return judged(false, 0, "store ok for " + snapshot.pipeline, "store");
    return judged(true, 1,
                  "store of " + snapshot.pipeline + " failing for " + latencyWords(in.nowMs - store.failingSinceMs) + ": " + store.error +
                      " (the engine runs in memory)",
                  "store");
}

} // namespace

uint64_t IncreaseWindow::add(int64_t atMs, uint64_t total, int64_t overMs)
{
    m_samples.emplace_back(atMs, total);
    // Keep one sample at or before the window's start as the baseline.
    while (m_samples.size() > 2 && m_samples[1].first <= atMs - overMs)
        m_samples.pop_front();
    const uint64_t base = m_samples.front().second;
    return total >= base ? total - base : 0;
}

StuckView unsilencedStuck(const MonitorSnapshot& snapshot, const std::vector<Silence>& silences, int64_t nowMs)
{
    StuckView view;
    view.records.reserve(snapshot.oldestStuck.size());
    for (const engine::StuckRecord& record : snapshot.oldestStuck) {
        if (recordSilenced(silences, record.id, nowMs))
            ++view.silencedInSample;
        else
            view.records.push_back(&record);
    }
    return view;
}

std::string latencyWords(int64_t ms)
{
    if (ms < 1000)
        return std::to_string(ms) + " ms";
    double value = static_cast<double>(ms) / 1000.0;
    const char* unit = "s";
    if (value >= 3600) {
        value /= 3600;
        unit = "h";
    } else if (value >= 60) {
        value /= 60;
        unit = "min";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value, unit);
    return buffer;
}

Measurement measureRule(const config::AlertRuleConfig& rule, const MeasureInputs& inputs)
{
    switch (rule.kind) {
    case RuleKind::Latency: return measureLatency(rule, *inputs.snapshot);
    case RuleKind::Stuck: return measureStuck(rule, inputs);
    case RuleKind::Lost: return measureGrowing(rule, inputs, true);
    case RuleKind::Orphans: return measureGrowing(rule, inputs, false);
    case RuleKind::ThroughputStall: return measureStall(rule, *inputs.snapshot);
    case RuleKind::Freshness: return measureFreshness(rule, *inputs.snapshot);
    case RuleKind::ConsumerLag: return measureLag(rule, inputs);
    case RuleKind::StageBlind: return measureBlind(rule, inputs);
    case RuleKind::StoreFailing: return measureStore(inputs);
    }
    return cantJudge("unknown rule kind", "pipeline");
}

} // namespace slatrack::alerting

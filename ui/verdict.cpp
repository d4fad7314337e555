#include "verdict.hpp"

#include "format.hpp"
#include "kpi_values.hpp"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Latency as the tiles write it: three digits ("1.25 s", "850 ms").
QString latencyWords(int64_t ms)
{
    const ValueText text = latencyText(ms);
    return text.value + u' ' + text.unit;
}

bool anyCatchingUp(const monitor::MonitorSnapshot& snapshot)
{
    if (snapshot.phase == monitor::Phase::Replaying)
        return true;
    return std::any_of(snapshot.health.begin(), snapshot.health.end(),
                       [](const monitor::StageHealth& health) { return health.state == monitor::StageHealthState::CatchingUp; });
}

} // namespace

StageJudgement judgeStage(const monitor::MonitorSnapshot& snapshot, size_t stage)
{
    monitor::StageTrustJudgement judged = monitor::judgeStageTrust(snapshot, stage);
    return {judged.trust, QString::fromStdString(judged.reason)};
}

StageJudgement judgeStages(const monitor::MonitorSnapshot& snapshot, size_t first, size_t last)
{
    monitor::StageTrustJudgement judged = monitor::judgeStagesTrust(snapshot, first, last);
    return {judged.trust, QString::fromStdString(judged.reason)};
}

QString monitorBehindText(const monitor::MonitorSnapshot& snapshot)
{
    int64_t behindMs = -1;
    for (size_t stage = 0; stage < snapshot.freshnessMs.size(); ++stage) {
        const bool catchingUp = snapshot.phase == monitor::Phase::Replaying
                                || (stage < snapshot.health.size() && snapshot.health[stage].state == monitor::StageHealthState::CatchingUp);
        if (catchingUp)
            behindMs = std::max(behindMs, snapshot.freshnessMs[stage]);
    }
    const QString messages = compactCount(static_cast<uint64_t>(std::max<int64_t>(snapshot.totalLag, 0))) + u" msgs"_s;
    if (behindMs < 0)
        return u"slatrack is "_s + messages + u" behind the brokers"_s;
    return u"slatrack is "_s + durationText(behindMs) + u" / "_s + messages + u" behind the brokers"_s;
}

Verdict judgeVerdict(const monitor::MonitorSnapshot* snapshot, bool paused)
{
    if (paused) {
        return {VerdictKind::Paused, u"PAUSED"_s,
                snapshot ? QString(u"showing "_s + clockText(snapshot->takenAtMs) + u" \u00b7 Resume for live data"_s) : u"Resume for live data"_s,
                Tone::Neutral};
    }
    if (!snapshot)
        return {VerdictKind::Waiting, u"CAN'T JUDGE"_s, u"waiting for the monitor"_s, Tone::Neutral};
    const monitor::MonitorSnapshot& data = *snapshot;
    if (!data.fatalError.empty())
        return {VerdictKind::Stopped, u"MONITOR STOPPED"_s, QString::fromStdString(data.fatalError), Tone::Bad};
    const size_t stages = std::max<size_t>(data.stageNames.size(), std::max(data.health.size(), data.freshnessMs.size()));
    const StageJudgement all = stages > 0 ? judgeStages(data, 0, stages - 1) : judgeStage(data, 0);
    if (all.trust == StageTrust::Blind)
        return {VerdictKind::CantJudge, u"CAN'T JUDGE"_s, all.reason, Tone::Neutral};
    if (!data.connected)
        return {VerdictKind::CantJudge, u"CAN'T JUDGE"_s, u"disconnected from the brokers"_s, Tone::Neutral};
    if (anyCatchingUp(data))
        return {VerdictKind::MonitorBehind, u"MONITOR BEHIND"_s, monitorBehindText(data), Tone::Warn};
    if (data.phase == monitor::Phase::Starting)
        return {VerdictKind::CantJudge, u"CAN'T JUDGE"_s, u"starting: nothing read yet"_s, Tone::Neutral};
    if (!canJudgeStuck(data)) {
        const QString stage = stageName(data, stages > 0 ? stages - 1 : 1);
        return {VerdictKind::CantJudge, u"CAN'T JUDGE"_s, u"no record read on "_s + stage + u" yet"_s, Tone::Neutral};
    }
    const QString sla = durationText(data.slaMs);
    const uint64_t stuck = data.gauges.stuck;
    const QString stuckText = stuck == 0 ? u"none stuck"_s : groupedCount(stuck) + (stuck == 1 ? u" record stuck"_s : u" records stuck"_s);
    if (data.slaBreached() || stuck > 0) {
        const QString reason = data.slaBreached() ? QString(u"p99 "_s + latencyWords(data.latencyLastMinute.p99) + u" > SLA "_s + sla + u" (last 60 s)"_s)
                                                  : QString(u"open > SLA "_s + sla);
        return {VerdictKind::SlaBreached, u"SLA BREACHED"_s, reason + u" \u00b7 "_s + stuckText, Tone::Bad};
    }
    const QString p99 = data.latencyLastMinute.count > 0
                            ? QString(u"p99 "_s + latencyWords(data.latencyLastMinute.p99) + u" \u2264 SLA "_s + sla + u" (last 60 s)"_s)
                            : QString(u"nothing completed in 60 s, SLA "_s + sla);
    return {VerdictKind::Healthy, u"HEALTHY"_s, p99 + u" \u00b7 "_s + stuckText, Tone::Good};
}

} // namespace slatrack::ui

#include "kpi_values.hpp"

#include "core/engine/engine_types.hpp"

#include "format.hpp"
#include "verdict.hpp"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

Tone latencyTone(int64_t ms, int64_t slaMs)
{
    if (ms > slaMs)
        return Tone::Bad;
    if (static_cast<double>(ms) > kLatencyWarnFraction * static_cast<double>(slaMs))
        return Tone::Warn;
    return Tone::Good;
}

const QString kDash = u"\u2014"_s;

KpiValue latencyValue(KpiId id, const monitor::MonitorSnapshot& snapshot, int64_t ms, LatencyUnit unit, const StageJudgement& trust)
{
    KpiValue out{id, kpiTitle(id), {}, Tone::Neutral, {}};
    const QString sla = u"SLA "_s + durationText(snapshot.slaMs);
    if (trust.trust == StageTrust::Blind) {
        out.text = {kDash, {}};
        out.detail = trust.reason;
        return out;
    }
    if (snapshot.latencyLastMinute.count == 0) {
        // No completion in the last minute is not "fast": leave it neutral
        // and let the stuck and out/s tiles tell whether work has stopped.
        out.text = {kDash, {}};
        out.detail = u"last 60 s \u00b7 none completed"_s;
        return out;
    }
    out.text = latencyTextIn(ms, unit);
    if (trust.trust == StageTrust::Behind) {
        // True of the records read, but those are the past: not green.
        out.detail = u"last 60 s read \u00b7 "_s + trust.reason;
        return out;
    }
    out.tone = latencyTone(ms, snapshot.slaMs);
    out.detail = u"last 60 s \u00b7 "_s + sla;
    return out;
}

// A count that means "none went wrong" only when the stages it rests on
// were seen: otherwise 0 is shown as a grey dash with the reason, and a
// count above 0 (those records really were judged) keeps its number.
KpiValue judgedCount(KpiId id, uint64_t count, CountUnit unit, Tone whenAboveZero, const QString& detail, const StageJudgement& trust)
{
    KpiValue out{id, kpiTitle(id), countTextIn(count, unit, u"rec"_s), count > 0 ? whenAboveZero : Tone::Good, detail};
    if (trust.trust != StageTrust::Trusted) {
        if (count == 0)
            out.text = {kDash, {}};
        out.tone = count > 0 ? whenAboveZero : Tone::Neutral;
        out.detail = u"can't judge: "_s + trust.reason;
    }
    return out;
}

} // namespace

QString kpiKey(KpiId id)
{
    switch (id) {
    case KpiId::InRate: return u"in"_s;
    case KpiId::OutRate: return u"out"_s;
    case KpiId::P50: return u"p50"_s;
    case KpiId::P99: return u"p99"_s;
    case KpiId::Open: return u"open"_s;
    case KpiId::Stuck: return u"stuck"_s;
    case KpiId::Lost: return u"lost"_s;
    case KpiId::Orphans: return u"orphans"_s;
    case KpiId::Alerts: return u"alerts"_s;
    }
    return {};
}

QString kpiTitle(KpiId id)
{
    switch (id) {
    case KpiId::InRate: return u"In"_s;
    case KpiId::OutRate: return u"Out"_s;
    case KpiId::P50: return u"p50 latency"_s;
    case KpiId::P99: return u"p99 latency"_s;
    case KpiId::Open: return u"Open"_s;
    case KpiId::Stuck: return u"Stuck"_s;
    case KpiId::Lost: return u"Lost"_s;
    case KpiId::Orphans: return u"Orphans"_s;
    case KpiId::Alerts: return u"Alerts"_s;
    }
    return {};
}

bool canJudgeStuck(const monitor::MonitorSnapshot& snapshot)
{
    const auto& stages = snapshot.gauges.stages;
    if (stages.size() < 2)
        return false;
    for (size_t stage_idx = 1; stage_idx < stages.size(); ++stage_idx) {
        if (stages[stage_idx].watermarkMs == engine::kNoTime)
            return false;
    }
    return true;
}

std::array<KpiValue, kKpiCount> kpiValues(const monitor::MonitorSnapshot& snapshot)
{
    std::array<KpiValue, kKpiCount> out;
    const size_t stageCount = std::max<size_t>(snapshot.ratePerSec.size(), 2);
    const size_t lastStage = stageCount - 1;
    const double inRate = snapshot.ratePerSec.empty() ? 0.0 : snapshot.ratePerSec.front();
    const double outRate = snapshot.ratePerSec.empty() ? 0.0 : snapshot.ratePerSec.back();
    const QString rateSpan = QStringLiteral("last %1 s \u00b7 ").arg(monitor::MonitorSnapshot::kRateSeconds);
    const StageJudgement first = judgeStage(snapshot, 0);
    const StageJudgement last = judgeStage(snapshot, lastStage);
    const StageJudgement later = judgeStages(snapshot, 1, lastStage);
    const StageJudgement all = judgeStages(snapshot, 0, lastStage);

    const RateUnit rateUnit = rateUnitFor(std::max(inRate, outRate));
    const auto rateValue = [&](KpiId id, double rate, size_t stage, const StageJudgement& trust) {
        KpiValue value{id, kpiTitle(id), rateTextIn(rate, rateUnit), Tone::Neutral, rateSpan + stageName(snapshot, stage)};
        if (trust.trust == StageTrust::Blind) {
            value.text = {kDash, {}};
            value.detail = trust.reason;
        }
        return value;
    };
    out[0] = rateValue(KpiId::InRate, inRate, 0, first);
    out[1] = rateValue(KpiId::OutRate, outRate, lastStage, last);
    // Records arrive and nothing leaves: a stalled processor. Only when
    // live and both ends are seen, where rates are of current traffic.
    if (snapshot.phase == monitor::Phase::Live && all.trust == StageTrust::Trusted && inRate > 0 && outRate == 0) {
        out[1].tone = Tone::Bad;
        out[1].detail = u"nothing processed in "_s + QString::number(monitor::MonitorSnapshot::kRateSeconds) + u" s"_s;
    }

    const LatencyUnit latencyUnit = latencyUnitFor(std::max(snapshot.latencyLastMinute.p50, snapshot.latencyLastMinute.p99));
    out[2] = latencyValue(KpiId::P50, snapshot, snapshot.latencyLastMinute.p50, latencyUnit, all);
    out[3] = latencyValue(KpiId::P99, snapshot, snapshot.latencyLastMinute.p99, latencyUnit, all);

    const auto& gauges = snapshot.gauges;
    uint64_t overflow = 0;
    for (const auto& counters : snapshot.totals)
        overflow += counters.lostOverflow;
    const uint64_t lost = snapshot.lostTotal();
    const uint64_t orphans = snapshot.orphanTotal();
    const CountUnit countUnit = countUnitFor(std::max({gauges.open, gauges.stuck, lost, orphans}));

    out[4] = {KpiId::Open, kpiTitle(KpiId::Open), countTextIn(gauges.open, countUnit, u"rec"_s), Tone::Neutral,
              gauges.early > 0 ? QStringLiteral("+ %1 seen on a later stage first").arg(groupedCount(gauges.early))
                               : u"awaiting a later stage"_s};

    StageJudgement stuckTrust = later;
    if (stuckTrust.trust == StageTrust::Trusted && !canJudgeStuck(snapshot))
        stuckTrust = {StageTrust::Blind, u"no record read on "_s + stageName(snapshot, lastStage) + u" yet"_s};
    out[5] = judgedCount(KpiId::Stuck, gauges.stuck, countUnit, Tone::Bad, u"now \u00b7 open > SLA "_s + durationText(snapshot.slaMs), stuckTrust);
    if (stuckTrust.trust != StageTrust::Trusted) {
        // The engine holds a blind stage's watermark: a stuck count of any
        // size is "at least", never the whole story.
        out[5].text = {kDash, {}};
        out[5].tone = Tone::Neutral;
    }
    out[6] = judgedCount(KpiId::Lost, lost, countUnit, Tone::Bad,
                         overflow > 0 ? QStringLiteral("since start \u00b7 %1 by the memory cap").arg(groupedCount(overflow))
                                      : u"since start \u00b7 open > window "_s + durationText(snapshot.windowMs),
                         stuckTrust);
    out[7] = judgedCount(KpiId::Orphans, orphans, countUnit, Tone::Warn, u"since start \u00b7 never seen incoming"_s,
                         first.trust != StageTrust::Trusted ? first : stuckTrust);

    // Alerting does not exist yet; a tile that looked "OK" would be a lie.
    out[8] = {KpiId::Alerts, kpiTitle(KpiId::Alerts), {u"no alerting configured"_s, {}}, Tone::Neutral, {}};
    return out;
}

} // namespace slatrack::ui

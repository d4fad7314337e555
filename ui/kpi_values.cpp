#include "kpi_values.hpp"

#include "core/engine/engine_types.hpp"

#include "format.hpp"

#include <QStringList>

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

KpiValue latencyValue(KpiId id, const monitor::MonitorSnapshot& snapshot, int64_t ms)
{
    KpiValue out{id, kpiTitle(id), {}, Tone::Neutral, {}};
    const QString sla = u"SLA "_s + durationText(snapshot.slaMs);
    if (snapshot.latencyLastMinute.count == 0) {
        // No completion in the last minute is not "fast": leave it neutral
        // and let the stuck and out/s tiles tell whether work has stopped.
        out.text = {u"\u2014"_s, {}};
        out.detail = sla + u" \u00b7 none completed in 60 s"_s;
        return out;
    }
    out.text = latencyText(ms);
    out.tone = latencyTone(ms, snapshot.slaMs);
    out.detail = sla + u" \u00b7 last 60 s"_s;
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
    const size_t stageCount = snapshot.ratePerSec.size();
    const double inRate = stageCount > 0 ? snapshot.ratePerSec.front() : 0.0;
    const double outRate = stageCount > 0 ? snapshot.ratePerSec.back() : 0.0;
    const QString rateSpan = QStringLiteral(" \u00b7 last %1 s").arg(monitor::MonitorSnapshot::kRateSeconds);

    out[0] = {KpiId::InRate, kpiTitle(KpiId::InRate), rateText(inRate), Tone::Neutral, stageName(snapshot, 0) + rateSpan};

    out[1] = {KpiId::OutRate, kpiTitle(KpiId::OutRate), rateText(outRate), Tone::Neutral,
              stageName(snapshot, stageCount > 0 ? stageCount - 1 : 1) + rateSpan};
    // Records arrive and nothing leaves: a stalled processor. Only in the
    // live phase, where rates are of current traffic.
    if (snapshot.phase == monitor::Phase::Live && inRate > 0 && outRate == 0) {
        out[1].tone = Tone::Bad;
        out[1].detail = u"nothing processed in "_s + QString::number(monitor::MonitorSnapshot::kRateSeconds) + u" s"_s;
    }

    out[2] = latencyValue(KpiId::P50, snapshot, snapshot.latencyLastMinute.p50);
    out[3] = latencyValue(KpiId::P99, snapshot, snapshot.latencyLastMinute.p99);

    const auto& gauges = snapshot.gauges;
    out[4] = {KpiId::Open, kpiTitle(KpiId::Open), countText(gauges.open, u"rec"_s), Tone::Neutral,
              gauges.early > 0 ? QStringLiteral("+ %1 seen on a later stage first").arg(groupedCount(gauges.early))
                               : u"awaiting a later stage"_s};

    out[5] = {KpiId::Stuck, kpiTitle(KpiId::Stuck), countText(gauges.stuck, u"rec"_s), Tone::Neutral, {}};
    if (!canJudgeStuck(snapshot)) {
        out[5].detail = u"can't judge yet: a later stage has no data"_s;
    } else {
        out[5].tone = gauges.stuck > 0 ? Tone::Bad : Tone::Good;
        out[5].detail = u"open > SLA "_s + durationText(snapshot.slaMs);
    }

    uint64_t overflow = 0;
    for (const auto& counters : snapshot.totals)
        overflow += counters.lostOverflow;
    const uint64_t lost = snapshot.lostTotal();
    out[6] = {KpiId::Lost, kpiTitle(KpiId::Lost), countText(lost, u"rec"_s), lost > 0 ? Tone::Bad : Tone::Good,
              overflow > 0 ? QStringLiteral("%1 by the memory cap").arg(groupedCount(overflow))
                           : u"open > window "_s + durationText(snapshot.windowMs)};

    const uint64_t orphans = snapshot.orphanTotal();
    out[7] = {KpiId::Orphans, kpiTitle(KpiId::Orphans), countText(orphans, u"rec"_s), orphans > 0 ? Tone::Warn : Tone::Good,
              u"never seen incoming"_s};

    // Alerting does not exist yet; a tile that looked "OK" would be a lie.
    out[8] = {KpiId::Alerts, kpiTitle(KpiId::Alerts), {u"no alerting configured"_s, {}}, Tone::Neutral, {}};
    return out;
}

} // namespace slatrack::ui

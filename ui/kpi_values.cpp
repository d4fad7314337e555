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
    KpiValue out{id, kpiTitle(id), {}, Tone::Neutral, {}, {}};
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
    KpiValue out{id, kpiTitle(id), countTextIn(count, unit, u"rec"_s), count > 0 ? whenAboveZero : Tone::Good, detail, {}};
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
    case KpiId::PipelineLag: return u"pipeline_lag"_s;
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
    case KpiId::PipelineLag: return u"Pipeline lag"_s;
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

StageJudgement stuckJudgement(const monitor::MonitorSnapshot& snapshot)
{
    const size_t stageCount = std::max<size_t>(snapshot.ratePerSec.size(), 2);
    StageJudgement judged = judgeStages(snapshot, 1, stageCount - 1);
    if (judged.trust == StageTrust::Trusted && !canJudgeStuck(snapshot))
        judged = {StageTrust::Blind, u"no record read on "_s + stageName(snapshot, stageCount - 1) + u" yet"_s};
    return judged;
}

// One line per partition, furthest behind first, at most kBreakdownLines:
// which partition of which group is behind, by how much, and which way.
QString pipelineLagBreakdown(const std::vector<monitor::GroupLag>& groups)
{
    constexpr size_t kBreakdownLines = 12;
    struct Line {
        int64_t timeMs, messages;
        QString text;
    };
    std::vector<Line> lines;
    for (const monitor::GroupLag& group : groups)
        for (const ingest::GroupPartitionLag& part : group.partitions) {
            QString text = QString::fromStdString(group.group) + u" "_s + QString::fromStdString(part.topic) + u'['
                           + QString::number(part.partition) + u"]: "_s;
            if (part.messages < 0)
                text += u"unknown ("_s + QString::fromStdString(part.why) + u')';
            else
                text += groupedCount(static_cast<uint64_t>(part.messages)) + u" msgs"_s
                        + (part.timeMs >= 0 ? u", "_s + latencyText(part.timeMs).value + u' ' + latencyText(part.timeMs).unit : QString())
                        + (part.trend != monitor::LagTrend::Unknown ? u", "_s + QString::fromLatin1(ingest::lagTrendName(part.trend)) : QString());
            lines.push_back({part.messages < 0 ? INT64_MAX : part.timeMs, part.messages, std::move(text)});
        }
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return std::pair(a.timeMs, a.messages) > std::pair(b.timeMs, b.messages); });
    QStringList out;
    for (size_t line_idx = 0; line_idx < std::min(lines.size(), kBreakdownLines); ++line_idx)
        out << lines[line_idx].text;
    if (lines.size() > kBreakdownLines)
        out << QStringLiteral("… and %1 more partitions (status JSON: pipeline_lag)").arg(lines.size() - kBreakdownLines);
    return out.join(u'\n');
}

KpiValue pipelineLagValue(const monitor::MonitorSnapshot& snapshot)
{
    KpiValue out{KpiId::PipelineLag, kpiTitle(KpiId::PipelineLag), {kDash, {}}, Tone::Neutral, {}, {}};
    if (snapshot.pipelineLag.empty()) {
        out.detail = u"no consumer_group in the config"_s;
        return out;
    }
    // A group that cannot be read wins: a known lag beside it must not
    // read as "the pipeline is this far behind" when part of it is unknown.
    for (const monitor::GroupLag& group : snapshot.pipelineLag) {
        if (group.state == monitor::GroupLagState::Ok && snapshot.takenAtMs - group.readAtMs > kPipelineLagStaleMs) {
            out.detail = u"can't judge: group "_s + QString::fromStdString(group.group) + u" last read "_s
                         + durationText(snapshot.takenAtMs - group.readAtMs) + u" ago"_s;
            return out;
        }
        if (group.state != monitor::GroupLagState::Ok) {
            out.detail = u"can't judge: "_s + QString::fromStdString(group.why);
            if (group.state == monitor::GroupLagState::CantJudge && group.why.find(group.group) == std::string::npos)
                out.detail = u"can't judge: group "_s + QString::fromStdString(group.group) + u": "_s + QString::fromStdString(group.why);
            return out;
        }
    }
    const auto worst = std::max_element(snapshot.pipelineLag.begin(), snapshot.pipelineLag.end(), [](const monitor::GroupLag& a, const monitor::GroupLag& b) {
        return std::pair(a.timeMs, a.messages) < std::pair(b.timeMs, b.messages);
    });
    const monitor::GroupLag& group = *worst;
    QString detail = u"group "_s + QString::fromStdString(group.group) + u" · "_s
                     + groupedCount(static_cast<uint64_t>(std::max<int64_t>(group.messages, 0))) + u" msgs"_s;
    if (group.trend != monitor::LagTrend::Unknown)
        detail += u" · "_s + QString::fromLatin1(ingest::lagTrendName(group.trend));
    if (group.unknownPartitions > 0)
        detail += QStringLiteral(" · %1 partitions unknown").arg(group.unknownPartitions);
    if (snapshot.pipelineLag.size() > 1)
        detail += QStringLiteral(" · worst of %1 groups").arg(snapshot.pipelineLag.size());
    out.detail = detail;
    out.breakdown = pipelineLagBreakdown(snapshot.pipelineLag);
    if (group.timeMs >= 0) {
        out.text = latencyText(group.timeMs);
    } else {
        out.text = countText(static_cast<uint64_t>(std::max<int64_t>(group.messages, 0)), u"msgs"_s);
    }
    if (group.unknownPartitions > 0)
        out.tone = Tone::Neutral;  // part of it unseen: not green
    else if (group.timeMs > snapshot.slaMs)
        out.tone = Tone::Bad;  // records wait longer than the SLA before the processor even reads them
    else if (group.trend == monitor::LagTrend::Growing)
        out.tone = Tone::Warn;
    else
        out.tone = Tone::Good;
    return out;
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
    const StageJudgement all = judgeStages(snapshot, 0, lastStage);

    const RateUnit rateUnit = rateUnitFor(std::max(inRate, outRate));
    const auto rateValue = [&](KpiId id, double rate, size_t stage, const StageJudgement& trust) {
        KpiValue value{id, kpiTitle(id), rateTextIn(rate, rateUnit), Tone::Neutral, rateSpan + stageName(snapshot, stage), {}};
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
                               : u"awaiting a later stage"_s, {}};

    const StageJudgement stuckTrust = stuckJudgement(snapshot);
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
    const StageJudgement orphanTrust = first.trust != StageTrust::Trusted ? first : stuckTrust;
    out[7] = judgedCount(KpiId::Orphans, orphans, countUnit, Tone::Warn, u"since start \u00b7 never seen incoming"_s, orphanTrust);
    if (orphanTrust.trust != StageTrust::Trusted) {
        // An orphan is "processed, never seen incoming": with a stage
        // unseen, the incoming may simply not have been read. A number in
        // amber would send the operator hunting ghosts.
        out[7].text = {kDash, {}};
        out[7].tone = Tone::Neutral;
    }
    out[8] = pipelineLagValue(snapshot);

    // The alert states come from the core evaluator, not from the snapshot:
    // the dashboard fills this tile (ui/alerts_values). Until it does, a
    // grey dash, never an "OK".
    out[9] = {KpiId::Alerts, kpiTitle(KpiId::Alerts), {kDash, {}}, Tone::Neutral, u"alerting not running"_s, {}};
    return out;
}

} // namespace slatrack::ui

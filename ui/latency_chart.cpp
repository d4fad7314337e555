#include "latency_chart.hpp"

#include "format.hpp"

#include <QLineSeries>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Head room above the SLA line so it never sits on the chart's top edge.
constexpr double kSlaHeadroom = 1.15;
// MonitorSnapshot::latencyLastMinute's span, which the p50/p99 tiles show.
constexpr int64_t kTileSpanMs = 60'000;

} // namespace

LatencyChart::LatencyChart(QWidget* parent)
    : TimeChart(u"Latency per completion second"_s, parent)
    , m_p50(addLine(u"p50"_s, 1))
    , m_p95(addLine(u"p95"_s, 2))
    , m_p99(addLine(u"p99"_s, 0))
    , m_sla(addLine(u"SLA"_s, 0, LineRole::Threshold))
    , m_tileP99(addLine(u"p99 of 60 s"_s, 0, LineRole::Summary))
{
}

ValueScale LatencyChart::chooseScale(double maxRaw) const
{
    return latencyScale(maxRaw);
}

QString LatencyChart::formatRaw(double raw) const
{
    const ValueText text = latencyText(static_cast<int64_t>(raw));
    return text.value + u' ' + text.unit;
}

void LatencyChart::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    std::vector<Update> updates{{m_p50, {}}, {m_p95, {}}, {m_p99, {}}};
    for (Update& update : updates)
        update.points.reserve(static_cast<qsizetype>(snapshot.series.size()));
    for (const monitor::SecondPoint& second : snapshot.series) {
        if (second.matched == 0)
            continue;
        const qreal x = static_cast<qreal>(second.second * 1000);
        updates[0].points.append({x, static_cast<qreal>(second.p50)});
        updates[1].points.append({x, static_cast<qreal>(second.p95)});
        updates[2].points.append({x, static_cast<qreal>(second.p99)});
    }
    const int64_t newestMs = snapshot.series.empty() ? snapshot.takenAtMs : (snapshot.series.back().second + 1) * 1000;
    const int64_t oldestMs = snapshot.series.empty() ? newestMs : snapshot.series.front().second * 1000;
    const double sla = static_cast<double>(snapshot.slaMs);
    applyUpdate(std::move(updates), oldestMs, newestMs, sla * kSlaHeadroom);

    m_sla->setName(u"SLA "_s + durationText(snapshot.slaMs));
    const qreal slaY = sla / scale().divisor;
    m_sla->replace(QList<QPointF>{{static_cast<qreal>(windowFromMs()), slaY}, {static_cast<qreal>(windowToMs()), slaY}});

    // The tiles' span: the last 60 s of event time, ending where the
    // series ends. The p99 tile's value is drawn across it.
    const int64_t tileFromMs = newestMs - kTileSpanMs;
    const bool anyCompleted = snapshot.latencyLastMinute.count > 0;
    setWindowBand(anyCompleted ? tileFromMs : -1, u"tiles: last 60 s"_s);
    const qreal tileY = static_cast<qreal>(snapshot.latencyLastMinute.p99) / scale().divisor;
    m_tileP99->setVisible(anyCompleted);
    m_tileP99->replace(anyCompleted ? QList<QPointF>{{static_cast<qreal>(std::max(tileFromMs, windowFromMs())), tileY}, {static_cast<qreal>(newestMs), tileY}}
                                    : QList<QPointF>{});
}

} // namespace slatrack::ui

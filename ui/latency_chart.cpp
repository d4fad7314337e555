#include "latency_chart.hpp"

#include "format.hpp"

#include <QLineSeries>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Head room above the SLA line so it never sits on the chart's top edge.
constexpr double kSlaHeadroom = 1.15;

} // namespace

LatencyChart::LatencyChart(QWidget* parent)
    : TimeChart(u"Latency per completion second"_s, parent)
    , m_p50(addLine(u"p50"_s, 1))
    , m_p95(addLine(u"p95"_s, 2))
    , m_p99(addLine(u"p99"_s, 0))
    , m_sla(addLine(u"SLA"_s, 0, LineRole::Threshold))
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
}

} // namespace slatrack::ui

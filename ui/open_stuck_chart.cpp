#include "open_stuck_chart.hpp"

#include <QLineSeries>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

OpenStuckChart::OpenStuckChart(QWidget* parent)
    : TimeChart(u"Open and stuck records"_s, parent)
    , m_open(addLine(u"open"_s, 0))
    , m_stuck(addLine(u"stuck"_s, 0, LineRole::Alarm))
{
}

ValueScale OpenStuckChart::chooseScale(double maxRaw) const
{
    return countScale(maxRaw, u"records"_s);
}

void OpenStuckChart::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    std::vector<Update> updates{{m_open, {}}, {m_stuck, {}}};
    int64_t currentSecond = INT64_MIN;
    for (const monitor::GaugeSample& sample : snapshot.gaugeSeries) {
        const int64_t second = sample.atMs / 1000;
        const QPointF open(static_cast<qreal>(sample.atMs), static_cast<qreal>(sample.open));
        const QPointF stuck(static_cast<qreal>(sample.atMs), static_cast<qreal>(sample.stuck));
        if (second != currentSecond || updates[0].points.isEmpty()) {
            currentSecond = second;
            updates[0].points.append(open);
            updates[1].points.append(stuck);
            continue;
        }
        if (open.y() > updates[0].points.back().y())
            updates[0].points.back() = open;
        if (stuck.y() > updates[1].points.back().y())
            updates[1].points.back() = stuck;
    }
    const int64_t newestMs = snapshot.gaugeSeries.empty() ? snapshot.takenAtMs : snapshot.gaugeSeries.back().atMs;
    const int64_t oldestMs = snapshot.gaugeSeries.empty() ? newestMs : snapshot.gaugeSeries.front().atMs;
    // At least 10 on the axis: a line at 1 record should not fill the chart.
    applyUpdate(std::move(updates), oldestMs, newestMs, 10);
}

} // namespace slatrack::ui

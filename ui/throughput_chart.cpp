#include "throughput_chart.hpp"

#include <QLineSeries>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

ThroughputChart::ThroughputChart(QWidget* parent)
    : TimeChart(u"Throughput per stage"_s, parent)
{
}

ValueScale ThroughputChart::chooseScale(double maxRaw) const
{
    return countScale(maxRaw, u"rec/s"_s);
}

void ThroughputChart::ensureStages(const monitor::MonitorSnapshot& snapshot, size_t stageCount)
{
    while (m_stages.size() > stageCount) {
        removeLine(m_stages.back());
        m_stages.pop_back();
    }
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx) {
        const QString name = stage_idx < snapshot.stageNames.size() && !snapshot.stageNames[stage_idx].empty()
                                 ? QString::fromStdString(snapshot.stageNames[stage_idx])
                                 : QStringLiteral("stage %1").arg(stage_idx);
        if (stage_idx == m_stages.size())
            m_stages.push_back(addLine(name, static_cast<int>(stage_idx)));
        else if (m_stages[stage_idx]->name() != name)
            m_stages[stage_idx]->setName(name);
    }
}

void ThroughputChart::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    const size_t stageCount = snapshot.series.empty() ? snapshot.ratePerSec.size() : snapshot.series.back().seen.size();
    ensureStages(snapshot, stageCount);
    std::vector<Update> updates;
    updates.reserve(stageCount);
    for (QLineSeries* series : m_stages)
        updates.push_back({series, {}});
    const size_t complete = snapshot.series.empty() ? 0 : snapshot.series.size() - 1;
    for (size_t second_idx = 0; second_idx < complete; ++second_idx) {
        const monitor::SecondPoint& second = snapshot.series[second_idx];
        const qreal x = static_cast<qreal>(second.second * 1000);
        for (size_t stage_idx = 0; stage_idx < stageCount && stage_idx < second.seen.size(); ++stage_idx)
            updates[stage_idx].points.append({x, static_cast<qreal>(second.seen[stage_idx]) / static_cast<qreal>(std::max<int64_t>(second.spanSeconds, 1))});  // per second, whatever the span
    }
    const int64_t newestMs = complete == 0 ? snapshot.takenAtMs : snapshot.series[complete - 1].second * 1000;
    const int64_t oldestMs = complete == 0 ? newestMs : snapshot.series.front().second * 1000;
    applyUpdate(std::move(updates), oldestMs, newestMs, 10);
}

} // namespace slatrack::ui

#include "lag_chart.hpp"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr int64_t kHistoryMs = monitor::MonitorSnapshot::kSeriesSeconds * 1000;

} // namespace

LagChart::LagChart(QWidget* parent)
    : TimeChart(u"slatrack's own position behind the high watermark"_s, parent)
{
    for (size_t line_idx = 0; line_idx < kMaxLagLines; ++line_idx)
        m_lines.push_back(addLine(QString(), static_cast<int>(line_idx)));
    m_lines.push_back(addLine(u"others"_s, 7));
    // Legend on top like the other charts: beside the plot it took a third
    // of the width, and the aligned plots of every chart lost it too.
    setEmptyNote(u"no partition data yet"_s);
}

ValueScale LagChart::chooseScale(double maxRaw) const
{
    return countScale(maxRaw, u"messages"_s);
}

void LagChart::record(const monitor::MonitorSnapshot& snapshot)
{
    const qreal x = static_cast<qreal>(snapshot.takenAtMs);
    for (const monitor::PartitionLag& partition : snapshot.partitions) {
        Key key{partition.stage, partition.topic, partition.partition};
        auto found = m_history.find(key);
        if (found == m_history.end()) {
            if (m_history.size() >= kMaxTrackedPartitions)
                continue;
            found = m_history.emplace(std::move(key), QList<QPointF>{}).first;
        }
        QList<QPointF>& points = found->second;
        const QPointF sample(x, static_cast<qreal>(partition.lag));
        // One sample per second: the newest of that second wins.
        if (!points.isEmpty() && static_cast<int64_t>(points.back().x()) / 1000 == snapshot.takenAtMs / 1000)
            points.back() = sample;
        else if (points.isEmpty() || points.back().x() < x)
            points.append(sample);
    }
    m_newestMs = std::max(m_newestMs, snapshot.takenAtMs);
    // Forget what fell out of the window, and partitions no longer assigned
    // once their history is gone.
    for (auto it = m_history.begin(); it != m_history.end();) {
        QList<QPointF>& points = it->second;
        const auto keep = std::lower_bound(points.begin(), points.end(), static_cast<qreal>(m_newestMs - kHistoryMs),
                                           [](const QPointF& point, qreal from) { return point.x() < from; });
        points.erase(points.begin(), keep);
        if (points.isEmpty()) {
            m_colours.erase(it->first);
            it = m_history.erase(it);
        } else {
            ++it;
        }
    }
}

int LagChart::colourOf(int stage, const std::string& topic, int32_t partition) const
{
    const auto found = m_colours.find(Key{stage, topic, partition});
    return found == m_colours.end() ? -1 : found->second;
}

void LagChart::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    record(snapshot);
    render(snapshot.takenAtMs);
}

void LagChart::render(int64_t newestMs)
{
    // The partitions with the highest lag within the visible range get
    // their own line; ties and the drawing order follow the key.
    const qreal visibleFrom = static_cast<qreal>(newestMs - rangeSeconds(timeRange()) * 1000);
    std::vector<std::pair<double, const Key*>> ranked;
    ranked.reserve(m_history.size());
    for (const auto& [key, points] : m_history) {
        double peak = -1;
        for (const QPointF& point : points) {
            if (point.x() >= visibleFrom)
                peak = std::max(peak, point.y());
        }
        if (peak >= 0)
            ranked.emplace_back(peak, &key);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const size_t shown = std::min(ranked.size(), kMaxLagLines);
    std::vector<const Key*> top;
    for (size_t rank_idx = 0; rank_idx < shown; ++rank_idx)
        top.push_back(ranked[rank_idx].second);
    std::sort(top.begin(), top.end(), [](const Key* a, const Key* b) { return *a < *b; });
    // A partition keeps the colour it was first drawn with; one drawn for
    // the first time takes the next of the seven (the eighth is "others")
    // that no other drawn partition holds, so two lines never share one.
    for (const Key* key : top) {
        if (m_colours.count(*key) > 0)
            continue;
        std::vector<bool> taken(7, false);
        for (const Key* other : top) {
            const auto held = m_colours.find(*other);
            if (held != m_colours.end())
                taken[static_cast<size_t>(held->second)] = true;
        }
        int colour = m_nextColour % 7;
        while (taken[static_cast<size_t>(colour)])
            colour = (colour + 1) % 7;
        m_colours.emplace(*key, colour);
        m_nextColour = colour + 1;
    }

    std::vector<Update> updates;
    int64_t oldestMs = newestMs;
    for (size_t line_idx = 0; line_idx < kMaxLagLines; ++line_idx) {
        QLineSeries* line = m_lines[line_idx];
        if (line_idx >= top.size()) {
            line->setName(QString());
            line->setVisible(false);
            updates.push_back({line, {}});
            continue;
        }
        const auto& [stage, topic, partition] = *top[line_idx];
        line->setName(QString::fromStdString(topic) + u'[' + QString::number(partition) + u']');
        line->setVisible(true);
        setLineColour(line, m_colours.at(*top[line_idx]));
        const QList<QPointF>& points = m_history.at(*top[line_idx]);
        oldestMs = std::min(oldestMs, static_cast<int64_t>(points.front().x()));
        updates.push_back({line, points});
    }

    // Samples of one snapshot share its timestamp, so summing by x gives
    // the lag of every partition not drawn on its own.
    std::map<qreal, qreal> others;
    size_t otherCount = 0;
    for (const auto& [key, points] : m_history) {
        if (std::find(top.begin(), top.end(), &key) != top.end())
            continue;
        ++otherCount;
        for (const QPointF& point : points)
            others[point.x()] += point.y();
    }
    QLineSeries* otherLine = m_lines.back();
    otherLine->setVisible(otherCount > 0);
    otherLine->setName(otherCount > 0 ? QStringLiteral("%1 others (sum)").arg(otherCount) : QString());
    Update otherUpdate{otherLine, {}};
    for (const auto& [x, y] : others)
        otherUpdate.points.append({x, y});
    updates.push_back(std::move(otherUpdate));

    applyUpdate(std::move(updates), oldestMs, newestMs, 10);
    for (QLineSeries* line : m_lines) {
        for (QLegendMarker* marker : chart()->legend()->markers(line))
            marker->setVisible(line->isVisible());
    }
    if (m_history.empty())
        setEmptyNote(u"no partition data yet"_s);
}

} // namespace slatrack::ui

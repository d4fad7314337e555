#pragma once

#include "time_chart.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QList>
#include <QPointF>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace slatrack::ui {

// slatrack's own position behind the high watermark, per partition, over
// wall-clock time: how far the monitor's consumer is from the end of each
// partition (not the pipeline's consumer groups: their lag is the
// "Pipeline lag" tile, from their committed offsets). A snapshot carries only the current value,
// so this chart keeps its own history: one sample per second per
// partition, for MonitorSnapshot::kSeriesSeconds, for at most
// kMaxTrackedPartitions partitions. It draws the kMaxLagLines partitions
// with the highest lag within the visible range (not now: a partition that
// was far behind a minute ago is what the operator is looking for), plus
// one line summing all the others, so a topic with 200 partitions stays
// readable. A partition keeps its colour for as long as the chart knows it:
// colours are handed out when a partition is first drawn, never by rank.
//
// Thread: UI thread only.
class LagChart : public TimeChart {
    Q_OBJECT

public:
    // Legend entries that fit beside a chart a third of a 1920 screen wide.
    static constexpr size_t kMaxLagLines = 4;
    static constexpr size_t kMaxTrackedPartitions = 512;

    explicit LagChart(QWidget* parent = nullptr);

    // Adds the snapshot's lag to the history without redrawing (while the
    // dashboard is paused, so resuming shows no gap).
    void record(const monitor::MonitorSnapshot& snapshot);
    // record() and redraw.
    void showSnapshot(const monitor::MonitorSnapshot& snapshot);
    size_t trackedPartitions() const { return m_history.size(); }
    // The colour index a partition is drawn with (-1: not known), tests.
    int colourOf(int stage, const std::string& topic, int32_t partition) const;

protected:
    ValueScale chooseScale(double maxRaw) const override;

private:
    using Key = std::tuple<int, std::string, int32_t>;  // stage, topic, partition
    void render(int64_t newestMs);

    std::map<Key, QList<QPointF>> m_history;
    std::map<Key, int> m_colours;  // stable per partition
    int m_nextColour = 0;
    std::vector<QLineSeries*> m_lines;  // kMaxLagLines partitions + "others"
    int64_t m_newestMs = 0;
};

} // namespace slatrack::ui

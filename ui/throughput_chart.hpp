#pragma once

#include "time_chart.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <vector>

namespace slatrack::ui {

// Records per second seen by each stage (duplicates excluded), by event
// time: incoming against processed shows at once whether the processor
// keeps up. The newest second is still filling, so it is left out rather
// than drawn as a dip at the right edge of every update.
//
// Thread: UI thread only.
class ThroughputChart : public TimeChart {
    Q_OBJECT

public:
    explicit ThroughputChart(QWidget* parent = nullptr);
    void showSnapshot(const monitor::MonitorSnapshot& snapshot);

protected:
    ValueScale chooseScale(double maxRaw) const override;

private:
    void ensureStages(const monitor::MonitorSnapshot& snapshot, size_t stageCount);

    std::vector<QLineSeries*> m_stages;
};

} // namespace slatrack::ui

#pragma once

#include "time_chart.hpp"

#include "core/monitor/monitor_snapshot.hpp"

namespace slatrack::ui {

// Open and stuck record counts over wall-clock time, from the gauge samples
// the monitor takes at each publication (one point per second kept, the
// highest, so a short burst of stuck records is not averaged away).
//
// Thread: UI thread only.
class OpenStuckChart : public TimeChart {
    Q_OBJECT

public:
    explicit OpenStuckChart(QWidget* parent = nullptr);
    void showSnapshot(const monitor::MonitorSnapshot& snapshot);

protected:
    ValueScale chooseScale(double maxRaw) const override;

private:
    QLineSeries* m_open;
    QLineSeries* m_stuck;
};

} // namespace slatrack::ui

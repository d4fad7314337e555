#pragma once

#include "time_chart.hpp"

#include "core/monitor/monitor_snapshot.hpp"

namespace slatrack::ui {

// End-to-end latency p50 / p95 / p99 per second of completion (event
// time), with the SLA as a dashed threshold line. Seconds in which nothing
// completed have no point: a percentile of nothing is not zero.
//
// Thread: UI thread only.
class LatencyChart : public TimeChart {
    Q_OBJECT

public:
    explicit LatencyChart(QWidget* parent = nullptr);
    void showSnapshot(const monitor::MonitorSnapshot& snapshot);

protected:
    ValueScale chooseScale(double maxRaw) const override;
    QString formatRaw(double raw) const override;

private:
    QLineSeries* m_p50;
    QLineSeries* m_p95;
    QLineSeries* m_p99;
    QLineSeries* m_sla;
    // The p99 tile's value drawn over the span it covers, so tile and chart
    // visibly agree (a per-second p99 of 15 s beside a 60 s p99 of 365 ms
    // read as a contradiction when the span was not on screen).
    QLineSeries* m_tileP99;
};

} // namespace slatrack::ui

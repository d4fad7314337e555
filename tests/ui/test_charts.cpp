// Charts receive points from snapshots, stay bounded however many arrive,
// and window the time axis by the selected range.
#include "ui_fixture.hpp"

#include "ui/dashboard_window.hpp"
#include "ui/format.hpp"
#include "ui/lag_chart.hpp"
#include "ui/latency_chart.hpp"
#include "ui/open_stuck_chart.hpp"
#include "ui/throughput_chart.hpp"

#include <QAbstractButton>
#include <QCategoryAxis>
#include <QLineSeries>
#include <QValueAxis>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;

namespace {

template <typename Chart>
Chart* chart(const QWidget& root, const QString& name)
{
    auto* found = root.findChild<Chart*>(name);
    if (!found)
        qFatal("no chart named %s", qPrintable(name));
    return found;
}

int64_t axisSpanMs(const ui::TimeChart* chart)
{
    return static_cast<int64_t>(chart->timeAxis()->max() - chart->timeAxis()->min());
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

private slots:
    void boundPointsKeepsPeaks()
    {
        QList<QPointF> points;
        for (int point_idx = 0; point_idx < 10'000; ++point_idx)
            points.append({static_cast<qreal>(point_idx), point_idx == 4321 ? 1e6 : static_cast<qreal>(point_idx % 7)});
        ui::boundPoints(points, 600);
        QVERIFY(points.size() <= 600);
        QVERIFY(points.size() >= 500);
        QVERIFY2(std::any_of(points.begin(), points.end(), [](const QPointF& p) { return p.y() == 1e6; }),
                 "a one-sample spike must survive decimation");
        QVERIFY(std::is_sorted(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        QList<QPointF> few{{1, 1}, {2, 2}};
        ui::boundPoints(few, 600);
        QCOMPARE(few.size(), 2);
    }

    void seriesReceivePointsAndStayBounded()
    {
        ui::DashboardWindow window;
        // 10 publications a second for 200 s: 2,000 snapshots, more gauge
        // samples per snapshot (2,000) than a series may hold.
        uitest::TrafficScenario scenario;
        scenario.seconds = 200;
        scenario.ratePerSecond = 60;
        scenario.publishEveryMs = 100;
        int published = 0;
        uitest::runScenario(scenario, [&](const monitor::SnapshotPtr& snapshot) {
            window.showSnapshot(snapshot);
            ++published;
        });
        QCOMPARE(published, 2000);
        QVERIFY(window.shownSnapshot()->gaugeSeries.size() > static_cast<size_t>(ui::TimeChart::kMaxPointsPerSeries));

        const auto* latency = chart<ui::LatencyChart>(window, u"latencyChart"_s);
        const auto* openStuck = chart<ui::OpenStuckChart>(window, u"openStuckChart"_s);
        const auto* throughput = chart<ui::ThroughputChart>(window, u"throughputChart"_s);
        const auto* lag = chart<ui::LagChart>(window, u"lagChart"_s);
        for (const ui::TimeChart* each : std::initializer_list<const ui::TimeChart*>{latency, openStuck, throughput, lag}) {
            QVERIFY2(!each->showsEmptyNote(), qPrintable(each->objectName()));
            for (const QLineSeries* series : each->lineSeries()) {
                QVERIFY2(series->count() <= ui::TimeChart::kMaxPointsPerSeries,
                         qPrintable(each->objectName() + u' ' + series->name() + u' ' + QString::number(series->count())));
            }
        }
        for (const QString& name : {u"p50"_s, u"p95"_s, u"p99"_s})
            QVERIFY2(latency->seriesNamed(name)->count() > 100, qPrintable(name));
        QVERIFY(latency->seriesNamed(u"SLA 30.0 s"_s));
        QCOMPARE(latency->seriesNamed(u"SLA 30.0 s"_s)->count(), 2);
        QVERIFY(openStuck->seriesNamed(u"open"_s)->count() > 100);
        QVERIFY(openStuck->seriesNamed(u"stuck"_s)->count() > 100);
        // One line per stage, named after it.
        for (const QString& stage : {u"incoming"_s, u"enriched"_s, u"processed"_s})
            QVERIFY2(throughput->seriesNamed(stage) && throughput->seriesNamed(stage)->count() > 100, qPrintable(stage));
        QCOMPARE(lag->trackedPartitions(), size_t{18});
        QVERIFY(lag->seriesNamed(u"orders.out[3]"_s));  // the partition that fell behind is drawn on its own
        QVERIFY(lag->seriesNamed(u"14 others (sum)"_s));
        // The stuck line reached the records stuck in the run.
        const auto stuckPoints = openStuck->seriesNamed(u"stuck"_s)->points();
        QVERIFY(std::any_of(stuckPoints.begin(), stuckPoints.end(), [](const QPointF& p) { return p.y() > 0; }));
        // The latency spike is above the SLA line on the chart.
        const auto p99 = latency->seriesNamed(u"p99"_s)->points();
        const qreal slaY = latency->seriesNamed(u"SLA 30.0 s"_s)->at(0).y();
        QVERIFY(std::any_of(p99.begin(), p99.end(), [&](const QPointF& p) { return p.y() > slaY; }));
        QVERIFY(latency->valueAxis()->max() > slaY);
    }

    void rangeSwitching()
    {
        ui::DashboardWindow window;
        window.resize(1600, 900);  // time labels are laid out for the chart's width
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        uitest::TrafficScenario scenario;
        scenario.seconds = 90;  // less history than even the live range
        scenario.ratePerSecond = 50;
        scenario.publishEveryMs = 500;
        const auto last = uitest::runScenario(scenario, [&](const monitor::SnapshotPtr& snapshot) { window.showSnapshot(snapshot); });
        const auto* latency = chart<ui::LatencyChart>(window, u"latencyChart"_s);

        QCOMPARE(window.timeRange(), ui::TimeRange::Live5Min);
        QVERIFY(!window.showsHistoryNote());
        QCOMPARE(axisSpanMs(latency), 300'000);  // the live window slides at a fixed width
        // Time labels sit on round clock times.
        const QStringList labels = latency->timeAxis()->categoriesLabels();
        QVERIFY(labels.size() >= 3);
        for (const QString& label : labels) {
            const qint64 atMs = static_cast<qint64>(latency->timeAxis()->endValue(label));
            QVERIFY2(atMs % 30'000 == 0, qPrintable(label));
        }

        window.setTimeRange(ui::TimeRange::Hour);
        QCOMPARE(window.timeRange(), ui::TimeRange::Hour);
        QVERIFY(window.showsHistoryNote());
        QVERIFY(window.historyNoteText().contains(u"history store"_s));
        QVERIFY(window.historyNoteText().contains(u"not built yet"_s));
        // The hour shows what exists (90 s), not an empty hour.
        const int64_t heldMs = (last->series.back().second + 1 - last->series.front().second) * 1000;
        QCOMPARE(axisSpanMs(latency), heldMs);
        for (const ui::TimeChart* each : window.findChildren<ui::TimeChart*>())
            QCOMPARE(each->timeRange(), ui::TimeRange::Hour);

        // The range buttons drive the same switch.
        auto* dayButton = window.findChild<QAbstractButton*>(u"range.86400"_s);
        QVERIFY(dayButton);
        dayButton->click();
        QCOMPARE(window.timeRange(), ui::TimeRange::Day);
        QVERIFY(window.historyNoteText().contains(u"24 h"_s));

        window.findChild<QAbstractButton*>(u"range.300"_s)->click();
        QCOMPARE(window.timeRange(), ui::TimeRange::Live5Min);
        QVERIFY(!window.showsHistoryNote());
        QCOMPARE(axisSpanMs(latency), 300'000);
    }

    void tooltipShowsSeriesTimeAndValue()
    {
        ui::LatencyChart latency;
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({uitest::ev(1, 0, 1'700'000'000'000), uitest::ev(1, 1, 1'700'000'000'250)});
        latency.showSnapshot(*pipeline.snapshot(1'700'000'001'000));
        const QLineSeries* p99 = latency.seriesNamed(u"p99"_s);
        QCOMPARE(p99->count(), 1);
        const QString tip = latency.tooltipText(p99, p99->at(0));
        QVERIFY2(tip.startsWith(u"p99 \u00b7 "_s), qPrintable(tip));
        QVERIFY2(std::abs(p99->at(0).y() - 250) <= 3, "the histogram's 1 % error");
        QVERIFY2(tip.endsWith(u' ' + QString::number(qRound(p99->at(0).y())) + u" ms"_s), qPrintable(tip));
    }

    void latencyChartShowsTheTilesSpanAndValue()
    {
        ui::LatencyChart latency;
        latency.resize(600, 300);
        uitest::FedPipeline pipeline(uitest::smallConfig());
        for (uint64_t id = 1; id <= 30; ++id)
            pipeline.feed({uitest::ev(id, 0, 1'700'000'000'000), uitest::ev(id, 1, 1'700'000'000'400)});
        const auto snapshot = pipeline.snapshot(1'700'000'001'000);
        latency.show();
        QVERIFY(QTest::qWaitForWindowExposed(&latency));
        latency.showSnapshot(*snapshot);
        QTRY_COMPARE(latency.windowBandLabel(), u"tiles: last 60 s"_s);
        const QLineSeries* tile = latency.seriesNamed(u"p99 of 60 s"_s);
        QVERIFY(tile && tile->isVisible());
        QCOMPARE(tile->count(), 2);
        // Drawn at the tile's value (ms on this chart), over the last 60 s.
        QCOMPARE(tile->at(0).y(), static_cast<qreal>(snapshot->latencyLastMinute.p99));
        QCOMPARE(tile->at(1).x() - tile->at(0).x(), 60'000.0);
    }

    void crosshairListsEverySeriesAtThatTime()
    {
        ui::LatencyChart latency;
        latency.resize(600, 300);
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({uitest::ev(1, 0, 1'700'000'000'000), uitest::ev(1, 1, 1'700'000'000'250)});
        latency.showSnapshot(*pipeline.snapshot(1'700'000'001'000));
        const qreal x = latency.seriesNamed(u"p99"_s)->at(0).x();
        const QStringList lines = latency.crosshairLines(static_cast<int64_t>(x));
        QCOMPARE(lines.front(), ui::clockText(static_cast<int64_t>(x)));
        // Not only the nearest line: every named, visible series.
        for (const QLineSeries* series : latency.lineSeries()) {
            if (!series->isVisible() || series->name().isEmpty() || series->count() == 0)
                continue;
            const bool listed = std::any_of(lines.begin() + 1, lines.end(), [&](const QString& line) { return line.startsWith(series->name() + u"  "_s); });
            QVERIFY2(listed, qPrintable(series->name() + u" missing from: "_s + lines.join(u" | "_s)));
        }
        QVERIFY(lines.size() >= 4);  // time + p50, p95, p99
        latency.show();
        QVERIFY(QTest::qWaitForWindowExposed(&latency));
        latency.showCrosshairAt(static_cast<int64_t>(x));
        QVERIFY(latency.showsCrosshair());
        latency.showCrosshairAt(-1);
        QVERIFY(!latency.showsCrosshair());
    }

    void dashboardChartsShareOneCrosshairAndAlignedPlots()
    {
        ui::DashboardWindow window;
        window.resize(1600, 950);
        uitest::TrafficScenario scenario;
        scenario.seconds = 40;
        scenario.publishEveryMs = 1000;
        uitest::runScenario(scenario, [&](const monitor::SnapshotPtr& snapshot) { window.showSnapshot(snapshot); });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QList<ui::TimeChart*> charts = window.findChildren<ui::TimeChart*>();
        QCOMPARE(charts.size(), 4);
        // Every plot starts and ends at the same x within its chart, so a
        // moment lines up across the dashboard whatever the labels' widths.
        QTRY_VERIFY2(std::all_of(charts.begin(), charts.end(), [&](const ui::TimeChart* each) {
                         return std::abs(each->chart()->plotArea().left() - charts.front()->chart()->plotArea().left()) <= 1
                                && std::abs(each->chart()->plotArea().right() - charts.front()->chart()->plotArea().right()) <= 1;
                     }),
                     "plot areas not aligned");
        // Moving over one chart moves the crosshair on all.
        ui::TimeChart* first = charts.front();
        const QRectF plot = first->chart()->plotArea();
        QTest::mouseMove(first->viewport(), first->mapFromScene(first->chart()->mapToScene(plot.center())));
        QTRY_VERIFY(std::all_of(charts.begin(), charts.end(), [](const ui::TimeChart* each) { return each->showsCrosshair(); }));
    }

    void lagChartColoursStayWithTheirPartition()
    {
        ui::LagChart lag;
        QCOMPARE(lag.chart()->title(), u"slatrack's own position behind the high watermark"_s);
        const auto snapshotAt = [](int64_t atMs, std::vector<int64_t> lags) {
            auto snapshot = std::make_shared<monitor::MonitorSnapshot>();
            snapshot->takenAtMs = atMs;
            for (size_t partition_idx = 0; partition_idx < lags.size(); ++partition_idx) {
                monitor::PartitionLag partition;
                partition.stage = 0;
                partition.topic = "in";
                partition.partition = static_cast<int32_t>(partition_idx);
                partition.lag = lags[partition_idx];
                snapshot->partitions.push_back(partition);
            }
            return snapshot;
        };
        const int64_t start = 1'700'000'000'000;
        // Six partitions; first 0-3 are highest, later 4 and 5 overtake.
        for (int second = 0; second < 10; ++second)
            lag.showSnapshot(*snapshotAt(start + second * 1000, {900, 800, 700, 600, 10, 20}));
        const int colourOfIn1 = lag.colourOf(0, "in", 1);
        QVERIFY(colourOfIn1 >= 0);
        const QColor drawnBefore = lag.seriesNamed(u"in[1]"_s)->pen().color();
        for (int second = 10; second < 20; ++second)
            lag.showSnapshot(*snapshotAt(start + second * 1000, {900, 800, 5, 5, 5000, 6000}));
        QCOMPARE(lag.colourOf(0, "in", 1), colourOfIn1);
        QVERIFY(lag.seriesNamed(u"in[1]"_s));  // still in the top 4 of the visible range
        QCOMPARE(lag.seriesNamed(u"in[1]"_s)->pen().color(), drawnBefore);
        // Two partitions never share a colour while both are drawn.
        QSet<QRgb> colours;
        for (const QLineSeries* series : lag.lineSeries()) {
            if (series->isVisible())
                colours.insert(series->pen().color().rgb());
        }
        int visible = 0;
        for (const QLineSeries* series : lag.lineSeries())
            visible += series->isVisible() ? 1 : 0;
        QCOMPARE(colours.size(), visible);
        // Partitions taking turns at the top, more of them than colours:
        // the drawn lines still never share one.
        for (int round = 0; round < 12; ++round) {
            std::vector<int64_t> lags(16, 1);
            lags[static_cast<size_t>(round + 4)] = 10'000 + round;
            lag.showSnapshot(*snapshotAt(start + (20 + round * 100) * 1000, lags));
            QSet<QRgb> drawn;
            int drawnCount = 0;
            for (const QLineSeries* series : lag.lineSeries()) {
                if (!series->isVisible())
                    continue;
                drawn.insert(series->pen().color().rgb());
                ++drawnCount;
            }
            QCOMPARE(drawn.size(), drawnCount);
        }
    }
};

QTEST_MAIN(TestCharts)
#include "test_charts.moc"

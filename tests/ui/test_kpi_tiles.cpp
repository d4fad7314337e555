// KPI tiles show what a fed engine reports, and change colour with the SLA.
#include "ui_fixture.hpp"

#include "ui/dashboard_window.hpp"
#include "ui/format.hpp"
#include "ui/kpi_panel.hpp"
#include "ui/kpi_tile.hpp"
#include "ui/kpi_values.hpp"

#include <QLocale>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;
using uitest::ev;

namespace {

ui::KpiTile* tile(const QWidget& root, const QString& key)
{
    auto* found = root.findChild<ui::KpiTile*>(u"tile."_s + key);
    if (!found)
        qFatal("no tile named tile.%s", qPrintable(key));
    return found;
}

// The colour actually painted at the tile's left edge, mid-height (padding,
// never text).
QColor paintedColour(ui::KpiTile* tile)
{
    const QImage image = tile->grab().toImage();
    return image.pixelColor(3, image.height() / 2);
}

} // namespace

class TestKpiTiles : public QObject {
    Q_OBJECT

private slots:
    void tilesShowTheEnginesNumbers()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        // 101 completes in 300 ms, 105 in 100 ms; 102 and 103 never do.
        pipeline.feed({ev(101, 0, 1000), ev(102, 0, 1100), ev(103, 0, 1200), ev(101, 1, 1300),
                       ev(105, 0, 4000), ev(105, 1, 4100), ev(106, 0, 5000)});
        // A processed record seen again is a duplicate, not a second completion.
        pipeline.feed({ev(105, 1, 4100)});
        const auto snapshot = pipeline.snapshot(5200);
        const auto gauges = pipeline.engine().gauges();
        QCOMPARE(gauges.open, 3u);   // 102, 103, 106
        QCOMPARE(gauges.stuck, 2u);  // 102, 103: > 1 s, and the processed stream is past their deadline

        ui::DashboardWindow window;
        window.showSnapshot(snapshot);

        QCOMPARE(tile(window, u"open"_s)->valueText(), u"3"_s);
        QCOMPARE(tile(window, u"stuck"_s)->valueText(), u"2"_s);
        QCOMPARE(tile(window, u"lost"_s)->valueText(), u"0"_s);
        QCOMPARE(tile(window, u"orphans"_s)->valueText(), u"0"_s);
        QCOMPARE(tile(window, u"open"_s)->unitText(), u"rec"_s);
        // Rates are over the 10 complete seconds before the newest one (which
        // is still filling): 4 incoming (106 at 5.0 s is in the newest
        // second), 2 processed.
        QCOMPARE(tile(window, u"in"_s)->valueText(), QLocale().toString(0.4, 'f', 1));
        QCOMPARE(tile(window, u"out"_s)->valueText(), QLocale().toString(0.2, 'f', 1));
        QCOMPARE(tile(window, u"in"_s)->unitText(), u"rec/s"_s);
        // p99 of {100, 300} is 300 within the histogram's 1 %; shown in ms.
        QVERIFY(std::abs(snapshot->latencyLastMinute.p99 - 300) <= 3);
        QCOMPARE(tile(window, u"p99"_s)->valueText(), QString::number(snapshot->latencyLastMinute.p99));
        QCOMPARE(tile(window, u"p99"_s)->unitText(), u"ms"_s);
        QCOMPARE(tile(window, u"p50"_s)->valueText(), QString::number(snapshot->latencyLastMinute.p50));
        QVERIFY(tile(window, u"p99"_s)->detailText().contains(u"SLA 1.0 s"_s));
        // No alerting exists yet: the tile says so and is not coloured.
        QCOMPARE(tile(window, u"alerts"_s)->valueText(), u"no alerting configured"_s);
        QCOMPARE(tile(window, u"alerts"_s)->tone(), ui::Tone::Neutral);
        QCOMPARE(tile(window, u"stuck"_s)->tone(), ui::Tone::Bad);
        QCOMPARE(tile(window, u"lost"_s)->tone(), ui::Tone::Good);
    }

    void tilesMatchEngineOnRealisticTraffic()
    {
        uitest::TrafficScenario scenario;
        scenario.seconds = 150;
        scenario.ratePerSecond = 150;
        scenario.publishEveryMs = 1000;
        const auto snapshot = uitest::runScenario(scenario, {});
        ui::KpiPanel panel;
        panel.showSnapshot(*snapshot);
        QVERIFY(snapshot->gauges.stuck > 0);
        QVERIFY(snapshot->orphanTotal() > 0);
        QCOMPARE(tile(panel, u"open"_s)->valueText(), ui::countText(snapshot->gauges.open, {}).value);
        QCOMPARE(tile(panel, u"stuck"_s)->valueText(), ui::countText(snapshot->gauges.stuck, {}).value);
        QCOMPARE(tile(panel, u"orphans"_s)->valueText(), ui::countText(snapshot->orphanTotal(), {}).value);
        QCOMPARE(tile(panel, u"orphans"_s)->tone(), ui::Tone::Warn);
        QCOMPARE(tile(panel, u"in"_s)->valueText(), ui::rateText(snapshot->ratePerSec.front()).value);
        QCOMPARE(tile(panel, u"out"_s)->valueText(), ui::rateText(snapshot->ratePerSec.back()).value);
        QCOMPARE(tile(panel, u"p99"_s)->valueText(), ui::latencyText(snapshot->latencyLastMinute.p99).value);
    }

    void tileColourFollowsTheSla()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        ui::KpiPanel panel;
        panel.resize(1800, 140);
        ui::KpiTile* p99 = tile(panel, u"p99"_s);
        const ui::Theme theme = ui::Theme::light();
        panel.applyTheme(theme);

        // Fast: 200 ms against a 1 s SLA.
        for (uint64_t id = 1; id <= 50; ++id)
            pipeline.feed({ev(id, 0, 1000 + static_cast<int64_t>(id)), ev(id, 1, 1200 + static_cast<int64_t>(id))});
        panel.showSnapshot(*pipeline.snapshot(1300));
        QCOMPARE(p99->tone(), ui::Tone::Good);
        QCOMPARE(paintedColour(p99), theme.good);

        // Close to the SLA (over 80 % of it): amber.
        for (uint64_t id = 51; id <= 100; ++id)
            pipeline.feed({ev(id, 0, 2000), ev(id, 1, 2900)});
        panel.showSnapshot(*pipeline.snapshot(3000));
        QCOMPARE(p99->tone(), ui::Tone::Warn);
        QCOMPARE(paintedColour(p99), theme.warn);

        // Breach: 1.5 s completions push p99 over the SLA.
        for (uint64_t id = 101; id <= 150; ++id)
            pipeline.feed({ev(id, 0, 3000), ev(id, 1, 4500)});
        const auto breached = pipeline.snapshot(4600);
        QVERIFY(breached->slaBreached());
        panel.showSnapshot(*breached);
        QCOMPARE(p99->tone(), ui::Tone::Bad);
        QCOMPARE(paintedColour(p99), theme.bad);
        QCOMPARE(p99->valueText(), ui::latencyText(breached->latencyLastMinute.p99).value);
        QCOMPARE(p99->unitText(), u"s"_s);
    }

    void stuckIsNeutralUntilItCanBeJudged()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({ev(1, 0, 1000)});  // the processed stream has shown nothing yet
        const auto snapshot = pipeline.snapshot(60'000);
        QVERIFY(!ui::canJudgeStuck(*snapshot));
        ui::KpiPanel panel;
        panel.showSnapshot(*snapshot);
        QCOMPARE(tile(panel, u"stuck"_s)->valueText(), u"0"_s);
        QCOMPARE(tile(panel, u"stuck"_s)->tone(), ui::Tone::Neutral);  // not green: unknown
        QVERIFY(tile(panel, u"stuck"_s)->detailText().contains(u"can't judge"_s));
        // No completions: latency is "—", not a green 0 ms.
        QCOMPARE(tile(panel, u"p99"_s)->valueText(), u"\u2014"_s);
        QCOMPARE(tile(panel, u"p99"_s)->tone(), ui::Tone::Neutral);
    }

    void numbersShrinkToFitInsteadOfClipping()
    {
        ui::KpiTile narrow(u"Open"_s);
        narrow.resize(120, 110);
        narrow.setValue(ui::countText(987'654, u"rec"_s), ui::Tone::Neutral, u"detail"_s);
        const QFont font = [&] {
            QFont f;
            f.setPixelSize(narrow.fittedValuePixelSize());
            f.setBold(true);
            return f;
        }();
        QVERIFY2(QFontMetrics(font).horizontalAdvance(narrow.valueText()) < narrow.width(),
                 "the value must fit the tile's width");
        QVERIFY(narrow.fittedValuePixelSize() < 46);
    }
};

QTEST_MAIN(TestKpiTiles)
#include "test_kpi_tiles.moc"

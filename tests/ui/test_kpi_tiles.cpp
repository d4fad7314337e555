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

// What a tile shows, read back as a number in the raw unit (ms, rec/s):
// an independent check, not the tiles' own formatting functions.
double shownAmount(const ui::KpiTile* tile)
{
    bool ok = false;
    const double value = QLocale().toDouble(tile->valueText(), &ok);
    if (!ok)
        qFatal("tile %s shows no number: %s", qPrintable(tile->title()), qPrintable(tile->valueText()));
    const QString unit = tile->unitText();
    if (unit == u"s"_s)
        return value * 1000;
    if (unit == u"min"_s)
        return value * 60'000;
    if (unit == u"k rec/s"_s)
        return value * 1000;
    return value;  // ms, rec/s
}

monitor::SnapshotPtr healthySnapshot()
{
    uitest::FedPipeline pipeline(uitest::smallConfig());
    pipeline.feed({ev(1, 0, 1000), ev(1, 1, 1200)});
    return pipeline.snapshot(1300);
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
        QCOMPARE(tile(window, u"alerts"_s)->valueText(), u"\u2014"_s);  // not running: a grey dash, never "OK"
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
        // Counts below a million are exact, digit-grouped by the locale.
        const QLocale locale;
        QCOMPARE(tile(panel, u"open"_s)->valueText(), locale.toString(static_cast<qulonglong>(snapshot->gauges.open)));
        QCOMPARE(tile(panel, u"stuck"_s)->valueText(), locale.toString(static_cast<qulonglong>(snapshot->gauges.stuck)));
        QCOMPARE(tile(panel, u"orphans"_s)->valueText(), locale.toString(static_cast<qulonglong>(snapshot->orphanTotal())));
        QCOMPARE(tile(panel, u"orphans"_s)->tone(), ui::Tone::Warn);
        // Rates and latency read back (value x unit) within their rounding.
        QVERIFY(std::abs(shownAmount(tile(panel, u"in"_s)) - snapshot->ratePerSec.front()) <= 0.5);
        QVERIFY(std::abs(shownAmount(tile(panel, u"out"_s)) - snapshot->ratePerSec.back()) <= 0.5);
        const double p99 = static_cast<double>(snapshot->latencyLastMinute.p99);
        QVERIFY2(std::abs(shownAmount(tile(panel, u"p99"_s)) - p99) <= p99 * 0.005 + 1,
                 qPrintable(tile(panel, u"p99"_s)->valueText() + u' ' + tile(panel, u"p99"_s)->unitText()));
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
        QCOMPARE(p99->unitText(), u"s"_s);
        QVERIFY(std::abs(shownAmount(p99) - static_cast<double>(breached->latencyLastMinute.p99)) <= 10);
    }

    void stuckIsNeutralUntilItCanBeJudged()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({ev(1, 0, 1000)});  // the processed stream has shown nothing yet
        const auto snapshot = pipeline.snapshot(60'000);
        QVERIFY(!ui::canJudgeStuck(*snapshot));
        ui::KpiPanel panel;
        panel.showSnapshot(*snapshot);
        QCOMPARE(tile(panel, u"stuck"_s)->valueText(), u"\u2014"_s);
        QCOMPARE(tile(panel, u"stuck"_s)->tone(), ui::Tone::Neutral);  // not green: unknown
        QCOMPARE(tile(panel, u"stuck"_s)->detailText(), u"can't judge: no record read on processed yet"_s);
        QCOMPARE(tile(panel, u"lost"_s)->valueText(), u"\u2014"_s);
        QCOMPARE(tile(panel, u"lost"_s)->tone(), ui::Tone::Neutral);
        // No completions: latency is "—", not a green 0 ms.
        QCOMPARE(tile(panel, u"p99"_s)->valueText(), u"\u2014"_s);
        QCOMPARE(tile(panel, u"p99"_s)->tone(), ui::Tone::Neutral);
    }

    void tilesInARowShareOneUnit()
    {
        // p50 370 ms beside p99 1.25 s: both in seconds, never "370 ms"
        // next to "1.25 s". Rates likewise in one unit.
        monitor::MonitorSnapshot data = *healthySnapshot();
        data.latencyLastMinute.count = 500;
        data.latencyLastMinute.p50 = 370;
        data.latencyLastMinute.p99 = 1250;
        data.slaMs = 2000;
        data.ratePerSec = {12'500, 980};
        ui::KpiPanel panel;
        panel.showSnapshot(data);
        QCOMPARE(tile(panel, u"p50"_s)->valueText() + u' ' + tile(panel, u"p50"_s)->unitText(), QLocale().toString(0.37, 'f', 2) + u" s"_s);
        QCOMPARE(tile(panel, u"p99"_s)->valueText() + u' ' + tile(panel, u"p99"_s)->unitText(), QLocale().toString(1.25, 'f', 2) + u" s"_s);
        QCOMPARE(tile(panel, u"in"_s)->valueText() + u' ' + tile(panel, u"in"_s)->unitText(), QLocale().toString(12.5, 'f', 1) + u" k rec/s"_s);
        QCOMPARE(tile(panel, u"out"_s)->valueText() + u' ' + tile(panel, u"out"_s)->unitText(), QLocale().toString(0.98, 'f', 2) + u" k rec/s"_s);
        // The tiles say their window.
        QCOMPARE(tile(panel, u"p99"_s)->detailText(), u"last 60 s \u00b7 SLA 2.0 s"_s);
        QCOMPARE(tile(panel, u"in"_s)->detailText(), u"last 10 s \u00b7 incoming"_s);
        QCOMPARE(tile(panel, u"stuck"_s)->detailText(), u"now \u00b7 open > SLA 2.0 s"_s);

        data.latencyLastMinute.p50 = 120;
        data.latencyLastMinute.p99 = 850;
        panel.showSnapshot(data);
        QCOMPARE(tile(panel, u"p50"_s)->valueText() + u' ' + tile(panel, u"p50"_s)->unitText(), u"120 ms"_s);
        QCOMPARE(tile(panel, u"p99"_s)->valueText() + u' ' + tile(panel, u"p99"_s)->unitText(), u"850 ms"_s);
    }

    void blindStageShowsADashAndTheReason()
    {
        // The processed stage cannot be seen: nothing resting on it is a
        // number, least of all a green 0.
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.health = {{monitor::StageHealthState::Ok, {}, 0},
                           {monitor::StageHealthState::Blind, "no answer from broker 127.0.0.1:9092/1 for 6.0 s", 0}};
        pipeline.feed({ev(1, 0, 1000), ev(1, 1, 1200), ev(2, 0, 1500)});
        ui::KpiPanel panel;
        panel.showSnapshot(*pipeline.snapshot(1600));
        const QString reason = u"processed blind: no answer from broker 127.0.0.1:9092/1 for 6.0 s"_s;
        for (const QString& key : {u"stuck"_s, u"lost"_s, u"orphans"_s}) {
            QCOMPARE(tile(panel, key)->valueText(), u"\u2014"_s);
            QCOMPARE(tile(panel, key)->tone(), ui::Tone::Neutral);
            QCOMPARE(tile(panel, key)->detailText(), u"can't judge: "_s + reason);
        }
        for (const QString& key : {u"out"_s, u"p50"_s, u"p99"_s}) {
            QCOMPARE(tile(panel, key)->valueText(), u"\u2014"_s);
            QCOMPARE(tile(panel, key)->tone(), ui::Tone::Neutral);
            QCOMPARE(tile(panel, key)->detailText(), reason);
        }
        // The incoming stage is seen: its rate stays a number.
        QVERIFY(tile(panel, u"in"_s)->valueText() != u"\u2014"_s);
    }

    void orphansUnderCantJudgeShowADashNotAnAmberCount()
    {
        // Two processed records never seen incoming: orphans once the grace
        // (500 ms) is over.
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({ev(1, 0, 1000), ev(1, 1, 1200), ev(7, 1, 1300), ev(8, 1, 1400), ev(9, 0, 5000), ev(9, 1, 5100)});
        const auto seen = pipeline.snapshot(5200);
        QCOMPARE(seen->orphanTotal(), 2u);
        ui::KpiPanel panel;
        panel.showSnapshot(*seen);
        QCOMPARE(tile(panel, u"orphans"_s)->valueText(), u"2"_s);
        QCOMPARE(tile(panel, u"orphans"_s)->tone(), ui::Tone::Warn);
        QCOMPARE(tile(panel, u"orphans"_s)->detailText(), u"since start \u00b7 never seen incoming"_s);

        // Now the incoming stage is blind: "never seen incoming" may be
        // "not read yet". No amber number.
        pipeline.health = {{monitor::StageHealthState::Blind, "no answer from broker 127.0.0.1:9092/1 for 6.0 s", 0},
                           {monitor::StageHealthState::Ok, {}, 0}};
        const auto blind = pipeline.snapshot(5300);
        QCOMPARE(blind->orphanTotal(), 2u);
        panel.showSnapshot(*blind);
        QCOMPARE(tile(panel, u"orphans"_s)->valueText(), u"\u2014"_s);
        QCOMPARE(tile(panel, u"orphans"_s)->unitText(), QString());
        QCOMPARE(tile(panel, u"orphans"_s)->tone(), ui::Tone::Neutral);
        QCOMPARE(tile(panel, u"orphans"_s)->detailText(), u"can't judge: incoming blind: no answer from broker 127.0.0.1:9092/1 for 6.0 s"_s);
    }

    void pipelineLagTileSaysWhoseLagAndWhenItCannotTell()
    {
        const auto base = healthySnapshot();  // SLA 1 s
        ui::DashboardWindow window;
        const auto show = [&](std::vector<monitor::GroupLag> groups) {
            auto data = std::make_shared<monitor::MonitorSnapshot>(*base);
            data->pipelineLag = std::move(groups);
            data->totalLag = 98'400;  // slatrack's own position: never shown as the pipeline's
            window.showSnapshot(data);
            return tile(window, u"pipeline_lag"_s);
        };
        ui::KpiTile* lag = show({});
        QCOMPARE(lag->title(), u"Pipeline lag"_s);
        QCOMPARE(lag->valueText(), u"\u2014"_s);
        QCOMPARE(lag->tone(), ui::Tone::Neutral);
        QCOMPARE(lag->detailText(), u"no consumer_group in the config"_s);

        monitor::GroupLag group;
        group.group = "processor-app";
        group.stageName = "incoming";
        group.topics = {"incoming"};
        group.state = monitor::GroupLagState::Ok;
        group.why.clear();
        group.readAtMs = base->takenAtMs;
        group.messages = 45;
        group.timeMs = 12'300;
        group.trend = monitor::LagTrend::Growing;
        lag = show({group});
        QCOMPARE(lag->valueText(), u"12.3"_s);
        QCOMPARE(lag->unitText(), u"s"_s);
        QCOMPARE(lag->detailText(), u"group processor-app \u00b7 45 msgs \u00b7 growing"_s);
        QCOMPARE(lag->tone(), ui::Tone::Bad);  // over the 1 s SLA before the processor even reads it

        group.timeMs = 400;
        lag = show({group});
        QCOMPARE(lag->valueText(), u"400"_s);
        QCOMPARE(lag->unitText(), u"ms"_s);
        QCOMPARE(lag->tone(), ui::Tone::Warn);  // within the SLA, but growing
        group.trend = monitor::LagTrend::Steady;
        lag = show({group});
        QCOMPARE(lag->detailText(), u"group processor-app \u00b7 45 msgs \u00b7 steady"_s);
        QCOMPARE(lag->tone(), ui::Tone::Good);

        // Per partition in the tooltip, furthest behind first, unknown on top.
        ingest::GroupPartitionLag p0{"incoming", 0, 100, 130, 30, 400, monitor::LagTrend::Steady, {}};
        ingest::GroupPartitionLag p1{"incoming", 1, 50, 65, 15, 9'000, monitor::LagTrend::Growing, {}};
        ingest::GroupPartitionLag p2{"incoming", 2, -1, 10, -1, -1, monitor::LagTrend::Unknown, "no committed offset"};
        monitor::GroupLag split = group;
        split.partitions = {p0, p1, p2};
        lag = show({split});
        QCOMPARE(lag->toolTip(), u"group processor-app \u00b7 45 msgs \u00b7 steady\n"
                                 "processor-app incoming[2]: unknown (no committed offset)\n"
                                 "processor-app incoming[1]: 15 msgs, 9.00 s, growing\n"
                                 "processor-app incoming[0]: 30 msgs, 400 ms, steady"_s);

        // A read from 45 s ago is not "now" (the poller reads every 5 s).
        monitor::GroupLag old = group;
        old.readAtMs = base->takenAtMs - 45'000;
        lag = show({old});
        QCOMPARE(lag->valueText(), u"\u2014"_s);
        QCOMPARE(lag->tone(), ui::Tone::Neutral);
        QCOMPARE(lag->detailText(), u"can't judge: group processor-app last read 45.0 s ago"_s);

        // One group unknown beside a known one: the tile cannot tell.
        monitor::GroupLag typo;
        typo.group = "procesor-app";
        typo.state = monitor::GroupLagState::UnknownGroup;
        typo.why = "group procesor-app has no committed offset on incoming (no such group, a typo, or it never committed)";
        lag = show({group, typo});
        QCOMPARE(lag->valueText(), u"\u2014"_s);
        QCOMPARE(lag->tone(), ui::Tone::Neutral);
        QCOMPARE(lag->detailText(), u"can't judge: group procesor-app has no committed offset on incoming (no such group, a typo, or it never committed)"_s);

        monitor::GroupLag down = group;
        down.state = monitor::GroupLagState::CantJudge;
        down.why = "no answer from the brokers 127.0.0.1:9092 within 3000 ms (Local: Broker transport failure)";
        down.messages = -1;
        down.timeMs = -1;
        lag = show({down});
        QCOMPARE(lag->valueText(), u"\u2014"_s);
        QCOMPARE(lag->tone(), ui::Tone::Neutral);
        QCOMPARE(lag->detailText(), u"can't judge: group processor-app: no answer from the brokers 127.0.0.1:9092 within 3000 ms (Local: Broker transport failure)"_s);
    }

    void catchingUpKeepsNumbersButNotGreen()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.health = {{monitor::StageHealthState::CatchingUp, "12,000 msgs behind", 0}, {monitor::StageHealthState::Ok, {}, 0}};
        for (uint64_t id = 1; id <= 20; ++id)
            pipeline.feed({ev(id, 0, 1000), ev(id, 1, 1100)});
        ui::KpiPanel panel;
        panel.showSnapshot(*pipeline.snapshot(1200));
        QVERIFY(std::abs(shownAmount(tile(panel, u"p99"_s)) - 100) <= 1);  // the records read are real
        QCOMPARE(tile(panel, u"p99"_s)->tone(), ui::Tone::Neutral);
        QCOMPARE(tile(panel, u"p99"_s)->detailText(), u"last 60 s read \u00b7 incoming catching up: 12,000 msgs behind"_s);
        QCOMPARE(tile(panel, u"lost"_s)->tone(), ui::Tone::Good);  // the later stage is seen
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

// DashboardWindow as a whole: header, war room, pause, themes, replay bar.
#include "ui_fixture.hpp"

#include "ui/dashboard_settings.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/header_bar.hpp"
#include "ui/kpi_tile.hpp"
#include "ui/replay_progress.hpp"
#include "ui/snapshot_receiver.hpp"
#include "ui/time_chart.hpp"
#include "ui/verdict_banner.hpp"

#include <QAbstractButton>
#include <QScreen>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;
using uitest::ev;

namespace {

monitor::SnapshotPtr fedSnapshot(int64_t nowMs = 5200, monitor::Phase phase = monitor::Phase::Live)
{
    uitest::FedPipeline pipeline(uitest::smallConfig());
    pipeline.feed({ev(101, 0, 1000), ev(102, 0, 1100), ev(101, 1, 1300), ev(105, 0, 4000), ev(105, 1, 4100)});
    monitor::PartitionLag lag;
    lag.topic = "orders.out";
    lag.partition = 2;
    lag.stage = 1;
    lag.lag = 1234;
    pipeline.partitions = {lag};
    return pipeline.snapshot(nowMs, phase);
}

bool shownInWindow(const QWidget* widget)
{
    return widget && widget->isVisibleTo(widget->window());
}

} // namespace

class TestDashboardWindow : public QObject {
    Q_OBJECT

private slots:
    void headerShowsPipelineState()
    {
        ui::DashboardWindow window;
        window.showSnapshot(fedSnapshot());
        auto* header = window.findChild<ui::HeaderBar*>(u"headerBar"_s);
        QCOMPARE(header->pipelineText(), u"test-pipeline"_s);
        QCOMPARE(header->phaseText(), u"LIVE"_s);
        QVERIFY(header->connectionText().contains(u"connected"_s));
        QVERIFY2(header->freshnessText().contains(u"incoming"_s) && header->freshnessText().contains(u"processed"_s),
                 qPrintable(header->freshnessText()));
        QVERIFY(header->lagText().contains(QLocale().toString(1234)));
        QVERIFY(window.windowTitle().startsWith(u"test-pipeline"_s));
    }

    void warRoomShowsOnlyTilesAndCharts()
    {
        ui::DashboardWindow window;
        window.showSnapshot(fedSnapshot());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(shownInWindow(window.findChild<QWidget*>(u"headerRow"_s)));
        QVERIFY(shownInWindow(window.findChild<QWidget*>(u"stuckPanel"_s)));
        const int deskValuePx = window.findChild<ui::KpiTile*>(u"tile.stuck"_s)->fittedValuePixelSize();

        QSignalSpy spy(&window, &ui::DashboardWindow::warRoomChanged);
        window.setWarRoom(true);
        QCOMPARE(spy.count(), 1);
        QVERIFY(window.isWarRoom());
        QVERIFY(window.windowState() & Qt::WindowFullScreen);
        QVERIFY(window.theme().highContrast);
        for (const QString& name : {u"headerRow"_s, u"controls"_s, u"stuckPanel"_s, u"replayProgress"_s, u"historyNote"_s})
            QVERIFY2(!shownInWindow(window.findChild<QWidget*>(name)), qPrintable(name + u" must be hidden in the war room"_s));
        for (const QString& name : {u"kpiPanel"_s, u"latencyChart"_s, u"openStuckChart"_s, u"throughputChart"_s, u"lagChart"_s})
            QVERIFY2(shownInWindow(window.findChild<QWidget*>(name)), qPrintable(name + u" must stay in the war room"_s));
        QTRY_VERIFY(window.findChild<ui::KpiTile*>(u"tile.stuck"_s)->fittedValuePixelSize() > deskValuePx);

        // F11 toggles back.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_F11);
        QVERIFY(!window.isWarRoom());
        QVERIFY(!(window.windowState() & Qt::WindowFullScreen));
        QVERIFY(shownInWindow(window.findChild<QWidget*>(u"headerRow"_s)));
        QVERIFY(shownInWindow(window.findChild<QWidget*>(u"stuckPanel"_s)));
        QVERIFY(!window.theme().highContrast);
        // F11 again enters, Esc leaves.
        QTest::keyClick(&window, Qt::Key_F11);
        QVERIFY(window.isWarRoom());
        QTest::keyClick(&window, Qt::Key_Escape);
        QVERIFY(!window.isWarRoom());
        QCOMPARE(spy.count(), 4);
    }

    void verdictSaysWhetherNumbersCanBeTrusted()
    {
        ui::DashboardWindow window;
        const monitor::SnapshotPtr healthy = fedSnapshot();
        auto variant = [&](auto change) {
            auto copy = std::make_shared<monitor::MonitorSnapshot>(*healthy);
            change(*copy);
            window.showSnapshot(copy);
            return QString(window.verdict().headline + u" | "_s + window.verdict().reason);
        };
        // fedSnapshot has record 102 open past the 1 s SLA: stuck now.
        QCOMPARE(variant([](monitor::MonitorSnapshot&) {}), u"SLA BREACHED | open > SLA 1.0 s \u00b7 1 record stuck"_s);
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) { s.gauges.stuck = 0; }),
                 u"HEALTHY | p99 "_s + QString::number(healthy->latencyLastMinute.p99) + u" ms \u2264 SLA 1.0 s (last 60 s) \u00b7 none stuck"_s);
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) {
                     s.gauges.stuck = 0;
                     s.latencyLastMinute.p99 = 1250;
                 }),
                 u"SLA BREACHED | p99 1.25 s > SLA 1.0 s (last 60 s) \u00b7 none stuck"_s);
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) {
                     s.health[1] = {monitor::StageHealthState::Blind, "topic \"orders.out\" does not exist", 0};
                 }),
                 u"CAN'T JUDGE | processed blind: topic \"orders.out\" does not exist"_s);
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) {
                     s.health[0] = {monitor::StageHealthState::CatchingUp, "behind", 0};
                     s.freshnessMs = {12'000, 3'000};
                     s.totalLag = 98'000;
                 }),
                 u"MONITOR BEHIND | slatrack is 12.0 s / 98k msgs behind the brokers"_s);
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) { s.fatalError = "the engine ran out of memory"; }),
                 u"MONITOR STOPPED | the engine ran out of memory"_s);
        // Without per-stage health (an older monitor), the connection decides.
        QCOMPARE(variant([](monitor::MonitorSnapshot& s) {
                     s.health.clear();
                     s.connected = false;
                 }),
                 u"CAN'T JUDGE | disconnected from the brokers"_s);
        // The same banner in the war room, with name, clock and data age.
        window.setWarRoom(true);
        variant([](monitor::MonitorSnapshot&) {});
        auto* banner = window.verdictBanner();
        QCOMPARE(banner->headlineText(), u"SLA BREACHED"_s);
        QVERIFY2(banner->contextText().startsWith(u"test-pipeline \u00b7 "_s), qPrintable(banner->contextText()));
        QVERIFY2(banner->contextText().contains(u"data age "_s), qPrintable(banner->contextText()));
        QVERIFY(shownInWindow(banner));
    }

    void fitsA1280By720ScreenWithLongTexts()
    {
        // A long broker error, pipeline name and stage names once made the
        // window 2,890 px wide; everything must stay reachable at 1280x720.
        auto copy = std::make_shared<monitor::MonitorSnapshot>(*fedSnapshot());
        copy->pipeline = std::string(120, 'p');
        copy->connected = false;
        copy->connectionDetail = "GroupCoordinator: 127.0.0.1:9092: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT, 30 identical error(s) suppressed) " + std::string(300, 'x');
        copy->stageNames = {std::string(80, 'i'), std::string(80, 'o')};
        copy->health[1] = {monitor::StageHealthState::Blind, std::string(400, 'w'), 0};
        ui::DashboardWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize beforeData = window.minimumSizeHint();
        QVERIFY2(beforeData.width() <= 1280 && beforeData.height() <= 720,
                 qPrintable(QStringLiteral("minimum size before data %1x%2").arg(beforeData.width()).arg(beforeData.height())));
        window.showSnapshot(copy);
        const QSize minimum = window.minimumSizeHint();
        qInfo("dashboard minimum size %dx%d", minimum.width(), minimum.height());
        QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 720,
                 qPrintable(QStringLiteral("minimum size %1x%2").arg(minimum.width()).arg(minimum.height())));
        // And it really shrinks there: nothing keeps it wider.
        window.resize(1280, 720);
        QTRY_VERIFY(window.width() <= 1280);
        QVERIFY(window.height() <= 720);
    }

    void settingsSurviveARestart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"slatrack.ini"_s);
        QString screenName;
        QSize deskSize;
        {
            ui::DashboardWindow window;
            window.useSettings(std::make_unique<QSettings>(path, QSettings::IniFormat));
            QCOMPARE(window.themeMode(), ui::ThemeMode::System);  // nothing saved yet
            window.setGeometry(40, 50, 1100, 700);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.setThemeMode(ui::ThemeMode::Dark);
            window.setWarRoom(true);
            screenName = window.screen()->name();
            window.setWarRoom(false);
            deskSize = window.size();
            qInfo("desk size %dx%d", deskSize.width(), deskSize.height());
            window.close();
        }
        QSettings raw(path, QSettings::IniFormat);
        QCOMPARE(raw.value(u"dashboard/theme"_s).toString(), u"dark"_s);
        QCOMPARE(raw.value(u"dashboard/warRoomScreen"_s).toString(), screenName);
        {
            ui::DashboardWindow window;
            window.useSettings(std::make_unique<QSettings>(path, QSettings::IniFormat));
            QCOMPARE(window.themeMode(), ui::ThemeMode::Dark);
            QVERIFY(window.theme().isDark);
            QCOMPARE(window.warRoomScreen(), screenName);
            QCOMPARE(window.size(), deskSize);
            QCOMPARE(window.width(), 1100);
        }
        // A settings file from elsewhere with nonsense in it reads as defaults.
        QSettings bad(dir.filePath(u"bad.ini"_s), QSettings::IniFormat);
        bad.setValue(u"dashboard/theme"_s, u"purple"_s);
        QCOMPARE(ui::DashboardSettings::load(bad).theme, ui::ThemeMode::System);
    }

    void pausedSaysPausedNotLive()
    {
        ui::DashboardWindow window;
        window.showSnapshot(fedSnapshot());
        auto* header = window.findChild<ui::HeaderBar*>(u"headerBar"_s);
        QCOMPARE(header->phaseText(), u"LIVE"_s);
        window.setPaused(true);
        QCOMPARE(header->phaseText(), u"PAUSED"_s);
        QCOMPARE(window.verdict().headline, u"PAUSED"_s);
        QVERIFY(window.verdict().tone != ui::Tone::Good);
        window.setWarRoom(true);
        QCOMPARE(window.verdictBanner()->headlineText(), u"PAUSED"_s);
        window.setPaused(false);
        QCOMPARE(header->phaseText(), u"LIVE"_s);
        QCOMPARE(window.verdict().headline, u"SLA BREACHED"_s);
    }

    void warRoomBeforeShowDoesNotShow()
    {
        // --war-room: the app may ask before show().
        ui::DashboardWindow window;
        window.setWarRoom(true);
        QVERIFY(!window.isVisible());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.isFullScreen());
    }

    void pauseHoldsTheViewAndResumeShowsTheNewest()
    {
        ui::DashboardWindow window;
        const auto first = fedSnapshot(5200);
        const auto second = fedSnapshot(6200);
        window.showSnapshot(first);
        QSignalSpy spy(&window, &ui::DashboardWindow::pausedChanged);
        window.findChild<QAbstractButton*>(u"pause"_s)->click();
        QVERIFY(window.isPaused());
        QCOMPARE(spy.count(), 1);
        window.showSnapshot(second);
        QCOMPARE(window.shownSnapshot(), first);
        QVERIFY(window.findChild<ui::HeaderBar*>(u"headerBar"_s)->asOfText().startsWith(u"PAUSED"_s));
        window.setPaused(false);
        QCOMPARE(window.shownSnapshot(), second);
        QVERIFY(window.findChild<ui::HeaderBar*>(u"headerBar"_s)->asOfText().startsWith(u"as of"_s));
        QCOMPARE(window.findChild<QAbstractButton*>(u"pause"_s)->text(), u"Pause"_s);
    }

    void receiverFeedsTheWindow()
    {
        ui::DashboardWindow window;
        window.receiver()->post(fedSnapshot());
        QTRY_VERIFY(window.shownSnapshot());
        QCOMPARE(window.findChild<ui::KpiTile*>(u"tile.open"_s)->valueText(), u"1"_s);
    }

    void themesFollowTheChoice()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        QVERIFY(ui::systemPrefersDark(dark));
        QVERIFY(!ui::systemPrefersDark(light));

        ui::DashboardWindow window;
        window.showSnapshot(fedSnapshot());
        window.setThemeMode(ui::ThemeMode::Dark);
        QVERIFY(window.palette().color(QPalette::Window).lightness() < 128);
        QVERIFY(window.theme().isDark);
        window.setThemeMode(ui::ThemeMode::Light);
        QVERIFY(window.palette().color(QPalette::Window).lightness() > 128);
        QVERIFY(!window.theme().isDark);

        // "System" follows the desktop palette, also when it changes later.
        window.setThemeMode(ui::ThemeMode::System);
        const QPalette original = QGuiApplication::palette();
        QApplication::setPalette(dark);
        QTRY_VERIFY(window.theme().isDark);
        QApplication::setPalette(light);
        QTRY_VERIFY(!window.theme().isDark);
        QApplication::setPalette(original);
    }

    void replayProgressOnlyWhileReplaying()
    {
        ui::DashboardWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto replaying = std::make_shared<monitor::MonitorSnapshot>(*fedSnapshot(5200, monitor::Phase::Replaying));
        replaying->replayPercent = 42.5;
        replaying->replayEtaMs = 72'000;
        replaying->replay = {{4250, 10'000}, {4000, 10'000}};
        window.showSnapshot(replaying);
        auto* progress = window.findChild<ui::ReplayProgress*>(u"replayProgress"_s);
        QVERIFY(progress->isVisible());
        QCOMPARE(progress->percent(), 43);
        QVERIFY2(progress->text().contains(u"ETA 1 min 12 s"_s), qPrintable(progress->text()));
        QVERIFY2(progress->text().contains(QLocale().toString(42.5, 'f', 1) + u'%'), qPrintable(progress->text()));
        QCOMPARE(window.findChild<ui::HeaderBar*>(u"headerBar"_s)->phaseText(), u"REPLAYING 43%"_s);
        window.showSnapshot(fedSnapshot(6200, monitor::Phase::Live));
        QVERIFY(!progress->isVisible());
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "test_dashboard_window.moc"

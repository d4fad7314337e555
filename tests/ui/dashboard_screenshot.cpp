// Renders the dashboard fed with the realistic traffic scenario (3 minutes,
// a latency spike above the SLA, stuck records, orphans, partition lag) and
// saves PNGs, so a person can judge the dashboard as an operator would.
//
//   slatrack-ui-screenshot [--out DIR] [--width W] [--height H] [--states]
//
// Writes DIR/dashboard.png, DIR/dashboard-dark.png and DIR/war-room.png,
// and with --states one PNG per verdict (healthy, breached, blind, behind)
// for the desk and the war room, named by their size in pixels
// (dashboard-1366x768-blind.png; under QT_SCALE_FACTOR=2 the pixels are
// twice the window's size). healthy is the scenario at 30 s, before its
// slowdown and before its lost records pass the SLA; breached is its end;
// blind and behind are the end with what ingestion would report changed
// (a stage blind; the monitor's own consumer 98k messages behind). Every
// snapshot carries the pipeline's consumer-group lag (orders-enricher on
// orders.in) as the lag poller would report it for the scenario.
// and prints how long rendering one snapshot took (showSnapshot plus the
// repaint), the UI thread's cost per update. Works under
// QT_QPA_PLATFORM=offscreen or xvfb-run.
#include "ui_fixture.hpp"

#include "ui/dashboard_window.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QStyleFactory>
#include <QTest>

#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace slatrack;
using namespace Qt::StringLiterals;

namespace {

bool save(QWidget& widget, const QString& path)
{
    // Let layouts, fitting and chart geometry settle before grabbing.
    for (int round = 0; round < 5; ++round) {
        QApplication::processEvents();
        QTest::qWait(20);
    }
    const QPixmap pixmap = widget.grab();
    if (!pixmap.save(path)) {
        std::fprintf(stderr, "slatrack-ui-screenshot: cannot write %s\n", qPrintable(path));
        return false;
    }
    std::printf("%s (%dx%d)\n", qPrintable(path), pixmap.width(), pixmap.height());
    return true;
}

// The pipeline's own consumer group on orders.in, as the lag poller would
// report it for the scenario: a small steady backlog, growing while the
// scenario's processor slows down (110-140 s), draining after. Read every
// 5 s, as the poller does.
monitor::SnapshotPtr withPipelineLag(const monitor::SnapshotPtr& base, int64_t startMs)
{
    auto copy = std::make_shared<monitor::MonitorSnapshot>(*base);
    const int64_t readAtMs = base->takenAtMs - (base->takenAtMs - startMs) % 5'000;
    const double seconds = static_cast<double>(readAtMs - startMs) / 1000.0;
    constexpr double kBase = 240, kGrowPerS = 380, kDrainPerS = 600;
    double backlog = kBase;
    monitor::LagTrend trend = monitor::LagTrend::Steady;
    if (seconds >= 110 && seconds < 140) {
        backlog = kBase + (seconds - 110) * kGrowPerS;
        trend = monitor::LagTrend::Growing;
    } else if (seconds >= 140) {
        backlog = std::max(kBase, kBase + 30 * kGrowPerS - (seconds - 140) * kDrainPerS);
        trend = backlog > kBase ? monitor::LagTrend::Shrinking : monitor::LagTrend::Steady;
    }
    monitor::GroupLag group;
    group.group = "orders-enricher";
    group.stageName = "incoming";
    group.topics = {"orders.in"};
    group.state = monitor::GroupLagState::Ok;
    group.why.clear();
    group.readAtMs = readAtMs;
    group.trend = trend;
    group.messages = 0;
    group.timeMs = 0;
    for (int32_t partition = 0; partition < 6; ++partition) {
        monitor::GroupPartitionLag entry;
        entry.topic = "orders.in";
        entry.partition = partition;
        entry.messages = static_cast<int64_t>(backlog / 6) + partition * 3;
        entry.highWatermark = 400'000 + partition * 1'000;
        entry.committed = entry.highWatermark - entry.messages;
        // At ~400 records/s over 6 partitions the first uncommitted record
        // waited about its partition's backlog / 67 per second.
        entry.timeMs = entry.messages * 1000 / 67;
        entry.trend = trend;
        group.messages += entry.messages;
        group.timeMs = std::max(group.timeMs, entry.timeMs);
        group.partitions.push_back(std::move(entry));
    }
    copy->pipelineLag = {group};
    return copy;
}

monitor::SnapshotPtr variant(const monitor::SnapshotPtr& base, const QString& state)
{
    auto copy = std::make_shared<monitor::MonitorSnapshot>(*base);
    if (state == u"blind"_s) {
        copy->health.back() = {monitor::StageHealthState::Blind,
                               "no answer about orders.out[0-5] from broker 127.0.0.1:9092/2 for 8.0 s", copy->takenAtMs - 8'000};
    } else if (state == u"behind"_s) {
        copy->health.front() = {monitor::StageHealthState::CatchingUp, "reading 41 s behind the newest records", copy->takenAtMs - 30'000};
        copy->freshnessMs = {41'000, 12'000, 9'000};
        copy->totalLag = 98'400;
    }
    return copy;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"out"_s, u"Directory for the PNGs."_s, u"dir"_s, u"."_s});
    parser.addOption({u"width"_s, u"Window width."_s, u"px"_s, u"1920"_s});
    parser.addOption({u"height"_s, u"Window height."_s, u"px"_s, u"1080"_s});
    parser.addOption({u"states"_s, u"Also one PNG per verdict, desk and war room."_s});
    parser.process(app);
    const QDir out(parser.value(u"out"_s));
    if (!out.exists() && !QDir().mkpath(out.path())) {
        std::fprintf(stderr, "slatrack-ui-screenshot: cannot create %s\n", qPrintable(out.path()));
        return 2;
    }
    const QSize size(parser.value(u"width"_s).toInt(), parser.value(u"height"_s).toInt());

    ui::DashboardWindow window;
    window.setThemeMode(ui::ThemeMode::Light);
    window.resize(size);
    window.show();
    // The monitor publishes 4 times a second; the window renders each.
    uitest::TrafficScenario scenario;
    // Ending now, so the war room's clock and data age read as live.
    scenario.startMs = QDateTime::currentMSecsSinceEpoch() - scenario.seconds * 1000LL;
    std::vector<double> renderMs;
    QElapsedTimer clock;
    monitor::SnapshotPtr healthy;
    uitest::runScenario(scenario, [&](const monitor::SnapshotPtr& snapshot) {
        if (!healthy && snapshot->takenAtMs - scenario.startMs >= 30'000)
            healthy = withPipelineLag(snapshot, scenario.startMs);
        clock.start();
        window.showSnapshot(withPipelineLag(snapshot, scenario.startMs));
        window.repaint();
        renderMs.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
    });
    const monitor::SnapshotPtr last = window.shownSnapshot();
    std::sort(renderMs.begin(), renderMs.end());
    if (!renderMs.empty()) {
        std::printf("render of one snapshot at %dx%d: median %.1f ms, p99 %.1f ms, max %.1f ms (%zu renders)\n", size.width(),
                    size.height(), renderMs[renderMs.size() / 2], renderMs[renderMs.size() * 99 / 100], renderMs.back(),
                    renderMs.size());
    }
    window.resize(size);
    bool ok = save(window, out.filePath(u"dashboard.png"_s));
    const qreal ratio = window.devicePixelRatioF();
    const QString pixels = QStringLiteral("%1x%2").arg(qRound(size.width() * ratio)).arg(qRound(size.height() * ratio));
    const bool states = parser.isSet(u"states"_s) && last;
    const auto saveStates = [&](const QString& prefix) {
        for (const QString& state : {u"healthy"_s, u"breached"_s, u"blind"_s, u"behind"_s}) {
            window.showSnapshot(state == u"healthy"_s && healthy ? healthy : variant(last, state));
            ok = save(window, out.filePath(prefix + pixels + u'-' + state + u".png"_s)) && ok;
        }
        window.showSnapshot(last);
    };
    // Desk states first: leaving full screen may restore another size.
    if (states)
        saveStates(u"dashboard-"_s);

    window.setThemeMode(ui::ThemeMode::Dark);
    ok = save(window, out.filePath(u"dashboard-dark.png"_s)) && ok;

    window.setWarRoom(true);
    window.setGeometry(QRect(QPoint(0, 0), size));  // the screen may be smaller than the wall we judge for
    ok = save(window, out.filePath(u"war-room.png"_s)) && ok;
    if (states)
        saveStates(u"war-room-"_s);
    return ok ? 0 : 1;
}

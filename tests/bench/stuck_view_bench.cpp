#include "stuck_view_bench.hpp"

#include "resident_memory.hpp"

#include "tests/ui/stuck_view_fixture.hpp"
#include "ui/drill_down_panel.hpp"
#include "ui/stuck_view_model.hpp"
#include "ui/stuck_view_window.hpp"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>

namespace slatrack::bench {

namespace {

constexpr int kProbeIntervalMs = 4;
constexpr int kWaitLimitMs = 60'000;

double residentMb() { return static_cast<double>(residentBytes()) / (1024.0 * 1024.0); }

// Counts paints of the table's viewport: "painted" means the pixels an
// operator sees were drawn after the data arrived.
class PaintCounter : public QObject {
public:
    quint64 paints = 0;
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

// Runs the event loop until `done` (or the limit); false on the limit.
bool waitUntil(const std::function<bool()>& done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > kWaitLimitMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 2);
    }
    return true;
}

} // namespace

int runStuckViewBench(size_t stuckRecords)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    int qtArgc = 1;
    char name[] = "slatrack-bench";
    char* qtArgv[] = {name, nullptr};
    QApplication application(qtArgc, qtArgv);

    // The engine on its own thread, as in the app, holding the records.
    test::EngineThread engine(uitest::stuckConfig(stuckRecords + 1000));
    QElapsedTimer feedClock;
    feedClock.start();
    const int64_t nowMs = uitest::feedStuck(engine, stuckRecords);
    const auto snapshot = engine.snapshot(nowMs, uitest::kStageNames, uitest::stagePartitions());
    const double feedSeconds = static_cast<double>(feedClock.elapsed()) / 1000.0;
    if (snapshot->gauges.stuck != stuckRecords) {
        std::fprintf(stderr, "slatrack-bench ui --stuck: the engine holds %llu stuck records, not %zu\n",
                     static_cast<unsigned long long>(snapshot->gauges.stuck), stuckRecords);
        return 1;
    }
    const auto someStuck = engine.call([](engine::JoinEngine& joined) { return joined.oldestStuck(1); });

    // UI-thread stalls from here on: a 4 ms timer's lateness.
    double longestStallMs = 0;
    bool probing = false;
    QElapsedTimer sinceTick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(kProbeIntervalMs);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = static_cast<double>(sinceTick.nsecsElapsed()) / 1e6 - kProbeIntervalMs;
        sinceTick.restart();
        if (probing)
            longestStallMs = std::max(longestStallMs, late);
    });
    sinceTick.start();
    probe.start();
    // Let the probe settle (its first ticks are late by start-up work).
    waitUntil([&, clock = QElapsedTimer()]() mutable {
        if (!clock.isValid())
            clock.start();
        return clock.elapsed() > 300;
    });
    const double rssBefore = residentMb();
    probing = true;

    nlohmann::json result = {{"bench", "ui --stuck"}, {"stuck_records", stuckRecords}, {"feed_seconds", feedSeconds}};
    QElapsedTimer clock;

    // First paint: the window opens, the engine builds the listing, the
    // first page is drawn.
    clock.start();
    auto access = uitest::accessFor(engine, config::IdFormat::Composite);
    ui::StuckViewWindow window(access);
    window.resize(1400, 800);
    PaintCounter painted;
    window.view()->viewport()->installEventFilter(&painted);
    window.showSnapshot(snapshot);
    window.show();
    ui::StuckViewModel* model = window.model();
    // Paints counted when each listing or page arrived: the wait ends at the
    // first paint after it (not one that happened before, in the same
    // event-loop pass).
    quint64 paintsAtBuild = 0, paintsAtPage = 0;
    QObject::connect(model, &ui::StuckViewModel::listingChanged, [&] { paintsAtBuild = painted.paints; });
    QObject::connect(model, &QAbstractItemModel::dataChanged, [&] { paintsAtPage = painted.paints; });
    auto paintedAfterAnswer = [&](quint64 buildsBefore) {
        return waitUntil([&] {
            return model->builds() > buildsBefore && !model->busy() && (model->rowCount() == 0 || model->rowAt(0)) &&
                   painted.paints > paintsAtBuild;
        });
    };
    if (!paintedAfterAnswer(0)) {
        std::fprintf(stderr, "slatrack-bench ui --stuck: the stuck view never painted its first page\n");
        return 1;
    }
    result["first_paint_ms"] = clock.elapsed();
    result["first_listing_build_ms_engine_thread"] = model->lastBuildMs();
    result["first_listing_apply_us_ui_thread"] = model->lastApplyUs();

    // A sort change (header click): a new listing sorted by ID.
    quint64 before = model->builds();
    clock.restart();
    window.view()->sortByColumn(static_cast<int>(engine::StuckColumn::Id), Qt::AscendingOrder);
    if (!paintedAfterAnswer(before))
        return 1;
    result["sort_change_ms"] = clock.elapsed();
    result["sort_listing_build_ms_engine_thread"] = model->lastBuildMs();
    result["sort_listing_apply_us_ui_thread"] = model->lastApplyUs();

    // Filter keystrokes: "a", then "a7" (each one a new listing).
    nlohmann::json keystrokes = nlohmann::json::array();
    int64_t worstKeystroke = 0;
    QString typed;
    for (const QChar key : {QChar(u'a'), QChar(u'7')}) {
        typed += key;
        before = model->builds();
        clock.restart();
        window.idFilter()->setText(typed);
        if (!paintedAfterAnswer(before))
            return 1;
        const int64_t ms = clock.elapsed();
        worstKeystroke = std::max(worstKeystroke, ms);
        keystrokes.push_back({{"filter", typed.toStdString()}, {"ms", ms}, {"rows", model->rowCount()}, {"build_ms_engine_thread", model->lastBuildMs()},
                             {"narrowed_previous_listing", model->lastBuildNarrowed()}});
    }
    result["filter_keystrokes"] = keystrokes;
    result["filter_keystroke_ms_max"] = worstKeystroke;

    // Clear the filter, jump to the middle of the million rows.
    before = model->builds();
    window.idFilter()->clear();
    if (!paintedAfterAnswer(before))
        return 1;
    clock.restart();
    QScrollBar* scroll = window.view()->verticalScrollBar();
    scroll->setValue(scroll->maximum() / 2);
    const int middleRow = window.view()->rowAt(window.view()->viewport()->height() / 2);
    if (!waitUntil([&] { return middleRow >= 0 && model->rowAt(middleRow) != nullptr && painted.paints > paintsAtPage; }))
        return 1;
    result["scroll_to_middle_ms"] = clock.elapsed();

    // Lookup by ID, end to end: typed, asked on the engine thread, shown.
    bool answered = false;
    QObject::connect(&window, &ui::StuckViewWindow::lookupAnswered, [&] { answered = true; });
    clock.restart();
    window.lookup(QString::fromStdString(someStuck.front().id));
    if (!waitUntil([&] { return answered; }))
        return 1;
    result["lookup_ms"] = clock.elapsed();
    result["lookup_state"] = window.drillDown()->answer().state == monitor::LookupState::Stuck ? "stuck" : "unexpected";

    // A live refresh of the whole list (what the view does by itself).
    before = model->builds();
    clock.restart();
    window.refreshNow();
    if (!paintedAfterAnswer(before))
        return 1;
    result["refresh_ms"] = clock.elapsed();

    probing = false;
    const double rssAfter = residentMb();
    result["ui_stall_ms_max"] = longestStallMs;
    result["rss_mb"] = {{"before_view", rssBefore}, {"after", rssAfter}, {"added_by_view", rssAfter - rssBefore}};
    result["listing_bytes_engine_thread"] = model->listingBytes();
    result["rows_held_by_model_max"] = ui::StuckViewModel::kMaxPages * ui::StuckViewModel::kPageRows;
    result["targets"] = {{"first_paint_ms", 200}, {"sort_change_ms", 500}, {"filter_keystroke_ms", 100}, {"ui_stall_ms_max", 50},
                         {"added_mb", 100}, {"lookup_ms", 100}};
    std::cout << result.dump() << std::endl;
    window.close();
    return 0;
}

} // namespace slatrack::bench

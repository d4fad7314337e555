#include "dashboard_window.hpp"

#include "alerts_values.hpp"
#include "alerts_window.hpp"
#include "kpi_tile.hpp"

#include "dashboard_controls.hpp"
#include "dashboard_settings.hpp"
#include "header_bar.hpp"
#include "kpi_panel.hpp"
#include "lost_records_dialog.hpp"
#include "range_dialog.hpp"
#include "lag_chart.hpp"
#include "latency_chart.hpp"
#include "open_stuck_chart.hpp"
#include "replay_progress.hpp"
#include "snapshot_receiver.hpp"
#include "stuck_records_panel.hpp"
#include "stuck_view_window.hpp"
#include "throughput_chart.hpp"
#include "verdict_banner.hpp"

#include "core/time/rfc3339.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QEvent>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QResizeEvent>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// War-room type is designed at 1080 lines; a 4K wall scales it up, a small
// projector down, within limits that keep the layout sane.
constexpr double kDesignHeight = 1080.0;
constexpr double kMinWarRoomScale = 0.7;
constexpr double kMaxWarRoomScale = 3.0;
constexpr int kDeskMargin = 12;
constexpr int kWarRoomMargin = 16;

} // namespace

DashboardWindow::DashboardWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_receiver(new SnapshotReceiver(this))
    , m_systemDark(systemPrefersDark(QGuiApplication::palette()))
{
    setWindowTitle(u"slatrack"_s);
    setObjectName(u"dashboard"_s);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setSpacing(10);

    m_headerRow = new QWidget(central);
    m_headerRow->setObjectName(u"headerRow"_s);
    auto* headerLayout = new QHBoxLayout(m_headerRow);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    m_header = new HeaderBar(m_headerRow);
    m_header->setObjectName(u"headerBar"_s);
    m_controls = new DashboardControls(m_headerRow);
    m_controls->setObjectName(u"controls"_s);
    headerLayout->addWidget(m_header, 1);
    headerLayout->addWidget(m_controls);
    layout->addWidget(m_headerRow);

    m_replay = new ReplayProgress(central);
    m_replay->setObjectName(u"replayProgress"_s);
    m_replay->hide();
    layout->addWidget(m_replay);

    m_verdict = new VerdictBanner(central);
    layout->addWidget(m_verdict);

    m_kpis = new KpiPanel(central);
    m_kpis->setObjectName(u"kpiPanel"_s);
    m_kpis->tile(KpiId::Alerts)->installEventFilter(this);
    m_kpis->tile(KpiId::Alerts)->setCursor(Qt::PointingHandCursor);
    layout->addWidget(m_kpis);

    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_splitter->setChildrenCollapsible(false);
    auto* chartsArea = new QWidget(m_splitter);
    chartsArea->setObjectName(u"chartsArea"_s);
    auto* chartsLayout = new QVBoxLayout(chartsArea);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    m_historyNote = new QLabel(chartsArea);
    m_historyNote->setObjectName(u"historyNote"_s);
    m_historyNote->setWordWrap(true);
    m_historyNote->hide();
    m_historyNote->setTextFormat(Qt::PlainText);
    m_lostButton = new QPushButton(chartsArea);
    m_lostButton->setObjectName(u"lostInRange"_s);
    m_lostButton->hide();
    connect(m_lostButton, &QPushButton::clicked, this, &DashboardWindow::openLostRecords);
    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(m_historyNote, 1);
    noteRow->addWidget(m_lostButton, 0, Qt::AlignTop);
    chartsLayout->addLayout(noteRow);
    // 1 h and 24 h end now: asked again as time passes (a query is a few
    // ms on the store's reader thread).
    m_historyRefresh = new QTimer(this);
    m_historyRefresh->setInterval(15'000);
    connect(m_historyRefresh, &QTimer::timeout, this, &DashboardWindow::requestHistory);
    auto* grid = new QGridLayout;
    grid->setSpacing(8);
    m_latency = new LatencyChart(chartsArea);
    m_latency->setObjectName(u"latencyChart"_s);
    m_openStuck = new OpenStuckChart(chartsArea);
    m_openStuck->setObjectName(u"openStuckChart"_s);
    m_throughput = new ThroughputChart(chartsArea);
    m_throughput->setObjectName(u"throughputChart"_s);
    m_lag = new LagChart(chartsArea);
    m_lag->setObjectName(u"lagChart"_s);
    grid->addWidget(m_latency, 0, 0);
    grid->addWidget(m_openStuck, 0, 1);
    grid->addWidget(m_throughput, 1, 0);
    grid->addWidget(m_lag, 1, 1);
    // Equal columns: the plots are aligned by margins, which only works
    // when the charts above each other have the same width.
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    chartsLayout->addLayout(grid, 1);
    m_stuck = new StuckRecordsPanel(m_splitter);
    m_stuck->setObjectName(u"stuckPanel"_s);
    m_splitter->addWidget(chartsArea);
    m_splitter->addWidget(m_stuck);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_splitterMovedByUser = true; });
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_warRoomAction = new QAction(u"War room"_s, this);
    m_warRoomAction->setShortcut(Qt::Key_F11);
    m_warRoomAction->setShortcutContext(Qt::WindowShortcut);
    addAction(m_warRoomAction);
    connect(m_warRoomAction, &QAction::triggered, this, &DashboardWindow::toggleWarRoom);
    m_leaveWarRoomAction = new QAction(u"Leave war room"_s, this);
    m_leaveWarRoomAction->setShortcut(Qt::Key_Escape);
    m_leaveWarRoomAction->setShortcutContext(Qt::WindowShortcut);
    m_leaveWarRoomAction->setEnabled(false);
    addAction(m_leaveWarRoomAction);
    connect(m_leaveWarRoomAction, &QAction::triggered, this, [this] { setWarRoom(false); });

    // The investigation entries: "Stuck now" double-click and "Show all",
    // Ctrl+F, and pasting an ID anywhere on the dashboard.
    auto* findAction = new QAction(u"Find record by ID"_s, this);
    findAction->setShortcut(QKeySequence::Find);
    findAction->setShortcutContext(Qt::WindowShortcut);
    addAction(findAction);
    connect(findAction, &QAction::triggered, this, [this] {
        openStuckView();
        m_stuckView->focusLookup();
    });
    auto* pasteAction = new QAction(u"Look up pasted ID"_s, this);
    pasteAction->setShortcut(QKeySequence::Paste);
    pasteAction->setShortcutContext(Qt::WindowShortcut);
    addAction(pasteAction);
    connect(pasteAction, &QAction::triggered, this, &DashboardWindow::lookupClipboard);
    connect(m_stuck, &StuckRecordsPanel::showAllRequested, this, &DashboardWindow::openStuckView);
    connect(m_stuck, &StuckRecordsPanel::recordActivated, this, &DashboardWindow::lookupRecord);

    // One crosshair time for every chart, and every plot starting at the
    // same x, so a moment lines up across the dashboard.
    const std::initializer_list<TimeChart*> charts{m_latency, m_openStuck, m_throughput, m_lag};
    for (TimeChart* chart : charts) {
        connect(chart, &TimeChart::crosshairMoved, this, [this](qint64 atMs) {
            for (TimeChart* each : std::initializer_list<TimeChart*>{m_latency, m_openStuck, m_throughput, m_lag})
                each->showCrosshairAt(atMs);
        });
        connect(chart, &TimeChart::naturalPlotLeftChanged, this, &DashboardWindow::alignPlots);
    }

    connect(m_receiver, &SnapshotReceiver::snapshotReady, this, &DashboardWindow::showSnapshot);
    connect(m_controls, &DashboardControls::timeRangeRequested, this, &DashboardWindow::setTimeRange);
    connect(m_controls, &DashboardControls::pauseRequested, this, &DashboardWindow::setPaused);
    connect(m_controls, &DashboardControls::themeModeRequested, this, &DashboardWindow::setThemeMode);
    connect(m_controls, &DashboardControls::warRoomRequested, this, [this] { setWarRoom(true); });

    QCoreApplication::instance()->installEventFilter(this);
    resize(1600, 960);
    applyTheme();
}

DashboardWindow::~DashboardWindow() = default;

void DashboardWindow::showSnapshot(monitor::SnapshotPtr snapshot)
{
    if (!snapshot)
        return;
    if (m_paused) {
        // Frozen view, but the lag history keeps its samples so resuming
        // shows no hole; the newest snapshot waits for resume.
        m_lag->record(*snapshot);
        m_heldWhilePaused = std::move(snapshot);
        return;
    }
    render(snapshot);
}

void DashboardWindow::render(const monitor::SnapshotPtr& snapshot)
{
    m_shown = snapshot;
    const monitor::MonitorSnapshot& data = *snapshot;
    setWindowTitle(data.pipeline.empty() ? u"slatrack"_s : QString::fromStdString(data.pipeline) + u" \u2014 slatrack"_s);
    m_header->showSnapshot(data);
    m_replay->setVisible(!m_warRoom && data.phase == monitor::Phase::Replaying);
    if (data.phase == monitor::Phase::Replaying)
        m_replay->showSnapshot(data);
    m_verdict->showSnapshot(snapshot, m_paused);
    m_kpis->showSnapshot(data);
    showAlertsTile();
    if (m_alertsWindow && m_alertsWindow->isVisible())
        m_alertsWindow->refresh(snapshot);
    // Showing a stored range: those two charts keep the store's answer.
    if (!showsStoredHistory()) {
        m_latency->showSnapshot(data);
        m_throughput->showSnapshot(data);
    }
    m_openStuck->showSnapshot(data);
    m_lag->showSnapshot(data);
    m_stuck->showSnapshot(snapshot);
    if (m_stuckView)
        m_stuckView->showSnapshot(snapshot);
    updateHistoryNote();
}

void DashboardWindow::setAlerting(std::shared_ptr<alerting::AlertingService> service, size_t pagers, const QString& why)
{
    m_alerting = std::move(service);
    m_alertPagers = pagers;
    m_alertingWhy = why;
    if (m_alertsWindow)
        m_alertsWindow->setService(m_alerting, m_alertPagers, m_alertingWhy);
    showAlertsTile();
}

void DashboardWindow::showAlertsTile()
{
    const KpiValue value = alertsTileValue(alertsViewOf(m_alerting.get(), m_alertPagers, m_alertingWhy));
    m_kpis->tile(KpiId::Alerts)->setValue(value.text, value.tone, value.detail, value.breakdown);
}

void DashboardWindow::openAlerts()
{
    if (!m_alertsWindow) {
        m_alertsWindow = std::make_unique<AlertsWindow>();
        m_alertsWindow->applyTheme(m_theme);
        m_alertsWindow->setService(m_alerting, m_alertPagers, m_alertingWhy);
    }
    m_alertsWindow->refresh(m_shown);
    m_alertsWindow->show();
    m_alertsWindow->raise();
    m_alertsWindow->activateWindow();
}

void DashboardWindow::setEngineAccess(EngineAccess access)
{
    m_access = std::move(access);
    const bool wasOpen = m_stuckView && m_stuckView->isVisible();
    m_stuckView.reset();
    if (wasOpen)
        openStuckView();
}

void DashboardWindow::openStuckView()
{
    if (!m_stuckView) {
        m_stuckView = std::make_unique<StuckViewWindow>(m_access);
        m_stuckView->setPalette(m_theme.palette());
        m_stuckView->applyTheme(m_theme);
        if (m_shown)
            m_stuckView->showSnapshot(m_shown);
    }
    m_stuckView->show();
    m_stuckView->raise();
    m_stuckView->activateWindow();
}

void DashboardWindow::lookupRecord(const QString& typed)
{
    openStuckView();
    m_stuckView->lookup(typed);
}

QString DashboardWindow::openLink(const monitor::DeepLink& link)
{
    // Clicked elsewhere (a page, a chat): come to the front, un-minimized.
    setWindowState(windowState() & ~Qt::WindowMinimized);
    show();
    raise();
    activateWindow();
    QString done = QStringLiteral("opened pipeline \"%1\"").arg(QString::fromStdString(link.pipeline));
    if (link.fromMs) {
        const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const int64_t toMs = link.toMs.value_or(std::max(nowMs, *link.fromMs + 1));
        showRange(*link.fromMs, toMs);
        done += QStringLiteral(" at %1 \u2013 %2").arg(QString::fromStdString(rfc3339::formatMs(*link.fromMs)), QString::fromStdString(rfc3339::formatMs(toMs)));
    }
    if (link.recordId) {
        const QString typed = QString::fromStdString(monitor::lookupTextOfId(*link.recordId));
        lookupRecord(typed);
        done += QStringLiteral(", looking up record %1").arg(typed);
    }
    return done;
}

void DashboardWindow::lookupClipboard()
{
    const QString text = QApplication::clipboard()->text();
    if (!text.trimmed().isEmpty())
        lookupRecord(text);
}

void DashboardWindow::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_controls->setPaused(paused);
    m_header->setPaused(paused);
    if (!paused && m_heldWhilePaused)
        render(std::exchange(m_heldWhilePaused, nullptr));
    else
        m_verdict->showSnapshot(m_shown, paused);
    emit pausedChanged(paused);
}

void DashboardWindow::setTimeRange(TimeRange range)
{
    if (range == TimeRange::Custom && m_customToMs <= m_customFromMs) {
        openRangeDialog();  // showRange() follows if the operator says OK
        m_controls->setTimeRange(m_range);
        return;
    }
    m_range = range;
    m_controls->setTimeRange(range);
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_openStuck, m_throughput, m_lag})
        chart->setTimeRange(range == TimeRange::Custom ? TimeRange::Day : range);
    m_historyResult.reset();
    ++m_historyGeneration;  // an answer still on its way is for another range
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_throughput})
        chart->clearFixedWindow();
    if (showsStoredHistory()) {
        requestHistory();
        if (range != TimeRange::Custom)
            m_historyRefresh->start();
        else
            m_historyRefresh->stop();
    } else {
        m_historyRefresh->stop();
    }
    if (m_shown)
        render(m_shown);
    updateHistoryNote();
}

void DashboardWindow::setHistorySource(std::shared_ptr<monitor::HistoryQuery> source, const QString& unavailable)
{
    m_history = std::move(source);
    m_historyUnavailable = unavailable;
    setTimeRange(m_range);
}

void DashboardWindow::showRange(int64_t fromMs, int64_t toMs)
{
    m_customFromMs = fromMs;
    m_customToMs = toMs;
    setTimeRange(TimeRange::Custom);
}

bool DashboardWindow::showsStoredHistory() const
{
    return m_history && m_range != TimeRange::Live5Min;
}

void DashboardWindow::openRangeDialog()
{
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!m_rangeDialog) {
        m_rangeDialog = new RangeDialog(nowMs - 3'600'000, nowMs, nowMs, this);
        connect(m_rangeDialog, &QDialog::accepted, this, [this] { showRange(m_rangeDialog->fromMs(), m_rangeDialog->toMs()); });
    }
    m_rangeDialog->open();
}

void DashboardWindow::requestHistory()
{
    if (!showsStoredHistory())
        return;
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const int64_t toMs = m_range == TimeRange::Custom ? std::min(m_customToMs, nowMs) : nowMs;
    const int64_t fromMs = m_range == TimeRange::Custom ? m_customFromMs : nowMs - rangeSeconds(m_range) * 1000;
    const uint64_t generation = m_historyGeneration;
    QPointer<DashboardWindow> self(this);
    // The answer arrives on the store's reader thread: hand it to ours,
    // where `self` can be checked safely.
    m_history->request(fromMs, toMs, nowMs, [self, generation](monitor::HistoryResult result) {
        auto shared = std::make_shared<monitor::HistoryResult>(std::move(result));
        QMetaObject::invokeMethod(qApp, [self, generation, shared] {
            if (self && self->m_historyGeneration == generation)
                self->applyHistory(shared);
        }, Qt::QueuedConnection);
    });
}

void DashboardWindow::applyHistory(std::shared_ptr<monitor::HistoryResult> result)
{
    m_historyResult = std::move(result);
    const monitor::HistoryResult& history = *m_historyResult;
    // The charts draw a snapshot: the live one's SLA and stage names with
    // the store's points; no "last 60 s" tile band over a past range.
    monitor::MonitorSnapshot stored = m_shown ? *m_shown : monitor::MonitorSnapshot{};
    stored.series = history.series;
    stored.latencyLastMinute = {};
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_throughput})
        chart->setFixedWindow(history.fromMs, history.toMs);
    m_latency->showSnapshot(stored);
    m_throughput->showSnapshot(stored);
    if (m_lostDialog && m_lostDialog->isVisible())
        openLostRecords();
    updateHistoryNote();
    emit historyArrived();
}

void DashboardWindow::openLostRecords()
{
    if (!m_historyResult)
        return;
    if (!m_lostDialog)
        m_lostDialog = new LostRecordsDialog(this);
    const monitor::HistoryResult& history = *m_historyResult;
    const QString range = QString::fromStdString(rfc3339::formatMs(history.fromMs)) + u" \u2013 "_s + QString::fromStdString(rfc3339::formatMs(history.toMs));
    m_lostDialog->showRecords(range, history.lostTotal, history.lost, m_shown ? m_shown->stageNames : std::vector<std::string>{});
    m_lostDialog->show();
    m_lostDialog->raise();
}

void DashboardWindow::alignPlots()
{
    qreal left = 0;
    qreal rightInset = 0;
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_openStuck, m_throughput, m_lag}) {
        left = std::max(left, chart->naturalPlotLeft());
        rightInset = std::max(rightInset, chart->naturalPlotRightInset());
    }
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_openStuck, m_throughput, m_lag}) {
        chart->setPlotLeft(left);
        chart->setPlotRightInset(rightInset);
    }
}

bool DashboardWindow::showsHistoryNote() const
{
    return !m_historyNote->isHidden();
}

const Verdict& DashboardWindow::verdict() const
{
    return m_verdict->verdict();
}

QString DashboardWindow::historyNoteText() const
{
    return m_historyNote->text();
}

void DashboardWindow::updateHistoryNote()
{
    constexpr int64_t kHeldSeconds = monitor::MonitorSnapshot::kSeriesSeconds;
    m_lostButton->hide();
    if (m_range == TimeRange::Live5Min) {
        m_historyNote->hide();
        return;
    }
    m_historyNote->setVisible(!m_warRoom);
    if (!m_history) {
        m_historyNote->setText(QStringLiteral("Showing the last %1 min held in memory: the %2 range is read from the history store, "
                                              "and there is none (%3).")
                                   .arg(kHeldSeconds / 60)
                                   .arg(rangeLabel(m_range), m_historyUnavailable));
        return;
    }
    if (!m_historyResult) {
        m_historyNote->setText(QStringLiteral("Reading the %1 range from the history store\u2026").arg(rangeLabel(m_range)));
        return;
    }
    const monitor::HistoryResult& history = *m_historyResult;
    if (!history.error.empty()) {
        m_historyNote->setText(u"The history store could not answer: "_s + QString::fromStdString(history.error)
                               + u". Latency and throughput show nothing for this range rather than a guess."_s);
        return;
    }
    const QString resolution = history.resolutionSeconds >= 60 ? QStringLiteral("%1 min").arg(history.resolutionSeconds / 60)
                                                               : QStringLiteral("%1 s").arg(history.resolutionSeconds);
    m_historyNote->setText(QStringLiteral("From the history store: %1 \u2013 %2, one point per %3. %4 record(s) lost in this range. "
                                          "Open/stuck and lag charts are live only (not kept in the store).")
                               .arg(QString::fromStdString(rfc3339::formatMs(history.fromMs)), QString::fromStdString(rfc3339::formatMs(history.toMs)), resolution)
                               .arg(history.lostTotal));
    m_lostButton->setText(QStringLiteral("Lost records (%1)\u2026").arg(history.lostTotal));
    m_lostButton->setVisible(!m_warRoom && history.lostTotal > 0);
}

void DashboardWindow::setThemeMode(ThemeMode mode)
{
    m_themeMode = mode;
    m_controls->setThemeMode(mode);
    applyTheme();
    saveSettings();
}

void DashboardWindow::useSettings(std::unique_ptr<QSettings> settings)
{
    m_settings = std::move(settings);
    if (!m_settings)
        return;
    const DashboardSettings saved = DashboardSettings::load(*m_settings);
    m_warRoomScreen = saved.warRoomScreen;
    if (!saved.geometry.isEmpty() && !m_warRoom)
        restoreGeometry(saved.geometry);
    setThemeMode(saved.theme);
}

void DashboardWindow::saveSettings()
{
    if (!m_settings)
        return;
    DashboardSettings current;
    current.theme = m_themeMode;
    current.warRoomScreen = m_warRoomScreen;
    // Full screen is the war room's, not the desk's size: keep the desk's.
    current.geometry = m_warRoom ? m_deskGeometry : saveGeometry();
    current.save(*m_settings);
    m_settings->sync();
}

void DashboardWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    if (m_stuckView)
        m_stuckView->close();  // the app quits with its last window
    QMainWindow::closeEvent(event);
}

void DashboardWindow::toggleWarRoom()
{
    setWarRoom(!m_warRoom);
}

void DashboardWindow::setWarRoom(bool warRoom)
{
    if (warRoom == m_warRoom)
        return;
    if (warRoom) {
        m_deskGeometry = saveGeometry();
        // Open on the screen it last ran on, if that screen is attached.
        for (QScreen* candidate : QGuiApplication::screens()) {
            if (!m_warRoomScreen.isEmpty() && candidate->name() == m_warRoomScreen && candidate != screen())
                setGeometry(candidate->availableGeometry());
        }
    }
    m_warRoom = warRoom;
    // Only the full-screen bit changes, so leaving restores a maximized
    // window as maximized. setWindowState does not show a hidden window:
    // the app may call this before show().
    setWindowState(warRoom ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    m_headerRow->setVisible(!warRoom);
    m_verdict->setWarRoom(warRoom);
    m_stuck->setVisible(!warRoom);
    m_replay->setVisible(!warRoom && m_shown && m_shown->phase == monitor::Phase::Replaying);
    m_kpis->setWarRoom(warRoom);
    m_leaveWarRoomAction->setEnabled(warRoom);
    const int margin = warRoom ? kWarRoomMargin : kDeskMargin;
    centralWidget()->layout()->setContentsMargins(margin, margin, margin, margin);
    updateHistoryNote();
    applyTheme();
    if (warRoom && screen())
        m_warRoomScreen = screen()->name();
    saveSettings();
    emit warRoomChanged(warRoom);
}

double DashboardWindow::warRoomScale() const
{
    // Full screen: the window is the screen. Before it is shown (or on a
    // platform that ignores full screen), use the screen itself.
    int height = isVisible() && isFullScreen() ? this->height() : 0;
    if (height <= 0 && screen())
        height = screen()->geometry().height();
    if (height <= 0)
        height = static_cast<int>(kDesignHeight);
    return std::clamp(height / kDesignHeight, kMinWarRoomScale, kMaxWarRoomScale);
}

void DashboardWindow::applyTheme()
{
    m_theme = m_warRoom ? Theme::warRoom(warRoomScale()) : themeFor(m_themeMode, m_systemDark);
    setPalette(m_theme.palette());
    m_header->applyTheme(m_theme);
    m_verdict->applyTheme(m_theme);
    m_controls->applyTheme(m_theme);
    m_replay->applyTheme(m_theme);
    m_kpis->applyTheme(m_theme);
    for (TimeChart* chart : std::initializer_list<TimeChart*>{m_latency, m_openStuck, m_throughput, m_lag})
        chart->applyTheme(m_theme);
    m_stuck->applyTheme(m_theme);
    if (m_stuckView) {
        m_stuckView->setPalette(m_theme.palette());
        m_stuckView->applyTheme(m_theme);
    }
    if (m_alertsWindow)
        m_alertsWindow->applyTheme(m_theme);
    QFont noteFont = font();
    noteFont.setPixelSize(m_theme.px(13));
    m_historyNote->setFont(noteFont);
    QPalette notePalette = m_historyNote->palette();
    notePalette.setColor(QPalette::WindowText, m_theme.toneInk(Tone::Warn));
    m_historyNote->setPalette(notePalette);
    if (m_shown)
        render(m_shown);  // header colours are baked into its rich text
}

bool DashboardWindow::eventFilter(QObject* watched, QEvent* event)
{
    // The desktop switched between light and dark. Watched on the
    // application object: a top-level widget that carries its own palette
    // (ours) or is not shown yet is not told itself.
    if (watched == QCoreApplication::instance() && event->type() == QEvent::ApplicationPaletteChange) {
        const bool systemDark = systemPrefersDark(QGuiApplication::palette());
        if (systemDark != m_systemDark) {
            m_systemDark = systemDark;
            if (m_themeMode == ThemeMode::System && !m_warRoom)
                applyTheme();
        }
    }
    // The Alerts tile opens the alerts panel.
    if (watched == m_kpis->tile(KpiId::Alerts) && event->type() == QEvent::MouseButtonRelease) {
        openAlerts();
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void DashboardWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    // A third of the width for the stuck list: its five columns need about
    // 600 px, and the charts keep two thirds. Once the operator drags the
    // handle their choice wins.
    if (!m_splitterMovedByUser) {
        const int width = event->size().width();
        m_splitter->setSizes({width - width / 3, width / 3});
    }
    if (m_warRoom && std::abs(warRoomScale() - m_theme.scale) > 0.02)
        applyTheme();
}

} // namespace slatrack::ui

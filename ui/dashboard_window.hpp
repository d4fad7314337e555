#pragma once

#include "engine_queries.hpp"
#include "theme.hpp"
#include "time_range.hpp"
#include "verdict.hpp"

#include "core/alerting/alerting_service.hpp"
#include "core/monitor/deep_link.hpp"
#include "core/monitor/history_query.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <QMainWindow>

#include <memory>

class QAction;
class QPushButton;
class QTimer;
class QLabel;
class QSettings;
class QSplitter;

namespace slatrack::ui {

class AlertsWindow;
class DashboardControls;
class LostRecordsDialog;
class RangeDialog;
class HeaderBar;
class KpiPanel;
class LagChart;
class LatencyChart;
class OpenStuckChart;
class ReplayProgress;
class SnapshotReceiver;
class StuckRecordsPanel;
class StuckViewWindow;
class ThroughputChart;
class VerdictBanner;

// The live dashboard: header, KPI tiles, four charts, the stuck-now panel
// and the replay progress bar. It renders published snapshots only; it
// never reads the engine, Kafka, SQLite or the network.
//
// Feeding it: from any thread, receiver()->post(snapshot); the receiver
// coalesces to <= 4 renders a second on the UI thread. showSnapshot() is
// the same entry point for a caller already on the UI thread.
//
// Thread: every member function is UI thread only, except that the
// receiver's post() may be called from any thread.
class DashboardWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit DashboardWindow(QWidget* parent = nullptr);
    ~DashboardWindow() override;

    SnapshotReceiver* receiver() const { return m_receiver; }

    bool isWarRoom() const { return m_warRoom; }
    bool isPaused() const { return m_paused; }
    TimeRange timeRange() const { return m_range; }
    ThemeMode themeMode() const { return m_themeMode; }
    const Theme& theme() const { return m_theme; }
    // The snapshot on screen (null before the first); while paused, newer
    // ones are held back and shown on resume.
    monitor::SnapshotPtr shownSnapshot() const { return m_shown; }
    // Whether the "longer history needs the store" note is showing.
    bool showsHistoryNote() const;
    QString historyNoteText() const;
    // The overall verdict on screen (both modes) and its banner.
    const Verdict& verdict() const;
    VerdictBanner* verdictBanner() const { return m_verdict; }

public slots:
    void showSnapshot(slatrack::monitor::SnapshotPtr snapshot);
    // Full screen, tiles and charts only, large high-contrast type. F11
    // toggles, Esc leaves; the app calls setWarRoom(true) for --war-room
    // (before or after show()).
    void setWarRoom(bool warRoom);
    void toggleWarRoom();
    void setPaused(bool paused);
    void setTimeRange(slatrack::ui::TimeRange range);
    void setThemeMode(slatrack::ui::ThemeMode mode);

public:
    // Remember the theme, the war room's screen and the desk geometry in
    // `settings` (saved on every change and on close), after restoring what
    // it holds. The app passes the user's settings; tests a temporary file.
    void useSettings(std::unique_ptr<QSettings> settings);
    void saveSettings();
    // The screen the war room opens on (QScreen::name(); empty: current).
    QString warRoomScreen() const { return m_warRoomScreen; }

    // How the investigation views ask the running engine (the app passes
    // Monitor::post and the pipeline's config once the monitor runs).
    // Replaces any stuck view open for an earlier monitor.
    void setEngineAccess(EngineAccess access);
    // The stuck records window ("Show all", Ctrl+F, a paste, a double-click
    // in "Stuck now"); created on first use, null before.
    StuckViewWindow* stuckView() const { return m_stuckView.get(); }
    StuckRecordsPanel* stuckPanel() const { return m_stuck; }

    // Where 1 h, 24 h and custom ranges come from (null: no store, and
    // `unavailable` says why, e.g. "started with --store none").
    void setHistorySource(std::shared_ptr<monitor::HistoryQuery> source, const QString& unavailable);
    // Charts and lost records of [fromMs, toMs] from the store (the custom
    // range's dialog ends here).
    void showRange(int64_t fromMs, int64_t toMs);
    // The store's answer on screen (null while live or waiting for it).
    const monitor::HistoryResult* historyShown() const { return m_historyResult.get(); }
    LostRecordsDialog* lostRecordsDialog() const { return m_lostDialog; }
    RangeDialog* rangeDialog() const { return m_rangeDialog; }
    void openLostRecords();

    // The alerting of the running monitor (null while it starts or when
    // it could not: `why`). The Alerts tile shows its worst state; a click
    // on the tile opens the alerts panel.
    void setAlerting(std::shared_ptr<alerting::AlertingService> service, size_t pagers, const QString& why);
    AlertsWindow* alertsWindow() const { return m_alertsWindow.get(); }
    void openAlerts();
    // A slatrack://open link for this pipeline (the app checks which one):
    // raises the window, shows from..to as the custom range (from alone:
    // until now; no from: the range stays) and looks the record up in the
    // stuck view. Returns what it did, in words, for the link's sender.
    QString openLink(const monitor::DeepLink& link);

public slots:
    void openStuckView();
    // Opens the stuck view and looks `typed` up (any ID form the config accepts).
    void lookupRecord(const QString& typed);
    // Ctrl+V on the dashboard: the clipboard's first line as an ID.
    void lookupClipboard();

signals:
    void historyArrived();
    void warRoomChanged(bool warRoom);
    void pausedChanged(bool paused);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void render(const monitor::SnapshotPtr& snapshot);
    void showAlertsTile();
    void applyTheme();
    void updateHistoryNote();
    bool showsStoredHistory() const;
    void requestHistory();
    void applyHistory(std::shared_ptr<monitor::HistoryResult> result);
    void openRangeDialog();
    void alignPlots();
    double warRoomScale() const;

    SnapshotReceiver* m_receiver;
    HeaderBar* m_header;
    DashboardControls* m_controls;
    QWidget* m_headerRow;
    ReplayProgress* m_replay;
    KpiPanel* m_kpis;
    QLabel* m_historyNote;
    QPushButton* m_lostButton;
    LostRecordsDialog* m_lostDialog = nullptr;
    RangeDialog* m_rangeDialog = nullptr;
    QTimer* m_historyRefresh;
    std::shared_ptr<monitor::HistoryQuery> m_history;
    QString m_historyUnavailable = QStringLiteral("no store is configured");
    std::shared_ptr<monitor::HistoryResult> m_historyResult;
    uint64_t m_historyGeneration = 0;
    int64_t m_customFromMs = 0, m_customToMs = 0;
    VerdictBanner* m_verdict;
    LatencyChart* m_latency;
    OpenStuckChart* m_openStuck;
    ThroughputChart* m_throughput;
    LagChart* m_lag;
    StuckRecordsPanel* m_stuck;
    QSplitter* m_splitter;
    QAction* m_warRoomAction;
    QAction* m_leaveWarRoomAction;

    std::unique_ptr<QSettings> m_settings;
    EngineAccess m_access;
    std::unique_ptr<StuckViewWindow> m_stuckView;
    std::unique_ptr<AlertsWindow> m_alertsWindow;
    std::shared_ptr<alerting::AlertingService> m_alerting;
    size_t m_alertPagers = 0;
    QString m_alertingWhy = QStringLiteral("alerting starts with the monitor");
    QString m_warRoomScreen;
    QByteArray m_deskGeometry;  // captured when entering the war room
    monitor::SnapshotPtr m_shown;
    monitor::SnapshotPtr m_heldWhilePaused;
    Theme m_theme;
    ThemeMode m_themeMode = ThemeMode::System;
    TimeRange m_range = TimeRange::Live5Min;
    bool m_systemDark = false;
    bool m_warRoom = false;
    bool m_paused = false;
    bool m_splitterMovedByUser = false;
};

} // namespace slatrack::ui

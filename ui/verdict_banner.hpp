#pragma once

#include "theme.hpp"
#include "verdict.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QFrame>

class QTimer;

namespace slatrack::ui {

class ElidedLabel;

// The overall verdict, big, across the top of the dashboard in both modes:
// HEALTHY / SLA BREACHED / CAN'T JUDGE / MONITOR BEHIND / PAUSED with its
// reason beside it. In the war room it also carries what a wall screen
// otherwise lacks: the pipeline's name, a ticking clock and the data's age,
// so a frozen screen never looks normal (the clock stops or the age grows).
//
// Thread: UI thread only.
class VerdictBanner : public QFrame {
    Q_OBJECT

public:
    // Data older than this (now minus the newest event read on the slowest
    // stage, including the time since the last snapshot) is drawn red.
    static constexpr int64_t kStaleDataMs = 10'000;

    explicit VerdictBanner(QWidget* parent = nullptr);

    void showSnapshot(const monitor::SnapshotPtr& snapshot, bool paused);
    void applyTheme(const Theme& theme);
    void setWarRoom(bool warRoom);

    const Verdict& verdict() const { return m_verdict; }
    QString headlineText() const;
    QString reasonText() const;
    // War room: "demo · 14:03:27 · data age 0.4 s" (empty on the desk).
    QString contextText() const;

private:
    void refreshContext();
    void recolour();

    ElidedLabel* m_headline;
    ElidedLabel* m_reason;
    ElidedLabel* m_pipeline;
    ElidedLabel* m_clock;
    ElidedLabel* m_age;
    QTimer* m_clockTimer;
    Theme m_theme = Theme::light();
    Verdict m_verdict;
    monitor::SnapshotPtr m_snapshot;
    bool m_warRoom = false;
    bool m_ageStale = false;
};

} // namespace slatrack::ui

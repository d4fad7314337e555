#pragma once

#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

class QLabel;
class QProgressBar;

namespace slatrack::ui {

// Progress of rebuilding state from Kafka at start (phase Replaying): a bar
// with percent and ETA, so an operator knows when the numbers become
// judgeable. DashboardWindow shows it only in that phase.
//
// Thread: UI thread only.
class ReplayProgress : public QWidget {
    Q_OBJECT

public:
    explicit ReplayProgress(QWidget* parent = nullptr);

    void showSnapshot(const monitor::MonitorSnapshot& snapshot);
    void applyTheme(const Theme& theme);

    int percent() const;  // 0..100
    QString text() const;

private:
    QLabel* m_label;
    QProgressBar* m_bar;
};

} // namespace slatrack::ui

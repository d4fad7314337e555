#pragma once

#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QTableView;

namespace slatrack::ui {

class StuckRecordsModel;

// "Stuck now": the oldest stuck records, live, with their IDs copyable
// (Ctrl+C or the context menu; several rows copy one ID per line). The
// entry point the investigation views will grow from.
//
// Thread: UI thread only.
class StuckRecordsPanel : public QWidget {
    Q_OBJECT

public:
    explicit StuckRecordsPanel(QWidget* parent = nullptr);

    void showSnapshot(const monitor::SnapshotPtr& snapshot);
    void applyTheme(const Theme& theme);

    StuckRecordsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QString summaryText() const;
    // IDs of the selected rows, in row order (what Ctrl+C copies).
    QStringList selectedIds() const;

public slots:
    void copySelectedIds();  // to the clipboard; nothing when no selection

signals:
    // The entry to the investigation views (the dashboard connects them):
    // a row double-clicked (or Enter) with its ID as typed into a lookup
    // (monitor::jsonSafeId, which IdInput reads back exactly) ...
    void recordActivated(const QString& id);
    // ... and "Show all".
    void showAllRequested();

private:
    void showContextMenu(const QPoint& position);

    QLabel* m_title;
    QLabel* m_summary;
    QTableView* m_view;
    StuckRecordsModel* m_model;
    QAction* m_copyAction;
    QPushButton* m_showAll;
};

} // namespace slatrack::ui

#pragma once

#include "engine_queries.hpp"

#include "core/engine/stuck_query.hpp"
#include "core/monitor/monitor_snapshot.hpp"
#include "core/monitor/record_lookup.hpp"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;
class QTimer;

namespace slatrack::ui {

class DrillDownPanel;
class StuckCsvExport;
class StuckViewModel;
struct Theme;

// "Stuck records": the investigation window. Every stuck record (sortable
// by any column, filtered by ID substring, awaited stage, partition and
// age), the count per awaited stage always in view, a lookup box for any
// ID, and the drill-down of the selected or looked-up record.
//
// The list refreshes itself (every second, or less often when building the
// listing takes long: at most 10 % of the engine thread), except while
// rows are selected: an operator copying IDs must not see them move.
//
// Thread: UI thread only; every engine question goes through EngineQueries.
class StuckViewWindow : public QWidget {
    Q_OBJECT

public:
    explicit StuckViewWindow(EngineAccess access, QWidget* parent = nullptr);
    ~StuckViewWindow() override;

    void showSnapshot(const monitor::SnapshotPtr& snapshot);
    void applyTheme(const Theme& theme);

    // Looks up `typed` (any form the config accepts) and shows it in the
    // drill-down. A bad ID is reported in the drill-down, naming it.
    void lookup(const QString& typed);
    void focusLookup();

    StuckViewModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    DrillDownPanel* drillDown() const { return m_drillDown; }
    StuckCsvExport* exporter() const { return m_export; }
    QLineEdit* lookupBox() const { return m_lookup; }
    QLineEdit* idFilter() const { return m_idFilter; }
    QComboBox* stageFilter() const { return m_stageFilter; }
    QLineEdit* partitionFilter() const { return m_partitionFilter; }
    QLineEdit* minAgeFilter() const { return m_minAge; }
    QLineEdit* maxAgeFilter() const { return m_maxAge; }
    QString countsText() const;
    QString statusText() const;
    QString filterError() const { return m_filterError; }
    quint64 lookups() const { return m_lookups; }  // answered so far

public slots:
    void copySelectedIds();
    void exportCsvTo(const QString& path);
    void refreshNow();

signals:
    void lookupAnswered(const slatrack::monitor::LookupAnswer& answer);
    void idsCopied(const QStringList& ids);

private:
    void applyFilters();
    void autoRefresh();
    void updateCounts();
    void updateStatus();
    void showRow(const QModelIndex& index);
    void askLookup(const engine::RecordId& id, std::string text);
    void chooseExportFile();

    EngineQueries* m_queries;
    StuckViewModel* m_model;
    StuckCsvExport* m_export;
    QLineEdit* m_lookup;
    QLabel* m_counts;
    QLabel* m_matching;
    QLineEdit* m_idFilter;
    QComboBox* m_stageFilter;
    QLineEdit* m_partitionFilter;
    QLineEdit* m_minAge;
    QLineEdit* m_maxAge;
    QTableView* m_view;
    DrillDownPanel* m_drillDown;
    QSplitter* m_splitter;
    QLabel* m_status;
    QPushButton* m_copy;
    QPushButton* m_exportButton;
    QProgressBar* m_progress;
    QPushButton* m_refresh;
    QTimer* m_refreshTimer;
    QString m_filterError;
    QString m_exportMessage;
    monitor::SnapshotPtr m_snapshot;
    quint64 m_lookups = 0;
    quint64 m_lookupSeq = 0;
};

} // namespace slatrack::ui

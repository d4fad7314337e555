#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <QAbstractTableModel>

namespace slatrack::ui {

// The snapshot's oldest stuck records as a table, oldest first. Rows are
// the snapshot's own StuckRecord values (no copy: the model holds the
// shared snapshot), and cell text is built when the view asks, for the
// at most MonitorSnapshot::kStuckSample rows visible.
//
// Thread: UI thread only (as every Qt model).
class StuckRecordsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { IdColumn, AwaitingColumn, AgeColumn, CreatedColumn, SourceColumn, ColumnCount };
    // Role holding the raw record ID text of a row, for copying.
    static constexpr int kIdRole = Qt::UserRole + 1;

    explicit StuckRecordsModel(QObject* parent = nullptr);

    void setSnapshot(monitor::SnapshotPtr snapshot);
    QString idAt(int row) const;
    // Creation time decoded from a composite temporal ID, "" for opaque IDs.
    static QString creationTime(const engine::StuckRecord& record);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const std::vector<engine::StuckRecord>& records() const;
    QString stageName(int stage) const;

    monitor::SnapshotPtr m_snapshot;
};

} // namespace slatrack::ui

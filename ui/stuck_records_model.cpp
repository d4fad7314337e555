#include "stuck_records_model.hpp"

#include "format.hpp"

#include "core/engine/record_id.hpp"

#include <QFontDatabase>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

StuckRecordsModel::StuckRecordsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

const std::vector<engine::StuckRecord>& StuckRecordsModel::records() const
{
    static const std::vector<engine::StuckRecord> kNone;
    return m_snapshot ? m_snapshot->oldestStuck : kNone;
}

void StuckRecordsModel::setSnapshot(monitor::SnapshotPtr snapshot)
{
    // A full reset of at most 100 rows costs well under a millisecond; the
    // panel restores the selection by ID afterwards.
    beginResetModel();
    m_snapshot = std::move(snapshot);
    endResetModel();
}

QString StuckRecordsModel::idAt(int row) const
{
    const auto& rows = records();
    if (row < 0 || static_cast<size_t>(row) >= rows.size())
        return {};
    return QString::fromStdString(rows[static_cast<size_t>(row)].id);
}

QString StuckRecordsModel::creationTime(const engine::StuckRecord& record)
{
    // The engine prints a composite ID as the canonical hex of its key; an
    // opaque ID's key is a hash of its text, which cannot print as itself
    // except by a 2^-64 accident.
    if (record.id != engine::composite_id::format(record.key))
        return {};
    return QString::fromStdString(engine::composite_id::formatCreationTime(record.key));
}

QString StuckRecordsModel::stageName(int stage) const
{
    if (m_snapshot && stage >= 0 && static_cast<size_t>(stage) < m_snapshot->stageNames.size()
        && !m_snapshot->stageNames[static_cast<size_t>(stage)].empty())
        return QString::fromStdString(m_snapshot->stageNames[static_cast<size_t>(stage)]);
    return QStringLiteral("stage %1").arg(stage);
}

int StuckRecordsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(records().size());
}

int StuckRecordsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StuckRecordsModel::data(const QModelIndex& index, int role) const
{
    const auto& rows = records();
    if (!index.isValid() || static_cast<size_t>(index.row()) >= rows.size())
        return {};
    const engine::StuckRecord& record = rows[static_cast<size_t>(index.row())];
    if (role == kIdRole)
        return QString::fromStdString(record.id);
    if (role == Qt::TextAlignmentRole && index.column() == AgeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && index.column() == IdColumn)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);  // IDs are compared digit by digit
    if (role == Qt::ToolTipRole) {
        return QStringLiteral("%1\nlast seen on %2, partition %3 offset %4\nwaiting for %5 for %6")
            .arg(QString::fromStdString(record.id), stageName(record.lastStage))
            .arg(record.partition)
            .arg(record.offset)
            .arg(stageName(record.awaitingStage), durationText(record.ageMs));
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return QString::fromStdString(record.id);
    case AwaitingColumn: return stageName(record.awaitingStage);
    case AgeColumn: return durationText(record.ageMs);
    case CreatedColumn: {
        const QString created = creationTime(record);
        return created.isEmpty() ? u"\u2014"_s : created;
    }
    case SourceColumn: return QStringLiteral("p%1 @ %2").arg(record.partition).arg(record.offset);
    default: return {};
    }
}

QVariant StuckRecordsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return u"Record ID"_s;
    case AwaitingColumn: return u"Waiting for"_s;
    case AgeColumn: return u"Age"_s;
    case CreatedColumn: return u"Created (UTC, from ID)"_s;
    case SourceColumn: return u"Partition @ offset"_s;
    default: return {};
    }
}

} // namespace slatrack::ui

#include "lost_records_dialog.hpp"

#include "core/monitor/json_text.hpp"
#include "core/time/rfc3339.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

QTableWidgetItem* plainItem(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

QString stageLabel(const std::vector<std::string>& names, int stage)
{
    if (stage >= 0 && static_cast<size_t>(stage) < names.size())
        return QString::fromStdString(names[static_cast<size_t>(stage)]);
    return QStringLiteral("stage %1").arg(stage);
}

} // namespace

LostRecordsDialog::LostRecordsDialog(QWidget* parent)
    : QDialog(parent), m_summary(new QLabel(this)), m_table(new QTableWidget(0, 6, this))
{
    setObjectName(u"lostRecordsDialog"_s);
    setWindowTitle(u"Lost records \u2014 slatrack"_s);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_table->setHorizontalHeaderLabels({u"ID"_s, u"waited for"_s, u"entered (t0)"_s, u"lost at"_s, u"why"_s, u"last message"_s});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    resize(980, 520);
}

void LostRecordsDialog::showRecords(const QString& rangeText, uint64_t total, const std::vector<store::StoredLostRecord>& records,
                                    const std::vector<std::string>& stageNames)
{
    m_summary->setText(total == records.size()
                           ? QStringLiteral("%1 record(s) lost in %2.").arg(total).arg(rangeText)
                           : QStringLiteral("%1 records lost in %2; the %3 that entered first are listed (slatrack lookup -c FILE ID answers any of them).")
                                 .arg(total)
                                 .arg(rangeText)
                                 .arg(records.size()));
    m_table->setRowCount(static_cast<int>(records.size()));
    for (size_t row = 0; row < records.size(); ++row) {
        const engine::LostRecord& lost = records[row].record;
        const int r = static_cast<int>(row);
        m_table->setItem(r, 0, plainItem(QString::fromStdString(monitor::jsonSafeId(lost.id))));
        m_table->setItem(r, 1, plainItem(stageLabel(stageNames, lost.awaitingStage)));
        m_table->setItem(r, 2, plainItem(QString::fromStdString(rfc3339::formatMs(lost.t0Ms))));
        m_table->setItem(r, 3, plainItem(QString::fromStdString(rfc3339::formatMs(lost.lostAtMs))));
        m_table->setItem(r, 4, plainItem(lost.reason == engine::LostReason::Overflow ? u"open-record cap (overflow)"_s : u"window passed"_s));
        m_table->setItem(r, 5, plainItem(QStringLiteral("%1[%2]@%3").arg(QString::fromStdString(records[row].topic)).arg(lost.partition).arg(lost.offset)));
    }
}

int LostRecordsDialog::rowCount() const
{
    return m_table->rowCount();
}

QString LostRecordsDialog::cellText(int row, int column) const
{
    const QTableWidgetItem* item = m_table->item(row, column);
    return item ? item->text() : QString();
}

QString LostRecordsDialog::summaryText() const
{
    return m_summary->text();
}

} // namespace slatrack::ui

#include "stuck_records_panel.hpp"

#include "format.hpp"
#include "kpi_values.hpp"
#include "stuck_records_model.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QSet>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

StuckRecordsPanel::StuckRecordsPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(u"Stuck now"_s, this))
    , m_summary(new QLabel(u"waiting for data"_s, this))
    , m_view(new QTableView(this))
    , m_model(new StuckRecordsModel(this))
    , m_copyAction(new QAction(u"Copy ID"_s, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    // The can't-judge reason names brokers and partitions: wrap it, never
    // let it widen the window.
    m_summary->setWordWrap(true);
    layout->addWidget(m_view, 1);
    // Takes the room only while the table is hidden (can't judge), so the
    // reason stays under the title instead of floating mid-panel.
    layout->addStretch(0);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->setVisible(false);
    // Fixed row height: no per-row measuring on each refresh (Wireshark's
    // uniform rows).
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(m_copyAction);
    connect(m_copyAction, &QAction::triggered, this, &StuckRecordsPanel::copySelectedIds);
    connect(m_view, &QWidget::customContextMenuRequested, this, &StuckRecordsPanel::showContextMenu);
}

void StuckRecordsPanel::showSnapshot(const monitor::SnapshotPtr& snapshot)
{
    if (!snapshot)
        return;
    // The table is rebuilt a few times a second; keep what the operator
    // selected and where they scrolled, or copying an ID becomes a race.
    const QStringList selected = selectedIds();
    const int scroll = m_view->verticalScrollBar()->value();
    m_model->setSnapshot(snapshot);
    if (!selected.isEmpty()) {
        const QSet<QString> wanted(selected.begin(), selected.end());
        QItemSelection selection;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            if (wanted.contains(m_model->idAt(row)))
                selection.select(m_model->index(row, 0), m_model->index(row, StuckRecordsModel::ColumnCount - 1));
        }
        m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    m_view->verticalScrollBar()->setValue(scroll);

    // While a later stage is blind or behind, the engine holds its
    // watermark: records listed as stuck may be done and unread, and others
    // may be stuck unseen. The STUCK tile says "—"; so does this panel,
    // instead of a list that reads like a verdict.
    const StageJudgement judged = stuckJudgement(*snapshot);
    m_view->setHidden(judged.trust != StageTrust::Trusted);
    if (judged.trust != StageTrust::Trusted) {
        m_summary->setText(u"Can't judge what is stuck now: "_s + judged.reason);
        return;
    }
    const uint64_t stuck = snapshot->gauges.stuck;
    const size_t listed = snapshot->oldestStuck.size();
    if (stuck == 0)
        m_summary->setText(u"No record is stuck."_s);
    else if (listed < stuck)
        m_summary->setText(QStringLiteral("%1 stuck \u00b7 the %2 oldest listed").arg(groupedCount(stuck)).arg(listed));
    else
        m_summary->setText(QStringLiteral("%1 stuck \u00b7 oldest first").arg(groupedCount(stuck)));
}

void StuckRecordsPanel::applyTheme(const Theme& theme)
{
    QFont titleFont = font();
    titleFont.setPixelSize(theme.px(15));
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    QPalette muted = m_summary->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_summary->setPalette(muted);
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(m_view->font()).height() + 8);
}

QString StuckRecordsPanel::summaryText() const
{
    return m_summary->text();
}

QStringList StuckRecordsPanel::selectedIds() const
{
    QStringList ids;
    if (!m_view->selectionModel())
        return ids;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& index : rows)
        ids.append(m_model->idAt(index.row()));
    return ids;
}

void StuckRecordsPanel::copySelectedIds()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QApplication::clipboard()->setText(ids.join(u'\n'));
}

void StuckRecordsPanel::showContextMenu(const QPoint& position)
{
    const QModelIndex index = m_view->indexAt(position);
    if (!index.isValid())
        return;
    // Right-clicking outside the selection acts on the clicked row, as in
    // every file manager.
    if (!m_view->selectionModel()->isRowSelected(index.row(), {}))
        m_view->selectRow(index.row());
    QMenu menu(this);
    m_copyAction->setText(selectedIds().size() > 1 ? u"Copy IDs"_s : u"Copy ID"_s);
    menu.addAction(m_copyAction);
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

} // namespace slatrack::ui

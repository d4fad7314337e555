#include "stuck_view_window.hpp"

#include "drill_down_panel.hpp"
#include "format.hpp"
#include "stuck_csv_export.hpp"
#include "stuck_view_model.hpp"
#include "theme.hpp"

#include "core/config/duration_parse.hpp"
#include "core/monitor/id_input.hpp"
#include "core/monitor/json_text.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr int kRefreshTickMs = 1000;
// A rebuild may take at most a tenth of the engine thread's time.
constexpr int kRefreshCostFactor = 10;

QLabel* plainLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    return label;
}

QLineEdit* filterEdit(const QString& placeholder, int width, QWidget* parent)
{
    auto* edit = new QLineEdit(parent);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    if (width > 0)
        edit->setMaximumWidth(width);
    return edit;
}

} // namespace

StuckViewWindow::StuckViewWindow(EngineAccess access, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_queries(new EngineQueries(std::move(access), this))
    , m_model(new StuckViewModel(m_queries, this))
    , m_export(new StuckCsvExport(m_queries, this))
    , m_lookup(filterEdit(u"Find any record by ID (Ctrl+F): hex, 0x\u2026, decimal or opaque text"_s, 0, this))
    , m_counts(plainLabel(u"Stuck now: waiting for data"_s, this))
    , m_matching(plainLabel(QString(), this))
    , m_idFilter(filterEdit(u"ID contains"_s, 220, this))
    , m_stageFilter(new QComboBox(this))
    , m_partitionFilter(filterEdit(u"partition"_s, 90, this))
    , m_minAge(filterEdit(u"age \u2265 e.g. 30s"_s, 120, this))
    , m_maxAge(filterEdit(u"age \u2264 e.g. 10m"_s, 120, this))
    , m_view(new QTableView(this))
    , m_drillDown(new DrillDownPanel(m_queries, this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_status(plainLabel(QString(), this))
    , m_copy(new QPushButton(u"Copy IDs"_s, this))
    , m_exportButton(new QPushButton(u"Export CSV\u2026"_s, this))
    , m_progress(new QProgressBar(this))
    , m_refresh(new QPushButton(u"Refresh"_s, this))
    , m_refreshTimer(new QTimer(this))
{
    setObjectName(u"stuckView"_s);
    setWindowTitle(QStringLiteral("Stuck records \u2014 %1").arg(QString::fromStdString(m_queries->access().config.pipeline)));
    m_stageFilter->addItem(u"waiting for any stage"_s);
    m_counts->setObjectName(u"stuckCounts"_s);
    m_counts->setWordWrap(true);

    auto* lookupRow = new QHBoxLayout;
    lookupRow->addWidget(m_lookup, 1);
    auto* find = new QPushButton(u"Look up"_s, this);
    lookupRow->addWidget(find);

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(plainLabel(u"Filter:"_s, this));
    filterRow->addWidget(m_idFilter);
    filterRow->addWidget(m_stageFilter);
    filterRow->addWidget(m_partitionFilter);
    filterRow->addWidget(m_minAge);
    filterRow->addWidget(m_maxAge);
    filterRow->addWidget(m_matching, 1);

    m_view->setModel(m_model);
    m_view->setObjectName(u"stuckTable"_s);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    // Uniform rows and fixed column widths: nothing is measured per row,
    // whatever the row count (ResizeToContents would read every row).
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->horizontalHeader()->setSortIndicator(static_cast<int>(engine::StuckColumn::Age), Qt::DescendingOrder);
    m_view->setSortingEnabled(true);  // header clicks call StuckViewModel::sort: a new listing on the engine thread
    // Wide enough for a 16-digit ID, "2 min 59 s", RFC 3339 with ms.
    const int widths[] = {160, 100, 84, 190, 165};
    for (int column = 0; column < 5; ++column)
        m_view->setColumnWidth(column, widths[column]);

    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_drillDown);
    // The table's six columns need ~950 px; the drill-down reads well in 550.
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({950, 550});

    m_progress->setVisible(false);
    m_progress->setMaximumWidth(240);
    auto* bottomRow = new QHBoxLayout;
    bottomRow->addWidget(m_status, 1);
    bottomRow->addWidget(m_progress);
    bottomRow->addWidget(m_copy);
    bottomRow->addWidget(m_exportButton);
    bottomRow->addWidget(m_refresh);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(lookupRow);
    layout->addWidget(m_counts);
    layout->addLayout(filterRow);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(bottomRow);

    connect(m_lookup, &QLineEdit::returnPressed, this, [this] { lookup(m_lookup->text()); });
    connect(find, &QPushButton::clicked, this, [this] { lookup(m_lookup->text()); });
    for (QLineEdit* edit : {m_idFilter, m_partitionFilter, m_minAge, m_maxAge})
        connect(edit, &QLineEdit::textChanged, this, &StuckViewWindow::applyFilters);
    connect(m_stageFilter, &QComboBox::currentIndexChanged, this, &StuckViewWindow::applyFilters);
    connect(m_view, &QAbstractItemView::activated, this, &StuckViewWindow::showRow);
    connect(m_view, &QAbstractItemView::clicked, this, &StuckViewWindow::showRow);
    connect(m_model, &StuckViewModel::listingChanged, this, [this] {
        updateCounts();
        updateStatus();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &StuckViewWindow::updateStatus);
    connect(m_copy, &QPushButton::clicked, this, &StuckViewWindow::copySelectedIds);
    connect(m_exportButton, &QPushButton::clicked, this, &StuckViewWindow::chooseExportFile);
    connect(m_refresh, &QPushButton::clicked, this, &StuckViewWindow::refreshNow);
    connect(m_export, &StuckCsvExport::progress, this, [this](quint64 written, quint64 total) {
        m_progress->setVisible(true);
        m_progress->setMaximum(static_cast<int>(std::min<quint64>(total, INT32_MAX)));
        m_progress->setValue(static_cast<int>(std::min<quint64>(written, INT32_MAX)));
    });
    connect(m_export, &StuckCsvExport::finished, this, [this](bool ok, const QString& message) {
        m_progress->setVisible(false);
        m_exportButton->setEnabled(true);
        m_exportMessage = (ok ? u"Export: "_s : u"Export failed: "_s) + message;
        updateStatus();
    });

    auto* findShortcut = new QShortcut(QKeySequence::Find, this);
    connect(findShortcut, &QShortcut::activated, this, &StuckViewWindow::focusLookup);
    auto* copyShortcut = new QShortcut(QKeySequence::Copy, m_view);
    copyShortcut->setContext(Qt::WidgetShortcut);
    connect(copyShortcut, &QShortcut::activated, this, &StuckViewWindow::copySelectedIds);
    auto* clearShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), m_view);
    clearShortcut->setContext(Qt::WidgetShortcut);
    connect(clearShortcut, &QShortcut::activated, m_view, &QAbstractItemView::clearSelection);

    connect(m_refreshTimer, &QTimer::timeout, this, &StuckViewWindow::autoRefresh);
    m_refreshTimer->start(kRefreshTickMs);
    resize(1600, 900);

    if (!m_queries->connected())
        m_drillDown->showMessage(u"Not connected to a running monitor: nothing to look up yet."_s);
    // (setSortingEnabled above already asked for the first listing: the
    // default order, oldest age first.)
    updateStatus();
}

StuckViewWindow::~StuckViewWindow() = default;

void StuckViewWindow::applyTheme(const Theme& theme)
{
    m_drillDown->applyTheme(theme);
    QFont countsFont = font();
    countsFont.setPixelSize(theme.px(15));
    countsFont.setWeight(QFont::DemiBold);
    m_counts->setFont(countsFont);
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(m_view->font()).height() + 8);
}

void StuckViewWindow::showSnapshot(const monitor::SnapshotPtr& snapshot)
{
    if (!snapshot)
        return;
    const bool stagesChanged = !m_snapshot || m_snapshot->stageNames != snapshot->stageNames;
    m_snapshot = snapshot;
    m_model->setSnapshot(snapshot);
    if (stagesChanged) {
        const QSignalBlocker blocker(m_stageFilter);
        const int chosen = m_stageFilter->currentIndex();
        m_stageFilter->clear();
        m_stageFilter->addItem(u"waiting for any stage"_s);
        for (size_t stage = 1; stage < snapshot->stageNames.size(); ++stage)
            m_stageFilter->addItem(u"waiting for "_s + stageName(*snapshot, stage), static_cast<int>(stage));
        m_stageFilter->setCurrentIndex(std::min(chosen, m_stageFilter->count() - 1));
    }
    updateCounts();
}

QString StuckViewWindow::countsText() const
{
    return m_counts->text();
}

QString StuckViewWindow::statusText() const
{
    return m_status->text();
}

void StuckViewWindow::updateCounts()
{
    // Always in view, from the latest snapshot (the engine's exact
    // per-stage gauges), so a stall's new stuck records show up beside
    // the old drops whatever the filter and sort.
    if (m_snapshot) {
        QStringList parts;
        for (size_t stage = 1; stage < m_snapshot->gauges.stages.size(); ++stage)
            parts.append(QStringLiteral("waiting for %1: %2")
                             .arg(stageName(*m_snapshot, stage), groupedCount(m_snapshot->gauges.stages[stage].stuckAwaiting)));
        m_counts->setText(QStringLiteral("Stuck now: %1  \u2014  %2").arg(groupedCount(m_snapshot->gauges.stuck), parts.join(u"  \u00b7  "_s)));
    }
    QStringList matching;
    const auto& perStage = m_model->matchingPerStage();
    for (size_t stage = 1; stage < perStage.size(); ++stage)
        if (perStage[stage] > 0)
            matching.append(QStringLiteral("%1 %2").arg(m_model->stageName(static_cast<int>(stage)), groupedCount(perStage[stage])));
    m_matching->setText(QStringLiteral("%1 match%2").arg(groupedCount(static_cast<uint64_t>(m_model->rowCount())),
                                                         matching.isEmpty() ? QString() : u" ("_s + matching.join(u", "_s) + u')'));
}

void StuckViewWindow::updateStatus()
{
    QString text;
    if (!m_queries->connected()) {
        text = u"Not connected to a running monitor."_s;
    } else if (m_model->listingAgeMs() < 0) {
        text = u"Listing stuck records\u2026"_s;
    } else {
        text = QStringLiteral("%1 rows as of %2 (listed in %3 ms on the engine thread)")
                   .arg(groupedCount(static_cast<uint64_t>(m_model->rowCount())),
                        clockText(QDateTime::currentMSecsSinceEpoch() - m_model->listingAgeMs()))
                   .arg(m_model->lastBuildMs());
        if (m_view->selectionModel()->hasSelection())
            text += u" \u00b7 auto-refresh paused while rows are selected (Esc clears)"_s;
    }
    if (!m_filterError.isEmpty())
        text = m_filterError + u" \u00b7 "_s + text;
    if (!m_exportMessage.isEmpty())
        text += u" \u00b7 "_s + m_exportMessage;
    m_status->setText(text);
}

void StuckViewWindow::applyFilters()
{
    engine::StuckListingQuery query = m_model->query();
    engine::StuckFilter filter;
    filter.idContains = m_idFilter->text().trimmed().toStdString();
    if (m_stageFilter->currentIndex() > 0)
        filter.awaitingStage = m_stageFilter->currentData().toInt();
    QStringList problems;
    const QString partition = m_partitionFilter->text().trimmed();
    if (!partition.isEmpty()) {
        bool ok = false;
        const int number = partition.toInt(&ok);
        if (ok && number >= 0)
            filter.partitionIndexes = m_model->indexesOfPartition(number);
        else
            problems.append(QStringLiteral("partition \"%1\" is not a partition number").arg(partition));
    }
    auto readAge = [&](QLineEdit* edit, std::optional<int64_t>& into, const QString& what) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty())
            return;
        const config::DurationParseResult parsed = config::parseDuration(text.toStdString());
        if (parsed.value)
            into = parsed.value->count();
        else
            problems.append(QStringLiteral("%1 \"%2\": %3").arg(what, text, QString::fromStdString(parsed.error)));
    };
    readAge(m_minAge, filter.minAgeMs, u"minimum age"_s);
    readAge(m_maxAge, filter.maxAgeMs, u"maximum age"_s);
    m_filterError = problems.join(u"; "_s);
    query.filter = std::move(filter);
    m_model->setQuery(query);
    updateStatus();
}

void StuckViewWindow::autoRefresh()
{
    if (!isVisible() || m_model->busy() || m_view->selectionModel()->hasSelection())
        return;
    const qint64 age = m_model->listingAgeMs();
    if (age >= 0 && age < std::max<qint64>(kRefreshTickMs, kRefreshCostFactor * m_model->lastBuildMs()))
        return;
    m_model->refresh();
}

void StuckViewWindow::refreshNow()
{
    m_model->refresh();
}

void StuckViewWindow::copySelectedIds()
{
    std::vector<std::pair<int, int>> ranges;
    for (const QItemSelectionRange& range : m_view->selectionModel()->selection())
        ranges.emplace_back(range.top(), range.bottom());
    if (ranges.empty())
        return;
    std::sort(ranges.begin(), ranges.end());
    m_model->idsOfRows(std::move(ranges), [this](QStringList ids) {
        if (ids.isEmpty())
            return;
        QApplication::clipboard()->setText(ids.join(u'\n'));
        m_exportMessage = QStringLiteral("%1 ID%2 copied").arg(groupedCount(static_cast<uint64_t>(ids.size()))).arg(ids.size() == 1 ? QString() : u"s"_s);
        updateStatus();
        emit idsCopied(ids);
    });
}

void StuckViewWindow::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, u"Export stuck records"_s, u"stuck-records.csv"_s, u"CSV (*.csv)"_s);
    if (!path.isEmpty())
        exportCsvTo(path);
}

void StuckViewWindow::exportCsvTo(const QString& path)
{
    CsvNames names;
    if (m_snapshot) {
        names.stageNames = m_snapshot->stageNames;
        for (const monitor::PartitionLag& partition : m_snapshot->partitions)
            if (partition.stage == 0)
                names.stage0Partitions.insert(partition.index, {partition.topic, partition.partition});
    }
    if (m_export->start(path, m_model->query(), std::move(names))) {
        m_exportButton->setEnabled(false);
        m_exportMessage = u"exporting\u2026"_s;
        updateStatus();
    }
}

void StuckViewWindow::focusLookup()
{
    show();
    raise();
    activateWindow();
    m_lookup->setFocus(Qt::ShortcutFocusReason);
    m_lookup->selectAll();
}

void StuckViewWindow::lookup(const QString& typed)
{
    // Pasted text often brings a newline or a second ID along: the first
    // non-empty line is the ID.
    QString first;
    for (const QString& line : typed.split(u'\n'))
        if (!line.trimmed().isEmpty()) {
            first = line;
            break;
        }
    if (first.endsWith(u'\r'))
        first.chop(1);
    if (m_lookup->text() != first)
        m_lookup->setText(first);
    const config::IdFormat format = m_queries->access().config.idFormat;
    const monitor::IdInput input = monitor::IdInput::parse(first.toStdString(), format);
    if (!input.ok()) {
        m_drillDown->showMessage(QStringLiteral("Cannot look up \"%1\": %2").arg(first, QString::fromStdString(input.error())));
        return;
    }
    if (!m_queries->connected()) {
        m_drillDown->showMessage(u"Not connected to a running monitor: nothing to look up yet."_s);
        return;
    }
    const engine::RecordId id = input.recordId();
    askLookup(id, std::string(id.text));
}

void StuckViewWindow::showRow(const QModelIndex& index)
{
    const engine::StuckRow* row = m_model->rowAt(index.row());
    if (!row || (row->resolved && row->record.id.empty()))
        return;
    const bool composite = row->record.id == engine::composite_id::format(row->record.key);
    askLookup(composite ? engine::RecordId::composite(row->record.key) : engine::RecordId::opaque(row->record.id),
              composite ? std::string() : row->record.id);
}

void StuckViewWindow::askLookup(const engine::RecordId& id, std::string text)
{
    const uint64_t key = id.key;
    const quint64 seq = ++m_lookupSeq;
    m_drillDown->showMessage(QStringLiteral("Looking up %1\u2026").arg(QString::fromStdString(monitor::jsonSafeId(engine::displayText(id)))));
    std::vector<monitor::PartitionLag> partitions = m_snapshot ? m_snapshot->partitions : std::vector<monitor::PartitionLag>{};
    const config::PipelineConfig& config = m_queries->access().config;
    std::vector<std::string> stageNames;
    for (const config::StageConfig& stage : config.stages)
        stageNames.push_back(stage.name);
    m_queries->ask<monitor::LookupAnswer>(
        [config, key, text = std::move(text), partitions = std::move(partitions)](const engine::JoinEngine& engine) {
            const engine::RecordId asked = text.empty() ? engine::RecordId::composite(key) : engine::RecordId{key, text};
            return monitor::liveLookup(engine, config, asked, partitions);
        },
        [this, seq, stageNames](monitor::LookupAnswer answer) {
            ++m_lookups;
            if (seq != m_lookupSeq)
                return;  // a newer question is on its way
            m_drillDown->showAnswer(answer, stageNames);
            emit lookupAnswered(answer);
        },
        this);
}

} // namespace slatrack::ui

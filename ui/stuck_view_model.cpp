#include "stuck_view_model.hpp"

#include "engine_queries.hpp"
#include "format.hpp"

#include "core/engine/record_id.hpp"
#include "core/monitor/json_text.hpp"
#include "core/monitor/time_text.hpp"

#include <QColor>
#include <QFontDatabase>

#include <cstdlib>

#include <chrono>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

struct StuckViewModel::EngineSide {
    quint64 generation = 0;
    std::shared_ptr<engine::StuckListing> listing;
};

struct StuckViewModel::BuildAnswer {
    quint64 generation = 0;
    bool newQuery = false;
    int rowCount = 0;
    std::vector<uint64_t> perStage;
    size_t bytes = 0;
    qint64 buildMs = 0;
    std::vector<engine::StuckRow> firstPage;
};

StuckViewModel::StuckViewModel(EngineQueries* queries, QObject* parent)
    : QAbstractTableModel(parent)
    , m_queries(queries)
    , m_engineSide(std::make_shared<EngineSide>())
{
}

void StuckViewModel::setQuery(const engine::StuckListingQuery& query)
{
    m_query = query;
    startBuild(true);
}

void StuckViewModel::refresh()
{
    startBuild(false);
}

void StuckViewModel::startBuild(bool newQuery)
{
    if (!m_queries || !m_queries->connected())
        return;
    if (m_buildInFlight) {
        // Latest wins: typing "abc" fast builds once for "a" and once for
        // "abc", never three times behind the operator.
        m_buildPending = true;
        m_pendingIsNewQuery = m_pendingIsNewQuery || newQuery;
        return;
    }
    m_buildInFlight = true;
    const quint64 generation = ++m_requestedGeneration;
    engine::StuckListingQuery query = m_query;
    query.order.sourceRank = m_sourceRank;
    std::shared_ptr<EngineSide> side = m_engineSide;
    // Typing on in the ID filter narrows the listing just built instead of
    // passing over the open table again; the next refresh rebuilds it.
    const bool narrow = newQuery && m_builtAt.isValid() && m_builtAt.elapsed() < kNarrowFreshMs &&
                        engine::StuckListing::narrows(m_builtQuery, query);
    m_builtQuery = query;
    m_narrowed = narrow;
    m_queries->ask<BuildAnswer>(
        [side, generation, query, newQuery, narrow](const engine::JoinEngine& engine) {
            const auto started = std::chrono::steady_clock::now();
            auto listing = std::make_shared<engine::StuckListing>(narrow && side->listing
                                                                      ? engine::StuckListing::narrow(engine, *side->listing, query)
                                                                      : engine::StuckListing::build(engine, query));
            BuildAnswer answer;
            answer.generation = generation;
            answer.newQuery = newQuery;
            answer.rowCount = static_cast<int>(std::min<size_t>(listing->size(), static_cast<size_t>(INT32_MAX)));
            answer.perStage = listing->countsPerStage();
            answer.bytes = listing->bytes();
            answer.firstPage = listing->page(engine, 0, kPageRows);
            answer.buildMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
            side->generation = generation;
            side->listing = std::move(listing);
            return answer;
        },
        [this](BuildAnswer answer) { applyBuild(std::move(answer)); }, this);
}

void StuckViewModel::applyBuild(BuildAnswer answer)
{
    QElapsedTimer applying;
    applying.start();
    ++m_answers;
    ++m_builds;
    m_buildInFlight = false;
    const bool superseded = m_buildPending;
    const bool newQuery = answer.newQuery || !m_builtAt.isValid();
    auto firstPage = std::make_shared<Page>();
    firstPage->rows.reserve(answer.firstPage.size());
    for (engine::StuckRow& row : answer.firstPage)
        firstPage->rows.push_back(Row{std::move(row), {}});

    if (newQuery) {
        beginResetModel();
        m_pages.clear();
        m_pagesInFlight.clear();
        m_rowCount = answer.rowCount;
        m_generation = answer.generation;
        m_pages.insert(0, firstPage);
        endResetModel();
    } else {
        // Same query, fresh rows: keep the view's scroll position and
        // selection rows; only the row count and the texts move.
        if (answer.rowCount > m_rowCount) {
            beginInsertRows({}, m_rowCount, answer.rowCount - 1);
            m_rowCount = answer.rowCount;
            endInsertRows();
        } else if (answer.rowCount < m_rowCount) {
            beginRemoveRows({}, answer.rowCount, m_rowCount - 1);
            m_rowCount = answer.rowCount;
            endRemoveRows();
        }
        emit layoutAboutToBeChanged({}, QAbstractItemModel::NoLayoutChangeHint);
        m_pages.clear();
        m_pagesInFlight.clear();
        m_generation = answer.generation;
        m_pages.insert(0, firstPage);
        emit layoutChanged({}, QAbstractItemModel::NoLayoutChangeHint);
    }
    m_perStage = std::move(answer.perStage);
    m_listingBytes = answer.bytes;
    m_lastBuildMs = answer.buildMs;
    m_builtAt.start();
    m_lastApplyUs = applying.nsecsElapsed() / 1000;
    emit listingChanged();
    if (superseded) {
        m_buildPending = false;
        const bool pendingNew = m_pendingIsNewQuery;
        m_pendingIsNewQuery = false;
        startBuild(pendingNew);
    }
}

void StuckViewModel::requestPage(int page) const
{
    m_lastPageAsked = page;
    if (m_pagesInFlight.contains(page) || !m_queries)
        return;
    m_pagesInFlight.insert(page);
    const quint64 generation = m_generation;
    std::shared_ptr<EngineSide> side = m_engineSide;
    auto* self = const_cast<StuckViewModel*>(this);  // data() is const; a page on its way is cache state
    m_queries->ask<std::vector<engine::StuckRow>>(
        [side, generation, page](const engine::JoinEngine& engine) {
            if (side->generation != generation || !side->listing)
                return std::vector<engine::StuckRow>{};  // a newer listing replaced it: that answer brings its own pages
            return side->listing->page(engine, static_cast<size_t>(page) * kPageRows, kPageRows);
        },
        [self, generation, page](std::vector<engine::StuckRow> rows) { self->applyPage(generation, page, std::move(rows)); }, self);
}

void StuckViewModel::applyPage(quint64 generation, int page, std::vector<engine::StuckRow> rows)
{
    ++m_answers;
    if (generation != m_generation)
        return;
    m_pagesInFlight.remove(page);
    if (rows.empty())
        return;
    auto loaded = std::make_shared<Page>();
    loaded->rows.reserve(rows.size());
    for (engine::StuckRow& row : rows)
        loaded->rows.push_back(Row{std::move(row), {}});
    const int first = page * kPageRows;
    const int last = std::min(m_rowCount, first + static_cast<int>(loaded->rows.size())) - 1;
    m_pages.insert(page, std::move(loaded));
    trimPages(page);
    if (last >= first)
        emit dataChanged(index(first, 0), index(last, engine::kStuckColumnCount - 1));
}

void StuckViewModel::idsOfRows(std::vector<std::pair<int, int>> ranges, std::function<void(QStringList)> done)
{
    if (!m_queries)
        return;
    const quint64 generation = m_generation;
    std::shared_ptr<EngineSide> side = m_engineSide;
    m_queries->ask<QStringList>(
        [side, generation, ranges = std::move(ranges)](const engine::JoinEngine& engine) {
            QStringList ids;
            if (side->generation != generation || !side->listing)
                return ids;  // the listing moved on; the caller's rows mean something else now
            size_t budget = kMaxCopyRows;
            for (const auto& [first, last] : ranges) {
                if (first < 0 || last < first)
                    continue;
                const size_t count = std::min(static_cast<size_t>(last - first + 1), budget);
                for (const engine::StuckRow& row : side->listing->page(engine, static_cast<size_t>(first), count))
                    if (!row.resolved)
                        ids.append(QString::fromStdString(monitor::jsonSafeId(row.record.id)));
                budget -= count;
                if (budget == 0)
                    break;
            }
            return ids;
        },
        std::move(done), this);
}

void StuckViewModel::trimPages(int keepNear)
{
    while (m_pages.size() > kMaxPages) {
        int farthest = keepNear;
        for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
            if (std::abs(it.key() - keepNear) > std::abs(farthest - keepNear))
                farthest = it.key();
        if (farthest == keepNear)
            return;
        m_pages.remove(farthest);
    }
}

size_t StuckViewModel::cachedRows() const
{
    size_t rows = 0;
    for (const auto& page : m_pages)
        rows += page->rows.size();
    return rows;
}

const engine::StuckRow* StuckViewModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return nullptr;
    const auto found = m_pages.constFind(row / kPageRows);
    if (found == m_pages.cend())
        return nullptr;
    const size_t offset = static_cast<size_t>(row % kPageRows);
    return offset < (*found)->rows.size() ? &(*found)->rows[offset].row : nullptr;
}

void StuckViewModel::setSnapshot(const monitor::SnapshotPtr& snapshot)
{
    if (!snapshot)
        return;
    const bool namesChanged = !m_snapshot || m_snapshot->stageNames != snapshot->stageNames;
    m_snapshot = snapshot;
    m_watermarks.clear();
    for (const engine::StageGauges& stage : snapshot->gauges.stages)
        m_watermarks.push_back(stage.watermarkMs);
    m_stage0Partitions.clear();
    std::vector<const monitor::PartitionLag*> ranked;
    for (const monitor::PartitionLag& partition : snapshot->partitions) {
        if (partition.stage == 0) {
            m_stage0Partitions.insert(partition.index, {QString::fromStdString(partition.topic), partition.partition});
            ranked.push_back(&partition);
        }
    }
    // The Source column sorts as it reads: topic, then partition number.
    std::sort(ranked.begin(), ranked.end(), [](const monitor::PartitionLag* a, const monitor::PartitionLag* b) {
        return std::tie(a->topic, a->partition) < std::tie(b->topic, b->partition);
    });
    m_sourceRank.clear();
    for (size_t rank = 0; rank < ranked.size(); ++rank) {
        const uint16_t index = ranked[rank]->index;
        if (index >= m_sourceRank.size())
            m_sourceRank.resize(static_cast<size_t>(index) + 1, UINT32_MAX);
        m_sourceRank[index] = static_cast<uint32_t>(rank);
    }
    // Kept in the query (so an export sorts as the view does); a build
    // picks it up, the rows on screen keep the order they were built in.
    m_query.order.sourceRank = m_sourceRank;
    if (namesChanged) {
        for (auto& page : m_pages)
            for (Row& row : page->rows)
                row.text = {};
    }
    // Only the age column moves with the clock: repaint what is visible.
    if (m_rowCount > 0)
        emit dataChanged(index(0, static_cast<int>(engine::StuckColumn::Age)),
                         index(m_rowCount - 1, static_cast<int>(engine::StuckColumn::Age)), {Qt::DisplayRole});
}

int64_t StuckViewModel::liveAgeMs(const engine::StuckRecord& record) const
{
    const size_t stage = static_cast<size_t>(record.awaitingStage);
    if (stage < m_watermarks.size() && m_watermarks[stage] != engine::kNoTime)
        return std::max(record.ageMs, m_watermarks[stage] - record.t0Ms);
    return record.ageMs;
}

QString StuckViewModel::stageName(int stage) const
{
    if (m_snapshot && stage >= 0)
        return ui::stageName(*m_snapshot, static_cast<size_t>(stage));
    return QStringLiteral("stage %1").arg(stage);
}

QString StuckViewModel::sourceText(uint16_t partitionIndex, int64_t offset) const
{
    const auto found = m_stage0Partitions.constFind(partitionIndex);
    if (found == m_stage0Partitions.cend())
        return QStringLiteral("#%1 @ %2").arg(partitionIndex).arg(offset);
    return QStringLiteral("%1 [%2] @ %3").arg(found->first).arg(found->second).arg(offset);
}

std::vector<uint16_t> StuckViewModel::indexesOfPartition(int32_t partition) const
{
    std::vector<uint16_t> out;
    if (m_stage0Partitions.isEmpty()) {
        if (partition >= 0 && partition <= UINT16_MAX)
            out.push_back(static_cast<uint16_t>(partition));
        return out;
    }
    for (auto it = m_stage0Partitions.cbegin(); it != m_stage0Partitions.cend(); ++it)
        if (it->second == partition)
            out.push_back(it.key());
    return out;
}

QString StuckViewModel::cellText(const engine::StuckRow& row, int column) const
{
    const engine::StuckRecord& record = row.record;
    if (row.resolved) {
        if (column == static_cast<int>(engine::StuckColumn::Id))
            return record.id.empty() ? u"(no longer stuck)"_s : QString::fromStdString(monitor::jsonSafeId(record.id));
        return column == static_cast<int>(engine::StuckColumn::Awaiting) ? u"no longer stuck"_s : QString();
    }
    switch (static_cast<engine::StuckColumn>(column)) {
    case engine::StuckColumn::Id: return QString::fromStdString(monitor::jsonSafeId(record.id));
    case engine::StuckColumn::Awaiting: return stageName(record.awaitingStage);
    case engine::StuckColumn::Age: return durationText(liveAgeMs(record));
    case engine::StuckColumn::FirstSeen: return QString::fromStdString(monitor::formatRfc3339(record.t0Ms));
    case engine::StuckColumn::Created:
        if (record.id != engine::composite_id::format(record.key))
            return u"\u2014"_s;
        return QString::fromStdString(engine::composite_id::formatCreationTime(record.key));
    case engine::StuckColumn::Source: return sourceText(record.partition, record.offset);
    }
    return {};
}

int StuckViewModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int StuckViewModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : engine::kStuckColumnCount;
}

QVariant StuckViewModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rowCount)
        return {};
    const int page = index.row() / kPageRows;
    const auto found = m_pages.constFind(page);
    const Row* row = nullptr;
    if (found != m_pages.cend()) {
        const size_t offset = static_cast<size_t>(index.row() % kPageRows);
        if (offset < (*found)->rows.size())
            row = &(*found)->rows[offset];
    }
    const int column = index.column();
    if (role == Qt::TextAlignmentRole && column == static_cast<int>(engine::StuckColumn::Age))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && column == static_cast<int>(engine::StuckColumn::Id))
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);  // IDs are compared digit by digit
    if (!row) {
        if (role == Qt::DisplayRole) {
            requestPage(page);
            return column == 0 ? u"\u2026"_s : QString();
        }
        return {};
    }
    if (role == kKeyRole)
        return QVariant::fromValue<quint64>(row->row.record.key);
    if (role == kIdRole)
        return QString::fromStdString(row->row.record.id);
    if (role == Qt::ForegroundRole && row->row.resolved)
        return QColor(Qt::gray);
    if (role != Qt::DisplayRole)
        return {};
    if (column == static_cast<int>(engine::StuckColumn::Age))
        return cellText(row->row, column);
    QString& cached = row->text[static_cast<size_t>(column)];
    if (cached.isNull())
        cached = cellText(row->row, column);
    return cached;
}

QVariant StuckViewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (static_cast<engine::StuckColumn>(section)) {
    case engine::StuckColumn::Id: return u"Record ID"_s;
    case engine::StuckColumn::Awaiting: return u"Waiting for"_s;
    case engine::StuckColumn::Age: return u"Age"_s;
    case engine::StuckColumn::FirstSeen: return u"First seen (UTC)"_s;
    case engine::StuckColumn::Created: return u"Created (UTC, from ID)"_s;
    case engine::StuckColumn::Source: return u"Topic [partition] @ offset"_s;
    }
    return {};
}

void StuckViewModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= engine::kStuckColumnCount)
        return;
    engine::StuckListingQuery query = m_query;
    query.order.column = static_cast<engine::StuckColumn>(column);
    query.order.descending = order == Qt::DescendingOrder;
    setQuery(query);
}

} // namespace slatrack::ui

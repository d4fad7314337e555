#pragma once

#include "core/engine/stuck_query.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <array>
#include <functional>
#include <memory>
#include <vector>

namespace slatrack::ui {

class EngineQueries;

// Every stuck record matching a filter, sorted by any column, over a
// listing that lives on the engine thread (engine::StuckListing): the
// model holds the row count and the pages the view has asked for, never
// the whole list (Wireshark's packet list, with the rows kept where the
// data is).
//
//  - rowCount() is the listing's size; data() for a row whose page is not
//    here yet asks the engine for that page and shows "…" until it comes.
//  - Rows are tiny (the engine's StuckRecord); cell text is built when the
//    view first paints it and kept with the row; the age is live: the
//    latest snapshot's watermark of the awaited stage minus t0.
//  - At most kMaxPages pages are kept (the farthest from the last one
//    asked for goes first): memory stays flat however far one scrolls.
//  - A refresh of the same query replaces the pages under
//    layoutAboutToBeChanged/layoutChanged (rows added or removed at the
//    end first); a new query (sort, filter) resets the model.
//
// Thread: UI thread only.
class StuckViewModel : public QAbstractTableModel {
    Q_OBJECT

public:
    static constexpr int kPageRows = 256;
    static constexpr int kMaxPages = 64;  // 16k rows, ~3 MB
    static constexpr int kKeyRole = Qt::UserRole + 1;   // quint64 key
    static constexpr int kIdRole = Qt::UserRole + 2;    // ID text (empty while loading)

    explicit StuckViewModel(EngineQueries* queries, QObject* parent = nullptr);

    // A new filter or order: the listing is rebuilt on the engine thread;
    // until the answer comes the old rows stay.
    void setQuery(const engine::StuckListingQuery& query);
    const engine::StuckListingQuery& query() const { return m_query; }
    // Rebuilds the listing of the current query (new stuck records appear,
    // resolved ones go). Coalesced: one build in flight at most.
    void refresh();
    // Stage names, watermarks (live age), partition names.
    void setSnapshot(const monitor::SnapshotPtr& snapshot);

    bool busy() const { return m_buildInFlight; }
    // Answers so far (each build, each page): lets tests and the bench wait.
    quint64 answers() const { return m_answers; }
    // Listings applied so far (each build's answer).
    quint64 builds() const { return m_builds; }
    // Per awaited stage, matching records when the listing was built.
    const std::vector<uint64_t>& matchingPerStage() const { return m_perStage; }
    qint64 lastBuildMs() const { return m_lastBuildMs; }
    // Whether the last build narrowed the listing before it (typing on)
    // rather than passing over the engine's open records.
    bool lastBuildNarrowed() const { return m_narrowed; }
    // UI-thread time spent applying the last listing (model reset or layout change).
    qint64 lastApplyUs() const { return m_lastApplyUs; }
    qint64 listingAgeMs() const { return m_builtAt.isValid() ? m_builtAt.elapsed() : -1; }
    size_t listingBytes() const { return m_listingBytes; }
    size_t cachedRows() const;

    // The row's record if its page is here (nullptr otherwise).
    const engine::StuckRow* rowAt(int row) const;
    // Text of a cell as shown (the CSV export writes the same).
    QString cellText(const engine::StuckRow& row, int column) const;
    QString stageName(int stage) const;
    QString sourceText(uint16_t partitionIndex, int64_t offset) const;
    // Stage-0 partition indexes whose Kafka partition is `partition` (any
    // of stage 0's topics); the index itself when partitions are unknown.
    std::vector<uint16_t> indexesOfPartition(int32_t partition) const;
    monitor::SnapshotPtr snapshot() const { return m_snapshot; }
    // IDs of the rows in `ranges` ([first, last] pairs, ascending), from the
    // engine thread's listing (the rows need not be loaded here); `done`
    // runs on the UI thread. Rows that stopped being stuck are skipped.
    // At most kMaxCopyRows rows.
    static constexpr int kMaxCopyRows = 1'000'000;
    void idsOfRows(std::vector<std::pair<int, int>> ranges, std::function<void(QStringList)> done);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order) override;

signals:
    // A build's answer was applied (row count, per-stage counts may differ).
    void listingChanged();

private:
    struct Row {
        engine::StuckRow row;
        mutable std::array<QString, engine::kStuckColumnCount> text;  // built at first paint; age is never cached
    };
    struct Page {
        std::vector<Row> rows;
    };
    struct BuildAnswer;

    void startBuild(bool newQuery);
    void applyBuild(BuildAnswer answer);
    void requestPage(int page) const;
    void applyPage(quint64 generation, int page, std::vector<engine::StuckRow> rows);
    void trimPages(int keepNear);
    int64_t liveAgeMs(const engine::StuckRecord& record) const;

    EngineQueries* m_queries;
    // Engine thread only (touched inside ask() questions): the listing.
    struct EngineSide;
    std::shared_ptr<EngineSide> m_engineSide;

    engine::StuckListingQuery m_query;
    engine::StuckListingQuery m_builtQuery;  // of the last build asked for
    bool m_narrowed = false;                 // it narrowed the listing before it
    static constexpr qint64 kNarrowFreshMs = 2000;
    quint64 m_generation = 0;          // of the listing whose pages are here
    quint64 m_requestedGeneration = 0; // of the last build asked for
    bool m_buildInFlight = false;
    bool m_buildPending = false;       // another build wanted once this one answers
    bool m_pendingIsNewQuery = false;
    int m_rowCount = 0;
    std::vector<uint64_t> m_perStage;
    size_t m_listingBytes = 0;
    qint64 m_lastBuildMs = 0;
    qint64 m_lastApplyUs = 0;
    QElapsedTimer m_builtAt;
    quint64 m_answers = 0;
    quint64 m_builds = 0;

    mutable QHash<int, std::shared_ptr<Page>> m_pages;
    mutable QSet<int> m_pagesInFlight;
    mutable int m_lastPageAsked = 0;

    monitor::SnapshotPtr m_snapshot;
    std::vector<int64_t> m_watermarks;
    QHash<uint16_t, QPair<QString, int32_t>> m_stage0Partitions;  // index -> (topic, Kafka partition)
    std::vector<uint32_t> m_sourceRank;                           // index -> rank by (topic, partition)
};

} // namespace slatrack::ui

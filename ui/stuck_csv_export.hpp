#pragma once

#include "core/engine/stuck_query.hpp"

#include <QHash>
#include <QObject>
#include <QPair>
#include <QString>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

class QFile;

namespace slatrack::ui {

class EngineQueries;

// How rows are named in the CSV: stage names and stage 0's partitions
// (stage-local index -> topic, Kafka partition), copied from a snapshot.
struct CsvNames {
    std::vector<std::string> stageNames;
    QHash<uint16_t, QPair<std::string, int32_t>> stage0Partitions;
};

// One CSV line (RFC 4180, "\r\n"-free: "\n" line ends) for a stuck row:
// id,waiting_for,age_ms,first_seen,created,topic,partition,offset. IDs that
// are not valid UTF-8 are written as jsonSafeId does ("hex:...").
std::string csvHeader();
std::string csvLine(const engine::StuckRecord& record, const CsvNames& names);
std::string csvField(std::string_view text);

// "Export CSV": every row matching a query, not only the ones on screen.
// The engine thread builds a fresh listing and describes it chunk by chunk
// (kChunkRows rows per question, ~1 ms each, so ingestion is never held
// up for long); a pool thread formats and writes each chunk; the UI thread
// only passes chunks along and reports progress. Rows that stop being
// stuck while the export runs are left out and counted (resolved()).
//
// Thread: UI thread only (the work runs elsewhere).
class StuckCsvExport : public QObject {
    Q_OBJECT

public:
    static constexpr size_t kChunkRows = 10'000;

    explicit StuckCsvExport(EngineQueries* queries, QObject* parent = nullptr);
    ~StuckCsvExport() override;

    // Starts unless one is running (then false). The file is replaced.
    bool start(const QString& path, const engine::StuckListingQuery& query, CsvNames names);
    void cancel();
    bool running() const { return m_running; }
    quint64 written() const { return m_written; }
    quint64 resolved() const { return m_resolved; }

signals:
    void progress(quint64 written, quint64 total);
    // ok false: message says what went wrong (file, engine gone, cancelled).
    void finished(bool ok, const QString& message);

private:
    struct Job;
    void askChunk();
    void onChunk(std::vector<engine::StuckRow> rows);
    void finish(bool ok, const QString& message);

    EngineQueries* m_queries;
    std::shared_ptr<Job> m_job;
    bool m_running = false;
    quint64 m_total = 0;
    quint64 m_next = 0;  // next row of the listing to ask for
    quint64 m_written = 0;
    quint64 m_resolved = 0;
};

} // namespace slatrack::ui

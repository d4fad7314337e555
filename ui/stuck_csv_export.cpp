#include "stuck_csv_export.hpp"

#include "engine_queries.hpp"

#include "core/engine/record_id.hpp"
#include "core/monitor/json_text.hpp"
#include "core/monitor/time_text.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace slatrack::ui {

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\n\r") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csvHeader()
{
    return "id,waiting_for,age_ms,first_seen,created,topic,partition,offset\n";
}

std::string csvLine(const engine::StuckRecord& record, const CsvNames& names)
{
    const size_t stage = static_cast<size_t>(record.awaitingStage);
    const std::string stageName = stage < names.stageNames.size() ? names.stageNames[stage] : "stage " + std::to_string(stage);
    const bool composite = record.id == engine::composite_id::format(record.key);
    std::string topic;
    std::string partition = "#" + std::to_string(record.partition);  // a stage-local index when the partition is unknown
    if (const auto found = names.stage0Partitions.constFind(record.partition); found != names.stage0Partitions.cend()) {
        topic = found->first;
        partition = std::to_string(found->second);
    }
    std::string line;
    line.reserve(128);
    line += csvField(monitor::jsonSafeId(record.id));
    line += ',';
    line += csvField(stageName);
    line += ',';
    line += std::to_string(record.ageMs);
    line += ',';
    line += monitor::formatRfc3339(record.t0Ms);
    line += ',';
    line += composite ? engine::composite_id::formatCreationTime(record.key) : std::string();
    line += ',';
    line += csvField(topic);
    line += ',';
    line += partition;
    line += ',';
    line += std::to_string(record.offset);
    line += '\n';
    return line;
}

struct StuckCsvExport::Job {
    // Written by the UI thread, read by the pool thread: the one flag
    // shared across threads.
    std::atomic<bool> cancelled{false};
    // Pool thread only (one write at a time: the next chunk is asked for
    // after the previous one is written).
    std::FILE* file = nullptr;
    std::string path;
    CsvNames names;
    // Engine thread only.
    std::shared_ptr<engine::StuckListing> listing;

    ~Job()
    {
        if (file)
            std::fclose(file);
    }
};

namespace {

struct WriteResult {
    bool ok = true;
    std::string error;
    quint64 written = 0;
    quint64 resolved = 0;
};

} // namespace

StuckCsvExport::StuckCsvExport(EngineQueries* queries, QObject* parent)
    : QObject(parent)
    , m_queries(queries)
{
}

StuckCsvExport::~StuckCsvExport()
{
    // A pool write still running keeps the Job (and its file) alive until
    // it returns; its answer is dropped with this object.
    cancel();
}

bool StuckCsvExport::start(const QString& path, const engine::StuckListingQuery& query, CsvNames names)
{
    if (m_running || !m_queries || !m_queries->connected())
        return false;
    m_running = true;
    m_total = m_next = m_written = m_resolved = 0;
    auto job = std::make_shared<Job>();
    job->path = path.toStdString();
    job->names = std::move(names);
    m_job = job;
    m_queries->run<WriteResult>(
        [job] {
            WriteResult result;
            job->file = std::fopen(job->path.c_str(), "wb");
            const std::string header = csvHeader();
            if (!job->file || std::fwrite(header.data(), 1, header.size(), job->file) != header.size()) {
                result.ok = false;
                result.error = "cannot write " + job->path + ": " + std::strerror(errno);
            }
            return result;
        },
        [this, job, query](WriteResult opened) {
            if (job != m_job)
                return;
            if (!opened.ok) {
                finish(false, QString::fromStdString(opened.error));
                return;
            }
            m_queries->ask<quint64>(
                [job, query](const engine::JoinEngine& engine) {
                    job->listing = std::make_shared<engine::StuckListing>(engine::StuckListing::build(engine, query));
                    return static_cast<quint64>(job->listing->size());
                },
                [this, job](quint64 total) {
                    if (job != m_job)
                        return;
                    m_total = total;
                    emit progress(0, m_total);
                    askChunk();
                },
                this);
        },
        this);
    return true;
}

void StuckCsvExport::askChunk()
{
    std::shared_ptr<Job> job = m_job;
    const quint64 offset = m_next;
    if (job->cancelled) {
        finish(false, QStringLiteral("cancelled after %1 of %2 rows").arg(m_written).arg(m_total));
        return;
    }
    if (offset >= m_total) {
        m_queries->run<WriteResult>(
            [job] {
                WriteResult result;
                if (std::fclose(job->file) != 0) {
                    result.ok = false;
                    result.error = "cannot finish " + job->path + ": " + std::strerror(errno);
                }
                job->file = nullptr;
                return result;
            },
            [this, job](WriteResult closed) {
                if (job != m_job)
                    return;
                QString message = QStringLiteral("%1 rows written to %2").arg(m_written).arg(QString::fromStdString(job->path));
                if (m_resolved > 0)
                    message += QStringLiteral(" (%1 stopped being stuck during the export and were left out)").arg(m_resolved);
                finish(closed.ok, closed.ok ? message : QString::fromStdString(closed.error));
            },
            this);
        return;
    }
    m_next = offset + kChunkRows;
    m_queries->ask<std::vector<engine::StuckRow>>(
        [job, offset](const engine::JoinEngine& engine) {
            return job->listing ? job->listing->page(engine, static_cast<size_t>(offset), kChunkRows) : std::vector<engine::StuckRow>{};
        },
        [this, job](std::vector<engine::StuckRow> rows) {
            if (job == m_job)
                onChunk(std::move(rows));
        },
        this);
}

void StuckCsvExport::onChunk(std::vector<engine::StuckRow> rows)
{
    std::shared_ptr<Job> job = m_job;
    auto chunk = std::make_shared<std::vector<engine::StuckRow>>(std::move(rows));
    m_queries->run<WriteResult>(
        [job, chunk] {
            WriteResult result;
            std::string text;
            text.reserve(chunk->size() * 100);
            for (const engine::StuckRow& row : *chunk) {
                if (row.resolved) {
                    ++result.resolved;
                    continue;
                }
                text += csvLine(row.record, job->names);
                ++result.written;
            }
            if (std::fwrite(text.data(), 1, text.size(), job->file) != text.size()) {
                result.ok = false;
                result.error = "cannot write " + job->path + ": " + std::strerror(errno);
            }
            return result;
        },
        [this, job](WriteResult result) {
            if (job != m_job)
                return;
            if (!result.ok) {
                finish(false, QString::fromStdString(result.error));
                return;
            }
            m_written += result.written;
            m_resolved += result.resolved;
            emit progress(std::min(m_next, m_total), m_total);
            askChunk();
        },
        this);
}

void StuckCsvExport::cancel()
{
    if (m_job)
        m_job->cancelled = true;
}

void StuckCsvExport::finish(bool ok, const QString& message)
{
    m_running = false;
    m_job.reset();
    emit finished(ok, message);
}

} // namespace slatrack::ui

#pragma once

#include "monitor_snapshot.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/engine/engine_types.hpp"
#include "core/ingest/ingest_batch.hpp"
#include "core/ingest/source_progress.hpp"

namespace slatrack::engine { class JoinEngine; }

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::monitor {

struct AuditRange {
    int64_t fromMs = 0;  // records with event time before this are skipped
    int64_t toMs = 0;    // ... at or after this too; "now" of the judgement
    // Give up if the brokers cannot be reached / partitions assigned in this
    // long, or if a stage stays blind this long while reading.
    int64_t connectTimeoutMs = 30'000;
    // "Now" for clamping toMs (0: the wall clock when the audit starts). A
    // record younger than the SLA at `now` cannot be judged stuck yet, so
    // an end after now is moved back to now (and the report says so).
    int64_t nowMs = 0;
};

struct AuditReport {
    std::string pipeline;
    std::vector<std::string> stageNames;
    AuditRange range;
    int64_t slaMs = 0;
    int64_t windowMs = 0;
    std::vector<engine::StageCounters> perStage;
    uint64_t incoming = 0, processed = 0, matched = 0;
    uint64_t open = 0;   // unmatched at the end, younger than the SLA
    uint64_t stuck = 0;  // unmatched at the end, older than the SLA
    uint64_t early = 0;  // processed, incoming not (yet) seen, within grace at the end
    uint64_t lost = 0, duplicates = 0, orphans = 0, rejected = 0, late = 0, lateAfterLost = 0, beforeScope = 0;
    uint64_t lostOverflow = 0, clockSkew = 0, stale = 0, lateHop = 0, idCollisions = 0;
    int64_t worstClockSkewMs = 0;  // max over stages
    LatencySummary latency;
    std::vector<std::string> stuckIds;  // complete, oldest first
    std::vector<std::string> lostIds;   // complete, oldest first
    std::vector<std::pair<std::string, uint64_t>> rejectedByReason;
    std::vector<std::string> rejectedSamples;
    uint64_t skippedOutOfRange = 0;
    uint64_t fetchNudges = 0;  // how reading went, not a verdict (SourceStatus::fetchNudges)
    std::vector<std::string> breaches;  // empty: within SLA (unless noData)
    std::vector<std::string> notes;     // e.g. "--to ... is after now: clamped to ..."
    std::optional<int64_t> requestedToMs;  // set when range.toMs was clamped to now
    // Per stage at the end of reading: ok, or no_data when not one record
    // in range was read on it (blind/catching_up only if reading ended so).
    std::vector<StageHealth> health;
    std::vector<uint64_t> readPerStage;     // records in range read, per stage
    std::vector<LatencySummary> hopLatency; // per stage k: hop from stage k-1 (index 0 empty)
    // Nothing in range was read on any stage: no verdict at all (exit 3),
    // never an empty "within SLA".
    bool noData = false;

    bool withinSla() const { return breaches.empty() && !noData; }
    const char* verdict() const { return noData ? "no_data" : (breaches.empty() ? "within_sla" : "breached"); }
};

// Sees the replay as it goes, for questions the report does not answer
// (`slatrack lookup` follows single records). Called on the thread that
// called runAudit, between engine calls.
class AuditObserver {
public:
    virtual ~AuditObserver() = default;
    // Before / after the batch is applied to the engine.
    virtual void beforeBatch(const engine::JoinEngine& engine, const ingest::IngestBatch& batch) = 0;
    virtual void afterBatch(const engine::JoinEngine& engine, const ingest::IngestBatch& batch) = 0;
    // After each advance()/finishAt(), with the records it evicted as lost.
    virtual void afterJudge(const engine::JoinEngine& engine, const std::vector<engine::LostRecord>& newlyLost) = 0;
    // Partitions as the source saw them at the end (stage-local index -> topic/partition).
    virtual void atEnd(const std::vector<ingest::PartitionLag>& partitions) = 0;
};

struct AuditOutcome {
    bool ok = false;
    std::string error;  // !ok
    AuditReport report;
};

// Reads every stage from `fromMs` up to the high watermarks at start, joins,
// and judges every record as of `toMs` (clamped to now). Blocking; runs the
// consumer on its own thread and the engine on the calling thread. Errors
// (outcome.error): --to not after --from, a configured topic that does not
// exist (named), brokers unreachable or a stage blind for connectTimeoutMs.
// Counters in the report are final (read after the consumer stopped).
AuditOutcome runAudit(const config::PipelineConfig& config, const AuditRange& range,
                      const std::function<void(const std::string&)>& log, AuditObserver* observer = nullptr);

std::string auditReportJson(const AuditReport& report);
std::string auditReportText(const AuditReport& report);

} // namespace slatrack::monitor

#pragma once

#include "audit.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/engine/record_id.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::monitor {

// "Where is record X?" answered by a replay over a range (the audit's
// replay, core/monitor/audit): every stage is read from range.fromMs to the
// high watermarks at start, joined, and judged as of range.toMs, while the
// asked IDs are followed message by message.
//
// Not built: answering from a running agent's SQLite store. The store holds
// metric history and the lost-record log, not the engine's open records or
// outcomes, so a running agent cannot be asked yet; this always replays.
enum class LookupState : uint8_t { Unknown, Early, Open, Stuck, Matched, Lost, Orphan, Stale };
const char* lookupStateName(LookupState state);

// One message of the record read in the replay.
struct LookupSighting {
    int stage = 0;
    std::string topic;
    int32_t partition = -1;  // -1: the source did not report the partition
    int64_t offset = 0;      // -1: not known (liveLookup: the engine keeps only the first message's)
    int64_t timeMs = 0;      // event time as extracted
    bool repeat = false;     // the stage had already seen this ID
};

struct LookupAnswer {
    std::string typed;    // as given
    std::string id;       // canonical composite form or opaque text
    LookupState state = LookupState::Unknown;
    int64_t latencyMs = 0;               // Matched: end to end, as the engine measured it
    int awaitingStage = -1;              // Open/Stuck/Early/Lost: the stage it waits for
    std::optional<int64_t> creationMs;   // composite IDs: creation time inside the ID
    std::optional<int64_t> lostAtMs;     // Lost: when it was evicted
    std::string detail;                  // why this state, in words
    std::vector<LookupSighting> sightings;  // read order
    // First sighting per stage, ascending stage; hop from the previous entry.
    struct Step {
        LookupSighting at;
        std::optional<int64_t> hopMs;
    };
    std::vector<Step> journey() const;
    bool found() const { return state != LookupState::Unknown; }
};

class IdInput;

// Follows the asked IDs through a replay (an AuditObserver: runLookup hands
// it to runAudit; tests drive it beside an engine they feed). The engine's
// own answer is taken every time it may have changed (after each batch
// that carried one of the IDs, after each judgement), and the last one it
// gave is kept: the engine forgets outcomes older than the dedup horizon,
// and a record matched early in a long range must still read "matched" at
// the end. Stale: the ID was read, the engine took nothing of it and
// counted a stale message in that batch. Thread: the replay's engine thread.
class RecordFollower : public AuditObserver {
public:
    // An ID the config's id_format cannot read makes error() non-empty
    // (naming the ID); nothing is followed then.
    RecordFollower(const config::PipelineConfig& config, const std::vector<std::string>& typedIds);
    ~RecordFollower() override;
    RecordFollower(const RecordFollower&) = delete;
    RecordFollower& operator=(const RecordFollower&) = delete;

    const std::string& error() const { return m_error; }

    void beforeBatch(const engine::JoinEngine& engine, const ingest::IngestBatch& batch) override;
    void afterBatch(const engine::JoinEngine& engine, const ingest::IngestBatch& batch) override;
    void afterJudge(const engine::JoinEngine& engine, const std::vector<engine::LostRecord>& newlyLost) override;
    void atEnd(const std::vector<ingest::PartitionLag>& partitions) override;

    // The verdicts, in the order asked, once the replay is over.
    std::vector<LookupAnswer> answers() const;

private:
    struct Followed;
    const config::PipelineConfig& m_config;
    std::vector<Followed> m_followed;  // sized once: IdInput texts must not move
    std::multimap<uint64_t, size_t> m_byKey;
    std::string m_error;
    bool m_anyHit = false;
    uint64_t m_staleBefore = 0;
};

struct LookupReport {
    std::string source = "replay";  // "replay" over range, or "store" (as of the snapshot at range.toMs)
    std::string pipeline;
    std::vector<std::string> stageNames;
    AuditRange range;
    std::vector<LookupAnswer> answers;  // in the order asked
};

struct LookupOutcome {
    bool ok = false;
    std::string error;  // !ok: a bad ID (named) or what stopped the replay
    LookupReport report;
};

// Blocking; the consumer runs on its own thread, the engine on the caller's.
LookupOutcome runLookup(const config::PipelineConfig& config, const AuditRange& range, const std::vector<std::string>& typedIds,
                        const std::function<void(const std::string&)>& log);

// "Where is record X?" asked of a running engine (the GUI's lookup box):
// the engine's answer now, with the journey it holds (the first and the
// last stage seen, with their times) and, while the record is held, the
// address of its first message (topic and Kafka partition from
// `partitions`, the monitor's latest list). The addresses of later stages'
// messages are not held by the engine: a replay (runLookup) finds them.
// Stale cannot be told from unknown here: the engine keeps nothing of a
// stale message (a replay tells them apart).
// Thread: the engine's owner thread.
// `id` as IdInput::recordId() gives it (or a stuck row's own ID).
LookupAnswer liveLookup(const engine::JoinEngine& engine, const config::PipelineConfig& config, const engine::RecordId& id,
                        const std::vector<ingest::PartitionLag>& partitions);

// IDs in JSON are written with jsonSafeId (not valid UTF-8: "hex:...").
std::string lookupReportJson(const LookupReport& report);
std::string lookupReportText(const LookupReport& report);

} // namespace slatrack::monitor

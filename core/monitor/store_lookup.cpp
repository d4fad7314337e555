#include "store_lookup.hpp"

#include "id_input.hpp"
#include "monitor.hpp"
#include "monitor_store.hpp"
#include "time_text.hpp"

#include "core/store/lost_record_log.hpp"
#include "core/store/snapshot_store.hpp"
#include "core/store/sqlite_db.hpp"

#include <system_error>

namespace slatrack::monitor {

namespace {

// The snapshot's partitions, as the live lookup wants them to name the
// topic and Kafka partition of a record's first message.
std::vector<ingest::PartitionLag> partitionsOf(const store::SnapshotMeta& meta)
{
    std::vector<ingest::PartitionLag> out;
    for (const store::StoredPosition& pos : meta.positions) {
        ingest::PartitionLag part;
        part.stage = pos.stage;
        part.topic = pos.topic;
        part.partition = pos.partition;
        part.index = pos.index;
        part.position = pos.nextOffset;
        out.push_back(std::move(part));
    }
    return out;
}

void answerFromLostLog(LookupAnswer& answer, store::Database& db, const config::PipelineConfig& config)
{
    const std::vector<store::StoredLostRecord> lost = store::LostRecordLog(db).byId(answer.id);
    if (lost.empty())
        return;
    const store::StoredLostRecord& newest = lost.back();
    answer.state = LookupState::Lost;
    answer.awaitingStage = newest.record.awaitingStage;
    answer.lostAtMs = newest.record.lostAtMs;
    const auto stageName = [&](int stage) {
        return stage >= 0 && static_cast<size_t>(stage) < config.stages.size() ? config.stages[static_cast<size_t>(stage)].name : std::to_string(stage);
    };
    answer.detail = "lost " + std::string(newest.record.reason == engine::LostReason::Overflow ? "to the open-record cap" : "after the window")
                    + " awaiting " + stageName(newest.record.awaitingStage) + " (entered " + formatRfc3339(newest.record.t0Ms)
                    + "), from the store's lost records";
    LookupSighting first;
    first.stage = newest.record.lastStage;
    first.topic = newest.topic;
    first.partition = static_cast<int32_t>(newest.record.partition);
    first.offset = newest.record.offset;
    first.timeMs = newest.record.t0Ms;
    answer.sightings = {first};
}

} // namespace

StoreLookupOutcome lookupInStore(const config::PipelineConfig& config, const std::filesystem::path& storePath, const std::vector<std::string>& typedIds)
{
    StoreLookupOutcome out;
    std::error_code ec;
    if (!std::filesystem::exists(storePath, ec)) {
        out.why = "no store at " + storePath.string();
        return out;
    }
    try {
        store::Database db(storePath.string(), store::Database::Mode::ReadOnly);
        store::RestoredEngine restored = store::restoreLatestEngine(db, Monitor::engineConfigFor(config), MonitorStore::sourceOf(config));
        if (!restored.engine || !restored.info) {
            out.why = "the store " + storePath.string() + " has no usable snapshot (" + restored.why + ")";
            return out;
        }
        out.snapshotAtMs = restored.info->meta.takenAtMs;
        const std::vector<ingest::PartitionLag> partitions = partitionsOf(restored.info->meta);
        out.report.source = "store";
        out.report.pipeline = config.pipeline;
        for (const auto& stage : config.stages)
            out.report.stageNames.push_back(stage.name);
        out.report.range.toMs = out.snapshotAtMs;
        out.report.range.fromMs = restored.info->meta.scopeStartMs;
        out.report.range.nowMs = out.snapshotAtMs;
        for (const std::string& typed : typedIds) {
            const IdInput input = IdInput::parse(typed, config.idFormat);
            if (!input.ok()) {
                out.why = input.error();
                return out;
            }
            LookupAnswer answer = liveLookup(*restored.engine, config, input.recordId(), partitions);
            answer.typed = typed;
            if (answer.state == LookupState::Unknown)
                answerFromLostLog(answer, db, config);
            if (!answer.detail.empty())
                answer.detail += "; ";
            answer.detail += "as of the agent's snapshot of " + formatRfc3339(out.snapshotAtMs);
            out.report.answers.push_back(std::move(answer));
        }
        out.ok = true;
    } catch (const std::exception& error) {
        out.why = "the store " + storePath.string() + " cannot be read: " + error.what();
    }
    return out;
}

} // namespace slatrack::monitor

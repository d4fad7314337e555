#include "record_lookup.hpp"

#include "id_input.hpp"
#include "json_text.hpp"
#include "time_text.hpp"

#include "core/config/duration_parse.hpp"
#include "core/engine/join_engine.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <numeric>
#include <sstream>

namespace slatrack::monitor {

const char* lookupStateName(LookupState state)
{
    switch (state) {
    case LookupState::Unknown: return "unknown";
    case LookupState::Early: return "early";
    case LookupState::Open: return "open";
    case LookupState::Stuck: return "stuck";
    case LookupState::Matched: return "matched";
    case LookupState::Lost: return "lost";
    case LookupState::Orphan: return "orphan";
    case LookupState::Stale: return "stale";
    }
    return "unknown";
}

std::vector<LookupAnswer::Step> LookupAnswer::journey() const
{
    std::map<int, const LookupSighting*> firstPerStage;
    for (const LookupSighting& sighting : sightings)
        firstPerStage.emplace(sighting.stage, &sighting);
    std::vector<Step> steps;
    for (const auto& [stage, sighting] : firstPerStage) {
        Step step{*sighting, std::nullopt};
        if (!steps.empty())
            step.hopMs = sighting->timeMs - steps.back().at.timeMs;
        steps.push_back(std::move(step));
    }
    return steps;
}

namespace {

LookupState fromEngine(engine::RecordState state)
{
    switch (state) {
    case engine::RecordState::Unknown: return LookupState::Unknown;
    case engine::RecordState::Early: return LookupState::Early;
    case engine::RecordState::Open: return LookupState::Open;
    case engine::RecordState::Stuck: return LookupState::Stuck;
    case engine::RecordState::Matched: return LookupState::Matched;
    case engine::RecordState::Lost: return LookupState::Lost;
    case engine::RecordState::Orphan: return LookupState::Orphan;
    }
    return LookupState::Unknown;
}

uint64_t staleTotal(const engine::JoinEngine& engine)
{
    uint64_t total = 0;
    for (const auto& counters : engine.totals())
        total += counters.stale;
    return total;
}

} // namespace

struct RecordFollower::Followed {
    IdInput input;
    LookupAnswer answer;
    std::optional<engine::RecordStatus> lastKnown;
    bool staleSeen = false;
    bool hitInBatch = false;
    std::vector<std::pair<int, uint16_t>> indexes;  // (stage, stage-local index) per sighting
};

RecordFollower::RecordFollower(const config::PipelineConfig& config, const std::vector<std::string>& typedIds) : m_config(config)
{
    m_followed.reserve(typedIds.size());
    for (const std::string& typed : typedIds) {
        Followed entry;
        entry.input = IdInput::parse(typed, config.idFormat);
        if (!entry.input.ok()) {
            m_error = "ID \"" + jsonSafeId(typed) + "\": " + entry.input.error();
            m_followed.clear();
            m_byKey.clear();
            return;
        }
        entry.answer.typed = typed;
        entry.answer.id = entry.input.display();
        if (entry.input.isComposite())
            entry.answer.creationMs = engine::composite_id::creationUnixSeconds(entry.input.recordId().key) * 1000;
        m_byKey.emplace(entry.input.recordId().key, m_followed.size());
        m_followed.push_back(std::move(entry));
    }
}

RecordFollower::~RecordFollower() = default;

void RecordFollower::beforeBatch(const engine::JoinEngine& engine, const ingest::IngestBatch& batch)
{
    m_anyHit = false;
    for (const engine::Event& event : batch.events) {
        const auto [begin, end] = m_byKey.equal_range(event.id.key);
        for (auto it = begin; it != end; ++it) {
            Followed& followed = m_followed[it->second];
            const engine::RecordId wanted = followed.input.recordId();
            if (wanted.isComposite() != event.id.isComposite() || wanted.text != event.id.text)
                continue;  // same hash, different ID
            LookupSighting sighting;
            sighting.stage = event.stage;
            sighting.offset = event.offset;
            sighting.timeMs = event.eventTimeMs;
            for (const LookupSighting& earlier : followed.answer.sightings)
                sighting.repeat = sighting.repeat || earlier.stage == event.stage;
            followed.answer.sightings.push_back(std::move(sighting));
            followed.indexes.emplace_back(event.stage, event.partition);
            followed.hitInBatch = true;
            m_anyHit = true;
        }
    }
    if (m_anyHit)
        m_staleBefore = staleTotal(engine);
}

void RecordFollower::afterBatch(const engine::JoinEngine& engine, const ingest::IngestBatch&)
{
    if (!m_anyHit)
        return;
    const bool staleRose = staleTotal(engine) > m_staleBefore;
    for (Followed& followed : m_followed) {
        if (!followed.hitInBatch)
            continue;
        followed.hitInBatch = false;
        const engine::RecordStatus status = engine.lookup(followed.input.recordId());
        if (status.state != engine::RecordState::Unknown)
            followed.lastKnown = status;
        else if (staleRose)
            followed.staleSeen = true;
    }
}

void RecordFollower::afterJudge(const engine::JoinEngine& engine, const std::vector<engine::LostRecord>& newlyLost)
{
    for (Followed& followed : m_followed) {
        if (followed.answer.sightings.empty())
            continue;
        const engine::RecordStatus status = engine.lookup(followed.input.recordId());
        if (status.state != engine::RecordState::Unknown)
            followed.lastKnown = status;
        for (const engine::LostRecord& lost : newlyLost)
            if (lost.id == followed.answer.id)
                followed.answer.lostAtMs = lost.lostAtMs;
    }
}

void RecordFollower::atEnd(const std::vector<ingest::PartitionLag>& partitions)
{
    for (Followed& followed : m_followed) {
        for (size_t sighting_idx = 0; sighting_idx < followed.answer.sightings.size(); ++sighting_idx) {
            const auto [stage, index] = followed.indexes[sighting_idx];
            for (const ingest::PartitionLag& partition : partitions) {
                if (partition.stage == stage && partition.index == index) {
                    followed.answer.sightings[sighting_idx].topic = partition.topic;
                    followed.answer.sightings[sighting_idx].partition = partition.partition;
                }
            }
        }
    }
}

namespace {

LookupAnswer conclude(LookupAnswer answer, const std::optional<engine::RecordStatus>& lastKnown, bool staleSeen, const config::PipelineConfig& config)
{
    auto stageName = [&](int stage) { return stage >= 0 && stage < int(config.stages.size()) ? config.stages[size_t(stage)].name : "?"; };
    if (lastKnown) {
        const engine::RecordStatus& status = *lastKnown;
        answer.state = fromEngine(status.state);
        answer.latencyMs = status.latencyMs;
        answer.awaitingStage = status.awaitingStage;
    } else if (staleSeen) {
        answer.state = LookupState::Stale;
    }
    const std::string sla = config::formatDuration(config.sla);  // "30s", "5m": as the config writes it
    switch (answer.state) {
    case LookupState::Unknown:
        answer.detail = answer.sightings.empty()
                            ? "not read on any stage in the range"
                            : "read " + std::to_string(answer.sightings.size()) +
                                  " time(s) but not joined (refused by the engine, e.g. future_time, or an ID hash collision)";
        break;
    case LookupState::Early: answer.detail = "seen on a later stage, its incoming message not (yet) read, within the grace"; break;
    case LookupState::Open: answer.detail = "waiting for stage \"" + stageName(answer.awaitingStage) + "\", younger than the SLA (" + sla + ")"; break;
    case LookupState::Stuck: answer.detail = "waiting for stage \"" + stageName(answer.awaitingStage) + "\" longer than the SLA (" + sla + ")"; break;
    case LookupState::Matched: answer.detail = "reached the last stage, " + std::to_string(answer.latencyMs) + " ms end to end"; break;
    case LookupState::Lost:
        answer.detail = "open longer than the window, never reached stage \"" + stageName(answer.awaitingStage) + "\"" +
                        (answer.lostAtMs ? " (evicted at " + formatRfc3339(*answer.lostAtMs) + ")" : std::string());
        break;
    case LookupState::Orphan: answer.detail = "seen on a later stage only: its incoming message never came within the grace"; break;
    case LookupState::Stale: answer.detail = "read, but older than the dedup horizon behind the slowest stage: neither opened nor matched"; break;
    }
    return answer;
}

} // namespace

std::vector<LookupAnswer> RecordFollower::answers() const
{
    std::vector<LookupAnswer> out;
    for (const Followed& followed : m_followed)
        out.push_back(conclude(followed.answer, followed.lastKnown, followed.staleSeen, m_config));
    return out;
}

LookupAnswer liveLookup(const engine::JoinEngine& engine, const config::PipelineConfig& config, const engine::RecordId& id,
                        const std::vector<ingest::PartitionLag>& partitions)
{
    LookupAnswer answer;
    answer.id = engine::displayText(id);
    if (id.isComposite())
        answer.creationMs = engine::composite_id::creationUnixSeconds(id.key) * 1000;
    const engine::RecordStatus status = engine.lookup(id);
    // Only a record still held has its first message's address (a done-set
    // outcome keeps times, not offsets).
    const bool held = status.state == engine::RecordState::Open || status.state == engine::RecordState::Stuck ||
                      status.state == engine::RecordState::Early;
    for (size_t step_idx = 0; step_idx < status.journey.size(); ++step_idx) {
        const engine::JourneyStep& step = status.journey[step_idx];
        LookupSighting sighting;
        sighting.stage = step.stage;
        sighting.timeMs = step.timeMs;
        if (step.stage >= 0 && size_t(step.stage) < config.stages.size() && config.stages[size_t(step.stage)].topics.size() == 1)
            sighting.topic = config.stages[size_t(step.stage)].topics.front();
        if (held && step_idx == 0) {
            sighting.offset = status.offset;
            for (const ingest::PartitionLag& partition : partitions) {
                if (partition.stage == step.stage && partition.index == status.partition) {
                    sighting.topic = partition.topic;
                    sighting.partition = partition.partition;
                }
            }
        } else {
            sighting.offset = -1;  // not held by the engine
        }
        answer.sightings.push_back(std::move(sighting));
    }
    answer = conclude(std::move(answer), status.state == engine::RecordState::Unknown ? std::nullopt : std::optional(status), false, config);
    if (answer.state == LookupState::Unknown)
        answer.detail = "not held by the engine: never read, refused, stale, or judged longer ago than the dedup horizon";
    if (answer.state == LookupState::Matched && !held)
        answer.detail += " (a finished record's times are kept to the second; its latency exactly)";
    return answer;
}

LookupOutcome runLookup(const config::PipelineConfig& config, const AuditRange& range, const std::vector<std::string>& typedIds,
                        const std::function<void(const std::string&)>& log)
{
    LookupOutcome outcome;
    RecordFollower follower(config, typedIds);
    if (!follower.error().empty()) {
        outcome.error = follower.error();
        return outcome;
    }
    const AuditOutcome audit = runAudit(config, range, log, &follower);
    if (!audit.ok) {
        outcome.error = audit.error;
        return outcome;
    }
    outcome.report.pipeline = config.pipeline;
    outcome.report.stageNames = audit.report.stageNames;
    outcome.report.range = audit.report.range;
    outcome.report.answers = follower.answers();
    outcome.ok = true;
    return outcome;
}

namespace {

nlohmann::json sightingJson(const LookupSighting& sighting, const LookupReport& report)
{
    nlohmann::json out = {{"stage", report.stageNames[size_t(sighting.stage)]}, {"time", formatRfc3339(sighting.timeMs)}, {"time_ms", sighting.timeMs},
                          {"topic", sighting.topic}, {"partition", sighting.partition}, {"offset", sighting.offset}};
    return out;
}

} // namespace

std::string lookupReportJson(const LookupReport& report)
{
    nlohmann::json answers = nlohmann::json::array();
    size_t found = 0;
    for (const LookupAnswer& answer : report.answers) {
        found += answer.found() ? 1 : 0;
        nlohmann::json journey = nlohmann::json::array(), sightings = nlohmann::json::array();
        for (const auto& step : answer.journey()) {
            nlohmann::json entry = sightingJson(step.at, report);
            entry["hop_ms"] = step.hopMs ? nlohmann::json(*step.hopMs) : nlohmann::json();
            journey.push_back(std::move(entry));
        }
        for (const LookupSighting& sighting : answer.sightings) {
            nlohmann::json entry = sightingJson(sighting, report);
            entry["repeat"] = sighting.repeat;
            sightings.push_back(std::move(entry));
        }
        nlohmann::json entry = {{"input", jsonSafeId(answer.typed)}, {"id", jsonSafeId(answer.id)}, {"state", lookupStateName(answer.state)},
                                {"found", answer.found()}, {"detail", answer.detail}, {"journey", journey}, {"sightings", sightings}};
        entry["latency_ms"] = answer.state == LookupState::Matched ? nlohmann::json(answer.latencyMs) : nlohmann::json();
        const bool waits = answer.awaitingStage >= 0 && answer.awaitingStage < int(report.stageNames.size()) && answer.state != LookupState::Matched;
        entry["awaiting_stage"] = waits ? nlohmann::json(report.stageNames[size_t(answer.awaitingStage)]) : nlohmann::json();
        entry["creation_time"] = answer.creationMs ? nlohmann::json(formatRfc3339(*answer.creationMs)) : nlohmann::json();
        entry["lost_at"] = answer.lostAtMs ? nlohmann::json(formatRfc3339(*answer.lostAtMs)) : nlohmann::json();
        answers.push_back(std::move(entry));
    }
    const nlohmann::json out = {{"pipeline", report.pipeline},
                                {"from", formatRfc3339(report.range.fromMs)},
                                {"to", formatRfc3339(report.range.toMs)},
                                {"source", report.source},
                                {"found", found},
                                {"unknown", report.answers.size() - found},
                                {"ids", answers}};
    return dumpJson(out, 2);
}

std::string lookupReportText(const LookupReport& report)
{
    std::ostringstream out;
    if (report.source == "store")
        out << "slatrack lookup in " << report.pipeline << ": the agent's store, as of its snapshot of " << formatRfc3339(report.range.toMs) << "\n";
    else
        out << "slatrack lookup in " << report.pipeline << ": replay " << formatRfc3339(report.range.fromMs) << " .. " << formatRfc3339(report.range.toMs) << "\n";
    for (const LookupAnswer& answer : report.answers) {
        out << answer.id << ": " << lookupStateName(answer.state);
        if (answer.state == LookupState::Matched)
            out << ", latency " << answer.latencyMs << " ms";
        out << " - " << answer.detail << "\n";
        if (answer.creationMs)
            out << "  created " << formatRfc3339(*answer.creationMs) << " (from the composite ID)\n";
        for (const auto& step : answer.journey()) {
            out << "  " << report.stageNames[size_t(step.at.stage)] << "  " << formatRfc3339(step.at.timeMs) << "  " << step.at.topic << "["
                << step.at.partition << "]@" << step.at.offset;
            if (step.hopMs)
                out << "  +" << *step.hopMs << " ms";
            out << "\n";
        }
        const size_t repeats = std::accumulate(answer.sightings.begin(), answer.sightings.end(), size_t{0},
                                               [](size_t sum, const LookupSighting& sighting) { return sum + (sighting.repeat ? 1 : 0); });
        if (repeats > 0)
            out << "  read again " << repeats << " time(s) (duplicates; --json lists every message)\n";
    }
    return out.str();
}

} // namespace slatrack::monitor

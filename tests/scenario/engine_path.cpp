// The engine path: the fixture's messages go through the stages'
// RecordExtractors straight into a JoinEngine, with the partition
// bookkeeping KafkaSource would do, in a chosen topic order. No broker, no
// threads, one fixed "now": every order of a fixture runs in microseconds
// and gives the same answer each time.
#include "paths.hpp"

#include "core/engine/join_engine.hpp"
#include "core/ingest/record_extractor.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/snapshot_builder.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <tuple>

namespace slatrack::scenario {

namespace {

// Issue #8 gives JoinEngine::ingest the wall clock (for future_time);
// this runner builds against either signature.
template <class Engine>
void ingestAt(Engine& engine, std::span<const engine::Event> events, int64_t wallNowMs)
{
    if constexpr (requires { engine.ingest(events, wallNowMs); })
        engine.ingest(events, wallNowMs);
    else
        engine.ingest(events);
}

// Where a topic-partition lands in the engine: its stage and the
// stage-local source index, assigned as PartitionTracker does (the stage's
// topics in config order, partitions ascending).
struct Source {
    int stage = 0;
    uint16_t index = 0;
    int64_t nextOffset = 0;
};

std::map<std::pair<std::string, int32_t>, Source> mapSources(const config::PipelineConfig& config, const Fixture& fixture)
{
    std::map<std::pair<std::string, int32_t>, Source> sources;
    for (size_t stage_idx = 0; stage_idx < config.stages.size(); ++stage_idx) {
        uint16_t next = 0;
        for (const std::string& topic : config.stages[stage_idx].topics) {
            const auto found = fixture.partitions.find(topic);
            const int partitions = found == fixture.partitions.end() ? 0 : found->second;
            for (int32_t partition = 0; partition < partitions; ++partition)
                sources[{topic, partition}] = Source{static_cast<int>(stage_idx), next++, 0};
        }
    }
    return sources;
}

// A header list as librdkafka hands it to extraction; owned.
struct Headers {
    explicit Headers(const FixtureMessage& message)
    {
        if (message.headers.empty())
            return;
        list = rd_kafka_headers_new(message.headers.size());
        for (const auto& [name, value] : message.headers)
            rd_kafka_header_add(list, name.c_str(), -1, value.data(), static_cast<ssize_t>(value.size()));
    }
    ~Headers()
    {
        if (list)
            rd_kafka_headers_destroy(list);
    }
    Headers(const Headers&) = delete;
    Headers& operator=(const Headers&) = delete;
    rd_kafka_headers_t* list = nullptr;
};

LatencySeen seen(const engine::LatencyHistogram& histogram)
{
    const monitor::LatencySummary summary = monitor::summarize(histogram);
    return LatencySeen{summary.count, summary.max};
}

} // namespace

Observed runEnginePath(const Fixture& fixture, const ReadOrder& order)
{
    Observed observed;
    const config::LoadResult loaded = loadFixtureConfig(fixture, "127.0.0.1:1");
    if (noteConfigErrors(loaded, observed))
        return observed;
    const config::PipelineConfig& config = *loaded.config;
    std::unique_ptr<engine::JoinEngine> engine;
    try {
        engine = std::make_unique<engine::JoinEngine>(monitor::Monitor::engineConfigFor(config));
    } catch (const std::exception& error) {
        observed.error = std::string("the config loaded, then the engine refused it (the program aborts here): ") + error.what();
        return observed;
    }
    const int64_t now = fixture.nowMs;
    const int64_t from = fixture.fromMs.value_or(now - config.window.count());
    engine->setScopeStart(from);
    auto sources = mapSources(config, fixture);
    std::vector<ingest::RecordExtractor> extractors;
    for (const auto& stage : config.stages)
        extractors.emplace_back(stage, config.idFormat);
    std::vector<engine::LostRecord> lost;
    auto collectLost = [&] {
        auto evicted = engine->takeLost();
        lost.insert(lost.end(), evicted.begin(), evicted.end());
    };

    // Assignment: every partition known, none caught up yet.
    for (const auto& [where, source] : sources)
        engine->setCaughtUp(source.stage, source.index, false);
    for (const ReadRound& round : readRounds(fixture, order)) {
        std::set<std::pair<std::string, int32_t>> reading;
        for (const FixtureMessage& message : fixture.messages)
            if (round.holds(message))
                reading.insert({message.topic, message.partition});
        // A partition with nothing to read in this round sits at its end
        // (read before, or not produced yet): caught up, as after an EOF.
        for (const auto& [where, source] : sources)
            engine->setCaughtUp(source.stage, source.index, !reading.count(where));
        for (const FixtureMessage& message : fixture.messages) {
            if (!round.holds(message))
                continue;
            const auto found = sources.find({message.topic, message.partition});
            if (found == sources.end())
                continue;  // a topic no stage reads
            Source& source = found->second;
            const int64_t offset = source.nextOffset++;
            ingest::TextArena arena;
            const Headers headers(message);
            ingest::RawMessage raw;
            raw.key = message.key ? std::string_view(*message.key) : std::string_view();
            raw.value = message.value;
            raw.kafkaTimestampMs = message.timestampMs;
            raw.headers = headers.list;
            const ingest::ExtractResult result = extractors[static_cast<size_t>(source.stage)].extract(raw, now, arena);
            if (!result.ok) {
                engine->reject(source.stage, result.reason, message.timestampMs);
                continue;
            }
            if (result.timeMs < from)
                continue;  // KafkaSource skips what is older than the replay start
            engine::Event event;
            event.id = result.id;
            event.eventTimeMs = result.timeMs;
            event.stage = static_cast<uint8_t>(source.stage);
            event.partition = source.index;
            event.offset = offset;
            event.setLogTime(message.timestampMs);
            ingestAt(*engine, std::span<const engine::Event>(&event, 1), now);
            // As the monitor does between batches: watermarks and dedup
            // expiry move with every event, judging waits for the round's end.
            engine->advance(now);
        }
        for (const auto& [where, source] : sources)
            if (reading.count(where))
                engine->setCaughtUp(source.stage, source.index, true);
        engine->advance(now, /*force=*/true);
        collectLost();
    }
    engine->advance(now, /*force=*/true);
    collectLost();

    fillCounts(observed, engine->totals(), engine->gauges());
    std::vector<std::string> stuckIds;
    for (const auto& record : engine->oldestStuck(SIZE_MAX))
        stuckIds.push_back(record.id);
    observed.stuckIds = stuckIds;
    std::sort(lost.begin(), lost.end(), [](const engine::LostRecord& a, const engine::LostRecord& b) { return std::tie(a.t0Ms, a.id) < std::tie(b.t0Ms, b.id); });
    std::vector<std::string> lostIds;
    for (const auto& record : lost)
        lostIds.push_back(record.id);
    observed.lostIds = lostIds;
    observed.latency = seen(engine->totalEndToEnd());
    std::map<std::string, LatencySeen> hops;
    const auto& hopHistograms = engine->totalHops();
    for (size_t stage_idx = 1; stage_idx < hopHistograms.size(); ++stage_idx)
        hops[config.stages[stage_idx].name] = seen(hopHistograms[stage_idx]);
    observed.hops = hops;
    return observed;
}

} // namespace slatrack::scenario

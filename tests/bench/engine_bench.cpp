#include "engine_bench.hpp"
#include "engine_sizing.hpp"

#include "baseline_join.hpp"
#include "resident_memory.hpp"
#include "core/engine/join_engine.hpp"

#include <nlohmann/json.hpp>


#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::bench {

namespace {

using engine::Event;
using engine::JoinEngine;
using engine::RecordId;

// The steady state: record i enters at t0(i) = base + i / kRecordsPerMs and
// is processed `open` records later, so exactly `open` records are pending
// throughout and each waits open / kRecordsPerMs ms (10 s at 1M open).
constexpr int64_t kBaseTimeMs = 1'750'000'000'000;
constexpr int64_t kRecordsPerMs = 100;
constexpr size_t kBatchEvents = 4096;  // what ingestion hands over per poll
constexpr size_t kStringIdLength = 16;
// Event times here are synthetic (2025), not the wall clock: passing the
// latest time the engine accepts keeps the future check (a compare per
// event, which is timed) without rejecting them.
constexpr int64_t kNoWallClock = engine::kMaxEventTimeMs;

uint64_t splitmix64(uint64_t value)
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

int64_t t0Of(uint64_t record) { return kBaseTimeMs + static_cast<int64_t>(record) / kRecordsPerMs; }

// Composite temporal IDs as a producer makes them: creation second in the
// high half, 32 random bits below. Random, not sequential: libstdc++ hashes
// integers to themselves, so sequential IDs would flatter hash maps.
uint64_t compositeIdOf(uint64_t record)
{
    const auto seconds = static_cast<uint32_t>(t0Of(record) / 1000);
    return engine::composite_id::make(seconds, static_cast<uint32_t>(splitmix64(record)) | 1u);
}

// 16 random [a-z0-9] characters per record, in one flat array.
class StringIdPool {
public:
    explicit StringIdPool(size_t count) : m_text(count * kStringIdLength)
    {
        static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (size_t record = 0; record < count; ++record) {
            uint64_t bits = splitmix64(record ^ 0x5bd1e995ULL);
            for (size_t char_idx = 0; char_idx < kStringIdLength; ++char_idx) {
                if (char_idx == 8)
                    bits = splitmix64(bits);
                m_text[record * kStringIdLength + char_idx] = kAlphabet[bits % 36];
                bits /= 36;
            }
        }
    }
    std::string_view operator[](size_t record) const { return {&m_text[record * kStringIdLength], kStringIdLength}; }

private:
    std::vector<char> m_text;
};

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct RunResult {
    double eventsPerSecond = 0;
    uint64_t timedEvents = 0;
    double seconds = 0;
    size_t openAtEnd = 0;
    double bytesPerOpenRecord = 0;      // the engine's own accounting
    double rssBytesPerOpenRecord = 0;  // resident growth during the fill, cross-check
    double tableLoad = 0;
    double dedupBytesPerMatched = 0;
    // Per record completed within the last horizon (rate x horizon), what
    // the set must remember: by the engine's accounting (table capacity x
    // slot size + per-table overhead) and by resident growth after the fill.
    double dedupBytesPerCompleted = 0;
    double dedupRssBytesPerCompleted = 0;
    size_t dedupEntries = 0;
    uint64_t matched = 0;
};

// The dedup set holds every record completed within the horizon, so its
// size is rate x horizon, whatever the open count. A steady state needs the
// run to span several horizons (and purges): 30 s of event time is 3M
// records here.
constexpr int64_t kDedupHorizonMs = 30'000;
constexpr uint64_t kWarmupHorizons = 3;

engine::EngineConfig benchConfig(size_t open)
{
    engine::EngineConfig config;
    config.stageCount = 2;
    config.slaMs = 5 * 60 * 1000;
    config.windowMs = 3600 * 1000;  // dedup horizon defaults to this
    config.graceMs = 30 * 1000;
    config.maxOpenRecords = open * 2;
    config.sweepIntervalMs = 250;  // wall clock, as in the live monitor
    config.dedupHorizonMs = kDedupHorizonMs;
    return config;
}

// Drives the engine through fill + timed steady state. makeId(record) gives
// the RecordId of a record; it runs inside the timed loop because turning
// an ID into a key (hashing a string) is part of the per-event cost.
template <typename MakeId>
RunResult runEngine(size_t open, uint64_t timedEvents, MakeId&& makeId)
{
    RunResult result;
    const size_t heapBefore = residentBytes();
    auto joinEngine = std::make_unique<JoinEngine>(benchConfig(open));
    std::vector<Event> batch;
    batch.reserve(kBatchEvents);

    auto incoming = [&](uint64_t record) {
        Event event;
        event.id = makeId(record);
        event.eventTimeMs = t0Of(record);
        event.stage = 0;
        event.partition = static_cast<uint16_t>(record & 63);
        event.offset = static_cast<int64_t>(record >> 6);
        batch.push_back(event);
    };
    auto processed = [&](uint64_t record, int64_t nowEventMs) {
        Event event;
        event.id = makeId(record);
        event.eventTimeMs = nowEventMs;
        event.stage = 1;
        event.partition = static_cast<uint16_t>(record & 63);
        event.offset = static_cast<int64_t>(record >> 6);
        batch.push_back(event);
    };
    auto flush = [&] {
        joinEngine->ingest(batch, kNoWallClock);
        batch.clear();
        joinEngine->advance(wallMs());
    };

    for (uint64_t record = 0; record < open; ++record) {
        incoming(record);
        if (batch.size() == kBatchEvents)
            flush();
    }
    flush();
    const auto fillMemory = joinEngine->memoryUse();
    const size_t residentAfterFill = residentBytes();
    result.rssBytesPerOpenRecord = static_cast<double>(residentAfterFill - heapBefore) / static_cast<double>(open);

    // Warm up until the dedup set has rotated generations, then time.
    const uint64_t warmupSteps = kWarmupHorizons * static_cast<uint64_t>(kDedupHorizonMs * kRecordsPerMs);
    const uint64_t steps = timedEvents / 2;
    auto runSteps = [&](uint64_t firstStep, uint64_t count) {
        for (uint64_t step = firstStep; step < firstStep + count; ++step) {
            const uint64_t newRecord = open + step;
            incoming(newRecord);
            processed(step, t0Of(newRecord));
            if (batch.size() >= kBatchEvents)
                flush();
        }
        flush();
    };
    runSteps(0, warmupSteps);
    const auto start = std::chrono::steady_clock::now();
    runSteps(warmupSteps, steps);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto memory = joinEngine->memoryUse();
    const auto gauges = joinEngine->gauges();
    result.timedEvents = steps * 2;
    result.seconds = seconds;
    result.eventsPerSecond = static_cast<double>(result.timedEvents) / seconds;
    result.openAtEnd = gauges.open;
    result.bytesPerOpenRecord = static_cast<double>(memory.openTableBytes + memory.idTextBytes) / static_cast<double>(gauges.open);
    result.tableLoad = static_cast<double>(gauges.open) / (static_cast<double>(memory.openTableBytes) / 32.0);
    result.dedupEntries = memory.doneSetEntries;
    result.dedupBytesPerMatched = memory.doneSetEntries ? static_cast<double>(memory.doneSetBytes) / static_cast<double>(memory.doneSetEntries) : 0;
    result.matched = joinEngine->totals()[1].matched;
    // Completions run one per step at the event-time rate, so the last
    // horizon holds horizon x rate of them.
    const auto completedInHorizon = static_cast<double>(std::min<uint64_t>(result.matched, static_cast<uint64_t>(kDedupHorizonMs * kRecordsPerMs)));
    result.dedupBytesPerCompleted = static_cast<double>(memory.doneSetBytes) / completedInHorizon;
    // The done set grows from nothing after the fill; the open table and
    // texts stay as they were (open is steady), so this is the dedup set
    // plus whatever else grew (metric buckets): an upper bound.
    const size_t residentAtEnd = residentBytes();
    result.dedupRssBytesPerCompleted = static_cast<double>(residentAtEnd > residentAfterFill ? residentAtEnd - residentAfterFill : 0) / completedInHorizon;
    (void)fillMemory;
    return result;
}

RunResult runBaseline(size_t open, uint64_t timedEvents, const StringIdPool& ids)
{
    RunResult result;
    const size_t heapBefore = residentBytes();
    auto join = std::make_unique<BaselineJoin>();
    for (uint64_t record = 0; record < open; ++record)
        join->incoming(ids[record], t0Of(record), static_cast<int32_t>(record & 63), static_cast<int64_t>(record >> 6));
    result.rssBytesPerOpenRecord = static_cast<double>(residentBytes() - heapBefore) / static_cast<double>(open);
    result.bytesPerOpenRecord = result.rssBytesPerOpenRecord;

    const uint64_t steps = timedEvents / 2;
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t step = 0; step < steps; ++step) {
        const uint64_t newRecord = open + step;
        join->incoming(ids[newRecord], t0Of(newRecord), static_cast<int32_t>(newRecord & 63), static_cast<int64_t>(newRecord >> 6));
        join->processed(ids[step], t0Of(newRecord));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.timedEvents = steps * 2;
    result.seconds = seconds;
    result.eventsPerSecond = static_cast<double>(result.timedEvents) / seconds;
    result.openAtEnd = join->openCount();
    result.matched = join->matchedCount();
    return result;
}

nlohmann::json toJson(const RunResult& run, bool engineRun)
{
    nlohmann::json out = {
        {"events_per_s", static_cast<int64_t>(run.eventsPerSecond)},
        {"timed_events", run.timedEvents},
        {"seconds", run.seconds},
        {"open_records", run.openAtEnd},
        {"matched", run.matched},
        {"bytes_per_open_record", run.bytesPerOpenRecord},
        {"rss_bytes_per_open_record", run.rssBytesPerOpenRecord},
    };
    if (engineRun) {
        out["open_table_load"] = run.tableLoad;
        out["dedup_entries"] = run.dedupEntries;
        out["dedup_bytes_per_matched_record"] = run.dedupBytesPerMatched;
        out["dedup_bytes_per_completed_in_horizon"] = run.dedupBytesPerCompleted;
        out["dedup_rss_bytes_per_completed_in_horizon"] = run.dedupRssBytesPerCompleted;
    }
    return out;
}

uint64_t parseCount(const char* text, const char* option)
{
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || value == 0) {
        std::fprintf(stderr, "slatrack-bench engine: %s expects a positive integer, got \"%s\"\n", option, text);
        std::exit(2);
    }
    return value;
}

} // namespace

int runEngineBench(int argc, char* argv[])
{
    size_t open = 1'000'000;
    uint64_t timedEvents = 20'000'000;
    uint64_t baselineEvents = 6'000'000;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx)
        if (std::string_view(argv[arg_idx]) == "--sizing")
            return runEngineSizing(argc, argv);
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string_view arg = argv[arg_idx];
        if (arg_idx + 1 < argc && arg == "--open")
            open = parseCount(argv[++arg_idx], "--open");
        else if (arg_idx + 1 < argc && arg == "--events")
            timedEvents = parseCount(argv[++arg_idx], "--events");
        else if (arg_idx + 1 < argc && arg == "--baseline-events")
            baselineEvents = parseCount(argv[++arg_idx], "--baseline-events");
        else {
            std::fprintf(stderr, "slatrack-bench engine: unknown option \"%s\"\n", argv[arg_idx]);
            return 2;
        }
    }

    const size_t poolSize = open + kWarmupHorizons * static_cast<uint64_t>(kDedupHorizonMs * kRecordsPerMs) + std::max(timedEvents, baselineEvents) / 2 + 1;
    const StringIdPool stringIds(poolSize);

    const RunResult composite = runEngine(open, timedEvents, [](uint64_t record) { return RecordId::composite(compositeIdOf(record)); });
    const RunResult strings = runEngine(open, timedEvents, [&](uint64_t record) { return RecordId::opaque(stringIds[record]); });
    const RunResult baseline = runBaseline(open, baselineEvents, stringIds);

    const nlohmann::json report = {
        {"bench", "engine"},
        {"threads", 1},
        {"hardware_threads", std::thread::hardware_concurrency()},
        {"steady_open_records", open},
        {"dedup_horizon_s", kDedupHorizonMs / 1000},
        {"event_time_rate_per_s", kRecordsPerMs * 1000},
        {"id_64bit", toJson(composite, true)},
        {"id_string16", toJson(strings, true)},
        {"baseline_unordered_map_string16", toJson(baseline, false)},
        {"ratio_64bit_vs_baseline", composite.eventsPerSecond / baseline.eventsPerSecond},
        {"ratio_string16_vs_baseline", strings.eventsPerSecond / baseline.eventsPerSecond},
        {"targets", {{"events_per_s_64bit", 10'000'000}, {"events_per_s_string16", 5'000'000},
                     {"bytes_per_open_record", 64}, {"ratio_vs_baseline", 2.0}, {"dedup_bytes_per_completed_64bit", 12}}},
    };
    std::cout << report.dump() << std::endl;
    return 0;
}

} // namespace slatrack::bench

// slatrack-bench store: the store with a big engine (issue 10's targets).
//
// An engine is brought to --open open records (default 1,000,000) and
// --dedup dedup entries (default 5,000,000) by feeding it a join (64-bit
// composite IDs). Then, --snapshots times (default 3): a snapshot is taken
// exactly as the monitor takes it (ForkedCapture on the engine thread, the
// store thread writing chunks into SQLite in one transaction) while the
// engine thread keeps ingesting at --rate events/s (default 100,000), and
// we measure
//  - the engine thread's pause for the snapshot (the ForkedCapture
//    constructor: pipe, buffer, fork), the longest of all;
//  - the write time (cut to commit);
//  - the extra memory while writing: Pss of this process plus Pss of the
//    capture child (Pss splits shared pages between the two, so the sum is
//    what both really hold) minus this process's Pss before the snapshot,
//    the highest of samples every 10 ms;
//  - the state bytes per open record, and the file's size.
// Then restart-to-ready: open the store (with its quick_check) and decode
// the latest snapshot into a fresh engine. And the history: 24 h of 1 s
// buckets written and rolled up to minutes as the writer does, then the
// 24 h query at 1 min resolution (median and max of 7).
//
// The store file goes to --dir (default: the current directory: /tmp is
// often RAM).
#include "core/engine/join_engine.hpp"
#include "core/store/forked_capture.hpp"
#include "core/store/metric_history.hpp"
#include "core/store/snapshot_store.hpp"
#include "core/store/store_file.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::bench {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double msSince(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// Pss of a process in bytes (smaps_rollup), 0 if unreadable (gone).
size_t pssBytes(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pss:", 0) == 0)
            return static_cast<size_t>(std::stoull(line.substr(4))) * 1024;
    return 0;
}

// The capture child of this process (the only child the bench has).
pid_t childPid()
{
    std::ifstream in("/proc/self/task/" + std::to_string(getpid()) + "/children");
    pid_t pid = 0;
    in >> pid;
    return pid;
}

engine::EngineConfig benchConfig(size_t open)
{
    engine::EngineConfig config;
    config.windowMs = 3600 * 1000;
    config.slaMs = 1800 * 1000;
    config.dedupHorizonMs = 3600 * 1000;
    config.maxOpenRecords = open * 2 + 16;
    config.sweepIntervalMs = 1000;
    return config;
}

// Records created at `perSecond` from base; the first `completed` of them
// completed 200 ms after creation. Events are fed in time order.
struct Feeder {
    int64_t baseMs;
    double perMs;
    uint64_t next = 0;       // next record to create
    uint64_t completed = 0;  // next record to complete
    uint64_t key(uint64_t record) const
    {
        const int64_t t0 = baseMs + static_cast<int64_t>(static_cast<double>(record) / perMs);
        return engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), static_cast<uint32_t>(record * 2654435761u) | 1u);
    }
    int64_t t0(uint64_t record) const { return baseMs + static_cast<int64_t>(static_cast<double>(record) / perMs); }

    // Appends up to `count` events: creations, and completions of records
    // created `lagRecords` before.
    void batch(std::vector<engine::Event>& out, size_t count, uint64_t lagRecords)
    {
        out.clear();
        for (size_t idx = 0; idx < count; ++idx) {
            engine::Event event;
            if (completed + lagRecords < next) {
                event.id = engine::RecordId::composite(key(completed));
                event.stage = 1;
                event.eventTimeMs = t0(completed) + 200;
                ++completed;
            } else {
                event.id = engine::RecordId::composite(key(next));
                event.stage = 0;
                event.eventTimeMs = t0(next);
                event.offset = static_cast<int64_t>(next);
                ++next;
            }
            out.push_back(event);
        }
    }
};

} // namespace

int runStoreBench(int argc, char* argv[])
{
    size_t open = 1'000'000, dedup = 5'000'000;
    int snapshots = 3;
    double rate = 100'000;
    fs::path dir = fs::current_path();
    for (int arg = 1; arg + 1 < argc; arg += 2) {
        const std::string name = argv[arg];
        if (name == "--open")
            open = std::stoull(argv[arg + 1]);
        else if (name == "--dedup")
            dedup = std::stoull(argv[arg + 1]);
        else if (name == "--snapshots")
            snapshots = std::max(1, std::stoi(argv[arg + 1]));
        else if (name == "--rate")
            rate = std::stod(argv[arg + 1]);
        else if (name == "--dir")
            dir = argv[arg + 1];
        else {
            std::fprintf(stderr, "slatrack-bench store: unknown option %s\n", name.c_str());
            return 2;
        }
    }
    const fs::path path = dir / ("slatrack-store-bench-" + std::to_string(getpid()) + ".db");
    const auto cleanup = [&] {
        for (const char* suffix : {"", "-wal", "-shm", ".lock"})
            fs::remove(path.string() + suffix);
    };
    cleanup();

    // --- an engine with `open` open records and `dedup` outcomes -------------
    const engine::EngineConfig config = benchConfig(open);
    engine::JoinEngine engine(config);
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Spread over 50 minutes of event time, inside the window and the horizon.
    const uint64_t total = open + dedup;
    Feeder feeder{nowMs - 50 * 60'000, static_cast<double>(total) / (50.0 * 60'000)};
    std::vector<engine::Event> events;
    const auto fillStart = Clock::now();
    while (feeder.completed < dedup) {
        feeder.batch(events, 4096, open);
        engine.ingest(events, nowMs);
        engine.advance(nowMs);
    }
    const double fillMs = msSince(fillStart);
    const auto memory = engine.memoryUse();
    const engine::Gauges gauges = engine.gauges();

    store::StoreOpenResult opened = store::openStore(path, "bench", nowMs);
    if (!opened.ok()) {
        std::fprintf(stderr, "slatrack-bench store: %s\n", opened.error.c_str());
        return 1;
    }

    // --- snapshots while the engine keeps ingesting --------------------------
    double maxPauseMs = 0, maxWriteMs = 0, maxExtraMb = 0;
    std::vector<double> pauses, writes, extras;
    int64_t stateBytes = 0;
    uint64_t ingestedWhileWriting = 0;
    uint64_t openAtLastCut = 0;
    size_t dedupAtLastCut = 0;
    for (int run = 0; run < snapshots; ++run) {
        // Pss before, of this process alone: the same measure as during.
        const size_t pssBefore = pssBytes(getpid());
        openAtLastCut = engine.gauges().open;
        dedupAtLastCut = engine.memoryUse().doneSetEntries;
        const auto cut = Clock::now();
        auto capture = std::make_unique<store::ForkedCapture>(engine);
        const double pauseMs = msSince(cut);
        std::atomic<bool> done{false};
        std::atomic<int64_t> bytes{0};
        std::string error;
        std::thread writer([&] {
            try {
                store::SnapshotMeta meta;
                meta.takenAtMs = nowMs;
                meta.source = "bench";
                store::writeEngineSnapshot(*opened.db, meta, [&](std::string& chunk) {
                    if (capture->next(chunk, store::kSnapshotChunkBytes)) {
                        bytes += static_cast<int64_t>(chunk.size());
                        return true;
                    }
                    if (std::string failed = capture->finish(); !failed.empty())
                        throw std::runtime_error(failed);
                    return false;
                });
            } catch (const std::exception& failure) {
                error = failure.what();
            }
            done = true;
        });
        // The engine thread goes on at `rate` (new records and completions),
        // which is what makes the kernel copy pages the child still reads.
        size_t peakExtra = 0;
        auto nextSample = Clock::now();
        const auto paceStart = Clock::now();
        uint64_t fed = 0;
        while (!done) {
            const double dueEvents = rate * std::chrono::duration<double>(Clock::now() - paceStart).count();
            if (static_cast<double>(fed) < dueEvents) {
                feeder.batch(events, 1024, open);
                engine.ingest(events, nowMs);
                engine.advance(nowMs);
                fed += events.size();
            } else {
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
            if (Clock::now() >= nextSample) {
                const pid_t child = childPid();
                const size_t both = pssBytes(getpid()) + (child > 0 ? pssBytes(child) : 0);
                if (both > pssBefore)
                    peakExtra = std::max(peakExtra, both - pssBefore);
                nextSample = Clock::now() + std::chrono::milliseconds(10);
            }
        }
        writer.join();
        const double writeMs = msSince(cut);
        if (!error.empty()) {
            std::fprintf(stderr, "slatrack-bench store: snapshot failed: %s\n", error.c_str());
            return 1;
        }
        ingestedWhileWriting += fed;
        stateBytes = bytes;
        pauses.push_back(pauseMs);
        writes.push_back(writeMs);
        extras.push_back(static_cast<double>(peakExtra) / 1e6);
        maxPauseMs = std::max(maxPauseMs, pauseMs);
        maxWriteMs = std::max(maxWriteMs, writeMs);
        maxExtraMb = std::max(maxExtraMb, static_cast<double>(peakExtra) / 1e6);
    }
    opened = store::StoreOpenResult{};  // closes the store (and its lock)
    const auto fileBytes = static_cast<int64_t>(fs::file_size(path) + (fs::exists(path.string() + "-wal") ? fs::file_size(path.string() + "-wal") : 0));

    // --- restart to ready ------------------------------------------------------
    const auto restartStart = Clock::now();
    store::StoreOpenResult reopened = store::openStore(path, "bench", nowMs);
    const double openMs = msSince(restartStart);
    if (!reopened.ok()) {
        std::fprintf(stderr, "slatrack-bench store: reopen: %s\n", reopened.error.c_str());
        return 1;
    }
    const auto decodeStart = Clock::now();
    store::RestoredEngine restored = store::restoreLatestEngine(*reopened.db, config, "bench");
    const double decodeMs = msSince(decodeStart);
    const double restartMs = msSince(restartStart);
    if (!restored.engine) {
        std::fprintf(stderr, "slatrack-bench store: restore: %s\n", restored.why.c_str());
        return 1;
    }
    const uint64_t restoredOpen = restored.engine->gauges().open;
    const size_t restoredDedup = restored.engine->memoryUse().doneSetEntries;
    restored.engine.reset();

    // --- 24 h of history, queried at 1 min -------------------------------------
    store::MetricHistory history(*reopened.db, 2);
    const int64_t nowSecond = nowMs / 1000;
    const auto historyStart = Clock::now();
    for (int64_t hourStart = nowSecond - 25 * 3600; hourStart < nowSecond; hourStart += 3600) {
        std::vector<engine::MetricBucket> buckets;
        buckets.reserve(3600);
        for (int64_t second = hourStart; second < hourStart + 3600; ++second) {
            engine::MetricBucket bucket;
            bucket.second = second;
            bucket.stages.resize(2);
            bucket.stages[0].seen = 1000;
            bucket.stages[1].seen = 990;
            bucket.stages[1].matched = 990;
            for (int sample = 0; sample < 200; ++sample)  // ~100 distinct bins, as a real second has
                bucket.endToEnd.record(20 + (second * 7 + sample * 131) % 5000);
            buckets.push_back(std::move(bucket));
        }
        history.writeSeconds(buckets);
        while (history.upkeep(nowSecond, 3600, 7 * 86400, 100'000).secondsRolled > 0) {
        }
    }
    const double historyFillMs = msSince(historyStart);
    const int64_t resolution = store::MetricHistory::fittingResolution((nowSecond - 86400) * 1000, nowSecond * 1000);
    std::vector<double> queries;
    size_t points = 0;
    for (int query = 0; query < 7; ++query) {
        const auto start = Clock::now();
        points = history.series((nowSecond - 86400) * 1000, nowSecond * 1000, resolution).size();
        queries.push_back(msSince(start));
    }
    std::sort(queries.begin(), queries.end());
    reopened = store::StoreOpenResult{};
    cleanup();

    nlohmann::json out = {
        {"bench", "store"},
        {"engine",
         {{"open_records", gauges.open},
          {"dedup_entries", memory.doneSetEntries},
          {"open_table_bytes", memory.openTableBytes},
          {"dedup_bytes", memory.doneSetBytes},
          {"fill_ms", fillMs}}},
        {"snapshot",
         {{"runs", snapshots},
          {"engine_pause_ms", pauses},
          {"engine_pause_ms_max", maxPauseMs},
          {"write_ms", writes},
          {"write_ms_max", maxWriteMs},
          {"extra_memory_mb", extras},
          {"extra_memory_mb_max", maxExtraMb},
          {"ingest_rate_while_writing_per_s", rate},
          {"events_ingested_while_writing", ingestedWhileWriting},
          {"state_bytes", stateBytes},
          {"state_bytes_per_open_record", static_cast<double>(stateBytes) / static_cast<double>(std::max<uint64_t>(1, gauges.open))},
          {"file_bytes_after", fileBytes},
          {"store_dir", dir.string()}}},
        {"restart",
         {{"open_ms", openMs}, {"decode_ms", decodeMs}, {"ready_ms", restartMs}, {"restored_open", restoredOpen}, {"restored_dedup", restoredDedup},
          {"open_at_last_cut", openAtLastCut},
          {"dedup_at_last_cut", dedupAtLastCut},
          {"restored_equals_last_cut", restoredOpen == openAtLastCut && restoredDedup == dedupAtLastCut}}},
        {"history",
         {{"fill_24h_ms", historyFillMs},
          {"resolution_s", resolution},
          {"points", points},
          {"query_24h_ms_median", queries[queries.size() / 2]},
          {"query_24h_ms_max", queries.back()}}},
        {"targets", {{"write_ms", 2000}, {"engine_pause_ms", 20}, {"extra_memory_mb", 100}, {"ready_ms", 3000}, {"query_24h_ms", 50}}},
    };
    std::puts(out.dump(2).c_str());
    return 0;
}

} // namespace slatrack::bench

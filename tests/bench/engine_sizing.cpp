#include "engine_sizing.hpp"

#include "resident_memory.hpp"
#include "core/engine/join_engine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::bench {

namespace {

using engine::Event;
using engine::JoinEngine;
using engine::RecordId;

constexpr int64_t kBaseTimeMs = 1'750'000'000'000;
constexpr size_t kBatchEvents = 4096;
constexpr size_t kStringIdLength = 16;
constexpr int64_t kNoWallClock = engine::kMaxEventTimeMs;

uint64_t splitmix64(uint64_t value)
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

// Peak resident set of this process (VmHWM), 0 if unreadable.
size_t peakResidentBytes()
{
    size_t kib = 0;
    if (FILE* status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, status))
            if (std::strncmp(line, "VmHWM:", 6) == 0)
                kib = std::strtoull(line + 6, nullptr, 10);
        std::fclose(status);
    }
    return kib * 1024;
}

struct Shape {
    uint64_t rate = 10'000;       // records/s of event time
    int64_t openSeconds = 300;    // how long each record stays open
    int64_t horizonSeconds = 3600;
    bool opaque = false;
};

int64_t parsePositive(const char* text, const char* option)
{
    char* end = nullptr;
    const long long value = std::strtoll(text, &end, 10);
    if (end == text || *end != '\0' || value <= 0) {
        std::fprintf(stderr, "slatrack-bench engine --sizing: %s expects a positive integer, got \"%s\"\n", option, text);
        std::exit(2);
    }
    return value;
}

} // namespace

int runEngineSizing(int argc, char* argv[])
{
    Shape shape;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string_view arg = argv[arg_idx];
        if (arg == "--sizing")
            continue;
        if (arg_idx + 1 < argc && arg == "--rate")
            shape.rate = static_cast<uint64_t>(parsePositive(argv[++arg_idx], "--rate"));
        else if (arg_idx + 1 < argc && arg == "--open-seconds")
            shape.openSeconds = parsePositive(argv[++arg_idx], "--open-seconds");
        else if (arg_idx + 1 < argc && arg == "--horizon")
            shape.horizonSeconds = parsePositive(argv[++arg_idx], "--horizon");
        else if (arg_idx + 1 < argc && arg == "--ids") {
            const std::string_view ids = argv[++arg_idx];
            if (ids != "64bit" && ids != "string16") {
                std::fprintf(stderr, "slatrack-bench engine --sizing: --ids expects 64bit or string16, got \"%s\"\n", argv[arg_idx]);
                return 2;
            }
            shape.opaque = ids == "string16";
        } else {
            std::fprintf(stderr, "slatrack-bench engine --sizing: unknown option \"%s\"\n", argv[arg_idx]);
            return 2;
        }
    }

    // Record r enters at t0(r) and completes openSeconds later, when record
    // r + open enters: `open` records are pending throughout.
    const uint64_t open = shape.rate * static_cast<uint64_t>(shape.openSeconds);
    const auto t0Of = [&](uint64_t record) { return kBaseTimeMs + static_cast<int64_t>(record * 1000 / shape.rate); };
    engine::EngineConfig config;
    config.stageCount = 2;
    config.windowMs = (shape.openSeconds + 60) * 1000;  // nothing is lost: every record completes inside it
    config.slaMs = config.windowMs - 1000;
    config.graceMs = 30'000;
    config.maxOpenRecords = std::clamp<size_t>(open * 2, engine::kMinOpenRecords, engine::kMaxOpenRecords);
    config.dedupHorizonMs = shape.horizonSeconds * 1000;
    config.sweepIntervalMs = 250;

    const size_t residentBefore = residentBytes();
    auto joinEngine = std::make_unique<JoinEngine>(config);
    std::vector<Event> batch;
    batch.reserve(kBatchEvents + 2);
    // Opaque IDs are made on the fly (a pool would be rate x horizon x 16 B
    // itself); an Event borrows its text until the batch is ingested.
    std::vector<char> texts((kBatchEvents + 2) * kStringIdLength);
    const auto add = [&](uint64_t record, int stage, int64_t timeMs) {
        Event event;
        if (shape.opaque) {
            char* text = &texts[batch.size() * kStringIdLength];
            uint64_t bits = splitmix64(record ^ 0x5bd1e995ULL);
            for (size_t char_idx = 0; char_idx < kStringIdLength; ++char_idx) {
                if (char_idx == 8)
                    bits = splitmix64(bits);
                text[char_idx] = "abcdefghijklmnopqrstuvwxyz0123456789"[bits % 36];
                bits /= 36;
            }
            event.id = RecordId::opaque(std::string_view(text, kStringIdLength));
        } else {
            const auto seconds = static_cast<uint32_t>(t0Of(record) / 1000);
            event.id = RecordId::composite(engine::composite_id::make(seconds, static_cast<uint32_t>(splitmix64(record)) | 1u));
        }
        event.eventTimeMs = timeMs;
        event.stage = static_cast<uint8_t>(stage);
        event.partition = static_cast<uint16_t>(record & 63);
        event.offset = static_cast<int64_t>(record >> 6);
        batch.push_back(event);
    };
    const auto flush = [&] {
        joinEngine->ingest(batch, kNoWallClock);
        batch.clear();
        joinEngine->advance(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
    };

    const auto start = std::chrono::steady_clock::now();
    for (uint64_t record = 0; record < open; ++record) {
        add(record, 0, t0Of(record));
        if (batch.size() >= kBatchEvents)
            flush();
    }
    flush();
    // One horizon of completions and 5 s more: the set is at its steady
    // size (tables of the oldest seconds being dropped as new ones fill).
    const uint64_t steps = shape.rate * static_cast<uint64_t>(shape.horizonSeconds + 5);
    for (uint64_t step = 0; step < steps; ++step) {
        const uint64_t newRecord = open + step;
        add(newRecord, 0, t0Of(newRecord));
        add(step, 1, t0Of(newRecord));
        if (batch.size() >= kBatchEvents)
            flush();
    }
    flush();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto memory = joinEngine->memoryUse();
    const size_t residentAtEnd = residentBytes();
    const uint64_t matched = joinEngine->totals()[1].matched;
    const auto completedInHorizon = static_cast<double>(std::min<uint64_t>(matched, shape.rate * static_cast<uint64_t>(shape.horizonSeconds)));
    const size_t engineBytes = memory.openTableBytes + memory.idTextBytes + memory.doneSetBytes;
    const nlohmann::json report = {
        {"bench", "engine_sizing"},
        {"ids", shape.opaque ? "string16" : "64bit"},
        {"rate_per_s", shape.rate},
        {"open_seconds", shape.openSeconds},
        {"dedup_horizon_s", shape.horizonSeconds},
        {"open_records", joinEngine->gauges().open},
        {"matched", matched},
        {"lost", joinEngine->totals()[1].lost},
        {"dedup_entries", memory.doneSetEntries},
        {"open_table_bytes", memory.openTableBytes},
        {"id_text_bytes", memory.idTextBytes},
        {"dedup_bytes", memory.doneSetBytes},
        {"dedup_bytes_per_completed_in_horizon", static_cast<double>(memory.doneSetBytes) / completedInHorizon},
        {"engine_bytes", engineBytes},
        {"rss_growth_bytes", residentAtEnd - residentBefore},
        {"peak_rss_bytes", peakResidentBytes()},
        {"seconds", seconds},
    };
    std::cout << report.dump() << std::endl;
    return 0;
}

} // namespace slatrack::bench

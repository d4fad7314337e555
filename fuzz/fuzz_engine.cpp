// Fuzz target: engine::JoinEngine driven by arbitrary event sequences.
//
// The fuzz bytes choose an engine config (2..8 stages, SLA, window, grace,
// a cap just above the minimum so overflow eviction happens, dedup horizon),
// composite or opaque IDs from a small alphabet (so the same IDs recur,
// duplicate, complete, expire and come back), then a sequence of calls:
// ingest batches (any stage, times near "now", hours ahead, a year behind),
// advance (small steps, jumps, forced sweeps), setCaughtUp, reject,
// takeLost, and possibly a final finishAt.
//
// Invariants checked after every call, all from the public API:
//  - every incoming (stage 0) first sighting ends as exactly one of open,
//    matched or lost: seen[0] - duplicates[0] - lateIncoming[0]
//    == open + matched + sum(lost);
//  - early records: each is still early, became open, or ended orphan /
//    before scope, so sum(early) - (early + orphans + beforeScope) is
//    between 0 and the number of incoming sightings;
//  - no ID in two states at once: lookup() of every ID of the alphabet,
//    openRecords() and the gauges agree (open, stuck, early counts; each
//    open record listed once, with the state lookup reports);
//  - stuck gauges equal a full scan (oldestStuck over all records, per
//    awaiting stage); right after a sweep the per-stage open/early gauges
//    equal a full scan too;
//  - an ingested ID is never unknown afterwards; seen counts exactly the
//    events of each stage;
//  - takeLost() returns exactly as many records as the lost counters grew,
//    overflow ones as lostOverflow grew, each awaiting a real stage;
//  - end-to-end latencies are recorded once per matched or late-after-lost
//    record.
//
// API note: written against JoinEngine::ingest(std::span<const Event>). The
// engine gains a wall-clock argument (ingest(events, wallNowMs)); ingestBatch
// below is the one call site to change.

#include "fuzz/fuzz_input.hpp"

#include "core/engine/join_engine.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

using namespace slatrack;
using engine::RecordState;
using engine::StageCounters;

namespace {

constexpr int kIdCount = 24;                    // > the smallest cap (16): overflow happens
constexpr int64_t kStartMs = 1764547200000;     // 2025-12-01T00:00:00Z
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr size_t kMaxCalls = 400;
constexpr size_t kAll = std::numeric_limits<size_t>::max();

// SLATRACK_FUZZ_TRACE=1 prints every call, to turn a crash input into a
// readable reproduction for a bug report.
const bool kTrace = std::getenv("SLATRACK_FUZZ_TRACE") != nullptr;

uint64_t sum(const std::vector<StageCounters>& totals, uint64_t StageCounters::*field)
{
    return std::accumulate(totals.begin(), totals.end(), uint64_t{0},
                           [field](uint64_t acc, const StageCounters& stage) { return acc + stage.*field; });
}

class Harness {
public:
    Harness(slatrack::fuzz::FuzzInput& input, const engine::EngineConfig& config, bool composite)
        : m_input(input), m_config(config), m_engine(config), m_composite(composite)
    {
        for (int id_idx = 0; id_idx < kIdCount; ++id_idx) {
            m_texts[id_idx] = "order-" + std::to_string(1000 + id_idx);
            // Creation seconds near the start for most, and a few a composite
            // table must not trust (1970, the far future).
            uint32_t second = static_cast<uint32_t>(kStartMs / 1000 + id_idx * 7);
            if (id_idx == kIdCount - 1)
                second = 1;
            else if (id_idx == kIdCount - 2)
                second = 0xfffffff0u;
            m_keys[id_idx] = engine::composite_id::make(second, 0x1000u + static_cast<uint32_t>(id_idx));
        }
        m_nowMs = kStartMs;
        m_oldestMs.fill(std::numeric_limits<int64_t>::max());
    }

    void run()
    {
        if (m_input.pick(4) == 0)
            m_engine.setScopeStart(m_nowMs - m_input.pick(120) * 1000);
        for (size_t call = 0; call < kMaxCalls && !m_input.empty(); ++call) {
            const unsigned op = m_input.pick(16);
            if (op < 9) {
                ingestSome();
            } else if (op < 12) {
                advance();
            } else if (op == 12) {
                m_engine.setCaughtUp(stage(), static_cast<uint16_t>(m_input.pick(4)), (m_input.byte() & 1) != 0);
            } else if (op == 13) {
                const auto reason = static_cast<engine::RejectReason>(m_input.pick(static_cast<unsigned>(engine::RejectReason::Count)));
                const uint64_t before = m_engine.totals()[0].seen;
                m_engine.reject(stage(), reason, eventTime());
                FUZZ_ASSERT(m_engine.totals()[0].seen == before, "a rejection was counted as seen");
            } else if (op == 14) {
                checkLost();
            } else {
                // An audit's end: every stage read up to the end of the range.
                const int64_t endMs = m_nowMs + static_cast<int64_t>(m_input.pick(8)) * m_config.slaMs;
                if (kTrace)
                    std::fprintf(stderr, "finishAt start%+lld ms\n", static_cast<long long>(endMs - kStartMs));
                m_engine.finishAt(endMs);
                checkAll(true);
                checkLost();
                return;
            }
            checkAll(false);
        }
        m_engine.advance(m_nowMs, true);
        checkAll(true);
        checkLost();
    }

private:
    int stage() { return static_cast<int>(m_input.pick(static_cast<unsigned>(m_config.stageCount))); }

    engine::RecordId idOf(int id_idx) const
    {
        return m_composite ? engine::RecordId::composite(m_keys[id_idx]) : engine::RecordId::opaque(m_texts[id_idx]);
    }

    // Mostly near now (processing takes a while, clocks differ by seconds);
    // sometimes what bad producers send: hours ahead, a day ahead (the most
    // ingestion lets through), far behind (a year, the most it lets through).
    int64_t eventTime()
    {
        switch (m_input.pick(16)) {
        case 12: return m_nowMs - static_cast<int64_t>(m_input.integer<uint16_t>()) * 1000;
        case 13: return m_nowMs + 12 * kHourMs;
        case 14: return m_nowMs - 366 * kDayMs;
        case 15: return m_nowMs + kDayMs;
        default: return m_nowMs + static_cast<int64_t>(static_cast<int8_t>(m_input.byte())) * 250;
        }
    }

    void ingestBatch(const std::vector<engine::Event>& events) { m_engine.ingest(events); }

    void ingestSome()
    {
        std::vector<engine::Event> events(1 + m_input.pick(4));
        std::vector<int> ids;
        for (engine::Event& event : events) {
            const int id_idx = static_cast<int>(m_input.pick(kIdCount));
            ids.push_back(id_idx);
            event.id = idOf(id_idx);
            event.stage = static_cast<uint8_t>(stage());
            event.eventTimeMs = eventTime();
            event.partition = static_cast<uint16_t>(m_input.pick(4));
            event.offset = m_offset++;
        }
        if (kTrace) {
            for (size_t event_idx = 0; event_idx < events.size(); ++event_idx)
                std::fprintf(stderr, "ingest id %d stage %d t=now%+lld ms partition %d%s\n", ids[event_idx], events[event_idx].stage,
                             static_cast<long long>(events[event_idx].eventTimeMs - m_nowMs), events[event_idx].partition,
                             event_idx + 1 < events.size() ? " (batch)" : "");
        }
        const std::vector<StageCounters> before = m_engine.totals();
        ingestBatch(events);
        const std::vector<StageCounters>& after = m_engine.totals();
        for (int stage_idx = 0; stage_idx < m_config.stageCount; ++stage_idx) {
            const auto expected = static_cast<uint64_t>(std::count_if(events.begin(), events.end(), [stage_idx](const engine::Event& event) {
                return event.stage == stage_idx;
            }));
            FUZZ_ASSERT(after[stage_idx].seen - before[stage_idx].seen == expected, "stage %d: seen grew by %llu for %llu events",
                        stage_idx, static_cast<unsigned long long>(after[stage_idx].seen - before[stage_idx].seen),
                        static_cast<unsigned long long>(expected));
        }
        // Known afterwards, unless its outcome was recorded already expired:
        // the done set forgets outcomes older than the dedup horizon behind
        // the stream time (second precision). Today one event 12 h ahead
        // moves the stream time, so everything completed after it expires at
        // once (issue 8, observation 1): the engine's future_time rule fixes
        // that, and this exemption then only covers genuinely old records.
        const int64_t streamMs = m_engine.gauges().streamTimeMs;
        const int64_t horizonMs = m_config.dedupHorizonMs > 0 ? m_config.dedupHorizonMs : m_config.windowMs;
        // An outcome's time may be any of the record's event times (its
        // completion, its t0), so the oldest time the ID was ever sent with
        // decides; a processed time a year behind its incoming one completes
        // the record with an outcome that expires at once.
        for (size_t event_idx = 0; event_idx < events.size(); ++event_idx) {
            const int id_idx = ids[event_idx];
            m_oldestMs[id_idx] = std::min(m_oldestMs[id_idx], events[event_idx].eventTimeMs);
        }
        for (const int id_idx : ids) {
            const bool mayHaveExpired = m_oldestMs[id_idx] + horizonMs < streamMs + 1000;
            FUZZ_ASSERT(mayHaveExpired || m_engine.lookup(idOf(id_idx)).state != RecordState::Unknown,
                        "ID %d unknown right after it was ingested", id_idx);
        }
    }

    void advance()
    {
        const unsigned kind = m_input.pick(8);
        if (kind < 5)
            m_nowMs += static_cast<int64_t>(m_input.byte()) * 100;
        else if (kind == 5)
            m_nowMs += m_config.windowMs;
        else if (kind == 6)
            m_nowMs += kHourMs;
        const bool force = (m_input.byte() & 1) != 0;
        if (kTrace)
            std::fprintf(stderr, "advance now=start%+lld ms%s\n", static_cast<long long>(m_nowMs - kStartMs), force ? " force" : "");
        m_engine.advance(m_nowMs, force);
        if (force)
            checkAll(true);
    }

    void checkLost()
    {
        const std::vector<StageCounters>& totals = m_engine.totals();
        const uint64_t lost = sum(totals, &StageCounters::lost);
        const uint64_t overflow = sum(totals, &StageCounters::lostOverflow);
        const std::vector<engine::LostRecord> taken = m_engine.takeLost();
        FUZZ_ASSERT(taken.size() == lost - m_lostTaken, "takeLost gave %zu, the counters grew by %llu", taken.size(),
                    static_cast<unsigned long long>(lost - m_lostTaken));
        uint64_t takenOverflow = 0;
        for (const engine::LostRecord& record : taken) {
            FUZZ_ASSERT(record.awaitingStage == record.lastStage + 1 && record.awaitingStage >= 1 && record.awaitingStage < m_config.stageCount,
                        "lost record awaiting stage %d after stage %d", record.awaitingStage, record.lastStage);
            FUZZ_ASSERT(!record.id.empty(), "lost record without an ID");
            takenOverflow += record.reason == engine::LostReason::Overflow ? 1 : 0;
        }
        FUZZ_ASSERT(takenOverflow == overflow - m_overflowTaken, "takeLost gave %llu overflow records, lostOverflow grew by %llu",
                    static_cast<unsigned long long>(takenOverflow), static_cast<unsigned long long>(overflow - m_overflowTaken));
        m_lostTaken = lost;
        m_overflowTaken = overflow;
    }

    void checkAll(bool afterSweep)
    {
        const std::vector<StageCounters>& totals = m_engine.totals();
        const engine::Gauges gauges = m_engine.gauges();
        const size_t last = static_cast<size_t>(m_config.stageCount - 1);

        // Incoming sightings: open, matched or lost, exactly once each.
        const uint64_t started = totals[0].seen - totals[0].duplicates - totals[0].lateIncoming;
        const uint64_t ended = gauges.open + totals[last].matched + sum(totals, &StageCounters::lost);
        FUZZ_ASSERT(started == ended, "incoming sightings %llu != open %llu + matched %llu + lost %llu",
                    static_cast<unsigned long long>(started), static_cast<unsigned long long>(gauges.open),
                    static_cast<unsigned long long>(totals[last].matched),
                    static_cast<unsigned long long>(sum(totals, &StageCounters::lost)));
        FUZZ_ASSERT(totals[0].early == 0 && totals[0].outOfOrder == 0, "stage 0 counted early or out of order");

        // Early records: still early, became open, or ended orphan/before scope.
        const uint64_t earlySeen = sum(totals, &StageCounters::early);
        const uint64_t earlyEnded = gauges.early + sum(totals, &StageCounters::orphans) + sum(totals, &StageCounters::beforeScope);
        FUZZ_ASSERT(earlySeen >= earlyEnded && earlySeen - earlyEnded <= started, "early %llu, still early or ended %llu, incoming %llu",
                    static_cast<unsigned long long>(earlySeen), static_cast<unsigned long long>(earlyEnded),
                    static_cast<unsigned long long>(started));

        const uint64_t latencies = m_engine.totalEndToEnd().count();
        FUZZ_ASSERT(latencies == totals[last].matched + totals[last].lateAfterLost, "%llu end-to-end latencies for %llu matched + %llu late",
                    static_cast<unsigned long long>(latencies), static_cast<unsigned long long>(totals[last].matched),
                    static_cast<unsigned long long>(totals[last].lateAfterLost));

        // One state per ID: lookup, the open list and the gauges agree.
        const std::vector<engine::StuckRecord> open = m_engine.openRecords();
        FUZZ_ASSERT(open.size() == gauges.open, "openRecords lists %zu, gauges say %llu open", open.size(),
                    static_cast<unsigned long long>(gauges.open));
        uint64_t openIds = 0, stuckIds = 0, earlyIds = 0;
        for (int id_idx = 0; id_idx < kIdCount; ++id_idx) {
            const engine::RecordId id = idOf(id_idx);
            const RecordState state = m_engine.lookup(id).state;
            const auto listed = std::count_if(open.begin(), open.end(), [&id](const engine::StuckRecord& record) { return record.key == id.key; });
            const bool isOpen = state == RecordState::Open || state == RecordState::Stuck;
            FUZZ_ASSERT(listed == (isOpen ? 1 : 0), "ID %d is %s and listed open %ld times", id_idx, engine::recordStateName(state), long(listed));
            openIds += isOpen ? 1 : 0;
            stuckIds += state == RecordState::Stuck ? 1 : 0;
            earlyIds += state == RecordState::Early ? 1 : 0;
        }
        FUZZ_ASSERT(openIds == gauges.open && stuckIds == gauges.stuck && earlyIds == gauges.early,
                    "IDs open/stuck/early %llu/%llu/%llu, gauges %llu/%llu/%llu", static_cast<unsigned long long>(openIds),
                    static_cast<unsigned long long>(stuckIds), static_cast<unsigned long long>(earlyIds),
                    static_cast<unsigned long long>(gauges.open), static_cast<unsigned long long>(gauges.stuck),
                    static_cast<unsigned long long>(gauges.early));

        FUZZ_ASSERT(m_engine.oldestStuck(kAll).size() == gauges.stuck, "oldestStuck lists %zu, gauges say %llu stuck",
                    m_engine.oldestStuck(kAll).size(), static_cast<unsigned long long>(gauges.stuck));
        uint64_t openAwaitingSum = 0, earlyHereSum = 0;
        for (int stage_idx = 0; stage_idx < m_config.stageCount; ++stage_idx) {
            const engine::StageGauges& stage = gauges.stages[static_cast<size_t>(stage_idx)];
            FUZZ_ASSERT(m_engine.oldestStuck(kAll, stage_idx).size() == stage.stuckAwaiting, "stage %d: %zu stuck listed, gauge %llu",
                        stage_idx, m_engine.oldestStuck(kAll, stage_idx).size(), static_cast<unsigned long long>(stage.stuckAwaiting));
            if (afterSweep) {
                const auto awaiting = static_cast<uint64_t>(std::count_if(open.begin(), open.end(), [stage_idx](const engine::StuckRecord& record) {
                    return record.awaitingStage == stage_idx;
                }));
                FUZZ_ASSERT(awaiting == stage.openAwaiting, "stage %d: %llu open records await it, gauge %llu", stage_idx,
                            static_cast<unsigned long long>(awaiting), static_cast<unsigned long long>(stage.openAwaiting));
            }
            openAwaitingSum += stage.openAwaiting;
            earlyHereSum += stage.earlyHere;
        }
        if (afterSweep) {
            FUZZ_ASSERT(earlyHereSum == gauges.early, "early per stage sums to %llu, gauge %llu",
                        static_cast<unsigned long long>(earlyHereSum), static_cast<unsigned long long>(gauges.early));
            FUZZ_ASSERT(openAwaitingSum == gauges.open, "open per stage sums to %llu, gauge %llu",
                        static_cast<unsigned long long>(openAwaitingSum), static_cast<unsigned long long>(gauges.open));
        }
    }

    slatrack::fuzz::FuzzInput& m_input;
    engine::EngineConfig m_config;
    engine::JoinEngine m_engine;
    bool m_composite;
    std::array<std::string, kIdCount> m_texts;
    std::array<uint64_t, kIdCount> m_keys{};
    std::array<int64_t, kIdCount> m_oldestMs;
    int64_t m_nowMs = 0;
    int64_t m_offset = 0;
    uint64_t m_lostTaken = 0;
    uint64_t m_overflowTaken = 0;
};

engine::EngineConfig configFrom(slatrack::fuzz::FuzzInput& input)
{
    engine::EngineConfig config;
    config.stageCount = 2 + static_cast<int>(input.pick(engine::OpenRecord::kMaxStages - 1));
    config.slaMs = 1000 * (1 + static_cast<int64_t>(input.pick(60)));
    config.windowMs = config.slaMs * (2 + static_cast<int64_t>(input.pick(8)));
    config.graceMs = std::min<int64_t>(500 * (1 + static_cast<int64_t>(input.pick(40))), config.windowMs - 1);
    config.maxOpenRecords = 16 + input.pick(16);
    config.dedupHorizonMs = input.pick(4) == 0 ? 0 : 1000 * (1 + static_cast<int64_t>(input.pick(240)));
    config.sweepIntervalMs = input.pick(2) == 0 ? 0 : 250;
    return config;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    slatrack::fuzz::FuzzInput input(data, size);
    const engine::EngineConfig config = configFrom(input);
    const std::string problem = config.validate();
    FUZZ_ASSERT(problem.empty(), "the harness built an invalid config: %s", problem.c_str());
    const bool composite = (input.byte() & 1) != 0;
    if (kTrace) {
        std::fprintf(stderr, "config: %d stages, sla %lld, window %lld, grace %lld, cap %zu, dedup %lld, sweep %lld ms, %s IDs\n",
                     config.stageCount, static_cast<long long>(config.slaMs), static_cast<long long>(config.windowMs),
                     static_cast<long long>(config.graceMs), config.maxOpenRecords, static_cast<long long>(config.dedupHorizonMs),
                     static_cast<long long>(config.sweepIntervalMs), composite ? "composite" : "opaque");
    }
    Harness harness(input, config, composite);
    harness.run();
    return 0;
}

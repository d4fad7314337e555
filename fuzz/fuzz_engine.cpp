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
//  - accounting closes: every incoming (stage 0) sighting is a duplicate, a
//    late incoming, stale, a collision, a late match of a cap-evicted early
//    record, or it starts a record (new or early turned open); every started
//    record is open, matched or lost; every early record is still early,
//    turned open, or ended orphan / before scope / lost to the cap;
//  - no ID in two states at once: lookup() of every ID of the alphabet,
//    openRecords() and the gauges agree (open, stuck, early counts; each
//    open record listed once, with the state lookup reports);
//  - stuck gauges equal a full scan (oldestStuck and stuckPage over all
//    records, per awaiting stage); right after a sweep the per-stage
//    open/early gauges equal a full scan too;
//  - an accepted ID is never unknown afterwards (unless its outcome is
//    older than the dedup horizon), a matched one is never matched again;
//  - future_time: an event further ahead of the wall clock than
//    maxClockSkewMs is rejected, not seen, and never moves the stream time;
//  - takeLost() returns exactly as many records as the lost counters grew,
//    overflow ones as lostOverflow grew, each awaiting a real stage;
//  - late hop versus duplicate: an intermediate stage of a matched record
//    is one or the other, and the same message again is a duplicate;
//  - end-to-end latencies are recorded once per matched or late-after-lost
//    record; invalid calls (a stage the pipeline lacks) are counted, not
//    crashed on.

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
        m_lifeClean.fill(true);
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
                // One stage past the pipeline's now and then: counted, not a crash.
                const int target = static_cast<int>(m_input.pick(static_cast<unsigned>(m_config.stageCount) + 1));
                m_invalidExpected += target == m_config.stageCount ? 1 : 0;
                m_engine.setCaughtUp(target, static_cast<uint16_t>(m_input.pick(4)), (m_input.byte() & 1) != 0);
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
                noteDedupClock();
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
        switch (m_input.pick(18)) {
        case 16: return m_nowMs + m_config.maxClockSkewMs;      // the last accepted ms
        case 17: return m_nowMs + m_config.maxClockSkewMs + 1;  // the first refused
        case 12: return m_nowMs - static_cast<int64_t>(m_input.integer<uint16_t>()) * 1000;
        case 13: return m_nowMs + 12 * kHourMs;
        case 14: return m_nowMs - 366 * kDayMs;
        case 15: return m_nowMs + kDayMs;
        default: return m_nowMs + static_cast<int64_t>(static_cast<int8_t>(m_input.byte())) * 250;
        }
    }

    void ingestBatch(const std::vector<engine::Event>& events) { m_engine.ingest(events, m_nowMs); }

    int64_t horizonMs() const { return m_config.dedupHorizonMs > 0 ? m_config.dedupHorizonMs : m_config.windowMs; }

    // The dedup set's clock: the slowest stage's watermark, moved (never
    // back) by advance() and finishAt() only.
    void noteDedupClock()
    {
        int64_t slowest = std::numeric_limits<int64_t>::max();
        for (const engine::StageGauges& stage : m_engine.gauges().stages)
            if (stage.watermarkMs != engine::kNoTime)
                slowest = std::min(slowest, stage.watermarkMs);
        if (slowest != std::numeric_limits<int64_t>::max())
            m_dedupClockMs = std::max(m_dedupClockMs, slowest);
    }

    bool refused(const engine::Event& event) const { return event.eventTimeMs > m_nowMs + m_config.maxClockSkewMs; }

    // An intermediate stage of a matched record: the first sighting of that
    // stage is a late hop (held record) or a duplicate (outcome only in the
    // dedup set), never both; the same message again is a duplicate (3
    // stages), never a second late hop (a mutation swapping the two went
    // unnoticed before).
    // expectLateHop: 1 / 0 when the harness knows which it must be, -1 not.
    void checkLateHopOrDuplicate(const engine::Event& event, int id_idx, const std::vector<StageCounters>& before,
                                 const std::vector<StageCounters>& after, int expectLateHop)
    {
        const size_t at = event.stage;
        const uint64_t lateHops = after[at].lateHop - before[at].lateHop;
        const uint64_t duplicates = after[at].duplicates - before[at].duplicates;
        FUZZ_ASSERT(expectLateHop < 0 || lateHops == static_cast<uint64_t>(expectLateHop), "ID %d stage %d after its match: %s expected, late hop grew by %llu",
                    id_idx, event.stage, expectLateHop ? "a late hop (stage not seen before)" : "a duplicate (stage seen before)",
                    static_cast<unsigned long long>(lateHops));
        FUZZ_ASSERT(lateHops + duplicates == 1, "ID %d stage %d after its match: late hop grew by %llu, duplicates by %llu", id_idx, event.stage,
                    static_cast<unsigned long long>(lateHops), static_cast<unsigned long long>(duplicates));
        // A journey completed by this sighting leaves the held table; an
        // outcome already older than the dedup horizon is forgotten then.
        if (m_engine.lookup(event.id).state != RecordState::Matched)
            return;
        const std::vector<StageCounters> beforeRepeat = m_engine.totals();
        ingestBatch(std::vector<engine::Event>{event});
        const std::vector<StageCounters>& afterRepeat = m_engine.totals();
        const uint64_t repeatLateHops = afterRepeat[at].lateHop - beforeRepeat[at].lateHop;
        const uint64_t repeatDuplicates = afterRepeat[at].duplicates - beforeRepeat[at].duplicates;
        // With more than one intermediate stage an outcome that left the
        // held table (MatchedPartial in the dedup set) keeps no per-stage
        // mask, so a repeat there is a late hop again by design; with one
        // (3 stages) the journey is complete after the first.
        const bool mustBeDuplicate = m_config.stageCount == 3;
        FUZZ_ASSERT(repeatLateHops + repeatDuplicates == 1 && (!mustBeDuplicate || repeatDuplicates == 1),
                    "ID %d stage %d seen again after a %s: late hop grew by %llu, duplicates by %llu", id_idx, event.stage,
                    lateHops ? "late hop" : "duplicate", static_cast<unsigned long long>(repeatLateHops),
                    static_cast<unsigned long long>(repeatDuplicates));
    }

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
        // A single event can be followed through its transition.
        const bool single = events.size() == 1;
        const RecordState stateBefore = single ? m_engine.lookup(events[0].id).state : RecordState::Unknown;
        for (const int id_idx : ids) {
            if (m_engine.lookup(idOf(id_idx)).state == RecordState::Unknown) {
                m_lifeMask[id_idx] = 0;
                m_lifeClean[id_idx] = true;
            }
            m_lifeClean[id_idx] = m_lifeClean[id_idx] && single;
        }
        const uint8_t maskBefore = m_lifeMask[ids[0]];
        const bool cleanBefore = m_lifeClean[ids[0]];
        const std::vector<StageCounters> before = m_engine.totals();
        ingestBatch(events);
        const std::vector<StageCounters>& after = m_engine.totals();
        const auto futureIdx = static_cast<size_t>(engine::RejectReason::FutureTime);
        for (int stage_idx = 0; stage_idx < m_config.stageCount; ++stage_idx) {
            uint64_t accepted = 0, refusedCount = 0;
            for (const engine::Event& event : events) {
                if (event.stage == stage_idx)
                    (refused(event) ? refusedCount : accepted) += 1;
            }
            FUZZ_ASSERT(after[stage_idx].seen - before[stage_idx].seen == accepted, "stage %d: seen grew by %llu for %llu accepted events",
                        stage_idx, static_cast<unsigned long long>(after[stage_idx].seen - before[stage_idx].seen),
                        static_cast<unsigned long long>(accepted));
            FUZZ_ASSERT(after[stage_idx].rejected[futureIdx] - before[stage_idx].rejected[futureIdx] == refusedCount,
                        "stage %d: future_time grew by %llu for %llu events beyond the skew", stage_idx,
                        static_cast<unsigned long long>(after[stage_idx].rejected[futureIdx] - before[stage_idx].rejected[futureIdx]),
                        static_cast<unsigned long long>(refusedCount));
        }
        const int64_t streamMs = m_engine.gauges().streamTimeMs;
        FUZZ_ASSERT(streamMs == engine::kNoTime || streamMs <= m_nowMs + m_config.maxClockSkewMs,
                    "stream time %+lld ms ahead of the wall clock, past the %lld ms skew", static_cast<long long>(streamMs - m_nowMs),
                    static_cast<long long>(m_config.maxClockSkewMs));
        for (const engine::StageGauges& stage : m_engine.gauges().stages) {
            FUZZ_ASSERT(stage.watermarkMs == engine::kNoTime || stage.watermarkMs <= m_nowMs + m_config.maxClockSkewMs,
                        "a watermark %+lld ms ahead of the wall clock, past the skew", static_cast<long long>(stage.watermarkMs - m_nowMs));
        }
        const size_t last = static_cast<size_t>(m_config.stageCount - 1);
        if (single && stateBefore == RecordState::Unknown && !refused(events[0])) {
            // DESIGN.md: an unknown record older than the dedup horizon behind
            // the dedup clock may be a forgotten redelivery: stale, neither
            // opened nor matched. Anything younger is opened.
            const engine::Event& event = events[0];
            const bool stale = event.eventTimeMs < m_dedupClockMs - horizonMs();
            const uint64_t staleGrew = after[event.stage].stale - before[event.stage].stale;
            FUZZ_ASSERT(staleGrew == (stale ? 1u : 0u), "ID %d at %+lld ms from the dedup clock: stale grew by %llu", ids[0],
                        static_cast<long long>(event.eventTimeMs - m_dedupClockMs), static_cast<unsigned long long>(staleGrew));
            const RecordState stateAfter = m_engine.lookup(event.id).state;
            FUZZ_ASSERT(stale == (stateAfter == RecordState::Unknown), "ID %d %s stale but is %s afterwards", ids[0], stale ? "is" : "is not",
                        engine::recordStateName(stateAfter));
        }
        if (single && stateBefore == RecordState::Matched) {
            FUZZ_ASSERT(after[last].matched == before[last].matched && after[last].lateAfterLost == before[last].lateAfterLost,
                        "ID %d matched again (stage %d)", ids[0], events[0].stage);
        }
        if (single && !refused(events[0])) {
            const size_t at = events[0].stage;
            if (after[at].stale == before[at].stale && after[at].idCollisions == before[at].idCollisions)
                m_lifeMask[ids[0]] |= static_cast<uint8_t>(1u << at);
        }
        if (single && stateBefore == RecordState::Matched && !refused(events[0]) && events[0].stage > 0 && events[0].stage < last) {
            // Exact with one intermediate stage and a clean life: a late hop
            // exactly when that stage had not been seen.
            const int expectLateHop = m_config.stageCount == 3 && cleanBefore ? ((maskBefore >> events[0].stage) & 1u ? 0 : 1) : -1;
            checkLateHopOrDuplicate(events[0], ids[0], before, after, expectLateHop);
        }
        noteEndedLives();
        for (int stage_idx = 0; stage_idx < m_config.stageCount; ++stage_idx)
            FUZZ_ASSERT(!single || stateBefore == RecordState::Matched || after[stage_idx].lateHop == before[stage_idx].lateHop,
                        "stage %d: late hop counted for a record that was not matched", stage_idx);

        // Known afterwards, unless its outcome was recorded already expired
        // or it was stale: the dedup set forgets outcomes older than the
        // horizon behind its clock (the slowest watermark; second precision). Before the future_time rule one
        // event 12 h ahead moved that clock and everything completed after
        // it expired at once (issue 8, observation 1; the seed
        // future-processed-expires-dedup is that input).
        const int64_t horizonMs = this->horizonMs();
        // An outcome's time may be any of the record's event times (its
        // completion, its t0), so the oldest time the ID was ever sent with
        // decides; a processed time a year behind its incoming one completes
        // the record with an outcome that expires at once.
        for (size_t event_idx = 0; event_idx < events.size(); ++event_idx) {
            const int id_idx = ids[event_idx];
            if (!refused(events[event_idx]))
                m_oldestMs[id_idx] = std::min(m_oldestMs[id_idx], events[event_idx].eventTimeMs);
        }
        for (size_t event_idx = 0; event_idx < events.size(); ++event_idx) {
            const int id_idx = ids[event_idx];
            if (refused(events[event_idx]))
                continue;
            const bool mayHaveExpired = m_oldestMs[id_idx] + horizonMs < m_dedupClockMs + 1000;
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
        noteDedupClock();
        noteEndedLives();
        if (force)
            checkAll(true);
    }

    // A lost or orphaned life leaves the dedup set with an outcome whose
    // stages the harness does not model: no exact prediction for it.
    void noteEndedLives()
    {
        for (int id_idx = 0; id_idx < kIdCount; ++id_idx) {
            const RecordState state = m_engine.lookup(idOf(id_idx)).state;
            if (state == RecordState::Lost || state == RecordState::Orphan)
                m_lifeClean[id_idx] = false;
        }
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
            // Early records pushed out by the cap await their incoming (stage 0).
            const bool earlyOverflow = record.awaitingStage == 0 && record.reason == engine::LostReason::Overflow && record.lastStage >= 1;
            FUZZ_ASSERT(earlyOverflow || (record.awaitingStage == record.lastStage + 1 && record.awaitingStage >= 1 &&
                                          record.awaitingStage < m_config.stageCount),
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

        // Started records (seen on stage 0, new or early turned open) are
        // open, matched or lost awaiting a stage >= 1, exactly once each.
        uint64_t lostAfterIncoming = 0;
        for (size_t stage_idx = 1; stage_idx <= last; ++stage_idx)
            lostAfterIncoming += totals[stage_idx].lost;
        const uint64_t started = gauges.open + totals[last].matched + lostAfterIncoming;
        FUZZ_ASSERT(totals[0].early == 0 && totals[0].outOfOrder == 0 && totals[0].lateHop == 0, "stage 0 counted early, out of order or late hop");
        // Stage 0 sightings that started nothing: what is left is the late
        // matches of cap-evicted early records, counted lateAfterLost.
        const uint64_t notStarting = totals[0].duplicates + totals[0].lateIncoming + totals[0].stale + totals[0].idCollisions;
        FUZZ_ASSERT(totals[0].seen >= notStarting + started && totals[0].seen - notStarting - started <= totals[last].lateAfterLost,
                    "stage 0: seen %llu, not starting %llu, started %llu (open %llu + matched %llu + lost %llu), late after lost %llu",
                    static_cast<unsigned long long>(totals[0].seen), static_cast<unsigned long long>(notStarting),
                    static_cast<unsigned long long>(started), static_cast<unsigned long long>(gauges.open),
                    static_cast<unsigned long long>(totals[last].matched), static_cast<unsigned long long>(lostAfterIncoming),
                    static_cast<unsigned long long>(totals[last].lateAfterLost));

        // Early records: still early, turned open (at most one per started
        // record), or ended orphan, before scope, or lost to the cap (stage 0).
        const uint64_t earlySeen = sum(totals, &StageCounters::early);
        const uint64_t earlyEnded = gauges.early + sum(totals, &StageCounters::orphans) + sum(totals, &StageCounters::beforeScope) + totals[0].lost;
        FUZZ_ASSERT(earlySeen >= earlyEnded && earlySeen - earlyEnded <= started, "early %llu, still early or ended %llu, started %llu",
                    static_cast<unsigned long long>(earlySeen), static_cast<unsigned long long>(earlyEnded),
                    static_cast<unsigned long long>(started));
        FUZZ_ASSERT(totals[0].lostOverflow == totals[0].lost, "stage 0 lost %llu, of which overflow %llu: only the cap loses early records",
                    static_cast<unsigned long long>(totals[0].lost), static_cast<unsigned long long>(totals[0].lostOverflow));
        FUZZ_ASSERT(m_engine.invalidInputs() == m_invalidExpected, "invalid inputs %llu, expected %llu",
                    static_cast<unsigned long long>(m_engine.invalidInputs()), static_cast<unsigned long long>(m_invalidExpected));

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

        const std::vector<engine::StuckRecord> stuck = m_engine.oldestStuck(kAll);
        FUZZ_ASSERT(stuck.size() == gauges.stuck, "oldestStuck lists %zu, gauges say %llu stuck", stuck.size(),
                    static_cast<unsigned long long>(gauges.stuck));
        // Keyset paging in pages of 3 visits the same records in the same order.
        size_t paged = 0;
        for (std::optional<engine::StuckCursor> cursor;;) {
            const std::vector<engine::StuckRecord> page = m_engine.stuckPage(engine::StuckQuery{3, std::nullopt, cursor, {}});
            for (const engine::StuckRecord& record : page) {
                FUZZ_ASSERT(paged < stuck.size() && stuck[paged].key == record.key, "stuck page entry %zu differs from oldestStuck", paged);
                ++paged;
            }
            if (page.size() < 3)
                break;
            cursor = engine::StuckCursor{page.back().t0Ms, page.back().key};
        }
        FUZZ_ASSERT(paged == stuck.size(), "paging visited %zu of %zu stuck records", paged, stuck.size());
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
    // Per ID since it was last unknown: stages its accepted single-event
    // sightings reached, and whether that life was only ever fed one event
    // per batch and never lost or orphaned (then the mask is exact).
    std::array<uint8_t, kIdCount> m_lifeMask{};
    std::array<bool, kIdCount> m_lifeClean{};
    int64_t m_nowMs = 0;
    int64_t m_offset = 0;
    uint64_t m_lostTaken = 0;
    uint64_t m_overflowTaken = 0;
    uint64_t m_invalidExpected = 0;
    int64_t m_dedupClockMs = std::numeric_limits<int64_t>::min() / 2;
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
    constexpr int64_t kSkews[] = {1000, 5 * 60 * 1000, 3600 * 1000};
    config.maxClockSkewMs = kSkews[input.pick(3)];
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

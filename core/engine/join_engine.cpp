#include "join_engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace slatrack::engine {

namespace {
// Far enough ahead that a DRAM miss completes before the event is
// processed, near enough that the lines are still in L1 and the fill
// buffers are not swamped. Measured on the 2-core VM with the single big
// tables: 4-8 best, 32 12 % slower; with per-second tables 6, 10 and 14
// were within noise of each other. 14 is what the published
// slatrack-bench engine figures were measured with.
constexpr size_t kPrefetchDistance = 14;
// The second step for opaque IDs (find the record, fetch its text slot):
// late enough that the first step's lines have arrived, early enough for
// one more DRAM miss.
constexpr size_t kTextPrefetchDistance = 6;

using CounterField = uint64_t StageCounters::*;
} // namespace

namespace {
// Runs before any member is built from the config (a negative stage count
// must be an error, not a vector of 2^64 elements).
const EngineConfig& validated(const EngineConfig& config)
{
    if (const std::string problem = config.validate(); !problem.empty())
        throw std::invalid_argument("JoinEngine: " + problem);
    return config;
}
} // namespace

JoinEngine::JoinEngine(const EngineConfig& config)
    : m_config(validated(config)),
      m_open(config.windowMs / 1000 + 2),
      m_done(config.dedupHorizonMs > 0 ? config.dedupHorizonMs : config.windowMs, config.windowMs),
      m_clock(config.stageCount),
      m_metrics(config.stageCount, config.bucketRetentionSeconds),
      m_totals(static_cast<size_t>(config.stageCount)),
      m_totalHops(config.stageCount > 2 ? static_cast<size_t>(config.stageCount) : 0),
      m_stuckAwaiting(static_cast<size_t>(config.stageCount), 0),
      m_openAwaiting(static_cast<size_t>(config.stageCount), 0),
      m_earlyAt(static_cast<size_t>(config.stageCount), 0)
{
}

// ---------------------------------------------------------------- feeding --

void JoinEngine::ingest(std::span<const Event> events, int64_t wallNowMs)
{
    // The one check a good event pays: its time against [kMinEventTimeMs,
    // futureLimit], its key and its stage, all compares that predict well.
    int64_t ahead = 0;
    if (__builtin_add_overflow(wallNowMs, m_config.maxClockSkewMs, &ahead))
        ahead = wallNowMs < 0 ? INT64_MIN : INT64_MAX;
    const int64_t futureLimit = std::min(ahead, kMaxEventTimeMs);
    m_futureLimitMs = futureLimit;
    m_wallMs = std::clamp(wallNowMs, kMinEventTimeMs, kMaxEventTimeMs);
    const auto stageCount = static_cast<unsigned>(m_config.stageCount);
    const size_t count = events.size();
    for (size_t event_idx = 0; event_idx < count; ++event_idx) {
        if (event_idx + kPrefetchDistance < count) {
            const Event& next = events[event_idx + kPrefetchDistance];
            m_open.prefetch(next.id.key, next.id.isComposite());
            m_done.prefetch(next.id.key, next.id.isComposite(), next.stage == lastStageIndex());
        }
        if (event_idx + kTextPrefetchDistance < count) {
            // A hit on an opaque ID is confirmed on its text: by now the
            // table lines prefetched above are in, so finding the record is
            // cheap and its text slot can be fetched in time. Not for stage
            // 0: an incoming record is nearly always new (a miss), so the
            // find would be wasted on it.
            const Event& next = events[event_idx + kTextPrefetchDistance];
            if (!next.id.isComposite() && next.stage != 0)
                if (const OpenTable::Slot slot = m_open.find(next.id.key, false))
                    m_texts.prefetch(OpenTable::recordAt(slot).textIndex());
        }
        const Event& event = events[event_idx];
        if (event.eventTimeMs > futureLimit || event.eventTimeMs < kMinEventTimeMs || event.id.key == 0 ||
            event.stage >= stageCount) [[unlikely]] {
            refuse(event, ahead);
            continue;
        }
        ingestOne(event);
    }
}

void JoinEngine::refuse(const Event& event, int64_t skewLimitMs)
{
    if (!validStage(event.stage)) {
        ++m_invalidInputs;
        return;
    }
    RejectReason reason = RejectReason::MalformedId;
    if (event.eventTimeMs > skewLimitMs)
        reason = RejectReason::FutureTime;
    else if (event.eventTimeMs < kMinEventTimeMs || event.eventTimeMs > kMaxEventTimeMs)
        reason = RejectReason::AbsurdTime;
    // Its own time is not trusted: the newest bucket, so it moves no window.
    const auto reason_idx = static_cast<size_t>(reason);
    ++m_metrics.newest().stages[event.stage].rejected[reason_idx];
    ++m_totals[event.stage].rejected[reason_idx];
}

StageCounters& JoinEngine::countersAt(int stage, int64_t timeMs)
{
    return m_metrics.bucketFor(timeMs).stages[static_cast<size_t>(stage)];
}

StageCounters& JoinEngine::countersAtUntrusted(int stage, int64_t timeMs)
{
    if (timeMs < kMinEventTimeMs || timeMs > m_futureLimitMs)
        return m_metrics.newest().stages[static_cast<size_t>(stage)];
    return countersAt(stage, timeMs);
}

static inline void bump(std::vector<StageCounters>& totals, StageCounters& bucket, int stage, CounterField field)
{
    ++(bucket.*field);
    ++(totals[static_cast<size_t>(stage)].*field);
}

void JoinEngine::noteSkew(int stage, int64_t timeMs, int64_t skewMs)
{
    StageCounters& bucket = countersAt(stage, timeMs);
    StageCounters& total = m_totals[static_cast<size_t>(stage)];
    ++bucket.clockSkew;
    ++total.clockSkew;
    bucket.worstClockSkewMs = std::max(bucket.worstClockSkewMs, skewMs);
    total.worstClockSkewMs = std::max(total.worstClockSkewMs, skewMs);
}

void JoinEngine::recordHop(int stage, int64_t timeMs, int64_t latencyMs)
{
    if (latencyMs < 0) {
        noteSkew(stage, timeMs, -latencyMs);
        latencyMs = 0;
    }
    m_metrics.bucketFor(timeMs).hops[static_cast<size_t>(stage)].record(latencyMs);
    m_totalHops[static_cast<size_t>(stage)].record(latencyMs);
}

void JoinEngine::recordEndToEnd(MetricBucket& bucket, int64_t completionMs, int64_t latencyMs)
{
    if (latencyMs < 0) {
        noteSkew(lastStageIndex(), completionMs, -latencyMs);
        latencyMs = 0;
    }
    bucket.endToEnd.record(latencyMs);
    m_totalEndToEnd.record(latencyMs);
}

void JoinEngine::reject(int stage, RejectReason reason, int64_t timeMs)
{
    const auto reason_idx = static_cast<size_t>(reason);
    if (!validStage(stage) || reason_idx >= static_cast<size_t>(RejectReason::Count)) {
        ++m_invalidInputs;
        return;
    }
    ++countersAtUntrusted(stage, timeMs).rejected[reason_idx];
    ++m_totals[static_cast<size_t>(stage)].rejected[reason_idx];
}

void JoinEngine::ingestOne(const Event& event)
{
    m_clock.observe(event.stage, event.partition, event.eventTimeMs);
    if (event.eventTimeMs > m_streamTimeMs)
        m_streamTimeMs = event.eventTimeMs;
    bump(m_totals, countersAt(event.stage, event.eventTimeMs), event.stage, &StageCounters::seen);

    const OpenTable::Slot slot = m_open.find(event.id.key, event.id.isComposite());
    if (slot)
        onKnownRecord(slot, event);
    else
        onUnknownRecord(event);
}

bool JoinEngine::sameId(const OpenRecord& record, const RecordId& id) const
{
    const uint32_t textIndex = record.textIndex();
    if (textIndex == 0)
        return id.text.empty();  // composite on both sides: the key is the ID
    return !id.text.empty() && m_texts.text(textIndex) == id.text;
}

void JoinEngine::onKnownRecord(OpenTable::Slot slot, const Event& event)
{
    OpenRecord& record = OpenTable::recordAt(slot);
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    StageCounters& counters = countersAt(stage, timeMs);

    if (!sameId(record, event.id)) [[unlikely]] {
        bump(m_totals, counters, stage, &StageCounters::idCollisions);
        return;
    }
    if (record.seenAt(stage)) {
        // Seen again while still open (e.g. its incoming not read yet):
        // the same stale rule as a copy of a done record (onUnknownRecord).
        bump(m_totals, counters, stage, isBeyondDedupHorizon(event) ? &StageCounters::stale : &StageCounters::duplicates);
        return;
    }
    if (record.isDone()) [[unlikely]] {
        onLateHop(slot, event);
        return;
    }

    if (stage == 0) {
        // An early record gets its incoming: it becomes open, and complete
        // at once if the last stage already had it. t0 held the time of
        // its lowest stage seen, so the hop into stage 1 is known if that
        // is stage 1.
        const int lastStage = record.lastStage();
        const int firstStage = record.firstStage();
        const int64_t firstSeenMs = record.t0();
        const int64_t lastSeenMs = record.lastSeenMs();
        record.markSeen(0);
        record.setT0AndLastSeen(timeMs, lastSeenMs);
        record.setSource(event.partition, event.offset);
        --m_earlyCount;
        ++m_openCount;
        if (firstStage == 1 && m_config.stageCount > 2)
            recordHop(1, firstSeenMs, firstSeenMs - timeMs);
        if (lastStage == lastStageIndex())
            complete(slot, lastSeenMs);
        return;
    }

    const int lastStage = record.lastStage();
    if (stage < lastStage) {
        onOutOfOrder(record, event);
        bump(m_totals, counters, stage, &StageCounters::outOfOrder);
        return;
    }

    if (stage == lastStage + 1 && m_config.stageCount > 2)
        recordHop(stage, timeMs, timeMs - record.lastSeenMs());
    const bool tracksStuck = record.hasIncoming() && record.isStuck();
    if (tracksStuck)
        --m_stuckAwaiting[static_cast<size_t>(lastStage + 1)];
    record.markSeen(stage);
    record.setLastSeenMs(timeMs);
    if (!record.hasIncoming())
        return;
    if (stage == lastStageIndex()) {
        complete(slot, timeMs);
        return;
    }
    if (tracksStuck)
        ++m_stuckAwaiting[static_cast<size_t>(stage + 1)];
}

void JoinEngine::onOutOfOrder(OpenRecord& record, const Event& event)
{
    // A stage further down already had it: the streams are skewed. The hops
    // around this stage whose other end is known are recorded now (never
    // before: they needed this stage's time).
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    if (stage == 1 && record.hasIncoming())
        recordHop(1, timeMs, timeMs - record.t0());
    if (stage + 1 == record.lastStage())
        recordHop(stage + 1, record.lastSeenMs(), record.lastSeenMs() - timeMs);
    if (!record.hasIncoming() && stage < record.firstStage())
        record.setT0(timeMs);  // t0 of an early record: its lowest stage's time
    record.markSeen(stage);
}

void JoinEngine::onLateHop(OpenTable::Slot slot, const Event& event)
{
    // An intermediate stage of a completed record held for the grace: the
    // read order put it after the completion. Stage 0 and the last stage
    // have been seen (they completed it), so this is one in between.
    OpenRecord& record = OpenTable::recordAt(slot);
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    bump(m_totals, countersAt(stage, timeMs), stage, &StageCounters::lateHop);
    if (stage == 1)
        recordHop(1, timeMs, timeMs - record.t0());
    if (stage + 1 == lastStageIndex())
        recordHop(stage + 1, record.lastSeenMs(), record.lastSeenMs() - timeMs);
    record.markSeen(stage);
    if (record.seenMask() == static_cast<uint8_t>((1u << m_config.stageCount) - 1))
        releaseHeld(slot);
}

void JoinEngine::complete(OpenTable::Slot slot, int64_t completionMs)
{
    // Only words 0 and 1 are read: word 2 (partition/offset) sits on the
    // next cache line for one slot in four, and a completion does not need it.
    OpenRecord& record = OpenTable::recordAt(slot);
    const int64_t t0 = record.t0();
    const bool wasStuck = record.isStuck();
    const uint32_t textIndex = record.textIndex();
    const uint64_t key = OpenTable::keyAt(slot);
    const int last = lastStageIndex();
    const int64_t latencyMs = completionMs - t0;

    MetricBucket& bucket = m_metrics.bucketFor(completionMs);
    StageCounters& counters = bucket.stages[static_cast<size_t>(last)];
    bump(m_totals, counters, last, &StageCounters::matched);
    if (wasStuck)
        bump(m_totals, counters, last, &StageCounters::late);
    recordEndToEnd(bucket, completionMs, latencyMs);
    --m_openCount;

    if (m_config.stageCount > 2 && record.seenMask() != static_cast<uint8_t>((1u << m_config.stageCount) - 1)) [[unlikely]] {
        // An intermediate stage is missing: hold it (see the class comment).
        record.clearFlag(OpenRecord::kFlagStuck);
        record.setFlag(OpenRecord::kFlagDone);
        ++m_heldCount;
        return;
    }
    m_done.insertAbsent(key, textIndex == 0, DoneSet::Kind::Matched, latencyMs, completionMs, completionMs);
    if (textIndex != 0)
        m_texts.release(textIndex);
    m_open.erase(slot);
}

void JoinEngine::releaseHeld(OpenTable::Slot slot)
{
    const OpenRecord& record = OpenTable::recordAt(slot);
    const bool complete = record.seenMask() == static_cast<uint8_t>((1u << m_config.stageCount) - 1);
    const uint32_t textIndex = record.textIndex();
    m_done.insertAbsent(OpenTable::keyAt(slot), textIndex == 0, complete ? DoneSet::Kind::Matched : DoneSet::Kind::MatchedPartial,
                        record.lastSeenMs() - record.t0(), record.lastSeenMs(), record.lastSeenMs());
    if (textIndex != 0)
        m_texts.release(textIndex);
    m_open.erase(slot);
    --m_heldCount;
}

void JoinEngine::onUnknownRecord(const Event& event)
{
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    const int last = lastStageIndex();
    if (const auto outcome = m_done.find(event.id.key, event.id.isComposite())) {
        StageCounters& counters = countersAt(stage, timeMs);
        // A copy seen again is `stale`, not a duplicate, when it was written
        // to the log more than the dedup horizon after its event time: the
        // live path reads it about when it is written, when its entry may
        // already be forgotten (the check below then calls it stale), so a
        // read of the same data that still holds the entry (the audit, one
        // batch) must call it stale too. The message's own times decide it,
        // never where a batch ended or how topics interleaved.
        uint64_t StageCounters::*const redelivered = isBeyondDedupHorizon(event) ? &StageCounters::stale : &StageCounters::duplicates;
        switch (outcome->kind) {
        case DoneSet::Kind::Matched:
            bump(m_totals, counters, stage, redelivered);
            break;
        case DoneSet::Kind::MatchedPartial:
            if (stage == 0 || stage == last) {
                bump(m_totals, counters, stage, redelivered);
                break;
            }
            bump(m_totals, counters, stage, &StageCounters::lateHop);
            // With one intermediate stage the journey is now complete, so
            // a further copy is a duplicate.
            if (m_config.stageCount == 3)
                m_done.put(event.id.key, event.id.isComposite(), DoneSet::Kind::Matched, outcome->latencyMs, outcome->timeMs, outcome->timeMs);
            break;
        case DoneSet::Kind::Lost:
            if (stage == last) {
                MetricBucket& bucket = m_metrics.bucketFor(timeMs);
                bump(m_totals, bucket.stages[static_cast<size_t>(stage)], stage, &StageCounters::lateAfterLost);
                recordEndToEnd(bucket, timeMs, timeMs - outcome->timeMs);
                m_done.put(event.id.key, event.id.isComposite(), DoneSet::Kind::Matched, timeMs - outcome->timeMs, timeMs, timeMs);
            } else if (stage == 0) {
                bump(m_totals, counters, stage, redelivered);
            } else {
                // A middle stage of a record already lost: seen, so counted
                // (a late hop; no hop latency, its neighbours are gone).
                bump(m_totals, counters, stage, &StageCounters::lateHop);
            }
            break;
        case DoneSet::Kind::Orphan:
            bump(m_totals, counters, stage, stage == 0 ? &StageCounters::lateIncoming : redelivered);
            break;
        case DoneSet::Kind::LostEarly:
            if (stage != 0) {
                bump(m_totals, counters, stage, redelivered);
            } else if (outcome->stage == last) {
                // Its processed copy was evicted by the cap before the
                // incoming came: matched late, as a lost record processed late.
                const int64_t completionMs = outcome->timeMs;
                MetricBucket& bucket = m_metrics.bucketFor(completionMs);
                bump(m_totals, bucket.stages[static_cast<size_t>(last)], last, &StageCounters::lateAfterLost);
                recordEndToEnd(bucket, completionMs, completionMs - timeMs);
                m_done.put(event.id.key, event.id.isComposite(), DoneSet::Kind::Matched, completionMs - timeMs, completionMs, completionMs);
            } else {
                bump(m_totals, counters, stage, &StageCounters::lateIncoming);
            }
            break;
        }
        return;
    }
    if (timeMs < m_done.staleBeforeMs()) [[unlikely]] {
        // Possibly a redelivery the dedup set has forgotten: opening it
        // would make it stuck, lost, an orphan or a second match.
        bump(m_totals, countersAt(stage, timeMs), stage, &StageCounters::stale);
        return;
    }
    if (!insertRecord(event, stage == 0)) [[unlikely]] {
        bump(m_totals, countersAt(stage, timeMs), stage, &StageCounters::idCollisions);
        return;
    }
    if (stage != 0)
        bump(m_totals, countersAt(stage, timeMs), stage, &StageCounters::early);
}

bool JoinEngine::isBeyondDedupHorizon(const Event& event) const
{
    return int64_t{event.loggedAfterMs} > m_done.horizonMs();
}

bool JoinEngine::insertRecord(const Event& event, bool incoming)
{
    if (m_openCount + m_earlyCount + m_heldCount >= m_config.maxOpenRecords)
        evictOldest();
    const OpenTable::Slot slot = m_open.insertNew(event.id.key, event.id.isComposite(), event.eventTimeMs);
    if (!slot)
        return false;  // the key is held by another ID (see OpenTable::insertNew)
    OpenRecord& record = OpenTable::recordAt(slot);
    record.setT0AndLastSeen(event.eventTimeMs, event.eventTimeMs);
    record.markSeen(event.stage);
    record.setSource(event.partition, event.offset);
    if (!event.id.text.empty())
        record.setTextIndex(m_texts.store(event.id.text));
    if (incoming)
        ++m_openCount;
    else
        ++m_earlyCount;
    return true;
}

// ------------------------------------------------------------- eviction --

void JoinEngine::evictOldest()
{
    // Evict down to 15/16 of the cap at once: one pass over the table per
    // cap/16 inserts keeps overflow cost amortized to a few bytes read per
    // event, where evicting exactly one record would cost a full pass each.
    const size_t held = m_open.size();
    const size_t target = m_config.maxOpenRecords - std::max<size_t>(1, m_config.maxOpenRecords / 16);
    if (held <= target)
        return;
    std::vector<std::tuple<int64_t, uint64_t, bool>> byAge;  // t0, key, composite
    byAge.reserve(held);
    m_open.forEach([&](uint64_t key, const OpenRecord& record) { byAge.emplace_back(record.t0(), key, record.textIndex() == 0); });
    const size_t evictCount = held - target;
    std::nth_element(byAge.begin(), byAge.begin() + static_cast<std::ptrdiff_t>(evictCount - 1), byAge.end());
    byAge.resize(evictCount);
    std::sort(byAge.begin(), byAge.end());
    for (const auto& [t0, key, composite] : byAge)
        evict(m_open.find(key, composite), LostReason::Overflow, m_streamTimeMs);
}

bool JoinEngine::startedBeforeScope(uint64_t key, const OpenRecord& record) const
{
    if (m_scopeStartMs == kNoTime)
        return false;
    if (record.textIndex() == 0)
        return composite_id::creationUnixSeconds(key) * 1000 < m_scopeStartMs;
    return record.t0() < m_scopeStartMs + m_config.slaMs;
}

void JoinEngine::evict(OpenTable::Slot slot, LostReason reason, int64_t atMs, bool beforeScope)
{
    const OpenRecord record = OpenTable::recordAt(slot);
    if (record.isDone()) {
        releaseHeld(slot);  // completed: leaving the table is no loss
        return;
    }
    const uint64_t key = OpenTable::keyAt(slot);
    const int lastStage = record.lastStage();
    if (record.hasIncoming()) {
        const int awaiting = lastStage + 1;
        if (record.isStuck())
            --m_stuckAwaiting[static_cast<size_t>(awaiting)];
        StageCounters& counters = countersAt(awaiting, record.t0());
        bump(m_totals, counters, awaiting, &StageCounters::lost);
        if (reason == LostReason::Overflow)
            bump(m_totals, counters, awaiting, &StageCounters::lostOverflow);
        m_lost.push_back(LostRecord{idText(key, record), record.t0(), lastStage, awaiting,
                                    record.partition(), record.offset(), atMs, reason});
        m_done.insertAbsent(key, record.textIndex() == 0, DoneSet::Kind::Lost, 0, record.t0(), atMs);
        --m_openCount;
    } else if (reason == LostReason::Overflow) {
        // An early record pushed out by the cap was never judged: it is
        // lost (awaiting its incoming, stage 0), not an orphan, so that the
        // overflow alert sees it; its incoming, if it comes, matches late.
        StageCounters& counters = countersAt(0, record.t0());
        bump(m_totals, counters, 0, &StageCounters::lost);
        bump(m_totals, counters, 0, &StageCounters::lostOverflow);
        m_lost.push_back(LostRecord{idText(key, record), record.t0(), lastStage, 0,
                                    record.partition(), record.offset(), atMs, reason});
        m_done.insertAbsent(key, record.textIndex() == 0, DoneSet::Kind::LostEarly, 0, record.lastSeenMs(), atMs, lastStage);
        --m_earlyCount;
    } else {
        bump(m_totals, countersAt(lastStage, record.t0()), lastStage, beforeScope ? &StageCounters::beforeScope : &StageCounters::orphans);
        m_done.insertAbsent(key, record.textIndex() == 0, DoneSet::Kind::Orphan, 0, record.lastSeenMs(), record.lastSeenMs(), lastStage);
        --m_earlyCount;
    }
    if (record.textIndex() != 0)
        m_texts.release(record.textIndex());
    m_open.erase(slot);
}

void JoinEngine::advanceDedupClock()
{
    // The slowest stage's watermark (of those that have one): see the class
    // comment. Stages without one do not hold the set's memory forever.
    int64_t slowest = INT64_MAX;
    for (int stage = 0; stage < m_config.stageCount; ++stage)
        if (const int64_t watermark = m_clock.watermark(stage); watermark != kNoTime)
            slowest = std::min(slowest, watermark);
    if (slowest != INT64_MAX)
        m_done.advance(slowest);
}

void JoinEngine::advance(int64_t nowMs, bool force)
{
    // A wall clock outside what event times may be would only feed
    // overflowing arithmetic; no real clock is there.
    nowMs = std::clamp(nowMs, kMinEventTimeMs, kMaxEventTimeMs);
    // No watermark passes the wall clock: the later of this call's and the
    // last ingest's (an idle monitor gets no ingest, yet time passes; a
    // replay or the bench passes a "now" that is not the wall clock).
    m_clock.update(nowMs, std::max(m_wallMs, nowMs));
    advanceDedupClock();
    // A clock stepped back sweeps at once instead of waiting for the old
    // time to come round again.
    if (force || m_lastSweepNowMs == kNoTime || nowMs - m_lastSweepNowMs >= m_config.sweepIntervalMs || nowMs < m_lastSweepNowMs) {
        sweep();
        m_lastSweepNowMs = nowMs;
    }
}

void JoinEngine::finishAt(int64_t endMs)
{
    endMs = std::clamp(endMs, kMinEventTimeMs, kMaxEventTimeMs);
    for (int stage = 0; stage < m_config.stageCount; ++stage)
        m_clock.restoreWatermark(stage, std::max(m_clock.watermark(stage), endMs));
    advanceDedupClock();
    sweep();
}

void JoinEngine::sweep()
{
    const size_t stageCount = static_cast<size_t>(m_config.stageCount);
    std::vector<int64_t> watermark(stageCount);
    for (size_t stage_idx = 0; stage_idx < stageCount; ++stage_idx)
        watermark[stage_idx] = m_clock.watermark(static_cast<int>(stage_idx));
    std::fill(m_openAwaiting.begin(), m_openAwaiting.end(), 0);
    std::fill(m_earlyAt.begin(), m_earlyAt.end(), 0);

    // Evictions shift table entries, so collect first and evict after.
    struct Eviction {
        int64_t t0;
        uint64_t key;
        LostReason reason;
        int64_t atMs;
        bool beforeScope;
        bool composite;
        bool operator<(const Eviction& other) const { return std::tie(t0, key) < std::tie(other.t0, other.key); }
    };
    std::vector<Eviction> evictions;
    m_open.forEach([&](uint64_t key, OpenRecord& record) {
        const int64_t t0 = record.t0();
        const bool composite = record.textIndex() == 0;
        if (record.isDone()) {
            // Held for late hops until every missing stage has been read
            // past the completion + grace.
            const int64_t releaseAt = record.lastSeenMs() + m_config.graceMs;
            for (size_t stage_idx = 1; stage_idx + 1 < stageCount; ++stage_idx)
                if (!record.seenAt(static_cast<int>(stage_idx)) && (watermark[stage_idx] == kNoTime || watermark[stage_idx] < releaseAt))
                    return;
            evictions.push_back({t0, key, LostReason::Window, 0, false, composite});
            return;
        }
        if (!record.hasIncoming()) {
            const int64_t incomingWatermark = watermark[0];
            if (incomingWatermark != kNoTime && t0 + m_config.graceMs <= incomingWatermark)
                evictions.push_back({t0, key, LostReason::Window, incomingWatermark, startedBeforeScope(key, record), composite});
            else
                ++m_earlyAt[static_cast<size_t>(record.lastStage())];
            return;
        }
        const size_t awaiting = static_cast<size_t>(record.lastStage() + 1);
        const int64_t stageWatermark = watermark[awaiting];
        if (stageWatermark == kNoTime) {
            ++m_openAwaiting[awaiting];
            return;
        }
        if (t0 + m_config.windowMs <= stageWatermark) {
            evictions.push_back({t0, key, LostReason::Window, stageWatermark, false, composite});
            return;
        }
        ++m_openAwaiting[awaiting];
        if (!record.isStuck() && t0 + m_config.slaMs <= stageWatermark) {
            record.setFlag(OpenRecord::kFlagStuck);
            ++m_stuckAwaiting[awaiting];
            bump(m_totals, countersAt(static_cast<int>(awaiting), t0), static_cast<int>(awaiting), &StageCounters::stuck);
        }
    });
    std::sort(evictions.begin(), evictions.end());
    for (const Eviction& eviction : evictions)
        evict(m_open.find(eviction.key, eviction.composite), eviction.reason, eviction.atMs, eviction.beforeScope);
    m_open.tidy();
}

std::vector<LostRecord> JoinEngine::takeLost()
{
    std::vector<LostRecord> out;
    out.swap(m_lost);
    return out;
}

// ---------------------------------------------------------------- queries --

std::string JoinEngine::idText(uint64_t key, const OpenRecord& record) const
{
    if (record.textIndex() != 0)
        return std::string(m_texts.text(record.textIndex()));
    return composite_id::format(key);
}

StuckRecord JoinEngine::describe(uint64_t key, const OpenRecord& record) const
{
    StuckRecord out;
    out.id = idText(key, record);
    out.key = key;
    out.t0Ms = record.t0();
    out.lastSeenMs = record.lastSeenMs();
    out.lastStage = record.lastStage();
    out.awaitingStage = out.lastStage + 1;
    out.partition = record.partition();
    out.offset = record.offset();
    const int64_t watermark = m_clock.watermark(out.awaitingStage);
    out.ageMs = watermark == kNoTime ? 0 : watermark - out.t0Ms;
    return out;
}

Gauges JoinEngine::gauges() const
{
    Gauges out;
    out.open = m_openCount;
    out.early = m_earlyCount;
    out.streamTimeMs = m_streamTimeMs;
    out.stages.resize(static_cast<size_t>(m_config.stageCount));
    for (size_t stage_idx = 0; stage_idx < out.stages.size(); ++stage_idx) {
        StageGauges& stage = out.stages[stage_idx];
        stage.watermarkMs = m_clock.watermark(static_cast<int>(stage_idx));
        stage.openAwaiting = m_openAwaiting[stage_idx];
        stage.stuckAwaiting = m_stuckAwaiting[stage_idx];
        stage.earlyHere = m_earlyAt[stage_idx];
        out.stuck += m_stuckAwaiting[stage_idx];
    }
    return out;
}

std::vector<StuckRecord> JoinEngine::oldestStuck(size_t n, std::optional<int> awaitingStage) const
{
    return stuckPage(StuckQuery{n, awaitingStage, std::nullopt, {}});
}

std::vector<StuckRecord> JoinEngine::stuckPage(const StuckQuery& query) const
{
    // A max-heap of the `limit` smallest (t0, key) seen so far: once full,
    // a record older than none of them costs one compare.
    struct Candidate {
        int64_t t0;
        uint64_t key;
        OpenRecord record;
        bool operator<(const Candidate& other) const { return std::tie(t0, key) < std::tie(other.t0, other.key); }
    };
    uint64_t stuckHeld = 0;
    for (const uint64_t count : m_stuckAwaiting)
        stuckHeld += count;
    std::vector<Candidate> heap;
    if (query.limit == 0 || stuckHeld == 0)
        return {};
    heap.reserve(static_cast<size_t>(std::min<uint64_t>(query.limit, stuckHeld)));
    m_open.forEach([&](uint64_t key, const OpenRecord& record) {
        if (!record.hasIncoming() || !record.isStuck() || record.isDone())
            return;
        if (query.awaitingStage && record.lastStage() + 1 != *query.awaitingStage)
            return;
        if (query.exclude && query.exclude(describe(key, record)))
            return;
        const Candidate candidate{record.t0(), key, record};
        if (query.after && std::tie(candidate.t0, candidate.key) <= std::tie(query.after->t0Ms, query.after->key))
            return;
        if (heap.size() < query.limit) {
            heap.push_back(candidate);
            std::push_heap(heap.begin(), heap.end());
        } else if (candidate < heap.front()) {
            std::pop_heap(heap.begin(), heap.end());
            heap.back() = candidate;
            std::push_heap(heap.begin(), heap.end());
        }
    });
    std::sort_heap(heap.begin(), heap.end());
    std::vector<StuckRecord> out;
    out.reserve(heap.size());
    for (const Candidate& candidate : heap)
        out.push_back(describe(candidate.key, candidate.record));
    return out;
}

std::vector<StuckRecord> JoinEngine::openRecords() const
{
    std::vector<StuckRecord> out;
    out.reserve(m_openCount);
    m_open.forEach([&](uint64_t key, const OpenRecord& record) {
        if (record.hasIncoming() && !record.isDone())
            out.push_back(describe(key, record));
    });
    std::sort(out.begin(), out.end(), [](const StuckRecord& a, const StuckRecord& b) {
        return std::tie(a.t0Ms, a.key) < std::tie(b.t0Ms, b.key);
    });
    return out;
}

RecordStatus JoinEngine::lookup(const RecordId& id) const
{
    RecordStatus status;
    if (id.key == 0)
        return status;
    const int last = lastStageIndex();
    if (const OpenTable::Slot slot = m_open.find(id.key, id.isComposite())) {
        const OpenRecord& record = OpenTable::recordAt(slot);
        if (!sameId(record, id))
            return status;  // a different ID with the same hash
        const int lastStage = record.lastStage();
        status.partition = record.partition();
        status.offset = record.offset();
        if (record.isDone()) {
            status.state = RecordState::Matched;
            status.latencyMs = std::max<int64_t>(0, record.lastSeenMs() - record.t0());
            status.journey = {{0, record.t0()}, {last, record.lastSeenMs()}};
            return status;
        }
        status.awaitingStage = record.hasIncoming() ? lastStage + 1 : 0;
        if (record.hasIncoming()) {
            status.state = record.isStuck() ? RecordState::Stuck : RecordState::Open;
            status.journey.push_back({0, record.t0()});
        } else {
            status.state = RecordState::Early;
            const int firstStage = record.firstStage();
            if (firstStage != lastStage)
                status.journey.push_back({firstStage, record.t0()});
        }
        if (lastStage > 0)
            status.journey.push_back({lastStage, record.lastSeenMs()});
        return status;
    }
    const auto outcome = m_done.peek(id.key, id.isComposite());
    if (!outcome)
        return status;
    switch (outcome->kind) {
    case DoneSet::Kind::Matched:
    case DoneSet::Kind::MatchedPartial:
        status.state = RecordState::Matched;
        status.latencyMs = outcome->latencyMs;
        status.journey = {{0, outcome->timeMs - outcome->latencyMs}, {last, outcome->timeMs}};
        break;
    case DoneSet::Kind::Lost:
        status.state = RecordState::Lost;
        status.journey = {{0, outcome->timeMs}};
        break;
    case DoneSet::Kind::LostEarly:
        status.state = RecordState::Lost;
        status.awaitingStage = 0;
        status.journey = {{outcome->stage, outcome->timeMs}};
        break;
    case DoneSet::Kind::Orphan:
        status.state = RecordState::Orphan;
        status.journey = {{outcome->stage, outcome->timeMs}};
        break;
    }
    return status;
}

JoinEngine::MemoryUse JoinEngine::memoryUse() const
{
    return MemoryUse{m_open.bytesUsed(), m_texts.bytesUsed(), m_done.bytesUsed(), m_done.size()};
}

} // namespace slatrack::engine

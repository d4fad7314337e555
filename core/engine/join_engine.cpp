#include "join_engine.hpp"

#include <algorithm>
#include <cassert>
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

using CounterField = uint64_t StageCounters::*;
} // namespace

JoinEngine::JoinEngine(const EngineConfig& config)
    : m_config(config),
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
    if (const std::string problem = config.validate(); !problem.empty())
        throw std::invalid_argument("JoinEngine: " + problem);
}

// ---------------------------------------------------------------- feeding --

void JoinEngine::ingest(std::span<const Event> events)
{
    const size_t count = events.size();
    for (size_t event_idx = 0; event_idx < count; ++event_idx) {
        if (event_idx + kPrefetchDistance < count) {
            const Event& ahead = events[event_idx + kPrefetchDistance];
            m_open.prefetch(ahead.id.key, ahead.id.isComposite());
            m_done.prefetch(ahead.id.key, ahead.id.isComposite(), ahead.stage == lastStageIndex());
        }
        ingestOne(events[event_idx]);
    }
}

StageCounters& JoinEngine::countersAt(int stage, int64_t timeMs)
{
    return m_metrics.bucketFor(timeMs).stages[static_cast<size_t>(stage)];
}

static inline void bump(std::vector<StageCounters>& totals, StageCounters& bucket, int stage, CounterField field)
{
    ++(bucket.*field);
    ++(totals[static_cast<size_t>(stage)].*field);
}

void JoinEngine::recordHop(int stage, int64_t timeMs, int64_t latencyMs)
{
    m_metrics.bucketFor(timeMs).hops[static_cast<size_t>(stage)].record(latencyMs);
    m_totalHops[static_cast<size_t>(stage)].record(latencyMs);
}

void JoinEngine::reject(int stage, RejectReason reason, int64_t timeMs)
{
    const auto reason_idx = static_cast<size_t>(reason);
    ++countersAt(stage, timeMs).rejected[reason_idx];
    ++m_totals[static_cast<size_t>(stage)].rejected[reason_idx];
}

void JoinEngine::ingestOne(const Event& event)
{
    assert(event.id.key != 0 && "RecordId key 0 is reserved for empty slots");
    assert(event.stage < m_config.stageCount && "event for a stage the pipeline does not have");
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

void JoinEngine::onKnownRecord(OpenTable::Slot slot, const Event& event)
{
    OpenRecord& record = OpenTable::recordAt(slot);
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    StageCounters& counters = countersAt(stage, timeMs);

    if (record.seenAt(stage)) {
        bump(m_totals, counters, stage, &StageCounters::duplicates);
        return;
    }

    if (stage == 0) {
        // An early record gets its incoming: it becomes open, and complete
        // at once if the last stage already had it.
        const int lastStage = record.lastStage();
        const int64_t lastSeenMs = record.lastSeenMs();
        record.markSeen(0);
        record.setT0AndLastSeen(timeMs, lastSeenMs);
        record.setSource(event.partition, event.offset);
        --m_earlyCount;
        ++m_openCount;
        if (lastStage == 1 && m_config.stageCount > 2)
            recordHop(1, lastSeenMs, lastSeenMs - timeMs);
        if (lastStage == lastStageIndex())
            complete(slot, lastSeenMs);
        return;
    }

    const int lastStage = record.lastStage();
    if (stage < lastStage) {
        // A stage further down already had it: the streams are skewed.
        record.markSeen(stage);
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

void JoinEngine::complete(OpenTable::Slot slot, int64_t completionMs)
{
    // Only words 0 and 1 are read: word 2 (partition/offset) sits on the
    // next cache line for one slot in four, and a completion does not need it.
    const OpenRecord& record = OpenTable::recordAt(slot);
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
    bucket.endToEnd.record(latencyMs);
    m_totalEndToEnd.record(latencyMs);

    m_done.insertAbsent(key, textIndex == 0, DoneSet::Kind::Matched, latencyMs, completionMs, completionMs);
    if (textIndex != 0)
        m_texts.release(textIndex);
    m_open.erase(slot);
    --m_openCount;
}

void JoinEngine::onUnknownRecord(const Event& event)
{
    const int stage = event.stage;
    const int64_t timeMs = event.eventTimeMs;
    if (const auto outcome = m_done.find(event.id.key, event.id.isComposite())) {
        StageCounters& counters = countersAt(stage, timeMs);
        switch (outcome->kind) {
        case DoneSet::Kind::Matched:
            bump(m_totals, counters, stage, &StageCounters::duplicates);
            break;
        case DoneSet::Kind::Lost:
            if (stage == lastStageIndex()) {
                const int64_t latencyMs = timeMs - outcome->timeMs;
                bump(m_totals, counters, stage, &StageCounters::lateAfterLost);
                m_metrics.bucketFor(timeMs).endToEnd.record(latencyMs);
                m_totalEndToEnd.record(latencyMs);
                m_done.put(event.id.key, event.id.isComposite(), DoneSet::Kind::Matched, latencyMs, timeMs, timeMs);
            } else if (stage == 0) {
                bump(m_totals, counters, stage, &StageCounters::duplicates);
            }
            break;
        case DoneSet::Kind::Orphan:
            bump(m_totals, counters, stage, stage == 0 ? &StageCounters::lateIncoming : &StageCounters::duplicates);
            break;
        }
        return;
    }
    if (stage != 0)
        bump(m_totals, countersAt(stage, timeMs), stage, &StageCounters::early);
    insertRecord(event, stage == 0);
}

void JoinEngine::insertRecord(const Event& event, bool incoming)
{
    if (m_openCount + m_earlyCount >= m_config.maxOpenRecords)
        evictOldest();
    OpenRecord& record = OpenTable::recordAt(m_open.insertNew(event.id.key, event.id.isComposite(), event.eventTimeMs));
    record.setT0AndLastSeen(event.eventTimeMs, event.eventTimeMs);
    record.markSeen(event.stage);
    record.setSource(event.partition, event.offset);
    if (!event.id.text.empty())
        record.setTextIndex(m_texts.store(event.id.text));
    if (incoming)
        ++m_openCount;
    else
        ++m_earlyCount;
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
    } else {
        bump(m_totals, countersAt(lastStage, record.t0()), lastStage, beforeScope ? &StageCounters::beforeScope : &StageCounters::orphans);
        m_done.insertAbsent(key, record.textIndex() == 0, DoneSet::Kind::Orphan, 0, record.t0(), record.t0());
        --m_earlyCount;
    }
    if (record.textIndex() != 0)
        m_texts.release(record.textIndex());
    m_open.erase(slot);
}

void JoinEngine::advance(int64_t nowMs, bool force)
{
    m_clock.update(nowMs);
    if (m_streamTimeMs != kNoTime)
        m_done.advance(m_streamTimeMs);
    if (force || m_lastSweepNowMs == kNoTime || nowMs - m_lastSweepNowMs >= m_config.sweepIntervalMs) {
        sweep();
        m_lastSweepNowMs = nowMs;
    }
}

void JoinEngine::finishAt(int64_t endMs)
{
    for (int stage = 0; stage < m_config.stageCount; ++stage)
        m_clock.restoreWatermark(stage, std::max(m_clock.watermark(stage), endMs));
    if (m_streamTimeMs != kNoTime)
        m_done.advance(m_streamTimeMs);
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
    std::vector<std::tuple<int64_t, uint64_t, OpenRecord>> candidates;
    m_open.forEach([&](uint64_t key, const OpenRecord& record) {
        if (!record.hasIncoming() || !record.isStuck())
            return;
        if (awaitingStage && record.lastStage() + 1 != *awaitingStage)
            return;
        candidates.emplace_back(record.t0(), key, record);
    });
    const size_t keep = std::min(n, candidates.size());
    const auto byAge = [](const auto& a, const auto& b) { return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b)); };
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(), byAge);
    std::vector<StuckRecord> out;
    out.reserve(keep);
    for (size_t rank = 0; rank < keep; ++rank)
        out.push_back(describe(std::get<1>(candidates[rank]), std::get<2>(candidates[rank])));
    return out;
}

std::vector<StuckRecord> JoinEngine::openRecords() const
{
    std::vector<StuckRecord> out;
    out.reserve(m_openCount);
    m_open.forEach([&](uint64_t key, const OpenRecord& record) {
        if (record.hasIncoming())
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
    if (const OpenTable::Slot slot = m_open.find(id.key, id.isComposite())) {
        const OpenRecord& record = OpenTable::recordAt(slot);
        const int lastStage = record.lastStage();
        status.partition = record.partition();
        status.offset = record.offset();
        status.awaitingStage = record.hasIncoming() ? lastStage + 1 : 0;
        if (record.hasIncoming()) {
            status.state = record.isStuck() ? RecordState::Stuck : RecordState::Open;
            status.journey.push_back({0, record.t0()});
        } else {
            status.state = RecordState::Early;
            const int firstStage = __builtin_ctz(record.seenMask());
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
        status.state = RecordState::Matched;
        status.latencyMs = outcome->latencyMs;
        status.journey = {{0, outcome->timeMs - outcome->latencyMs}, {lastStageIndex(), outcome->timeMs}};
        break;
    case DoneSet::Kind::Lost:
        status.state = RecordState::Lost;
        status.journey = {{0, outcome->timeMs}};
        break;
    case DoneSet::Kind::Orphan:
        status.state = RecordState::Orphan;
        status.journey = {{lastStageIndex(), outcome->timeMs}};
        break;
    }
    return status;
}

JoinEngine::MemoryUse JoinEngine::memoryUse() const
{
    return MemoryUse{m_open.bytesUsed(), m_texts.bytesUsed(), m_done.bytesUsed(), m_done.size()};
}

} // namespace slatrack::engine

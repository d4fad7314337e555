// One test per join rule of DESIGN.md ("Join semantics"), each driving a
// real JoinEngine with hand-written events and an explicit clock.
#include "core/engine/join_engine.hpp"

#include <QtTest>

#include <algorithm>

using namespace slatrack::engine;

namespace {

constexpr int64_t kSla = 1000;
constexpr int64_t kWindow = 5000;
constexpr int64_t kGrace = 300;

EngineConfig testConfig(int stages = 2, size_t cap = 1000)
{
    EngineConfig config;
    config.stageCount = stages;
    config.slaMs = kSla;
    config.windowMs = kWindow;
    config.graceMs = kGrace;
    config.maxOpenRecords = cap;
    config.sweepIntervalMs = 0;
    return config;
}

// Builds events with composite IDs 1000+n so they print predictably.
Event ev(uint64_t id, int stage, int64_t timeMs, uint16_t partition = 0, int64_t offset = 0)
{
    Event event;
    event.id = RecordId::composite(id);
    event.stage = static_cast<uint8_t>(stage);
    event.eventTimeMs = timeMs;
    event.partition = partition;
    event.offset = offset;
    return event;
}

void feed(JoinEngine& engine, std::initializer_list<Event> events)
{
    engine.ingest(std::span<const Event>(events.begin(), events.size()), kMaxEventTimeMs);
}

const StageCounters& total(const JoinEngine& engine, int stage)
{
    return engine.totals()[static_cast<size_t>(stage)];
}

} // namespace

class TestJoinEngine : public QObject {
    Q_OBJECT

private slots:
    void matchRecordsLatency()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 1000), ev(7, 1, 1250)});
        QCOMPARE(total(engine, 1).matched, 1u);
        QCOMPARE(engine.totalEndToEnd().count(), 1u);
        QCOMPARE(engine.totalEndToEnd().max(), 250);
        QCOMPARE(engine.gauges().open, 0u);
        const RecordStatus status = engine.lookup(RecordId::composite(7));
        QCOMPARE(status.state, RecordState::Matched);
        QCOMPARE(status.latencyMs, 250);
    }

    void earlyThenIncomingMatches()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 1, 1400)});
        QCOMPARE(engine.gauges().early, 1u);
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(total(engine, 1).early, 1u);
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Early);
        feed(engine, {ev(7, 0, 1000)});
        QCOMPARE(engine.gauges().early, 0u);
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(total(engine, 1).matched, 1u);
        QCOMPARE(total(engine, 1).orphans, 0u);
        QCOMPARE(engine.totalEndToEnd().max(), 400);
    }

    void duplicatesNeverDoubleCount()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 1000), ev(7, 0, 1000)});
        QCOMPARE(engine.gauges().open, 1u);
        QCOMPARE(total(engine, 0).duplicates, 1u);
        feed(engine, {ev(7, 1, 1100), ev(7, 1, 1100)});
        QCOMPARE(total(engine, 1).matched, 1u);
        QCOMPARE(total(engine, 1).duplicates, 1u);
        QCOMPARE(engine.totalEndToEnd().count(), 1u);
        // Redelivery of the incoming record after the match must not open a
        // new record (which would later look stuck).
        feed(engine, {ev(7, 0, 1000)});
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(total(engine, 0).duplicates, 2u);
        QCOMPARE(total(engine, 0).seen, 3u);
    }

    void stuckOnlyWhenLaterStageWatermarkPassesDeadline()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 0), ev(8, 0, 400), ev(8, 1, 500)});
        // Wall clock far ahead, but the processed stream has only been read
        // up to 500 ms: the monitor cannot know yet whether 7 is stuck.
        engine.advance(1'000'000);
        QCOMPARE(engine.gauges().stuck, 0u);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, 500);
        feed(engine, {ev(9, 0, 990), ev(9, 1, 999)});
        engine.advance(1'000'000);
        QCOMPARE(engine.gauges().stuck, 0u);
        feed(engine, {ev(10, 0, 900), ev(10, 1, 1000)});
        engine.advance(1'000'000);
        QCOMPARE(engine.gauges().stuck, 1u);
        QCOMPARE(total(engine, 1).stuck, 1u);
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Stuck);
    }

    void caughtUpStageCountsAsNow()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 10'000), ev(8, 0, 10'001), ev(8, 1, 10'050)});
        engine.setCaughtUp(1, 0, true);
        engine.advance(10'500);
        QCOMPARE(engine.gauges().stuck, 0u);
        // A stalled processor with a caught-up consumer: silence means time
        // passes, so the record becomes stuck on wall-clock time.
        engine.advance(11'000);
        QCOMPARE(engine.gauges().stuck, 1u);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, 11'000);
    }

    void unknownPartitionHoldsWatermark()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 0), ev(8, 1, 9000, /*partition*/ 0)});
        engine.setCaughtUp(1, 3, false);  // partition 3 assigned, nothing read yet
        engine.advance(100'000);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, kNoTime);
        QCOMPARE(engine.gauges().stuck, 0u);
        engine.forgetPartition(1, 3);
        engine.advance(100'000);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, 9000);
    }

    void stuckThenProcessedIsLate()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 0), ev(8, 0, 1400), ev(8, 1, 1500)});
        engine.advance(0);
        QCOMPARE(engine.gauges().stuck, 1u);
        feed(engine, {ev(7, 1, 1600)});
        QCOMPARE(engine.gauges().stuck, 0u);
        QCOMPARE(total(engine, 1).late, 1u);
        QCOMPARE(total(engine, 1).matched, 2u);
        QCOMPARE(engine.totalEndToEnd().max(), 1600);
    }

    void lostAfterWindowKeepsDetails()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 0, 3, 42), ev(8, 0, 5000), ev(8, 1, 5000)});
        engine.advance(0);
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(total(engine, 1).lost, 1u);
        QCOMPARE(total(engine, 1).lostOverflow, 0u);
        const std::vector<LostRecord> lost = engine.takeLost();
        QCOMPARE(lost.size(), size_t{1});
        QCOMPARE(lost[0].id, composite_id::format(7));
        QCOMPARE(lost[0].partition, uint16_t{3});
        QCOMPARE(lost[0].offset, int64_t{42});
        QCOMPARE(lost[0].awaitingStage, 1);
        QCOMPARE(lost[0].reason, LostReason::Window);
        QVERIFY(engine.takeLost().empty());
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Lost);

        // Processed at last: late after lost, with its real latency; not an orphan.
        feed(engine, {ev(7, 1, 7000)});
        QCOMPARE(total(engine, 1).lateAfterLost, 1u);
        QCOMPARE(total(engine, 1).early, 0u);
        QCOMPARE(engine.gauges().early, 0u);
        QCOMPARE(engine.totalEndToEnd().max(), 7000);
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Matched);
    }

    void overflowEvictsOldest()
    {
        JoinEngine engine(testConfig(2, 16));
        for (uint64_t id = 1; id <= 16; ++id)
            feed(engine, {ev(id, 0, static_cast<int64_t>(100 - id))});  // id 16 is the oldest
        QCOMPARE(engine.gauges().open, 16u);
        feed(engine, {ev(17, 0, 200)});
        QCOMPARE(engine.gauges().open, 16u);
        const auto lost = engine.takeLost();
        QCOMPARE(lost.size(), size_t{1});
        QCOMPARE(lost[0].id, composite_id::format(16));
        QCOMPARE(lost[0].reason, LostReason::Overflow);
        QCOMPARE(total(engine, 1).lostOverflow, 1u);
        QCOMPARE(total(engine, 1).lost, 1u);
    }

    void orphanAfterGrace()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 1, 1000), ev(8, 0, 1200)});
        engine.advance(0);
        QCOMPARE(total(engine, 1).orphans, 0u);  // incoming read only to 1200 < 1000 + grace
        feed(engine, {ev(9, 0, 1300)});
        engine.advance(0);
        QCOMPARE(total(engine, 1).orphans, 1u);
        QCOMPARE(engine.gauges().early, 0u);
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Orphan);
        feed(engine, {ev(7, 0, 900)});
        QCOMPARE(total(engine, 0).lateIncoming, 1u);
        QCOMPARE(engine.lookup(RecordId::composite(7)).state, RecordState::Orphan);
    }

    void finishAtJudgesEveryStageAtTheEnd()
    {
        JoinEngine engine(testConfig());
        // Nothing was ever read on stage 1: live, it could not be judged;
        // at the end of an audit range it can.
        feed(engine, {ev(7, 0, 0), ev(8, 0, 3500)});
        engine.advance(0);
        QCOMPARE(engine.gauges().stuck, 0u);
        engine.finishAt(4000);
        QCOMPARE(engine.gauges().stuck, 1u);
        QCOMPARE(engine.gauges().open, 2u);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, 4000);
    }

    void processedBeforeScopeIsNotAnOrphan()
    {
        JoinEngine engine(testConfig());
        const int64_t scopeStart = 1'700'000'000'000;
        engine.setScopeStart(scopeStart);
        // Created 5 s before the monitor's first instant, processed after it.
        const uint64_t before = composite_id::make(static_cast<uint32_t>(scopeStart / 1000 - 5), 77);
        const uint64_t inside = composite_id::make(static_cast<uint32_t>(scopeStart / 1000 + 1), 78);
        feed(engine, {ev(before, 1, scopeStart + 100), ev(inside, 1, scopeStart + 1100), ev(99, 0, scopeStart + 5000)});
        engine.advance(0);
        QCOMPARE(total(engine, 1).beforeScope, 1u);
        QCOMPARE(total(engine, 1).orphans, 1u);
    }

    void intermediateHopLatency()
    {
        JoinEngine engine(testConfig(3));
        feed(engine, {ev(7, 0, 0), ev(7, 1, 100)});
        RecordStatus status = engine.lookup(RecordId::composite(7));
        QCOMPARE(status.state, RecordState::Open);
        QCOMPARE(status.awaitingStage, 2);
        QCOMPARE(status.journey.size(), size_t{2});
        QCOMPARE(status.journey[1].timeMs, 100);
        feed(engine, {ev(7, 2, 350)});
        QCOMPARE(engine.totalHops()[1].count(), 1u);
        QCOMPARE(engine.totalHops()[1].max(), 100);
        QCOMPARE(engine.totalHops()[2].max(), 250);
        QCOMPARE(engine.totalEndToEnd().max(), 350);
    }

    void stuckWhereItWaits()
    {
        JoinEngine engine(testConfig(3));
        // 7 passed stage 1 and waits for stage 2; 8 never reached stage 1.
        feed(engine, {ev(7, 0, 0), ev(7, 1, 50), ev(8, 0, 10), ev(9, 0, 2000), ev(9, 1, 2000), ev(9, 2, 2000)});
        engine.advance(0);
        const Gauges gauges = engine.gauges();
        QCOMPARE(gauges.stuck, 2u);
        QCOMPARE(gauges.stages[1].stuckAwaiting, 1u);
        QCOMPARE(gauges.stages[2].stuckAwaiting, 1u);
        const auto atStage2 = engine.oldestStuck(10, 2);
        QCOMPARE(atStage2.size(), size_t{1});
        QCOMPARE(atStage2[0].id, composite_id::format(7));
        QCOMPARE(atStage2[0].lastStage, 1);
        const auto all = engine.oldestStuck(10);
        QCOMPARE(all.size(), size_t{2});
        QCOMPARE(all[0].id, composite_id::format(7));  // t0 0 before t0 10
        QCOMPARE(all[0].ageMs, 2000);
        // Progressing while stuck moves the stuck gauge to the next stage.
        feed(engine, {ev(8, 1, 2500)});
        QCOMPARE(engine.gauges().stages[1].stuckAwaiting, 0u);
        QCOMPARE(engine.gauges().stages[2].stuckAwaiting, 2u);
    }

    void outOfOrderIntermediate()
    {
        JoinEngine engine(testConfig(3));
        feed(engine, {ev(7, 0, 0), ev(7, 2, 300)});
        QCOMPARE(total(engine, 2).matched, 1u);
        QCOMPARE(engine.totalHops()[2].count(), 0u);  // 0 -> 2 is not a hop
        // 8 completed before its stage 1 was read: a late hop, not a
        // duplicate, and both hops around it are recorded.
        feed(engine, {ev(8, 0, 0), ev(8, 2, 300, 0), ev(8, 1, 200)});
        QCOMPARE(total(engine, 1).duplicates, 0u);
        QCOMPARE(total(engine, 1).lateHop, 1u);
        QCOMPARE(engine.totalHops()[1].count(), 1u);
        QCOMPARE(engine.totalHops()[1].max(), 200);
        QCOMPARE(engine.totalHops()[2].count(), 1u);
        QCOMPARE(engine.totalHops()[2].max(), 100);
        feed(engine, {ev(9, 1, 200), ev(9, 2, 300), ev(9, 1, 200)});
        QCOMPARE(total(engine, 1).duplicates, 1u);  // 9's stage 1 twice
        feed(engine, {ev(10, 2, 300), ev(10, 1, 200)});
        QCOMPARE(total(engine, 1).outOfOrder, 1u);
        QCOMPARE(engine.totalHops()[2].count(), 3u);  // 8, 9 (in order), 10 (out of order)
        // 10's t0 is now its lowest stage's time: the hop into stage 1 is
        // known once its incoming comes.
        feed(engine, {ev(10, 0, 50)});
        QCOMPARE(engine.totalHops()[1].count(), 2u);
        QCOMPARE(engine.totalHops()[1].min(), 150);
        QCOMPARE(engine.lookup(RecordId::composite(10)).state, RecordState::Matched);
    }

    void opaqueIdsKeepTheirText()
    {
        JoinEngine engine(testConfig());
        const std::string shortId = "order-0001";
        const std::string longId(200, 'x');
        Event first = ev(0, 0, 0);
        first.id = RecordId::opaque(shortId);
        Event second = ev(0, 0, 1);
        second.id = RecordId::opaque(longId);
        Event other = ev(99, 0, 2000);
        Event otherDone = ev(99, 1, 2000);
        feed(engine, {first, second, other, otherDone});
        engine.advance(0);
        const auto stuck = engine.oldestStuck(5);
        QCOMPARE(stuck.size(), size_t{2});
        QCOMPARE(stuck[0].id, shortId);
        QCOMPARE(stuck[1].id, longId);
        QCOMPARE(engine.lookup(RecordId::opaque(longId)).state, RecordState::Stuck);
        // Matching by text works and releases it.
        Event done = ev(0, 1, 2100);
        done.id = RecordId::opaque(shortId);
        feed(engine, {done});
        QCOMPARE(engine.lookup(RecordId::opaque(shortId)).state, RecordState::Matched);
    }

    void rejectsAreCountedByReason()
    {
        JoinEngine engine(testConfig());
        engine.reject(0, RejectReason::NotJson, 1000);
        engine.reject(0, RejectReason::NotJson, 1000);
        engine.reject(1, RejectReason::MissingId, 1000);
        QCOMPARE(total(engine, 0).rejected[static_cast<size_t>(RejectReason::NotJson)], 2u);
        QCOMPARE(total(engine, 0).rejectedTotal(), 2u);
        QCOMPARE(total(engine, 1).rejectedTotal(), 1u);
        QCOMPARE(engine.metrics().countersBetween(0, 1000, 2000).rejectedTotal(), 2u);
    }

    void bucketsFollowEventTime()
    {
        JoinEngine engine(testConfig());
        feed(engine, {ev(7, 0, 10'200), ev(7, 1, 12'700), ev(8, 0, 12'100)});
        QCOMPARE(engine.metrics().countersBetween(0, 10'000, 11'000).seen, 1u);
        QCOMPARE(engine.metrics().countersBetween(1, 12'000, 13'000).matched, 1u);
        QCOMPARE(engine.metrics().endToEndBetween(12'000, 13'000).count(), 1u);
        QCOMPARE(engine.metrics().endToEndBetween(10'000, 12'000).count(), 0u);
    }

    void invalidConfigIsRejectedWithField()
    {
        EngineConfig config = testConfig();
        config.windowMs = config.slaMs;
        QVERIFY(config.validate().find("windowMs") == 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, JoinEngine{config});
        config = testConfig(9);
        QVERIFY(config.validate().find("stageCount") == 0);
    }
};

QTEST_APPLESS_MAIN(TestJoinEngine)
#include "test_join_engine.moc"

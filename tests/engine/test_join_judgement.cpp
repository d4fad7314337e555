// One test per rule of DESIGN.md "Judging only what it can see" that the
// engine enforces (issue 8): each drives a real JoinEngine with hand-written
// events and an explicit wall clock, and each failed on the engine before
// these rules (one bad time expired the dedup set or declared everything
// lost, a late middle stage read as a duplicate, and so on).
#include "core/engine/join_engine.hpp"

#include <QtTest>

#include <random>
#include <set>
#include <string>

using namespace slatrack::engine;

namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kBase = 1'750'000'000'000;  // event times near a real "now"
constexpr int64_t kWall = kBase + 10 * kMinute;

EngineConfig config(int stages = 2, size_t cap = 1000)
{
    EngineConfig out;
    out.stageCount = stages;
    out.slaMs = 10 * kSecond;
    out.windowMs = 10 * kMinute;
    out.graceMs = 5 * kSecond;
    out.maxOpenRecords = cap;
    out.sweepIntervalMs = 0;
    return out;
}

// Composite IDs created at kBase's second, so they print predictably.
uint64_t idOf(uint32_t n) { return composite_id::make(static_cast<uint32_t>(kBase / 1000), n); }

Event ev(uint64_t key, int stage, int64_t timeMs, uint16_t partition = 0)
{
    Event event;
    event.id = RecordId::composite(key);
    event.stage = static_cast<uint8_t>(stage);
    event.eventTimeMs = timeMs;
    event.partition = partition;
    return event;
}

void feed(JoinEngine& engine, std::initializer_list<Event> events, int64_t wallNowMs = kWall)
{
    engine.ingest(std::span<const Event>(events.begin(), events.size()), wallNowMs);
}

const StageCounters& total(const JoinEngine& engine, int stage) { return engine.totals()[static_cast<size_t>(stage)]; }

uint64_t rejected(const JoinEngine& engine, int stage, RejectReason reason)
{
    return total(engine, stage).rejected[static_cast<size_t>(reason)];
}

} // namespace

class TestJoinJudgement : public QObject {
    Q_OBJECT

private slots:
    // Rule 1: a time further ahead than max_clock_skew is rejected and
    // touches nothing: no watermark, stream time, bucket or dedup expiry.
    void futureTimeTouchesNothing()
    {
        EngineConfig cfg = config();
        cfg.dedupHorizonMs = 3 * kMinute;
        JoinEngine engine(cfg);
        // One partition per stage: one record can move a watermark alone.
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(1), 1, kBase + 100), ev(idOf(2), 0, kBase + 200), ev(idOf(3), 0, kBase + 300),
                      ev(idOf(3), 1, kBase + 400)});
        engine.advance(kWall);
        const Gauges before = engine.gauges();
        const int64_t newestBucket = engine.metrics().buckets().back().second;

        // Observed: 12 h ahead on stage 0 expired the dedup set; on the
        // single-partition processed stage it declared every open record lost.
        feed(engine, {ev(idOf(50), 0, kWall + 12 * kHour), ev(idOf(51), 1, kWall + 12 * kHour)});
        engine.advance(kWall);
        QCOMPARE(rejected(engine, 0, RejectReason::FutureTime), 1u);
        QCOMPARE(rejected(engine, 1, RejectReason::FutureTime), 1u);
        QCOMPARE(total(engine, 0).seen, 3u);  // rejected events are not "seen"
        const Gauges after = engine.gauges();
        QCOMPARE(after.streamTimeMs, before.streamTimeMs);
        QCOMPARE(after.stages[0].watermarkMs, before.stages[0].watermarkMs);
        QCOMPARE(after.stages[1].watermarkMs, before.stages[1].watermarkMs);
        QCOMPARE(after.open, 1u);
        QCOMPARE(total(engine, 1).lost, 0u);
        QCOMPARE(engine.metrics().buckets().back().second, newestBucket);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(50))).state, RecordState::Unknown);
        // The dedup set still remembers: redeliveries are duplicates.
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(1), 1, kBase + 100)});
        QCOMPARE(total(engine, 0).duplicates, 1u);
        QCOMPARE(total(engine, 1).duplicates, 1u);
        QCOMPARE(engine.gauges().open, 1u);
        // Just inside the skew is accepted.
        feed(engine, {ev(idOf(60), 0, kWall + cfg.maxClockSkewMs)});
        QCOMPARE(engine.gauges().open, 2u);

        // Times no clock can have, key 0 and stages the pipeline lacks are
        // refused too, never an assert.
        feed(engine, {ev(idOf(70), 0, -5), ev(idOf(71), 1, INT64_MIN), ev(0, 0, kBase), ev(idOf(72), 7, kBase), ev(idOf(73), 0, INT64_MAX)});
        QCOMPARE(rejected(engine, 0, RejectReason::AbsurdTime), 1u);
        QCOMPARE(rejected(engine, 1, RejectReason::AbsurdTime), 1u);
        QCOMPARE(rejected(engine, 0, RejectReason::MalformedId), 1u);
        QCOMPARE(rejected(engine, 0, RejectReason::FutureTime), 2u);
        QCOMPARE(engine.invalidInputs(), 1u);
        QCOMPARE(engine.gauges().streamTimeMs, kWall + cfg.maxClockSkewMs);
    }

    // Rule 1, within the skew: an accepted time ahead of the clock moves no
    // watermark past the clock, so a single-partition stage does not declare
    // every open record stuck at once.
    void aTimeAheadWithinTheSkewMovesNoWatermarkPastNow()
    {
        JoinEngine engine(config());
        const int64_t wall = kBase + 2 * kSecond;
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(2), 0, kBase + 100), ev(idOf(2), 1, kBase + 4 * kMinute)}, wall);
        QCOMPARE(total(engine, 1).matched, 1u);  // accepted: within the 5 min skew
        engine.advance(wall);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, wall);
        QCOMPARE(engine.gauges().stuck, 0u);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).state, RecordState::Open);
        // An idle monitor gets no ingest, but its clock moves on: caught up,
        // the watermark follows the clock, and no further.
        engine.setCaughtUp(1, 0, true);
        engine.advance(kBase + 30 * kSecond);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, kBase + 30 * kSecond);
        QCOMPARE(engine.gauges().stuck, 1u);  // now 1 has waited 30 s: stuck on its own account
    }

    // Rule 1, the other way: a time far in the past harms only its record.
    void pastTimeHarmsOnlyItsRecord()
    {
        JoinEngine engine(config());
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(2), 0, kBase + 100), ev(idOf(2), 1, kBase + 200)});
        engine.advance(kWall);
        const int64_t newestBucket = engine.metrics().buckets().back().second;
        const Gauges before = engine.gauges();
        // 12 h back is beyond the dedup horizon (the window here): stale,
        // never opened. 5 min back is within it: opened, and judged alone.
        feed(engine, {ev(idOf(3), 0, kBase - 12 * kHour), ev(idOf(4), 1, kBase - 12 * kHour), ev(idOf(5), 0, kBase - 5 * kMinute)});
        engine.advance(kWall);
        QCOMPARE(engine.metrics().buckets().back().second, newestBucket);
        QCOMPARE(engine.gauges().stages[0].watermarkMs, before.stages[0].watermarkMs);
        QCOMPARE(engine.gauges().stages[1].watermarkMs, before.stages[1].watermarkMs);
        QCOMPARE(engine.gauges().streamTimeMs, before.streamTimeMs);
        QCOMPARE(total(engine, 0).stale, 1u);
        QCOMPARE(total(engine, 1).stale, 1u);
        QCOMPARE(engine.gauges().early, 0u);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(3))).state, RecordState::Unknown);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(5))).state, RecordState::Stuck);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).state, RecordState::Open);  // untouched
        QCOMPARE(total(engine, 1).lost, 0u);
        QCOMPARE(total(engine, 1).stuck, 1u);
    }

    // Rule 2: a processed time before its incoming one is clock skew, with
    // the worst seen, recorded as 0 latency; hops likewise.
    void clockSkewIsCountedAndRecordedAsZero()
    {
        JoinEngine engine(config());
        feed(engine, {ev(idOf(1), 0, kBase + 1000), ev(idOf(1), 1, kBase + 700), ev(idOf(2), 0, kBase), ev(idOf(2), 1, kBase - 50),
                      ev(idOf(3), 0, kBase), ev(idOf(3), 1, kBase + 40)});
        QCOMPARE(total(engine, 1).clockSkew, 2u);
        QCOMPARE(total(engine, 1).worstClockSkewMs, 300);
        QCOMPARE(total(engine, 1).matched, 3u);
        QCOMPARE(engine.totalEndToEnd().count(), 3u);
        QCOMPARE(engine.totalEndToEnd().min(), 0);
        QCOMPARE(engine.totalEndToEnd().max(), 40);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).latencyMs, 0);
        QCOMPARE(engine.metrics().countersBetween(1, kBase, kBase + 1000).worstClockSkewMs, 300);

        JoinEngine three(config(3));
        feed(three, {ev(idOf(1), 0, kBase + 100), ev(idOf(1), 1, kBase + 20), ev(idOf(1), 2, kBase + 500)});
        QCOMPARE(total(three, 1).clockSkew, 1u);
        QCOMPARE(total(three, 1).worstClockSkewMs, 80);
        QCOMPARE(total(three, 2).clockSkew, 0u);
        QCOMPARE(three.totalHops()[1].max(), 0);
        QCOMPARE(three.totalHops()[2].max(), 480);

        // Worst is a maximum when counters are summed.
        StageCounters a, b;
        a.worstClockSkewMs = 300;
        a.clockSkew = 1;
        b.worstClockSkewMs = 200;
        b.clockSkew = 4;
        a += b;
        QCOMPARE(a.clockSkew, 5u);
        QCOMPARE(a.worstClockSkewMs, 300);
    }

    // Rule 3: the middle stage's topic read after the processed one gives
    // late hops with the same hop latencies as in order, not duplicates.
    void lateMiddleStageIsALateHop()
    {
        JoinEngine inOrder(config(3));
        JoinEngine lateMiddle(config(3));
        for (uint32_t n = 1; n <= 20; ++n) {
            const int64_t t0 = kBase + n * 10;
            feed(inOrder, {ev(idOf(n), 0, t0), ev(idOf(n), 1, t0 + 100 + n), ev(idOf(n), 2, t0 + 300)});
            feed(lateMiddle, {ev(idOf(n), 0, t0), ev(idOf(n), 2, t0 + 300)});
        }
        for (uint32_t n = 1; n <= 20; ++n)
            feed(lateMiddle, {ev(idOf(n), 1, kBase + n * 10 + 100 + n)});
        QCOMPARE(total(lateMiddle, 1).duplicates, 0u);
        QCOMPARE(total(lateMiddle, 1).lateHop, 20u);
        QCOMPARE(total(lateMiddle, 2).matched, 20u);
        for (int stage = 1; stage <= 2; ++stage) {
            const LatencyHistogram& want = inOrder.totalHops()[static_cast<size_t>(stage)];
            const LatencyHistogram& got = lateMiddle.totalHops()[static_cast<size_t>(stage)];
            QCOMPARE(got.count(), want.count());
            QCOMPARE(got.min(), want.min());
            QCOMPARE(got.max(), want.max());
            QCOMPARE(got.percentile(50), want.percentile(50));
        }
        QCOMPARE(lateMiddle.gauges().open, 0u);
        QCOMPARE(lateMiddle.lookup(RecordId::composite(idOf(3))).state, RecordState::Matched);
        // A copy of the middle stage now is a duplicate.
        feed(lateMiddle, {ev(idOf(3), 1, kBase + 133)});
        QCOMPARE(total(lateMiddle, 1).duplicates, 1u);

        // Past the grace the record moves to the dedup set; its middle
        // stage, later still, is a late hop once, then a duplicate.
        feed(lateMiddle, {ev(idOf(99), 0, kBase + 1000), ev(idOf(99), 2, kBase + 1500)});
        feed(lateMiddle, {ev(idOf(100), 1, kBase + 1500 + config().graceMs)});  // the middle stage reads past the grace
        lateMiddle.advance(kWall);
        QCOMPARE(lateMiddle.lookup(RecordId::composite(idOf(99))).state, RecordState::Matched);
        feed(lateMiddle, {ev(idOf(99), 1, kBase + 1200), ev(idOf(99), 1, kBase + 1200)});
        QCOMPARE(total(lateMiddle, 1).lateHop, 21u);
        QCOMPARE(total(lateMiddle, 1).duplicates, 2u);
    }

    // Rule 4: a redelivery older than the dedup horizon is stale: never
    // opened, never matched twice.
    void staleRedeliveryIsNeverMatchedTwice()
    {
        EngineConfig cfg = config();
        cfg.dedupHorizonMs = 3 * kMinute;
        JoinEngine engine(cfg);
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(1), 1, kBase + 500)});
        // Both streams move on 5 minutes.
        for (uint32_t n = 2; n <= 40; ++n) {
            const int64_t t = kBase + n * 8 * kSecond;
            feed(engine, {ev(idOf(n), 0, t), ev(idOf(n), 1, t + 200)});
            engine.advance(kWall);
        }
        QCOMPARE(total(engine, 1).matched, 40u);
        // Observed: matched a second time (latency counted twice).
        feed(engine, {ev(idOf(1), 1, kBase + 500)});
        QCOMPARE(total(engine, 1).stale, 1u);
        QCOMPARE(total(engine, 1).matched, 40u);
        QCOMPARE(engine.totalEndToEnd().count(), 40u);
        QCOMPARE(engine.gauges().early, 0u);
        // The incoming copy is not opened either (it would turn stuck).
        feed(engine, {ev(idOf(1), 0, kBase)});
        QCOMPARE(total(engine, 0).stale, 1u);
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).state, RecordState::Unknown);
        // Inside the horizon a redelivery is still a plain duplicate.
        feed(engine, {ev(idOf(40), 1, kBase + 320 * kSecond + 200)});
        QCOMPARE(total(engine, 1).duplicates, 1u);
    }

    // Rule 4, read in one batch (the audit): the original and its copy
    // written 5 min later, before the dedup clock moves. The entry is still
    // held, yet the copy is stale as the live path (which had forgotten it)
    // says; a copy written within the horizon stays a duplicate.
    void staleDoesNotDependOnBatchBoundaries()
    {
        EngineConfig cfg = config();
        cfg.dedupHorizonMs = 3 * kMinute;
        JoinEngine engine(cfg);
        Event lateIncoming = ev(idOf(1), 0, kBase);
        lateIncoming.setLogTime(kBase + 5 * kMinute);
        Event lateProcessed = ev(idOf(1), 1, kBase + 500);
        lateProcessed.setLogTime(kBase + 5 * kMinute + 500);
        Event soonProcessed = ev(idOf(2), 1, kBase + 700);
        soonProcessed.setLogTime(kBase + 2 * kMinute);
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(1), 1, kBase + 500), ev(idOf(2), 0, kBase + 600), ev(idOf(2), 1, kBase + 700),
                      lateIncoming, lateProcessed, soonProcessed});
        QCOMPARE(total(engine, 0).stale, 1u);
        QCOMPARE(total(engine, 1).stale, 1u);
        QCOMPARE(total(engine, 0).duplicates, 0u);
        QCOMPARE(total(engine, 1).duplicates, 1u);
        QCOMPARE(total(engine, 1).matched, 2u);
        // The same while the record is still open: processed read before
        // its incoming (early), its late copy, then the incoming.
        Event lateEarly = ev(idOf(4), 1, kBase + 900);
        lateEarly.setLogTime(kBase + 5 * kMinute);
        feed(engine, {ev(idOf(4), 1, kBase + 900), lateEarly, ev(idOf(4), 0, kBase + 800)});
        QCOMPARE(total(engine, 1).stale, 2u);
        QCOMPARE(total(engine, 1).duplicates, 1u);
        QCOMPARE(total(engine, 1).matched, 3u);
        // Saturation: a log time years later does not wrap to a small lag.
        Event ancient = ev(idOf(3), 0, kBase);
        ancient.setLogTime(kBase + 400LL * 24 * 3600 * 1000);
        QCOMPARE(ancient.loggedAfterMs, INT32_MAX);
        ancient.setLogTime(kBase - 1000);  // written "before" its time: unknown
        QCOMPARE(ancient.loggedAfterMs, 0);
    }

    // A middle stage of a record already lost is counted (a late hop), not
    // dropped silently; its processed copy is then late after lost.
    void middleStageOfALostRecordIsCounted()
    {
        JoinEngine engine(config(3, 16));
        for (uint32_t n = 1; n <= 17; ++n)
            feed(engine, {ev(idOf(n), 0, kBase + n)});
        QCOMPARE(total(engine, 1).lost, 1u);  // idOf(1), evicted by the cap awaiting stage 1
        feed(engine, {ev(idOf(1), 1, kBase + 100)});
        QCOMPARE(total(engine, 1).lateHop, 1u);
        QCOMPARE(total(engine, 1).duplicates, 0u);
        QCOMPARE(total(engine, 1).early, 0u);
        feed(engine, {ev(idOf(1), 2, kBase + 200)});
        QCOMPARE(total(engine, 2).lateAfterLost, 1u);
    }

    // Rule 5: early records evicted by the cap are lost (overflow), not
    // orphans, and matched late if their incoming comes.
    void capEvictedEarlyRecordsAreLostAndMatchLate()
    {
        JoinEngine engine(config(2, 16));
        for (uint32_t n = 1; n <= 16; ++n)
            feed(engine, {ev(idOf(n), 1, kBase + n)});
        QCOMPARE(engine.gauges().early, 16u);
        feed(engine, {ev(idOf(17), 1, kBase + 17)});  // past the cap: the oldest go
        QCOMPARE(total(engine, 0).lost, 1u);
        QCOMPARE(total(engine, 0).lostOverflow, 1u);
        QCOMPARE(total(engine, 1).orphans, 0u);
        QCOMPARE(total(engine, 0).orphans, 0u);
        const std::vector<LostRecord> lost = engine.takeLost();
        QCOMPARE(lost.size(), size_t{1});
        QCOMPARE(lost[0].id, composite_id::format(idOf(1)));
        QCOMPARE(lost[0].awaitingStage, 0);
        QCOMPARE(lost[0].reason, LostReason::Overflow);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).state, RecordState::Lost);
        // Its incoming comes after all: matched late, with its latency.
        feed(engine, {ev(idOf(1), 0, kBase - 400)});
        QCOMPARE(total(engine, 1).lateAfterLost, 1u);
        QCOMPARE(total(engine, 0).lateIncoming, 0u);
        QCOMPARE(engine.totalEndToEnd().count(), 1u);
        QCOMPARE(engine.totalEndToEnd().max(), 401);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).state, RecordState::Matched);
        QCOMPARE(engine.lookup(RecordId::composite(idOf(1))).latencyMs, 401);
        feed(engine, {ev(idOf(1), 0, kBase - 400)});
        QCOMPARE(total(engine, 0).duplicates, 1u);
    }

    // Rule 6: a hash hit is confirmed on the ID text; a mismatch is a
    // collision, counted, and the two IDs are not joined.
    void hashCollisionIsCountedNotJoined()
    {
        JoinEngine engine(config());
        const uint64_t key = hashOpaqueId("alpha");
        Event alpha = ev(key, 0, kBase);
        alpha.id = RecordId{key, "alpha"};
        Event beta = ev(key, 1, kBase + 100);
        beta.id = RecordId{key, "beta"};  // crafted: same key, other text
        feed(engine, {alpha, beta});
        QCOMPARE(total(engine, 1).idCollisions, 1u);
        QCOMPARE(total(engine, 1).matched, 0u);
        QCOMPARE(engine.gauges().open, 1u);
        QCOMPARE(engine.lookup(beta.id).state, RecordState::Unknown);
        QCOMPARE(engine.lookup(alpha.id).state, RecordState::Open);
        // A composite ID whose value equals an opaque hash is another ID too.
        Event composite = ev(key, 1, kBase + 150);
        feed(engine, {composite});
        QCOMPARE(total(engine, 1).idCollisions, 2u);
        Event alphaDone = ev(key, 1, kBase + 200);
        alphaDone.id = RecordId{key, "alpha"};
        feed(engine, {alphaDone});
        QCOMPARE(total(engine, 1).matched, 1u);
        QCOMPARE(engine.totalEndToEnd().max(), 200);
    }

    // Rule 7: the stuck query is a bounded heap and pages by keyset.
    void stuckRecordsPageByKeyset()
    {
        JoinEngine engine(config(3));
        std::mt19937 rng(7);
        for (uint32_t n = 1; n <= 60; ++n) {
            const int64_t t0 = kBase + static_cast<int64_t>(rng() % 20);  // many equal t0: the key breaks ties
            feed(engine, {ev(idOf(n), 0, t0)});
            if (n % 3 == 0)
                feed(engine, {ev(idOf(n), 1, t0 + 5)});
        }
        feed(engine, {ev(idOf(1000), 0, kBase + kMinute), ev(idOf(1000), 1, kBase + kMinute), ev(idOf(1000), 2, kBase + kMinute)});
        engine.advance(kWall);
        QCOMPARE(engine.gauges().stuck, 60u);
        const std::vector<StuckRecord> all = engine.oldestStuck(SIZE_MAX);
        QCOMPARE(all.size(), size_t{60});
        for (size_t idx = 1; idx < all.size(); ++idx)
            QVERIFY(std::tie(all[idx - 1].t0Ms, all[idx - 1].key) < std::tie(all[idx].t0Ms, all[idx].key));
        const std::vector<StuckRecord> oldest = engine.oldestStuck(5);
        QCOMPARE(oldest.size(), size_t{5});
        for (size_t idx = 0; idx < 5; ++idx)
            QCOMPARE(oldest[idx].key, all[idx].key);

        StuckQuery query;
        query.limit = 7;
        std::vector<uint64_t> paged;
        for (;;) {
            const std::vector<StuckRecord> page = engine.stuckPage(query);
            QVERIFY(page.size() <= query.limit);
            for (const StuckRecord& record : page)
                paged.push_back(record.key);
            if (page.size() < query.limit)
                break;
            query.after = StuckCursor{page.back().t0Ms, page.back().key};
        }
        QCOMPARE(paged.size(), all.size());
        for (size_t idx = 0; idx < all.size(); ++idx)
            QCOMPARE(paged[idx], all[idx].key);

        query = StuckQuery{};
        query.limit = 100;
        query.awaitingStage = 2;
        QCOMPARE(engine.stuckPage(query).size(), size_t{20});
        query.limit = 0;
        QVERIFY(engine.stuckPage(query).empty());
    }

    // Rule 8: every limit the engine cannot hold is a validate() error
    // naming the field, with the numbers exported for the config loader.
    void limitsAreNamedByValidate()
    {
        const auto check = [](EngineConfig cfg, const char* field) {
            const std::string problem = cfg.validate();
            QVERIFY2(problem.rfind(field, 0) == 0, (std::string(field) + ": got \"" + problem + "\"").c_str());
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, JoinEngine{cfg});
        };
        EngineConfig cfg = config();
        QVERIFY(cfg.validate().empty());
        cfg.windowMs = kMaxWindowMs;
        QVERIFY(cfg.validate().empty());
        cfg.windowMs = kMaxWindowMs + 1;
        check(cfg, "windowMs");
        cfg = config(kMaxStages);
        QVERIFY(cfg.validate().empty());
        check(config(kMaxStages + 1), "stageCount");
        check(config(kMinStages - 1), "stageCount");
        check(config(2, kMinOpenRecords - 1), "maxOpenRecords");
        check(config(2, kMaxOpenRecords + 1), "maxOpenRecords");
        cfg = config();
        cfg.dedupHorizonMs = kMaxDedupHorizonMs + 1;
        check(cfg, "dedupHorizonMs");
        cfg = config();
        cfg.maxClockSkewMs = kMaxClockSkewMs + 1;
        check(cfg, "maxClockSkewMs");
        cfg = config();
        cfg.bucketRetentionSeconds = kMaxBucketRetentionSeconds + 1;
        check(cfg, "bucketRetentionSeconds");
        cfg = config();
        cfg.sweepIntervalMs = kMaxSweepIntervalMs + 1;
        check(cfg, "sweepIntervalMs");
    }

    // Rule 8: no input to ingest() or advance() asserts, throws or
    // overflows (run under UBSan to see the last). Counts still add up.
    void hostileInputNeverBreaksTheEngine()
    {
        std::mt19937_64 rng(qEnvironmentVariableIsSet("SLATRACK_SEED") ? qEnvironmentVariable("SLATRACK_SEED").toULongLong() : 8);
        const int64_t extremes[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, kBase, kMaxEventTimeMs, kMaxEventTimeMs + 1, INT64_MAX - 1, INT64_MAX};
        EngineConfig cfg = config(4, 64);
        cfg.dedupHorizonMs = kMinute;
        JoinEngine engine(cfg);
        uint64_t accepted = 0;
        // SLATRACK_HOSTILE_ROUNDS: a longer run (e.g. under UBSan).
        const int rounds = qEnvironmentVariableIsSet("SLATRACK_HOSTILE_ROUNDS") ? qEnvironmentVariableIntValue("SLATRACK_HOSTILE_ROUNDS") : 400;
        for (int round = 0; round < rounds; ++round) {
            std::vector<Event> batch;
            std::vector<std::string> texts;
            texts.reserve(64);
            for (int event_idx = 0; event_idx < 64; ++event_idx) {
                Event event;
                const uint64_t pick = rng();
                event.eventTimeMs = pick % 4 == 0 ? extremes[rng() % std::size(extremes)] : kBase + static_cast<int64_t>(rng() % (20 * kMinute));
                event.stage = static_cast<uint8_t>(rng() % 6);
                event.partition = static_cast<uint16_t>(rng() % 3 == 0 ? 65535 : rng() % 4);
                event.offset = static_cast<int64_t>(rng());
                if (pick % 5 == 0) {
                    texts.push_back("id-" + std::to_string(rng() % 200));
                    event.id = RecordId::opaque(texts.back());
                } else {
                    event.id = RecordId::composite(pick % 7 == 0 ? rng() % 3 : idOf(static_cast<uint32_t>(rng() % 300)));
                }
                batch.push_back(event);
            }
            const int64_t wall = rng() % 8 == 0 ? extremes[rng() % std::size(extremes)] : kWall;
            engine.ingest(batch, wall);
            engine.reject(static_cast<int>(rng() % 6) - 1, static_cast<RejectReason>(rng() % 9), extremes[rng() % std::size(extremes)]);
            engine.setCaughtUp(static_cast<int>(rng() % 6), static_cast<uint16_t>(rng()), rng() % 2 == 0);
            engine.advance(rng() % 4 == 0 ? extremes[rng() % std::size(extremes)] : kWall, rng() % 3 == 0);
            engine.takeLost();
            (void)engine.stuckPage(StuckQuery{5, std::nullopt, StuckCursor{static_cast<int64_t>(rng()), rng()}, {}});
            (void)engine.lookup(batch[rng() % batch.size()].id);
        }
        engine.finishAt(INT64_MAX);
        uint64_t seen = 0, rejectedCount = 0;
        for (const StageCounters& counters : engine.totals()) {
            seen += counters.seen;
            rejectedCount += counters.rejectedTotal();
        }
        accepted = seen;
        QVERIFY(accepted > 1000);
        QVERIFY(rejectedCount > 1000);
        QVERIFY(engine.invalidInputs() > 0);
        const Gauges gauges = engine.gauges();
        QVERIFY(gauges.open + gauges.early <= cfg.maxOpenRecords);
        QCOMPARE(engine.openRecords().size(), static_cast<size_t>(gauges.open));
    }

    // Rule 9: hop latencies are exposed per bucket too, and lookup knows
    // the new states.
    void hopLatencyAndLookupStates()
    {
        JoinEngine engine(config(3));
        feed(engine, {ev(idOf(1), 0, kBase), ev(idOf(1), 1, kBase + 120), ev(idOf(1), 2, kBase + 400)});
        QCOMPARE(engine.metrics().hopBetween(1, kBase, kBase + 1000).max(), 120);
        QCOMPARE(engine.metrics().hopBetween(2, kBase, kBase + 1000).max(), 280);
        QCOMPARE(engine.metrics().hopBetween(2, kBase + 1000, kBase + 2000).count(), 0u);
        QVERIFY(engine.metrics().hopBetween(9, kBase, kBase + 1000).empty());
        // Held for a late hop: matched, with its latency and journey.
        feed(engine, {ev(idOf(2), 0, kBase), ev(idOf(2), 2, kBase + 300)});
        const RecordStatus held = engine.lookup(RecordId::composite(idOf(2)));
        QCOMPARE(held.state, RecordState::Matched);
        QCOMPARE(held.latencyMs, 300);
        QCOMPARE(held.journey.size(), size_t{2});
        QCOMPARE(held.journey[1].stage, 2);
        QCOMPARE(engine.gauges().open, 0u);
        QCOMPARE(engine.openRecords().size(), size_t{0});
        QVERIFY(engine.oldestStuck(10).empty());
        QCOMPARE(engine.lookup(RecordId{}).state, RecordState::Unknown);  // key 0
    }
};

QTEST_APPLESS_MAIN(TestJoinJudgement)
#include "test_join_judgement.moc"

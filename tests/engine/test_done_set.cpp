// The dedup set: horizon expiry, per-second tables for composite IDs (and
// their dropping), the general table for opaque and implausible IDs, and a
// randomized comparison with a std::map model of what it must remember.
#include "core/engine/done_set.hpp"
#include "core/engine/record_id.hpp"

#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

using namespace slatrack::engine;

namespace {
constexpr int64_t kHorizonMs = 10'000;
constexpr int64_t kWindowMs = 60'000;
constexpr int64_t kStartMs = 1'750'000'000'000;

uint64_t compositeAt(int64_t timeMs, uint32_t random)
{
    return composite_id::make(static_cast<uint32_t>(timeMs / 1000), random | 1u);
}
} // namespace

class TestDoneSet : public QObject {
    Q_OBJECT

private slots:
    void remembersForTheHorizon_data()
    {
        QTest::addColumn<bool>("composite");
        QTest::newRow("opaque") << false;
        QTest::newRow("composite") << true;
    }
    void remembersForTheHorizon()
    {
        QFETCH(bool, composite);
        DoneSet done(kHorizonMs, kWindowMs);
        const int64_t now = kStartMs;
        const uint64_t matchedKey = composite ? compositeAt(now - 300, 7) : 7;
        const uint64_t lostKey = composite ? compositeAt(now - kWindowMs, 8) : 8;
        done.advance(now);
        done.insertAbsent(matchedKey, composite, DoneSet::Kind::Matched, 250, now, now);
        done.insertAbsent(lostKey, composite, DoneSet::Kind::Lost, 0, now - 500, now);
        const auto matched = done.find(matchedKey, composite);
        QVERIFY(matched);
        QCOMPARE(matched->kind, DoneSet::Kind::Matched);
        QCOMPARE(matched->latencyMs, 250);
        const auto lost = done.find(lostKey, composite);
        QVERIFY(lost);
        QCOMPARE(lost->kind, DoneSet::Kind::Lost);
        QCOMPARE(lost->timeMs, now - 500);  // t0 recovered exactly
        done.advance(now + kHorizonMs + 1000);
        QVERIFY(done.find(matchedKey, composite));  // one horizon + the 1 s margin: still remembered
        QVERIFY(now + 999 < done.staleBeforeMs() + 1000);  // its events are not yet stale either
        done.advance(now + kHorizonMs + 2001);
        QVERIFY(now + 999 < done.staleBeforeMs());  // forgotten only once its events read stale
        QVERIFY(!done.peek(matchedKey, composite));
        QVERIFY(!done.find(matchedKey, composite));
        // Expired and erased on find: the key may be done again.
        done.insertAbsent(matchedKey, composite, DoneSet::Kind::Orphan, 0, now + 20'123, now + 20'123, 2);
        const auto orphan = done.find(matchedKey, composite);
        QCOMPARE(orphan->kind, DoneSet::Kind::Orphan);
        QCOMPARE(orphan->timeMs, now + 20'123);  // last seen, to the ms
        QCOMPARE(orphan->stage, 2);
        // An early record lost to the cap keeps its last stage and time, so
        // that its incoming, if it comes, can be matched late.
        done.put(matchedKey, composite, DoneSet::Kind::LostEarly, 0, now + 20'456, now + 30'000, 1);
        const auto lostEarly = done.find(matchedKey, composite);
        QCOMPARE(lostEarly->kind, DoneSet::Kind::LostEarly);
        QCOMPARE(lostEarly->timeMs, now + 20'456);
        QCOMPARE(lostEarly->stage, 1);
        done.put(matchedKey, composite, DoneSet::Kind::MatchedPartial, 77, now + 21'000, now + 21'000);
        QCOMPARE(done.find(matchedKey, composite)->kind, DoneSet::Kind::MatchedPartial);
        QCOMPARE(done.find(matchedKey, composite)->latencyMs, 77);
        // The other kind of ID with the same key is another record.
        QVERIFY(!done.find(matchedKey, !composite));
    }

    void opaqueTablePurgesInsteadOfGrowing()
    {
        // Churn far past the initial capacity with a moving clock: purges
        // keep the table at rate x horizon instead of growing forever.
        DoneSet churn(kHorizonMs, kWindowMs);
        uint64_t key = 100;
        for (int64_t now = 0; now < 200'000; now += 10) {
            churn.advance(now);
            for (int record = 0; record < 10; ++record)
                churn.insertAbsent(++key, false, DoneSet::Kind::Matched, 1, now, now);
        }
        QVERIFY(churn.purges() > 0);
        // 1000 records/s x 10 s horizon = 10,000 live, plus what expired
        // since the last purge.
        QVERIFY2(churn.size() < 25'000, QByteArray::number(qulonglong(churn.size())).constData());
        QVERIFY(churn.find(key, false));
        QVERIFY(!churn.find(101, false));
        QCOMPARE(churn.partitionCount(), size_t{0});
    }

    void compositeTablesAreDroppedWholeOnceExpired()
    {
        // 1000 records/s created and completed 2 s later: one table per
        // creation second, and only about horizon + 2 s of them alive.
        DoneSet done(kHorizonMs, kWindowMs);
        std::mt19937 rng(3);
        uint64_t lastKey = 0;
        for (int64_t now = kStartMs; now < kStartMs + 120'000; now += 10) {
            done.advance(now);
            for (int record = 0; record < 10; ++record) {
                lastKey = compositeAt(now - 2000, static_cast<uint32_t>(rng()));
                if (!done.find(lastKey, true))
                    done.insertAbsent(lastKey, true, DoneSet::Kind::Matched, 2000, now, now);
            }
        }
        QVERIFY2(done.partitionCount() <= kHorizonMs / 1000 + 3, QByteArray::number(qulonglong(done.partitionCount())).constData());
        QVERIFY2(done.size() <= 1000 * (kHorizonMs / 1000 + 2), QByteArray::number(qulonglong(done.size())).constData());
        QVERIFY(done.find(lastKey, true));
        QCOMPARE(done.purges(), size_t{0});  // dropped whole, never scanned
    }

    void stragglersKeepOnlyThemselvesAlive()
    {
        // A record created long ago completes now: it is remembered for a
        // horizon, but the rest of its second's table is not kept for it.
        DoneSet done(kHorizonMs, kWindowMs);
        const int64_t created = kStartMs;
        done.advance(created + 1000);
        for (uint32_t record = 0; record < 5000; ++record)
            done.insertAbsent(compositeAt(created, record * 2), true, DoneSet::Kind::Matched, 500, created + 500, created + 1000);
        done.advance(created + 9000);
        const uint64_t straggler = compositeAt(created, 1'000'001);
        done.insertAbsent(straggler, true, DoneSet::Kind::Matched, 9000, created + 9000, created + 9000);
        done.advance(created + 14'000);  // the first 5000 expire; the straggler does not
        QVERIFY(done.find(straggler, true));
        QVERIFY(!done.find(compositeAt(created, 2), true));
        QCOMPARE(done.size(), size_t{1});
        QVERIFY(done.purges() >= 1);
        QVERIFY2(done.bytesUsed() < 16 * 1024, QByteArray::number(qulonglong(done.bytesUsed())).constData());
        done.advance(created + 21'000);  // its second + horizon + the 1 s margin
        QVERIFY(!done.find(straggler, true));
        QCOMPARE(done.partitionCount(), size_t{0});
    }

    void implausibleCompositeIdsDoNotGetATableEach()
    {
        // Random 64-bit numbers configured as composite IDs: their
        // "creation seconds" are all over 136 years.
        DoneSet done(kHorizonMs, kWindowMs);
        std::mt19937_64 rng(11);
        std::vector<uint64_t> keys;
        done.advance(kStartMs);
        for (int record = 0; record < 20'000; ++record) {
            keys.push_back(rng() | 1);
            done.insertAbsent(keys.back(), true, DoneSet::Kind::Matched, 5, kStartMs, kStartMs);
        }
        QVERIFY2(done.partitionCount() < 5, QByteArray::number(qulonglong(done.partitionCount())).constData());
        for (const uint64_t key : keys)
            QVERIFY(done.find(key, true));
    }

    void anIdPutInTheGeneralTableIsFoundOnceItsSecondArrives()
    {
        // A producer clock two days ahead: implausible when recorded, but by
        // the time the stream catches up with it, it must still be found.
        DoneSet done(3 * 24 * 3600 * 1000LL, kWindowMs);
        done.advance(kStartMs);
        const uint64_t ahead = compositeAt(kStartMs + 2 * 24 * 3600 * 1000LL, 5);
        done.insertAbsent(ahead, true, DoneSet::Kind::Matched, 1, kStartMs, kStartMs);
        done.advance(kStartMs + 2 * 24 * 3600 * 1000LL);
        const uint64_t neighbour = compositeAt(kStartMs + 2 * 24 * 3600 * 1000LL, 9);
        done.insertAbsent(neighbour, true, DoneSet::Kind::Matched, 1, kStartMs + 2 * 24 * 3600 * 1000LL, kStartMs + 2 * 24 * 3600 * 1000LL);
        QVERIFY(done.find(ahead, true));
        QVERIFY(done.find(neighbour, true));
        done.put(ahead, true, DoneSet::Kind::Orphan, 0, kStartMs + 2 * 24 * 3600 * 1000LL, kStartMs + 2 * 24 * 3600 * 1000LL);
        QCOMPARE(done.find(ahead, true)->kind, DoneSet::Kind::Orphan);
        QCOMPARE(done.size(), size_t{2});  // overwritten where it was, not added twice
    }

    // Per-second tables keep a 32-bit compact word: every field an Outcome
    // carries must read back as the general table's 64-bit word gives it,
    // and what does not fit goes to the general table whole.
    void compactOutcomesKeepEveryField_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("latencyMs");
        QTest::addColumn<qint64>("timeOffsetMs");  // time relative to the ID's creation
        QTest::addColumn<int>("stage");
        QTest::addColumn<bool>("compact");  // expected in its second's table
        using K = DoneSet::Kind;
        QTest::newRow("matched 0 ms") << int(K::Matched) << qint64(0) << qint64(0) << 0 << true;
        QTest::newRow("matched 1234 ms") << int(K::Matched) << qint64(1234) << qint64(1234) << 0 << true;
        QTest::newRow("matched negative latency (skew)") << int(K::Matched) << qint64(-50) << qint64(10) << 0 << true;
        QTest::newRow("matched, ID 100 s before t0") << int(K::Matched) << qint64(800) << qint64(100'800) << 0 << true;
        QTest::newRow("matched, ID 127 s before t0") << int(K::Matched) << qint64(0) << qint64(127'000) << 0 << true;
        QTest::newRow("matched, ID 128 s before t0") << int(K::Matched) << qint64(0) << qint64(128'000) << 0 << false;
        QTest::newRow("matched, ID 128 s after t0") << int(K::Matched) << qint64(0) << qint64(-128'000) << 0 << true;
        QTest::newRow("matched 2^23-1 ms") << int(K::Matched) << qint64((1 << 23) - 1) << qint64((1 << 23) - 1) << 0 << true;
        QTest::newRow("matched 2^23 ms") << int(K::Matched) << qint64(1 << 23) << qint64(1 << 23) << 0 << false;
        QTest::newRow("matched saturating") << int(K::Matched) << qint64(int64_t{1} << 31) << qint64(int64_t{1} << 31) << 0 << false;
        QTest::newRow("partial 77 ms") << int(K::MatchedPartial) << qint64(77) << qint64(2077) << 0 << true;
        QTest::newRow("partial, ID 40 s before t0") << int(K::MatchedPartial) << qint64(77) << qint64(40'077) << 0 << false;
        QTest::newRow("lost, window 1 h") << int(K::Lost) << qint64(0) << qint64(345) << 0 << true;
        QTest::newRow("lost, ID 70 s before t0") << int(K::Lost) << qint64(0) << qint64(70'000) << 0 << false;
        QTest::newRow("orphan stage 1") << int(K::Orphan) << qint64(0) << qint64(5'123) << 1 << true;
        QTest::newRow("orphan stage 7, 2 h later") << int(K::Orphan) << qint64(0) << qint64(7'200'999) << 7 << true;
        QTest::newRow("orphan 3 h later") << int(K::Orphan) << qint64(0) << qint64(3 * 3600'000 + 1) << 2 << false;
        QTest::newRow("lost early stage 3") << int(K::LostEarly) << qint64(0) << qint64(61'999) << 3 << true;
        QTest::newRow("lost early, ID 2.5 h after") << int(K::LostEarly) << qint64(0) << qint64(-9000'000) << 3 << false;
    }
    void compactOutcomesKeepEveryField()
    {
        QFETCH(int, kind);
        QFETCH(qint64, latencyMs);
        QFETCH(qint64, timeOffsetMs);
        QFETCH(int, stage);
        QFETCH(bool, compact);
        const auto outcomeKind = static_cast<DoneSet::Kind>(kind);
        constexpr int64_t kLongMs = 4 * 3600'000;  // horizon and window past every offset above
        const int64_t created = kStartMs;
        const int64_t timeMs = created + timeOffsetMs;
        // Lost: timeMs is t0, the eviction one window later.
        const int64_t atMs = outcomeKind == DoneSet::Kind::Lost ? timeMs + 3600'000 : timeMs;
        const uint64_t key = compositeAt(created, 0xabcdef);
        DoneSet done(kLongMs, kLongMs);
        DoneSet reference(kLongMs, kLongMs);  // the same outcome under an opaque key: 64-bit words
        done.advance(atMs);
        reference.advance(atMs);
        done.insertAbsent(key, true, outcomeKind, latencyMs, timeMs, atMs, stage);
        reference.insertAbsent(key, false, outcomeKind, latencyMs, timeMs, atMs, stage);
        const auto got = done.peek(key, true);
        const auto want = reference.peek(key, false);
        QVERIFY(got && want);
        QCOMPARE(got->kind, want->kind);
        QCOMPARE(got->latencyMs, want->latencyMs);
        QCOMPARE(got->timeMs, want->timeMs);
        QCOMPARE(got->stage, want->stage);
        QCOMPARE(done.generalSize(), compact ? size_t{0} : size_t{1});
        QCOMPARE(done.partitionCount(), compact ? size_t{1} : size_t{0});
        // The fields themselves, so that both layouts cannot be wrong alike.
        QCOMPARE(got->kind, outcomeKind);
        if (DoneSet::isMatched(outcomeKind)) {
            QCOMPARE(got->latencyMs, std::clamp<int64_t>(latencyMs, 0, (1 << 30) - 1));
            QCOMPARE(got->timeMs, timeMs / 1000 * 1000);
        } else {
            QCOMPARE(got->timeMs, timeMs);  // t0 or last seen, to the ms
        }
        if (outcomeKind == DoneSet::Kind::Orphan || outcomeKind == DoneSet::Kind::LostEarly)
            QCOMPARE(got->stage, stage);
        // Expired one horizon + 1 s after its second, in either table.
        const int64_t expirySecondMs = outcomeKind == DoneSet::Kind::Lost ? std::max(atMs / 1000, timeMs / 1000 + 1) * 1000 : timeMs / 1000 * 1000;
        done.advance(expirySecondMs + kLongMs + 1000);
        QVERIFY(done.peek(key, true));
        done.advance(expirySecondMs + kLongMs + 1001);
        QVERIFY(!done.peek(key, true));
        QVERIFY(!done.find(key, true));
    }

    void anOverwriteWithoutCompactFormMoves()
    {
        // A lost record processed 3 h late: its Matched outcome has no
        // compact form, so it leaves its second's table for the general
        // one; one entry per key throughout.
        constexpr int64_t kLongMs = 6 * 3600'000;
        DoneSet done(kLongMs, kLongMs);
        const uint64_t key = compositeAt(kStartMs, 42);
        done.advance(kStartMs + 3600'000);
        done.insertAbsent(key, true, DoneSet::Kind::Lost, 0, kStartMs + 100, kStartMs + 3600'000);
        QCOMPARE(done.generalSize(), size_t{0});
        const int64_t late = kStartMs + 3 * 3600'000;
        done.advance(late);
        done.put(key, true, DoneSet::Kind::Matched, late - kStartMs - 100, late, late);
        QCOMPARE(done.size(), size_t{1});
        QCOMPARE(done.generalSize(), size_t{1});
        QCOMPARE(done.find(key, true)->latencyMs, late - kStartMs - 100);
        // Written again with a compact outcome: stays where it is.
        done.put(key, true, DoneSet::Kind::Orphan, 0, late + 5, late + 5, 1);
        QCOMPARE(done.size(), size_t{1});
        QCOMPARE(done.find(key, true)->kind, DoneSet::Kind::Orphan);
        QCOMPARE(done.find(key, true)->timeMs, late + 5);
    }

    void keysSharingTheImpliedBitsAreDistinct()
    {
        // A per-second table stores only the low 32 bits: the second is the
        // table's. So the low bits are the whole key there, and a lookup is
        // exact: no fresh record reads as a duplicate.
        DoneSet done(kHorizonMs, kWindowMs);
        done.advance(kStartMs + 1000);
        std::mt19937 rng(17);
        std::vector<uint32_t> lows;
        for (int record = 0; record < 50'000; ++record) {
            lows.push_back(static_cast<uint32_t>(rng()));
            const uint64_t key = composite_id::make(static_cast<uint32_t>(kStartMs / 1000), lows.back());
            if (!done.peek(key, true))  // a repeat of 32 random bits (~0.3 expected)
                done.insertAbsent(key, true, DoneSet::Kind::Matched, 5, kStartMs + 5, kStartMs + 5);
        }
        std::sort(lows.begin(), lows.end());
        size_t falseHits = 0;
        for (int probe = 0; probe < 500'000; ++probe) {
            const auto low = static_cast<uint32_t>(rng());
            const bool held = std::binary_search(lows.begin(), lows.end(), low);
            if (done.peek(composite_id::make(static_cast<uint32_t>(kStartMs / 1000), low), true).has_value() != held)
                ++falseHits;
        }
        QCOMPARE(falseHits, size_t{0});
        // The same low bits in the next second, or as an opaque key: another record.
        const uint32_t low = lows[123];
        QVERIFY(done.peek(composite_id::make(static_cast<uint32_t>(kStartMs / 1000), low), true));
        QVERIFY(!done.peek(composite_id::make(static_cast<uint32_t>(kStartMs / 1000) + 1, low), true));
        QVERIFY(!done.peek(composite_id::make(static_cast<uint32_t>(kStartMs / 1000) - 1, low), true));
        QVERIFY(!done.peek(composite_id::make(static_cast<uint32_t>(kStartMs / 1000), low), false));
        // A key whose low half is 0 is a valid composite ID (only key 0 is reserved).
        const uint64_t zeroLow = composite_id::make(static_cast<uint32_t>(kStartMs / 1000) + 1, 0);
        QVERIFY(!done.peek(zeroLow, true));
        done.insertAbsent(zeroLow, true, DoneSet::Kind::Orphan, 0, kStartMs + 1500, kStartMs + 1500, 1);
        QCOMPARE(done.peek(zeroLow, true)->timeMs, kStartMs + 1500);
        QCOMPARE(done.generalSize(), size_t{0});
    }

    void compositeEntriesTakeAtMostTwelveBytes()
    {
        // 20,000 records/s created, completed 3 s later, for 100 s: the
        // tables' capacity x slot size over what they hold (the dedup part
        // of issue 9's target: 1 h at 10,000/s under 0.5 GB).
        DoneSet done(30'000, kWindowMs);
        std::mt19937 rng(23);
        for (int64_t now = kStartMs; now < kStartMs + 100'000; now += 10) {
            done.advance(now);
            for (int record = 0; record < 200; ++record)
                done.insertAbsent(compositeAt(now - 3000, static_cast<uint32_t>(rng())), true, DoneSet::Kind::Matched, 3000, now, now);
        }
        const double perEntry = static_cast<double>(done.bytesUsed()) / static_cast<double>(done.size());
        QVERIFY2(perEntry <= 12.0, QByteArray::number(perEntry).constData());
        QCOMPARE(done.generalSize(), size_t{0});
    }

    void agreesWithAReferenceModel()
    {
        // Keys of every sort (opaque, composite near now, composite from the
        // past beyond the window, in the future, random), finds, puts and
        // inserts over a moving clock; what is remembered must match a map
        // that keeps every entry and judges expiry on each read.
        const uint64_t seed = qEnvironmentVariableIsSet("SLATRACK_SEED") ? qEnvironmentVariable("SLATRACK_SEED").toULongLong() : std::random_device{}();
        std::mt19937_64 rng(seed);
        DoneSet done(kHorizonMs, kWindowMs);
        // The same outcomes under opaque keys: the general table's 64-bit
        // words, the layout the per-second tables' compact words must match.
        DoneSet twin(kHorizonMs, kWindowMs);
        const auto randomLatency = [&]() -> int64_t {
            switch (rng() % 4) {
            case 0: return static_cast<int64_t>(rng() % 1000);
            case 1: return static_cast<int64_t>(rng() % 600'000);
            case 2: return static_cast<int64_t>(rng() % (int64_t{1} << 24));  // past the compact 2^23 ms
            default: return static_cast<int64_t>(rng() % (int64_t{1} << 31)) - 1000;  // saturating, negative
            }
        };
        struct Entry {
            int64_t seconds;
            DoneSet::Kind kind;
        };
        std::map<std::pair<uint64_t, bool>, Entry> reference;
        std::vector<std::pair<uint64_t, bool>> used;
        int64_t now = kStartMs;
        const auto expired = [&](const Entry& entry) { return entry.seconds * 1000 < now - kHorizonMs - 1000; };
        for (int step = 0; step < 300'000; ++step) {
            now += static_cast<int64_t>(rng() % 7);
            done.advance(now);
            twin.advance(now);
            std::pair<uint64_t, bool> id;
            if (!used.empty() && rng() % 3 == 0) {
                id = used[rng() % used.size()];
            } else {
                const int sort = static_cast<int>(rng() % 10);
                const auto random = static_cast<uint32_t>(rng());
                if (sort < 2)
                    id = {(rng() % 50'000) + 1, false};
                else if (sort < 7)
                    id = {compositeAt(now - static_cast<int64_t>(rng() % 20'000), random), true};
                else if (sort == 7)
                    id = {compositeAt(now - kWindowMs - kHorizonMs - 5000 - static_cast<int64_t>(rng() % 100'000), random), true};
                else if (sort == 8)
                    id = {compositeAt(now + 25 * 3600 * 1000LL + static_cast<int64_t>(rng() % 100'000), random), true};
                else
                    id = {rng() | 1, true};
                used.push_back(id);
            }
            const auto [key, composite] = id;
            auto ref = reference.find(id);
            const bool refLive = ref != reference.end() && !expired(ref->second);
            const auto got = done.find(key, composite);
            if (got.has_value() != refLive) {
                char message[200];
                std::snprintf(message, sizeof message, "seed %llu step %d: key %016llx (%s) remembered=%d, expected %d",
                              static_cast<unsigned long long>(seed), step, static_cast<unsigned long long>(key),
                              composite ? "composite" : "opaque", got.has_value(), refLive);
                QFAIL(message);
            }
            const auto twinGot = twin.find(key, false);
            QCOMPARE(twinGot.has_value(), got.has_value());
            if (got) {
                // Every field as the 64-bit layout keeps it.
                QCOMPARE(got->kind, twinGot->kind);
                QCOMPARE(got->latencyMs, twinGot->latencyMs);
                QCOMPARE(got->timeMs, twinGot->timeMs);
                QCOMPARE(got->stage, twinGot->stage);
            }
            if (refLive) {
                QCOMPARE(got->kind, ref->second.kind);
                if (rng() % 4 == 0) {  // a late-after-lost style overwrite
                    const int64_t latency = randomLatency();
                    done.put(key, composite, DoneSet::Kind::Matched, latency, now, now);
                    twin.put(key, false, DoneSet::Kind::Matched, latency, now, now);
                    ref->second = {now / 1000, DoneSet::Kind::Matched};
                }
                continue;
            }
            const auto kind = static_cast<DoneSet::Kind>(rng() % 5);
            // Latencies, t0s and last-seen times of every size, stages 0..7.
            const int64_t latency = randomLatency();
            const int64_t timeMs = kind == DoneSet::Kind::Lost ? now - static_cast<int64_t>(rng() % kWindowMs) : now - static_cast<int64_t>(rng() % 1000);
            const int stage = static_cast<int>(rng() % 8);
            done.insertAbsent(key, composite, kind, latency, timeMs, now, stage);
            twin.insertAbsent(key, false, kind, latency, timeMs, now, stage);
            const int64_t seconds = kind == DoneSet::Kind::Lost ? std::max(now / 1000, timeMs / 1000 + 1) : timeMs / 1000;
            reference[id] = {seconds, kind};
        }
        size_t live = 0;
        for (const auto& [id, entry] : reference)
            live += expired(entry) ? 0 : 1;
        QVERIFY2(done.size() >= live, "fewer entries held than are live");
        QVERIFY2(done.partitionCount() < 200, QByteArray::number(qulonglong(done.partitionCount())).constData());
    }
};

QTEST_APPLESS_MAIN(TestDoneSet)
#include "test_done_set.moc"

// The dedup set: horizon expiry, per-second tables for composite IDs (and
// their dropping), the general table for opaque and implausible IDs, and a
// randomized comparison with a std::map model of what it must remember.
#include "core/engine/done_set.hpp"
#include "core/engine/record_id.hpp"

#include <QtTest>

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

    void agreesWithAReferenceModel()
    {
        // Keys of every sort (opaque, composite near now, composite from the
        // past beyond the window, in the future, random), finds, puts and
        // inserts over a moving clock; what is remembered must match a map
        // that keeps every entry and judges expiry on each read.
        const uint64_t seed = qEnvironmentVariableIsSet("SLATRACK_SEED") ? qEnvironmentVariable("SLATRACK_SEED").toULongLong() : std::random_device{}();
        std::mt19937_64 rng(seed);
        DoneSet done(kHorizonMs, kWindowMs);
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
            if (refLive) {
                QCOMPARE(got->kind, ref->second.kind);
                if (rng() % 4 == 0) {  // a late-after-lost style overwrite
                    done.put(key, composite, DoneSet::Kind::Matched, 10, now, now);
                    ref->second = {now / 1000, DoneSet::Kind::Matched};
                }
                continue;
            }
            const auto kind = static_cast<DoneSet::Kind>(rng() % 5);
            done.insertAbsent(key, composite, kind, 0, now, now);
            const int64_t seconds = kind == DoneSet::Kind::Lost ? now / 1000 + 1 : now / 1000;
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

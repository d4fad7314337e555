// The open-record table: per-second tables for composite IDs, the general
// table for opaque and implausible ones, dropping and shrinking drained
// seconds, and a randomized comparison with std::unordered_map.
#include "core/engine/open_table.hpp"
#include "core/engine/record_id.hpp"

#include <QtTest>

#include <cstdio>
#include <random>
#include <set>
#include <unordered_map>

using namespace slatrack::engine;

namespace {
constexpr int64_t kMaxAgeSeconds = 120;
constexpr int64_t kStartMs = 1'750'000'000'000;

uint64_t compositeAt(int64_t timeMs, uint32_t random)
{
    return composite_id::make(static_cast<uint32_t>(timeMs / 1000), random | 1u);
}

OpenTable::Slot insert(OpenTable& table, uint64_t key, bool composite, int64_t nowMs, int64_t t0)
{
    const OpenTable::Slot slot = table.insertNew(key, composite, nowMs);
    OpenTable::recordAt(slot).setT0AndLastSeen(t0, t0);
    return slot;
}
} // namespace

class TestOpenTable : public QObject {
    Q_OBJECT

private slots:
    void compositeIdsGetATablePerSecondDroppedWhenDrained()
    {
        OpenTable table(kMaxAgeSeconds);
        std::vector<uint64_t> keys;
        for (int64_t second = 0; second < 5; ++second)
            for (uint32_t record = 0; record < 1000; ++record) {
                const int64_t now = kStartMs + second * 1000 + record;
                keys.push_back(compositeAt(now, record * 7919));
                insert(table, keys.back(), true, now, now);
            }
        QCOMPARE(table.size(), size_t{5000});
        QCOMPARE(table.partitionCount(), size_t{5});
        for (const uint64_t key : keys)
            QVERIFY(table.find(key, true));
        QVERIFY(!table.find(keys.front(), false));  // an opaque ID with the same key is another record
        // The first second drains: its table goes with its last record.
        for (size_t idx = 0; idx < 1000; ++idx)
            table.erase(table.find(keys[idx], true));
        QCOMPARE(table.partitionCount(), size_t{4});
        QCOMPARE(table.size(), size_t{4000});
        // The current second's table stays even when empty (more will come).
        for (size_t idx = 4000; idx < 5000; ++idx)
            table.erase(table.find(keys[idx], true));
        QCOMPARE(table.partitionCount(), size_t{4});
    }

    void opaqueAndImplausibleIdsShareTheGeneralTable()
    {
        OpenTable table(kMaxAgeSeconds);
        std::mt19937_64 rng(5);
        std::vector<uint64_t> random;
        for (int record = 0; record < 20'000; ++record) {
            random.push_back(rng() | 1);
            insert(table, random.back(), true, kStartMs, kStartMs);
            insert(table, hashOpaqueId("id-" + std::to_string(record)), false, kStartMs, kStartMs);
        }
        QVERIFY2(table.partitionCount() < 5, QByteArray::number(qulonglong(table.partitionCount())).constData());
        for (const uint64_t key : random)
            QVERIFY(table.find(key, true));
        QVERIFY(table.find(hashOpaqueId("id-77"), false));
    }

    void anIdFromTheFutureIsFoundOnceItsSecondArrives()
    {
        // A producer clock two days ahead: no table for its second at
        // insert, yet found after the stream catches up and that second's
        // table exists.
        OpenTable table(kMaxAgeSeconds);
        const int64_t later = kStartMs + 2 * 24 * 3600 * 1000LL;
        const uint64_t ahead = compositeAt(later, 5);
        insert(table, ahead, true, kStartMs, kStartMs);
        insert(table, compositeAt(later, 9), true, later, later);
        QVERIFY(table.find(ahead, true));
        QCOMPARE(OpenTable::recordAt(table.find(ahead, true)).t0(), kStartMs);
    }

    void anIdADayAheadDoesNotTurnOffPresizing()
    {
        // One ID from a clock 20 h ahead (still "plausible") gets a table of
        // its own; it must not become the "newest" second, or no later
        // second would be presized from the one before it.
        OpenTable table(kMaxAgeSeconds);
        insert(table, compositeAt(kStartMs + 20 * 3600 * 1000LL, 1), true, kStartMs, kStartMs);
        for (uint32_t record = 0; record < 5000; ++record)
            insert(table, compositeAt(kStartMs, 10 + record), true, kStartMs, kStartMs);
        const size_t before = table.bytesUsed();
        insert(table, compositeAt(kStartMs + 1000, 7), true, kStartMs + 1000, kStartMs + 1000);
        // Presized for ~5000 records at 0.6 load, 32 bytes a slot.
        QVERIFY2(table.bytesUsed() - before > 5000 * 32, QByteArray::number(qulonglong(table.bytesUsed() - before)).constData());
    }

    void aMostlyDrainedPastSecondIsShrunk()
    {
        OpenTable table(kMaxAgeSeconds);
        std::vector<uint64_t> keys;
        for (uint32_t record = 0; record < 50'000; ++record) {
            keys.push_back(compositeAt(kStartMs, record * 2654435761u));
            insert(table, keys.back(), true, kStartMs, kStartMs);
        }
        const size_t firstSecondBytes = table.bytesUsed();
        insert(table, compositeAt(kStartMs + 5000, 1), true, kStartMs + 5000, kStartMs + 5000);
        const size_t before = table.bytesUsed();
        for (size_t idx = 0; idx < keys.size() - 10; ++idx)
            table.erase(table.find(keys[idx], true));
        table.tidy();
        // The newer second's table (pre-sized like the first) stays; the
        // first shrinks from ~2 MB to a few KB.
        QVERIFY2(table.bytesUsed() < before - firstSecondBytes + 16 * 1024, QByteArray::number(qulonglong(table.bytesUsed())).constData());
        for (size_t idx = keys.size() - 10; idx < keys.size(); ++idx)
            QVERIFY(table.find(keys[idx], true));
    }

    void agreesWithUnorderedMap()
    {
        const uint64_t seed = qEnvironmentVariableIsSet("SLATRACK_SEED") ? qEnvironmentVariable("SLATRACK_SEED").toULongLong() : std::random_device{}();
        std::mt19937_64 rng(seed);
        OpenTable table(kMaxAgeSeconds);
        std::unordered_map<uint64_t, int64_t> reference[2];  // [composite]: key -> t0
        std::vector<std::pair<uint64_t, bool>> live;
        int64_t now = kStartMs;
        for (int step = 0; step < 300'000; ++step) {
            now += static_cast<int64_t>(rng() % 3);
            const bool erase = !live.empty() && rng() % 2 == 0;
            if (erase) {
                const size_t pick = rng() % live.size();
                const auto [key, composite] = live[pick];
                const OpenTable::Slot slot = table.find(key, composite);
                if (!slot) {
                    char message[160];
                    std::snprintf(message, sizeof message, "seed %llu step %d: open key %016llx not found",
                                  static_cast<unsigned long long>(seed), step, static_cast<unsigned long long>(key));
                    QFAIL(message);
                }
                QCOMPARE(OpenTable::recordAt(slot).t0(), reference[composite][key]);
                table.erase(slot);
                reference[composite].erase(key);
                live[pick] = live.back();
                live.pop_back();
            } else {
                const int sort = static_cast<int>(rng() % 10);
                const bool composite = sort != 0;
                uint64_t key = rng() | 1;
                if (sort >= 2 && sort < 8)
                    key = compositeAt(now - static_cast<int64_t>(rng() % 30'000), static_cast<uint32_t>(rng()));
                else if (sort == 8)
                    key = compositeAt(now + static_cast<int64_t>(rng() % 5000) - 2500, static_cast<uint32_t>(rng()));
                if (reference[composite].count(key))
                    continue;
                QVERIFY(!table.find(key, composite));
                insert(table, key, composite, now, now);
                reference[composite][key] = now;
                live.emplace_back(key, composite);
            }
            if (step % 5000 == 0)
                table.tidy();
        }
        QCOMPARE(table.size(), reference[0].size() + reference[1].size());
        std::set<std::pair<uint64_t, int64_t>> visited;
        table.forEach([&](uint64_t key, const OpenRecord& record) { visited.emplace(key, record.t0()); });
        QCOMPARE(visited.size(), table.size());
        for (const auto& [key, composite] : live)
            QVERIFY(visited.count({key, reference[composite][key]}));
    }
};

QTEST_APPLESS_MAIN(TestOpenTable)
#include "test_open_table.moc"

// The hand-written hash table and the ID text slab, against std:: containers
// under random churn (inserts, finds, erases, eraseIf, rehash).
#include "core/engine/id_text_slab.hpp"
#include "core/engine/linear_probe_map.hpp"

#include <QtTest>

#include <random>
#include <unordered_map>

using namespace slatrack::engine;

class TestLinearProbeMap : public QObject {
    Q_OBJECT

private slots:
    void agreesWithUnorderedMapUnderChurn()
    {
        std::mt19937_64 rng(12345);
        LinearProbeMap<uint64_t> table;
        std::unordered_map<uint64_t, uint64_t> reference;
        std::vector<uint64_t> keys;
        // Small key space so that finds hit and clusters wrap around the end.
        std::uniform_int_distribution<uint64_t> pick(1, 5000);
        for (int step = 0; step < 200'000; ++step) {
            const uint64_t key = pick(rng);
            const size_t slot = table.find(key);
            const auto found = reference.find(key);
            QCOMPARE(slot != LinearProbeMap<uint64_t>::kNotFound, found != reference.end());
            if (found != reference.end()) {
                QCOMPARE(table.valueAt(slot), found->second);
                if (rng() % 2) {
                    table.eraseAt(slot);
                    reference.erase(found);
                }
            } else {
                table.valueAt(table.insertNew(key)) = key * 3;
                reference[key] = key * 3;
            }
            QCOMPARE(table.size(), reference.size());
            if (step % 50'000 == 49'999) {
                // Bulk erase of every key divisible by 3, in place.
                const size_t erased = table.eraseIf([](uint64_t k, uint64_t) { return k % 3 == 0; });
                size_t expected = 0;
                for (auto it = reference.begin(); it != reference.end();)
                    it = it->first % 3 == 0 ? (++expected, reference.erase(it)) : std::next(it);
                QCOMPARE(erased, expected);
                table.rehash(table.capacity() / 2);
            }
        }
        size_t visited = 0;
        table.forEach([&](uint64_t key, uint64_t value) {
            ++visited;
            QCOMPARE(reference.at(key), value);
        });
        QCOMPARE(visited, reference.size());
    }

    void eraseIfInWrappedClusters()
    {
        // A tiny table is almost all wrap-around clusters.
        for (uint64_t seed = 0; seed < 200; ++seed) {
            std::mt19937_64 rng(seed);
            LinearProbeMap<uint64_t> table(64);
            std::unordered_map<uint64_t, uint64_t> reference;
            while (reference.size() < 45) {
                const uint64_t key = rng() | 1;
                if (reference.count(key))
                    continue;
                table.valueAt(table.insertNew(key)) = rng() % 4;
                reference[key] = table.valueAt(table.find(key));
            }
            table.eraseIf([](uint64_t, uint64_t value) { return value == 0; });
            for (const auto& [key, value] : reference)
                QCOMPARE(table.find(key) != LinearProbeMap<uint64_t>::kNotFound, value != 0);
        }
    }

    void textSlabReusesSlotsWithoutLeaksOrMixUps()
    {
        // Short (inline) and long (heap) IDs through many reuse cycles; the
        // ASan build checks that a reused heap slot frees its old copy once.
        IdTextSlab slab;
        std::mt19937_64 rng(7);
        std::unordered_map<uint32_t, std::string> live;
        for (int step = 0; step < 20'000; ++step) {
            if (!live.empty() && rng() % 2) {
                const auto victim = std::next(live.begin(), static_cast<long>(rng() % live.size()));
                slab.release(victim->first);
                live.erase(victim);
                continue;
            }
            const std::string text = std::string(rng() % 3 == 0 ? 40 + rng() % 200 : 1 + rng() % 23, char('a' + rng() % 26)) + std::to_string(step);
            const uint32_t index = slab.store(text);
            QVERIFY(index != 0);
            QVERIFY(!live.count(index));
            live[index] = text;
        }
        for (const auto& [index, text] : live)
            QCOMPARE(std::string(slab.text(index)), text);
    }
};

QTEST_APPLESS_MAIN(TestLinearProbeMap)
#include "test_linear_probe_map.moc"

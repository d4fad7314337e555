// mapped_region_pool: a freed table's mapping is handed to the next table
// of about its size, zeroed, and the pool never holds more than its bounds.
// Through HugePageArray, as the engine uses it.
#include "core/engine/huge_page_array.hpp"
#include "core/engine/mapped_region_pool.hpp"

#include <QtTest>

#include <cstdint>

using namespace slatrack::engine;

namespace {

constexpr size_t kMapped = size_t{256} << 10;  // above HugePageArray's map threshold

} // namespace

class TestMappedRegionPool : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        mapped_region_pool::releaseAll();
        QCOMPARE(mapped_region_pool::keptRegions(), size_t{0});
    }

    void aFreedTableIsReusedZeroed()
    {
        uint64_t* first = nullptr;
        {
            HugePageArray<uint64_t> table(kMapped / sizeof(uint64_t));
            first = table.data();
            for (size_t idx = 0; idx < table.size(); ++idx)
                table[idx] = ~uint64_t{0} - idx;
        }
        QCOMPARE(mapped_region_pool::keptRegions(), size_t{1});
        QCOMPARE(mapped_region_pool::keptBytes(), kMapped);
        HugePageArray<uint64_t> next(kMapped / sizeof(uint64_t));
        QCOMPARE(next.data(), first);  // the same mapping, no new page faults
        QCOMPARE(mapped_region_pool::keptRegions(), size_t{0});
        for (size_t idx = 0; idx < next.size(); ++idx)
            if (next[idx] != 0)
                QFAIL(qPrintable(QStringLiteral("slot %1 of a reused region is %2, not 0").arg(idx).arg(next[idx])));
    }

    void onlyAboutTheSameSizeIsReused()
    {
        uint64_t* freed = nullptr;
        {
            HugePageArray<uint64_t> table(kMapped / sizeof(uint64_t));
            freed = table.data();
        }
        // Half the size: would waste half of a resident region, so a fresh one.
        HugePageArray<uint64_t> smaller(kMapped / 2 / sizeof(uint64_t));
        QVERIFY(smaller.data() != freed);
        // Bigger than the region: cannot fit.
        HugePageArray<uint64_t> bigger(2 * kMapped / sizeof(uint64_t));
        QVERIFY(bigger.data() != freed);
        QCOMPARE(mapped_region_pool::keptRegions(), size_t{1});
        // Up to a quarter smaller: reused.
        HugePageArray<uint64_t> close(kMapped * 4 / 5 / sizeof(uint64_t));
        QCOMPARE(close.data(), freed);
    }

    void boundedInRegionsAndBytes()
    {
        {
            std::vector<HugePageArray<uint64_t>> tables;
            for (size_t idx = 0; idx < mapped_region_pool::kMaxRegions + 5; ++idx)
                tables.emplace_back(kMapped / sizeof(uint64_t));
        }
        QCOMPARE(mapped_region_pool::keptRegions(), mapped_region_pool::kMaxRegions);
        {
            // Larger tables: the byte bound holds, the oldest go first.
            const size_t big = mapped_region_pool::kMaxBytes / 3;
            std::vector<HugePageArray<uint8_t>> tables;
            for (int idx = 0; idx < 4; ++idx)
                tables.emplace_back(big);
        }
        QVERIFY(mapped_region_pool::keptBytes() <= mapped_region_pool::kMaxBytes);
        QVERIFY(mapped_region_pool::keptRegions() <= mapped_region_pool::kMaxRegions);
        // One larger than the whole pool is never kept.
        const size_t before = mapped_region_pool::keptBytes();
        { HugePageArray<uint8_t> huge(mapped_region_pool::kMaxBytes + (size_t{4} << 20)); }
        QCOMPARE(mapped_region_pool::keptBytes(), before);
    }
};

QTEST_GUILESS_MAIN(TestMappedRegionPool)
#include "test_mapped_region_pool.moc"

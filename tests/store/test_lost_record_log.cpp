// Lost records in a real store file: every field kept (the ID's bytes too,
// when not UTF-8), ranges paged by keyset in t0 order, lookup by ID.

#include "core/store/lost_record_log.hpp"
#include "store_test_support.hpp"

using namespace slatrack;
using namespace slatrack::store;
using store_test::FreshStore;

namespace {
StoredLostRecord makeLost(int index)
{
    StoredLostRecord stored;
    stored.record.id = "order-" + std::to_string(index);
    stored.record.t0Ms = 1'764'574'500'000 + (index % 50) * 1000;  // repeated t0s: the cursor must break ties
    stored.record.lastStage = index % 3;
    stored.record.awaitingStage = index % 3 + 1;
    stored.record.partition = static_cast<uint16_t>(index % 64);
    stored.record.offset = int64_t{index} * 1'000'003;
    stored.record.lostAtMs = stored.record.t0Ms + 3'600'000;
    stored.record.reason = index % 4 == 0 ? engine::LostReason::Overflow : engine::LostReason::Window;
    stored.topic = index % 2 ? "orders.in" : "orders.enriched";
    return stored;
}

bool sameRecord(const StoredLostRecord& a, const StoredLostRecord& b)
{
    return a.record.id == b.record.id && a.record.t0Ms == b.record.t0Ms && a.record.lastStage == b.record.lastStage &&
           a.record.awaitingStage == b.record.awaitingStage && a.record.partition == b.record.partition &&
           a.record.offset == b.record.offset && a.record.lostAtMs == b.record.lostAtMs && a.record.reason == b.record.reason &&
           a.topic == b.topic;
}
} // namespace

class TestLostRecordLog : public QObject {
    Q_OBJECT

private slots:
    void keepsEveryField();
    void pagesARangeInT0OrderWithoutGapsOrRepeats();
    void findsAnIdLostTwice();
};

void TestLostRecordLog::keepsEveryField()
{
    FreshStore fresh;
    QVERIFY2(fresh.store.ok(), fresh.store.error.c_str());
    LostRecordLog log(fresh.db());
    StoredLostRecord binary = makeLost(1);
    binary.record.id = std::string("\xff\xfe id \x00 with NUL", 16);
    log.append({makeLost(0), binary});
    const auto back = log.between(0, INT64_MAX, 10);
    QCOMPARE(back.size(), size_t{2});
    QVERIFY(sameRecord(back[0], makeLost(0)));
    QVERIFY(sameRecord(back[1], binary));
    QCOMPARE(back[1].record.id.size(), size_t{16});
}

void TestLostRecordLog::pagesARangeInT0OrderWithoutGapsOrRepeats()
{
    FreshStore fresh;
    LostRecordLog log(fresh.db());
    std::vector<StoredLostRecord> all;
    for (int index = 0; index < 1000; ++index)
        all.push_back(makeLost(index));
    log.append(all);
    const int64_t from = 1'764'574'500'000 + 10'000, to = 1'764'574'500'000 + 30'000;  // t0 offsets 10..29 s
    std::vector<StoredLostRecord> paged;
    std::optional<LostRecordLog::Cursor> cursor;
    for (;;) {
        const auto page = log.between(from, to, 37, cursor);
        if (page.empty())
            break;
        QVERIFY(page.size() <= 37);
        paged.insert(paged.end(), page.begin(), page.end());
        cursor = LostRecordLog::Cursor{page.back().record.t0Ms, page.back().rowId};
    }
    QCOMPARE(paged.size(), size_t{400});  // 20 of 50 t0 values x 20 records each
    QCOMPARE(log.countBetween(from, to), uint64_t{400});
    for (size_t idx = 1; idx < paged.size(); ++idx) {
        const bool ordered = paged[idx - 1].record.t0Ms < paged[idx].record.t0Ms ||
                             (paged[idx - 1].record.t0Ms == paged[idx].record.t0Ms && paged[idx - 1].rowId < paged[idx].rowId);
        QVERIFY2(ordered, std::to_string(idx).c_str());
    }
    for (const StoredLostRecord& record : paged)
        QVERIFY(record.record.t0Ms >= from && record.record.t0Ms < to);
}

void TestLostRecordLog::findsAnIdLostTwice()
{
    FreshStore fresh;
    LostRecordLog log(fresh.db());
    StoredLostRecord again = makeLost(7);
    again.record.t0Ms += 7'200'000;
    log.append({makeLost(7), makeLost(8)});
    log.append({again});
    const auto found = log.byId("order-7");
    QCOMPARE(found.size(), size_t{2});
    QVERIFY(sameRecord(found[0], makeLost(7)));
    QVERIFY(sameRecord(found[1], again));
    QVERIFY(log.byId("order-9").empty());
}

QTEST_APPLESS_MAIN(TestLostRecordLog)
#include "test_lost_record_log.moc"

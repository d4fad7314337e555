// History queries on the reader's own thread and connection, while the
// writer writes: results equal what was written; a missing store is an
// error naming it, not an empty "nothing happened".

#include "core/store/store_reader.hpp"
#include "core/store/store_writer.hpp"
#include "store_test_support.hpp"

#include <ctime>
#include <future>

using namespace slatrack;
using namespace slatrack::store;
namespace fs = std::filesystem;

class TestStoreReader : public QObject {
    Q_OBJECT

private slots:
    void answersWhileTheWriterWrites();
    void missingStoreIsAnErrorNamingIt();
};

void TestStoreReader::answersWhileTheWriterWrites()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    StoreWriterOptions options;
    options.path = path;
    options.pipeline = "orders";
    options.stageCount = 3;
    StoreWriter writer(options);
    writer.start();
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::vector<engine::MetricBucket> buckets;
    for (int64_t second = now - 300; second < now; ++second)
        buckets.push_back(store_test::makeBucket(second, 3, static_cast<uint64_t>(second % 11)));
    writer.submitSeconds(buckets);
    std::vector<StoredLostRecord> lost(30);
    for (size_t idx = 0; idx < lost.size(); ++idx) {
        lost[idx].record.id = "r" + std::to_string(idx);
        lost[idx].record.t0Ms = (now - 200) * 1000 + static_cast<int64_t>(idx);
        lost[idx].topic = "t";
    }
    writer.submitLost(lost);
    QVERIFY(writer.flush(10'000));

    StoreReader reader(path, 3);
    // Keep the writer busy meanwhile: readers must not wait for it.
    for (int round = 0; round < 20; ++round)
        writer.submitSeconds({store_test::makeBucket(now - 1, 3, static_cast<uint64_t>(round))});

    std::promise<StoreReader::SeriesResult> series;
    reader.querySeries((now - 300) * 1000, (now - 250) * 1000, [&](StoreReader::SeriesResult result) { series.set_value(std::move(result)); });
    const StoreReader::SeriesResult gotSeries = series.get_future().get();
    QVERIFY2(gotSeries.error.empty(), gotSeries.error.c_str());
    QCOMPARE(gotSeries.resolutionSeconds, int64_t{1});
    QCOMPARE(gotSeries.buckets.size(), size_t{50});
    QVERIFY(store_test::sameBucket(gotSeries.buckets.front(), buckets.front()));

    std::promise<StoreReader::LostResult> page;
    reader.queryLost((now - 200) * 1000, now * 1000, 10, [&](StoreReader::LostResult result) { page.set_value(std::move(result)); });
    const StoreReader::LostResult gotPage = page.get_future().get();
    QVERIFY2(gotPage.error.empty(), gotPage.error.c_str());
    QCOMPARE(gotPage.total, uint64_t{30});
    QCOMPARE(gotPage.records.size(), size_t{10});
    QCOMPARE(QByteArray::fromStdString(gotPage.records[0].record.id), QByteArray("r0"));

    std::promise<StoreReader::LostResult> byId;
    reader.queryLostById("r7", [&](StoreReader::LostResult result) { byId.set_value(std::move(result)); });
    QCOMPARE(byId.get_future().get().records.size(), size_t{1});
}

void TestStoreReader::missingStoreIsAnErrorNamingIt()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "none.db";
    StoreReader reader(path, 2);
    std::promise<StoreReader::SeriesResult> series;
    reader.querySeries(0, 60'000, [&](StoreReader::SeriesResult result) { series.set_value(std::move(result)); });
    const StoreReader::SeriesResult got = series.get_future().get();
    QVERIFY2(got.error.find(path.string()) != std::string::npos, got.error.c_str());
    QVERIFY(!fs::exists(path));  // a reader never creates the file
}

QTEST_APPLESS_MAIN(TestStoreReader)
#include "test_store_reader.moc"

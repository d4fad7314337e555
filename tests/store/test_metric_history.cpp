// Metric history in a real store file: 1 s rows read back as written; the
// roll-up to 1 min, done a bounded number of rows at a time, keeps every
// count and latency (a query across the roll-up boundary equals what was
// recorded); retention deletes only what is past it, a little at a time.

#include "core/store/bucket_codec.hpp"
#include "core/store/metric_history.hpp"
#include "store_test_support.hpp"

#include <map>

using namespace slatrack;
using namespace slatrack::store;
using store_test::FreshStore;
using store_test::makeBucket;
using store_test::sameBucket;

namespace {
constexpr int kStages = 3;
constexpr int64_t kStart = 1'764'570'000;  // a multiple of 60: 2025-12-01T06:20:00Z

std::vector<engine::MetricBucket> recordSeconds(int64_t from, int64_t count)
{
    std::vector<engine::MetricBucket> buckets;
    for (int64_t second = from; second < from + count; ++second)
        buckets.push_back(makeBucket(second, kStages, static_cast<uint64_t>(second % 97)));
    return buckets;
}

// The expected series: the recorded buckets merged per `resolution`.
std::map<int64_t, engine::MetricBucket> expectedSeries(const std::vector<engine::MetricBucket>& recorded, int64_t resolution)
{
    std::map<int64_t, engine::MetricBucket> out;
    for (const engine::MetricBucket& bucket : recorded) {
        const int64_t slot = bucket.second / resolution * resolution;
        auto [at, inserted] = out.try_emplace(slot);
        if (inserted) {
            at->second.second = slot;
            at->second.stages.resize(kStages);
            at->second.hops.resize(kStages);
        }
        mergeBucket(at->second, bucket);
    }
    return out;
}

int64_t rows(Database& db, const char* table)
{
    Statement count = db.prepare(std::string("SELECT count(*) FROM ") + table);
    count.step();
    return count.int64At(0);
}
} // namespace

class TestMetricHistory : public QObject {
    Q_OBJECT

private slots:
    void secondsReadBackAsWritten();
    void rewrittenSecondReplacesItsRow();
    void rollUpKeepsEveryCountAcrossTheBoundary();
    void retentionDeletesALittleAtATime();
    void undecodableRowIsCountedAndDropped();
    void fittingResolution_data();
    void fittingResolution();
};

void TestMetricHistory::secondsReadBackAsWritten()
{
    FreshStore fresh;
    QVERIFY2(fresh.store.ok(), fresh.store.error.c_str());
    MetricHistory history(fresh.db(), kStages);
    const auto recorded = recordSeconds(kStart, 120);
    history.writeSeconds(recorded);
    const auto back = history.series(kStart * 1000, (kStart + 120) * 1000, 1);
    QCOMPARE(back.size(), recorded.size());
    for (size_t idx = 0; idx < back.size(); ++idx)
        QVERIFY2(sameBucket(back[idx], recorded[idx]), std::to_string(idx).c_str());
    // A range inside: only its seconds.
    QCOMPARE(history.series((kStart + 10) * 1000, (kStart + 20) * 1000, 1).size(), size_t{10});
}

void TestMetricHistory::rewrittenSecondReplacesItsRow()
{
    FreshStore fresh;
    MetricHistory history(fresh.db(), kStages);
    history.writeSeconds({makeBucket(kStart, kStages, 1)});
    history.writeSeconds({makeBucket(kStart, kStages, 2)});  // late events: the engine's newer view of that second
    const auto back = history.series(kStart * 1000, (kStart + 1) * 1000, 1);
    QCOMPARE(back.size(), size_t{1});
    QVERIFY(sameBucket(back[0], makeBucket(kStart, kStages, 2)));
}

void TestMetricHistory::rollUpKeepsEveryCountAcrossTheBoundary()
{
    FreshStore fresh;
    MetricHistory history(fresh.db(), kStages);
    constexpr int64_t kSeconds = 2 * 3600;
    const auto recorded = recordSeconds(kStart, kSeconds);
    history.writeSeconds(recorded);
    const int64_t now = kStart + kSeconds;

    // Bounded passes: each rolls at most 500 rows; the backlog drains.
    size_t passes = 0, rolled = 0;
    for (;;) {
        const MetricHistory::Upkeep done = history.upkeep(now, 3600, 7 * 86400, 500);
        QVERIFY(done.secondsRolled <= 500);
        QCOMPARE(done.undecodable, size_t{0});
        rolled += done.secondsRolled;
        ++passes;
        if (done.secondsRolled == 0)
            break;
    }
    QCOMPARE(rolled, size_t{3600});
    QCOMPARE(passes, size_t{9});  // 8 x 450..500 rows, then an empty pass
    QCOMPARE(rows(fresh.db(), "metric_second"), int64_t{3600});
    QCOMPARE(rows(fresh.db(), "metric_minute"), int64_t{60});

    // Per minute over the whole range: equal to what was recorded, across
    // the boundary between minute rows and second rows.
    const auto minutes = history.series(kStart * 1000, now * 1000, 60);
    const auto expected = expectedSeries(recorded, 60);
    QCOMPARE(minutes.size(), expected.size());
    for (const engine::MetricBucket& bucket : minutes) {
        const auto want = expected.find(bucket.second);
        QVERIFY(want != expected.end());
        QVERIFY2(sameBucket(bucket, want->second), std::to_string(bucket.second).c_str());
    }
    // Per 15 minutes, straddling the boundary (minutes 45..75 of 120).
    const auto quarters = history.series((kStart + 45 * 60) * 1000, (kStart + 75 * 60) * 1000, 900);
    const auto expectedQuarters = expectedSeries(std::vector<engine::MetricBucket>(recorded.begin() + 45 * 60, recorded.begin() + 75 * 60), 900);
    QCOMPARE(quarters.size(), expectedQuarters.size());
    for (const engine::MetricBucket& bucket : quarters)
        QVERIFY2(sameBucket(bucket, expectedQuarters.at(bucket.second)), std::to_string(bucket.second).c_str());
}

void TestMetricHistory::retentionDeletesALittleAtATime()
{
    FreshStore fresh;
    MetricHistory history(fresh.db(), kStages);
    history.writeSeconds(recordSeconds(kStart, 30 * 60));  // 30 minutes
    const int64_t now = kStart + 30 * 60 + 3600;
    while (history.upkeep(now, 3600, 86400, 1000).secondsRolled > 0) {
    }
    QCOMPARE(rows(fresh.db(), "metric_minute"), int64_t{30});
    // Retention of 80 min at `now` (90 min after the start): the first 10 minutes are past it.
    const int64_t retention = 80 * 60;
    const MetricHistory::Upkeep first = history.upkeep(now, 3600, retention, 4);
    QCOMPARE(first.minutesExpired, size_t{4});
    QCOMPARE(history.upkeep(now, 3600, retention, 4).minutesExpired, size_t{4});
    QCOMPARE(history.upkeep(now, 3600, retention, 4).minutesExpired, size_t{2});
    QCOMPARE(history.upkeep(now, 3600, retention, 4).minutesExpired, size_t{0});
    QCOMPARE(rows(fresh.db(), "metric_minute"), int64_t{20});
    const auto left = history.series(kStart * 1000, now * 1000, 60);
    QCOMPARE(left.front().second, kStart + 10 * 60);
}

void TestMetricHistory::undecodableRowIsCountedAndDropped()
{
    FreshStore fresh;
    MetricHistory history(fresh.db(), kStages);
    history.writeSeconds(recordSeconds(kStart, 3));
    fresh.db().prepare("INSERT INTO metric_second (second, data) VALUES (?1, ?2)").bind(1, kStart + 3).bindBlob(2, "\x07garbage").run();
    QCOMPARE(history.series(kStart * 1000, (kStart + 4) * 1000, 1).size(), size_t{3});  // skipped in queries
    const MetricHistory::Upkeep done = history.upkeep(kStart + 7200, 3600, 7 * 86400, 100);
    QCOMPARE(done.undecodable, size_t{1});
    QCOMPARE(done.secondsRolled, size_t{3});
    QCOMPARE(rows(fresh.db(), "metric_second"), int64_t{0});
}

void TestMetricHistory::fittingResolution_data()
{
    QTest::addColumn<qint64>("spanSeconds");
    QTest::addColumn<qint64>("resolution");
    QTest::newRow("5 min") << qint64(300) << qint64(1);
    QTest::newRow("1 h") << qint64(3600) << qint64(10);
    QTest::newRow("24 h") << qint64(86400) << qint64(60);
    QTest::newRow("7 d") << qint64(7 * 86400) << qint64(900);
    QTest::newRow("1 y") << qint64(365 * 86400) << qint64(6 * 3600);
    QTest::newRow("3 y") << qint64(3 * 365 * 86400) << qint64(86400);
}

void TestMetricHistory::fittingResolution()
{
    QFETCH(qint64, spanSeconds);
    QFETCH(qint64, resolution);
    QCOMPARE(MetricHistory::fittingResolution(kStart * 1000, (kStart + spanSeconds) * 1000), int64_t{resolution});
}

QTEST_APPLESS_MAIN(TestMetricHistory)
#include "test_metric_history.moc"

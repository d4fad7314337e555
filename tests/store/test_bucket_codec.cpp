// The metric bucket blob: round trips exactly, stays small when idle, and
// never crashes or over-allocates on a truncated or garbled row.

#include "core/store/bucket_codec.hpp"
#include "store_test_support.hpp"

#include <random>

using namespace slatrack;
using namespace slatrack::store;
using store_test::makeBucket;
using store_test::sameBucket;

class TestBucketCodec : public QObject {
    Q_OBJECT

private slots:
    void roundTripsEveryField_data();
    void roundTripsEveryField();
    void idleSecondIsAFewBytes();
    void refusesEveryTruncation();
    void survivesRandomGarbage();
    void mergeAddsCountsAndHistograms();
};

void TestBucketCodec::roundTripsEveryField_data()
{
    QTest::addColumn<int>("stages");
    QTest::addColumn<qint64>("second");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("2 stages") << 2 << qint64(1'764'574'500) << quint64(42);
    QTest::newRow("3 stages with hops") << 3 << qint64(1'764'574'501) << quint64(7);
    QTest::newRow("8 stages") << 8 << qint64(1'764'574'502) << quint64(1'000'003);
    QTest::newRow("negative second") << 2 << qint64(-86'400) << quint64(3);
}

void TestBucketCodec::roundTripsEveryField()
{
    QFETCH(int, stages);
    QFETCH(qint64, second);
    QFETCH(quint64, seed);
    engine::MetricBucket bucket = makeBucket(second, stages, seed);
    // Every counter field non-zero once, so a field missing from the codec fails.
    for (auto& counters : bucket.stages) {
        counters.outOfOrder = 11; counters.early = 12; counters.orphans = 13; counters.beforeScope = 14;
        counters.late = 15; counters.lateAfterLost = 16; counters.lateIncoming = 17; counters.lost = 18;
        for (size_t reason = 0; reason < counters.rejected.size(); ++reason)
            counters.rejected[reason] = 100 + reason;
    }
    bucket.endToEnd.record(engine::LatencyHistogram::kMaxTrackableMs * 2);  // past the top octave
    const std::optional<engine::MetricBucket> back = decodeBucket(encodeBucket(bucket), stages);
    QVERIFY(back);
    QVERIFY(sameBucket(*back, bucket));
    QCOMPARE(back->endToEnd.percentile(99), bucket.endToEnd.percentile(99));
}

void TestBucketCodec::idleSecondIsAFewBytes()
{
    engine::MetricBucket idle;
    idle.second = 1'764'574'500;
    idle.stages.resize(2);
    const std::string blob = encodeBucket(idle);
    QVERIFY2(blob.size() <= 12, std::to_string(blob.size()).c_str());
    QVERIFY(decodeBucket(blob, 2));
    QVERIFY(!decodeBucket(blob, 3));  // another pipeline's shape is refused, not misread
}

void TestBucketCodec::refusesEveryTruncation()
{
    const std::string blob = encodeBucket(makeBucket(1'764'574'500, 3, 99));
    for (size_t length = 0; length < blob.size(); ++length)
        QVERIFY2(!decodeBucket(std::string_view(blob).substr(0, length), 3), std::to_string(length).c_str());
    QVERIFY(!decodeBucket(blob + "x", 3));  // trailing bytes are garbage too
}

void TestBucketCodec::survivesRandomGarbage()
{
    const std::string blob = encodeBucket(makeBucket(1'764'574'500, 3, 5));
    std::mt19937_64 random(20261201);
    for (int trial = 0; trial < 20000; ++trial) {
        std::string mutated = blob;
        const int flips = 1 + static_cast<int>(random() % 4);
        for (int flip = 0; flip < flips; ++flip)
            mutated[random() % mutated.size()] = static_cast<char>(random());
        (void)decodeBucket(mutated, 3);  // must not crash, hang or throw (ASan run)
    }
    std::string huge = "\x01\x02\x03";
    huge += std::string(9, '\xff');  // a varint bin count of ~2^63
    QVERIFY(!decodeBucket(huge, 3));
}

void TestBucketCodec::mergeAddsCountsAndHistograms()
{
    engine::MetricBucket a = makeBucket(60, 3, 4);
    const engine::MetricBucket b = makeBucket(61, 3, 9);
    const uint64_t seen = a.stages[0].seen + b.stages[0].seen;
    const uint64_t count = a.endToEnd.count() + b.endToEnd.count();
    mergeBucket(a, b);
    QCOMPARE(a.second, int64_t{60});
    QCOMPARE(a.stages[0].seen, seen);
    QCOMPARE(a.endToEnd.count(), count);
    QCOMPARE(a.hops[2].negativeCount(), uint64_t{2});
}

QTEST_APPLESS_MAIN(TestBucketCodec)
#include "test_bucket_codec.moc"

#include "core/engine/latency_histogram.hpp"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using slatrack::engine::LatencyHistogram;

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kDayMs = 24 * 3600 * kSecondMs;
constexpr int kLastBin = LatencyHistogram::kBinCount - 1;
constexpr int64_t kTopOfBinsMs = (int64_t{1} << 30) - 1;
constexpr double kMaxRelativeError = 0.01;

// Percentiles checked against the exact answer, in basis points (1/100 %) so
// the reference rank is pure integer arithmetic, independent of the doubles
// percentile() uses.
const std::vector<int64_t> kPercentilesBp = {0, 1, 100, 1000, 2500, 5000, 7500, 9000, 9500, 9900, 9990, 9999, 10000};

// Nearest rank: the value at 1-based rank ceil(p * n), at least 1.
int64_t exactPercentile(const std::vector<int64_t>& sortedValues, int64_t pBp)
{
    const auto n = static_cast<int64_t>(sortedValues.size());
    const int64_t rank = std::max<int64_t>(1, (pBp * n + 9999) / 10000);
    return sortedValues[static_cast<size_t>(rank - 1)];
}

double relativeError(int64_t got, int64_t expected)
{
    return std::abs(static_cast<double>(got - expected)) / static_cast<double>(expected);
}

// Everything a histogram exposes; used where two histograms must be equal.
void compareHistograms(const LatencyHistogram& actual, const LatencyHistogram& expected)
{
    QCOMPARE(actual.count(), expected.count());
    QCOMPARE(actual.negativeCount(), expected.negativeCount());
    QCOMPARE(actual.min(), expected.min());
    QCOMPARE(actual.max(), expected.max());
    QCOMPARE(actual.sumMs(), expected.sumMs());
    QVERIFY2(actual.nonEmptyBins() == expected.nonEmptyBins(), "bin counts differ");
    for (const int64_t pBp : kPercentilesBp)
        QCOMPARE(actual.percentile(static_cast<double>(pBp) / 100.0), expected.percentile(static_cast<double>(pBp) / 100.0));
}

enum class Shape { LogUniform, Uniform, NearExactLimit, FewDistinct };

std::vector<int64_t> makeValues(Shape shape, uint64_t seed, int count)
{
    std::mt19937_64 rng(seed);
    const auto maxMs = LatencyHistogram::kMaxTrackableMs;
    std::uniform_real_distribution<double> logMs(0.0, std::log(static_cast<double>(maxMs)));
    std::uniform_int_distribution<int64_t> linearMs(1, maxMs);
    std::uniform_int_distribution<int64_t> nearLimitMs(100, 300);
    std::uniform_int_distribution<int> fewPick(0, 4);
    const int64_t fewValues[] = {1, 127, 128, 12345, maxMs};

    std::vector<int64_t> values;
    values.reserve(static_cast<size_t>(count));
    for (int idx = 0; idx < count; ++idx) {
        switch (shape) {
        case Shape::LogUniform:
            values.push_back(std::clamp<int64_t>(std::llround(std::exp(logMs(rng))), 1, maxMs));
            break;
        case Shape::Uniform:
            values.push_back(linearMs(rng));
            break;
        case Shape::NearExactLimit:
            values.push_back(nearLimitMs(rng));
            break;
        case Shape::FewDistinct:
            values.push_back(fewValues[fewPick(rng)]);
            break;
        }
    }
    return values;
}

} // namespace

Q_DECLARE_METATYPE(Shape)

class TestLatencyHistogram : public QObject {
    Q_OBJECT

private slots:
    void binLayout();
    void binEdgesAreConsistent();
    void binOfClampsOutOfRange();
    void everyBinMidpointWithinOnePercent();
    void percentileMatchesExactNearestRank_data();
    void percentileMatchesExactNearestRank();
    void percentileRank_data();
    void percentileRank();
    void percentileClampsP();
    void mergeEqualsRecordingAll_data();
    void mergeEqualsRecordingAll();
    void sparseRoundTrip();
    void fromBinsToleratesBadRows();
    void empty();
    void negativeValues();
    void valuesAboveSevenDays();
    void mean();
    void recordTimes();
    void clearReleases();
};

void TestLatencyHistogram::binLayout()
{
    // Persisted bin indices depend on this layout.
    QCOMPARE(LatencyHistogram::kExactLimit, 128);
    QCOMPARE(LatencyHistogram::kBinCount, 1600);
    QCOMPARE(LatencyHistogram::binLowerEdge(0), int64_t{0});
    QCOMPARE(LatencyHistogram::binUpperEdge(kLastBin), kTopOfBinsMs);
    QVERIFY(LatencyHistogram::binUpperEdge(kLastBin) >= LatencyHistogram::kMaxTrackableMs);
    for (int64_t value = 0; value < LatencyHistogram::kExactLimit; ++value)
        QCOMPARE(LatencyHistogram::binOf(value), static_cast<int>(value));
    // First octave above the exact range: bins 2 ms wide.
    QCOMPARE(LatencyHistogram::binOf(128), 128);
    QCOMPARE(LatencyHistogram::binOf(129), 128);
    QCOMPARE(LatencyHistogram::binOf(130), 129);
    QCOMPARE(LatencyHistogram::binOf(255), 191);
    QCOMPARE(LatencyHistogram::binOf(256), 192);
}

void TestLatencyHistogram::binEdgesAreConsistent()
{
    for (int bin = 0; bin < LatencyHistogram::kBinCount; ++bin) {
        const int64_t lower = LatencyHistogram::binLowerEdge(bin);
        const int64_t upper = LatencyHistogram::binUpperEdge(bin);
        const std::string where =
            "bin " + std::to_string(bin) + " [" + std::to_string(lower) + ", " + std::to_string(upper) + "]";
        QVERIFY2(lower <= upper, where.c_str());
        QVERIFY2(LatencyHistogram::binOf(lower) == bin, ("binOf(lower edge) is another bin: " + where).c_str());
        QVERIFY2(LatencyHistogram::binOf(upper) == bin, ("binOf(upper edge) is another bin: " + where).c_str());
        if (bin > 0) {
            QVERIFY2(lower == LatencyHistogram::binUpperEdge(bin - 1) + 1, ("gap or overlap before " + where).c_str());
        }
        // The width bound the 1 % guarantee rests on.
        const int64_t width = upper - lower + 1;
        QVERIFY2(width == 1 || width * 64 <= lower, ("bin wider than 1/64 of its lower edge: " + where).c_str());
    }
}

void TestLatencyHistogram::binOfClampsOutOfRange()
{
    QCOMPARE(LatencyHistogram::binOf(-1), 0);
    QCOMPARE(LatencyHistogram::binOf(std::numeric_limits<int64_t>::min()), 0);
    QCOMPARE(LatencyHistogram::binOf(kTopOfBinsMs), kLastBin);
    QCOMPARE(LatencyHistogram::binOf(kTopOfBinsMs + 1), kLastBin);
    QCOMPARE(LatencyHistogram::binOf(std::numeric_limits<int64_t>::max()), kLastBin);
    QVERIFY(LatencyHistogram::binOf(LatencyHistogram::kMaxTrackableMs) < kLastBin);
}

void TestLatencyHistogram::everyBinMidpointWithinOnePercent()
{
    // {0, v, far above} makes p50 report v's bin unclamped, so this checks the
    // reported value against both ends of every bin up to 7 days: the worst
    // cases for any data set.
    for (int bin = 1; LatencyHistogram::binLowerEdge(bin) <= LatencyHistogram::kMaxTrackableMs; ++bin) {
        for (const int64_t value : {LatencyHistogram::binLowerEdge(bin), LatencyHistogram::binUpperEdge(bin)}) {
            LatencyHistogram histogram;
            histogram.record(0);
            histogram.record(value);
            histogram.record(kTopOfBinsMs);
            const int64_t reported = histogram.percentile(50);
            QVERIFY2(relativeError(reported, value) <= kMaxRelativeError,
                     ("value " + std::to_string(value) + " reported as " + std::to_string(reported)).c_str());
        }
    }
}

void TestLatencyHistogram::percentileMatchesExactNearestRank_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("count");

    QTest::newRow("log-uniform 1 ms..7 d, 10000") << Shape::LogUniform << quint64(1) << 10000;
    QTest::newRow("log-uniform 1 ms..7 d, 999") << Shape::LogUniform << quint64(2) << 999;
    QTest::newRow("log-uniform, 1 value") << Shape::LogUniform << quint64(3) << 1;
    QTest::newRow("log-uniform, 2 values") << Shape::LogUniform << quint64(4) << 2;
    QTest::newRow("uniform 1 ms..7 d, 5000") << Shape::Uniform << quint64(5) << 5000;
    QTest::newRow("around the exact limit, 3000") << Shape::NearExactLimit << quint64(6) << 3000;
    QTest::newRow("few distinct values, 1001") << Shape::FewDistinct << quint64(7) << 1001;
}

void TestLatencyHistogram::percentileMatchesExactNearestRank()
{
    QFETCH(Shape, shape);
    QFETCH(quint64, seed);
    QFETCH(int, count);

    std::vector<int64_t> values = makeValues(shape, seed, count);
    LatencyHistogram histogram;
    for (const int64_t value : values)
        histogram.record(value);
    std::sort(values.begin(), values.end());

    for (const int64_t pBp : kPercentilesBp) {
        const int64_t expected = exactPercentile(values, pBp);
        const int64_t got = histogram.percentile(static_cast<double>(pBp) / 100.0);
        QVERIFY2(relativeError(got, expected) <= kMaxRelativeError,
                 ("p" + std::to_string(pBp) + " bp: got " + std::to_string(got) + ", exact " + std::to_string(expected))
                     .c_str());
    }
    QCOMPARE(histogram.percentile(0), values.front());
    QCOMPARE(histogram.percentile(100), values.back());
}

void TestLatencyHistogram::percentileRank_data()
{
    // Exact-bin values make the expected answer exact, so these pin the rank
    // rule itself, including decimal percentiles that are inexact in binary.
    QTest::addColumn<int>("ones");      // records of 1 ms
    QTest::addColumn<int>("twos");      // then records of 2 ms
    QTest::addColumn<double>("p");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("p99.9 of 999+1 is rank 999") << 999 << 1 << 99.9 << qint64(1);
    QTest::newRow("p99.99 of 9999+1 is rank 9999") << 9999 << 1 << 99.99 << qint64(1);
    QTest::newRow("p99.9 of 998+2 is rank 999") << 998 << 2 << 99.9 << qint64(2);
    QTest::newRow("p50 of 5+5 is rank 5") << 5 << 5 << 50.0 << qint64(1);
    QTest::newRow("p50.1 of 5+5 is rank 6") << 5 << 5 << 50.1 << qint64(2);
    QTest::newRow("p0 is rank 1") << 5 << 5 << 0.0 << qint64(1);
    QTest::newRow("p0.001 of 1+1 is rank 1") << 1 << 1 << 0.001 << qint64(1);
    QTest::newRow("p100 is the last rank") << 5 << 1 << 100.0 << qint64(2);
}

void TestLatencyHistogram::percentileRank()
{
    QFETCH(int, ones);
    QFETCH(int, twos);
    QFETCH(double, p);
    QFETCH(qint64, expected);

    LatencyHistogram histogram;
    histogram.record(1, static_cast<uint64_t>(ones));
    histogram.record(2, static_cast<uint64_t>(twos));
    QCOMPARE(histogram.percentile(p), expected);
}

void TestLatencyHistogram::percentileClampsP()
{
    LatencyHistogram histogram;
    for (int64_t value = 10; value <= 100; value += 10)
        histogram.record(value);
    QCOMPARE(histogram.percentile(-5), int64_t{10});
    QCOMPARE(histogram.percentile(std::nan("")), int64_t{10});
    QCOMPARE(histogram.percentile(150), int64_t{100});
    QCOMPARE(histogram.percentile(std::numeric_limits<double>::infinity()), int64_t{100});
}

void TestLatencyHistogram::mergeEqualsRecordingAll_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("countA");
    QTest::addColumn<int>("countB");

    QTest::newRow("both non-empty") << quint64(11) << 3000 << 2000;
    QTest::newRow("unbalanced") << quint64(12) << 1 << 5000;
    QTest::newRow("other empty") << quint64(13) << 500 << 0;
    QTest::newRow("this empty") << quint64(14) << 0 << 500;
    QTest::newRow("both empty") << quint64(15) << 0 << 0;
}

void TestLatencyHistogram::mergeEqualsRecordingAll()
{
    QFETCH(quint64, seed);
    QFETCH(int, countA);
    QFETCH(int, countB);

    std::mt19937_64 rng(seed);
    // Some negatives (clock skew) and some values past 7 days go in too.
    std::uniform_int_distribution<int64_t> valueMs(-1000, 10 * kDayMs);
    LatencyHistogram partA;
    LatencyHistogram partB;
    LatencyHistogram all;
    for (int idx = 0; idx < countA + countB; ++idx) {
        const int64_t value = valueMs(rng);
        (idx < countA ? partA : partB).record(value);
        all.record(value);
    }
    partA.merge(partB);
    compareHistograms(partA, all);
    QCOMPARE(partA.empty(), countA + countB == 0);
}

void TestLatencyHistogram::sparseRoundTrip()
{
    const std::vector<int64_t> values = makeValues(Shape::LogUniform, 21, 4000);
    LatencyHistogram original;
    for (const int64_t value : values)
        original.record(value);
    original.record(-3);

    const auto bins = original.nonEmptyBins();
    QVERIFY(!bins.empty());
    QVERIFY2(std::is_sorted(bins.begin(), bins.end()), "nonEmptyBins must be ascending");
    for (const auto& [bin, binCount] : bins)
        QVERIFY2(binCount > 0, "nonEmptyBins returned an empty bin");

    const LatencyHistogram restored = LatencyHistogram::fromBins(bins, original.min(), original.max(), original.sumMs(),
                                                                 original.negativeCount());
    compareHistograms(restored, original);
    QCOMPARE(restored.mean(), original.mean());
}

void TestLatencyHistogram::fromBinsToleratesBadRows()
{
    const auto restored = LatencyHistogram::fromBins({{200, 2}, {5, 1}, {200, 3}, {uint16_t(60000), 7}, {9, 0}}, 5, 300,
                                                     1000, 0);
    QCOMPARE(restored.count(), uint64_t{6});
    const std::vector<std::pair<uint16_t, uint64_t>> expectedBins = {{5, 1}, {200, 5}};
    QVERIFY(restored.nonEmptyBins() == expectedBins);

    const auto nothing = LatencyHistogram::fromBins({{uint16_t(LatencyHistogram::kBinCount), 4}, {3, 0}}, 1, 2, 3, 4);
    QVERIFY(nothing.empty());
    QCOMPARE(nothing.min(), int64_t{0});
    QCOMPARE(nothing.sumMs(), int64_t{0});
    QCOMPARE(nothing.negativeCount(), uint64_t{0});
}

void TestLatencyHistogram::empty()
{
    LatencyHistogram histogram;
    QVERIFY(histogram.empty());
    QCOMPARE(histogram.count(), uint64_t{0});
    QCOMPARE(histogram.min(), int64_t{0});
    QCOMPARE(histogram.max(), int64_t{0});
    QCOMPARE(histogram.mean(), 0.0);
    QCOMPARE(histogram.percentile(50), int64_t{0});
    QCOMPARE(histogram.percentile(100), int64_t{0});
    QVERIFY(histogram.nonEmptyBins().empty());

    LatencyHistogram other;
    histogram.merge(other);
    QVERIFY(histogram.empty());
    QVERIFY(LatencyHistogram::fromBins({}, 0, 0, 0, 0).empty());
}

void TestLatencyHistogram::negativeValues()
{
    LatencyHistogram histogram;
    histogram.record(-5);
    histogram.record(-1, 2);
    histogram.record(10);
    QCOMPARE(histogram.count(), uint64_t{4});
    QCOMPARE(histogram.negativeCount(), uint64_t{3});
    QCOMPARE(histogram.min(), int64_t{0});
    QCOMPARE(histogram.max(), int64_t{10});
    QCOMPARE(histogram.sumMs(), int64_t{10});
    QCOMPARE(histogram.percentile(50), int64_t{0});
    QCOMPARE(histogram.percentile(100), int64_t{10});
    const std::vector<std::pair<uint16_t, uint64_t>> expectedBins = {{0, 3}, {10, 1}};
    QVERIFY(histogram.nonEmptyBins() == expectedBins);
}

void TestLatencyHistogram::valuesAboveSevenDays()
{
    // Between 7 days and the top of the bins: still within 1 %.
    LatencyHistogram eightDays;
    eightDays.record(0);
    eightDays.record(8 * kDayMs + 12345);
    eightDays.record(kTopOfBinsMs);
    QVERIFY(relativeError(eightDays.percentile(50), 8 * kDayMs + 12345) <= kMaxRelativeError);

    // Past the top: the last bin, max() exact, percentiles never above max().
    LatencyHistogram histogram;
    histogram.record(30 * kDayMs);
    QCOMPARE(histogram.nonEmptyBins().front().first, uint16_t(kLastBin));
    QCOMPARE(histogram.percentile(50), 30 * kDayMs);  // clamped to [min, max]
    histogram.record(1, 3);
    histogram.record(40 * kDayMs);
    QCOMPARE(histogram.max(), 40 * kDayMs);
    QCOMPARE(histogram.percentile(100), 40 * kDayMs);
    const int64_t p90 = histogram.percentile(90);  // rank 5 of 5: 40 d, in the last bin
    QCOMPARE(p90, histogram.max());
    // Rank 4 (30 d) is somewhere in the last bin: the answer is the middle of
    // [its lower edge, max], not capped at the nominal top of the bins.
    const int64_t p70 = histogram.percentile(70);
    QCOMPARE(p70, (LatencyHistogram::binLowerEdge(kLastBin) + 40 * kDayMs) / 2);
    QCOMPARE(histogram.sumMs(), 70 * kDayMs + 3);
}

void TestLatencyHistogram::mean()
{
    LatencyHistogram histogram;
    for (const int64_t value : {1, 2, 3, 4})
        histogram.record(value);
    QCOMPARE(histogram.mean(), 2.5);
    histogram.record(1000, 4);  // 10 + 4000 over 8
    QCOMPARE(histogram.mean(), 4010.0 / 8.0);

    // The mean is exact (from the sum), not from bin midpoints.
    LatencyHistogram binned;
    binned.record(1'000'001);
    binned.record(1'000'003);
    QCOMPARE(binned.mean(), 1'000'002.0);

    // A saturated sum must not be UB (the sanitizer build checks that).
    LatencyHistogram huge;
    huge.record(std::numeric_limits<int64_t>::max(), 3);
    QCOMPARE(huge.sumMs(), std::numeric_limits<int64_t>::max());
}

void TestLatencyHistogram::recordTimes()
{
    LatencyHistogram bulk;
    bulk.record(300, 5);
    bulk.record(7, 0);  // no-op: must not touch min
    LatencyHistogram oneByOne;
    for (int idx = 0; idx < 5; ++idx)
        oneByOne.record(300);
    compareHistograms(bulk, oneByOne);
    QCOMPARE(bulk.min(), int64_t{300});

    LatencyHistogram none;
    none.record(5, 0);
    QVERIFY(none.empty());
}

void TestLatencyHistogram::clearReleases()
{
    LatencyHistogram histogram;
    histogram.record(-1);
    histogram.record(500);
    histogram.clear();
    QVERIFY(histogram.empty());
    QCOMPARE(histogram.negativeCount(), uint64_t{0});
    QCOMPARE(histogram.max(), int64_t{0});
    QCOMPARE(histogram.sumMs(), int64_t{0});
    QVERIFY(histogram.nonEmptyBins().empty());
    histogram.record(42);
    QCOMPARE(histogram.min(), int64_t{42});
    QCOMPARE(histogram.percentile(50), int64_t{42});
}

QTEST_APPLESS_MAIN(TestLatencyHistogram)
#include "test_latency_histogram.moc"

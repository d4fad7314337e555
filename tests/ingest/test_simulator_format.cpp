// The simulator's pure pieces: ID generator, record formats, latency model,
// config validation. No broker involved.
#include "core/demo/simulator_config.hpp"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

using namespace slatrack::ingest;

class TestSimulatorFormat : public QObject {
    Q_OBJECT

private slots:
    void idsAreUniqueWithinASecond();
    void idsCarryTheirSecond();
    void formatsIdAsSixteenHexDigits();
    void incomingValueRoundTripsCreatedMs();
    void processedValueAddsProcessedMs_data();
    void processedValueAddsProcessedMs();
    void parseCreatedMsRejectsGarbage();
    void logNormalHitsMedianAndP99();
    void validatesConfig();
};

void TestSimulatorFormat::idsAreUniqueWithinASecond()
{
    // 1,000,000 IDs in one second: purely random low halves would collide
    // ~116 times (n^2 / 2^33); the generator must produce none.
    constexpr int kIdCount = 1'000'000;
    SimulatedIdGenerator generator(42);
    std::unordered_set<uint64_t> seen;
    seen.reserve(kIdCount);
    for (int id_idx = 0; id_idx < kIdCount; ++id_idx) {
        QVERIFY2(seen.insert(generator.next(1'700'000'000)).second, "duplicate ID");
    }
}

void TestSimulatorFormat::idsCarryTheirSecond()
{
    SimulatedIdGenerator generator(7);
    const uint64_t id = generator.next(0x5d684054);
    QCOMPARE(id >> 32, uint64_t{0x5d684054});
    QVERIFY(id != 0);
}

void TestSimulatorFormat::formatsIdAsSixteenHexDigits()
{
    QCOMPARE(formatIdHex(0x5d684054fc3540a0ULL), std::string("5d684054fc3540a0"));
    QCOMPARE(formatIdHex(0x1ULL), std::string("0000000000000001"));
    QCOMPARE(formatIdHex(~0ULL), std::string("ffffffffffffffff"));
}

void TestSimulatorFormat::incomingValueRoundTripsCreatedMs()
{
    const std::string value = formatIncomingValue("5d684054fc3540a0", 1'567'113'300'123, 8);
    QVERIFY2(value.starts_with(R"({"id":"5d684054fc3540a0","created_ms":1567113300123,"payload":")"),
             value.c_str());
    QVERIFY(value.ends_with("\"}"));
    QCOMPARE(parseCreatedMs(value), int64_t{1'567'113'300'123});
}

void TestSimulatorFormat::processedValueAddsProcessedMs_data()
{
    QTest::addColumn<QString>("incoming");
    QTest::addColumn<QString>("expected");
    QTest::newRow("our record") << QStringLiteral(R"({"id":"ab","created_ms":5})")
                                << QStringLiteral(R"({"id":"ab","created_ms":5,"processed_ms":9})");
    QTest::newRow("trailing space") << QStringLiteral(R"({"a":1} )")
                                    << QStringLiteral(R"({"a":1,"processed_ms":9})");
    QTest::newRow("empty object") << QStringLiteral("{}")
                                  << QStringLiteral(R"({"processed_ms":9})");
    QTest::newRow("not json") << QStringLiteral("plain text")
                              << QStringLiteral(R"({"id":"k1","processed_ms":9})");
}

void TestSimulatorFormat::processedValueAddsProcessedMs()
{
    QFETCH(QString, incoming);
    QFETCH(QString, expected);
    // The key of the non-JSON row carries a quote that must not leak into
    // the JSON; other rows ignore the key.
    QCOMPARE(QString::fromStdString(formatProcessedValue(incoming.toStdString(), "k\"1", 9)),
             expected);
}

void TestSimulatorFormat::parseCreatedMsRejectsGarbage()
{
    QCOMPARE(parseCreatedMs(R"({"created_ms":-5})"), int64_t{-1});
    QCOMPARE(parseCreatedMs(R"({"created_ms":"12"})"), int64_t{-1});
    QCOMPARE(parseCreatedMs(R"({"other":12})"), int64_t{-1});
    QCOMPARE(parseCreatedMs(R"({"created_ms": 12})"), int64_t{12});
}

void TestSimulatorFormat::logNormalHitsMedianAndP99()
{
    constexpr int kSamples = 200'000;
    LatencySampler sampler(LatencyModel::logNormal(100.0, 1000.0), 1);
    std::vector<double> samples(kSamples);
    for (double& sample : samples) {
        sample = sampler.sampleMs();
    }
    std::sort(samples.begin(), samples.end());
    const double median = samples[kSamples / 2];
    const double p99 = samples[kSamples * 99 / 100];
    // 200,000 samples pin these quantiles to well within 5 %.
    QVERIFY2(std::abs(median - 100.0) < 5.0, qPrintable(QString::number(median)));
    QVERIFY2(std::abs(p99 - 1000.0) < 50.0, qPrintable(QString::number(p99)));

    LatencySampler fixed(LatencyModel::fixed(250.0), 1);
    QCOMPARE(fixed.sampleMs(), 250.0);
}

void TestSimulatorFormat::validatesConfig()
{
    SimulatorConfig config;
    config.bootstrapServers = "127.0.0.1:9092";
    QCOMPARE(validateSimulatorConfig(config), std::string());

    const auto problemWith = [&](auto change) {
        SimulatorConfig changed = config;
        change(changed);
        return validateSimulatorConfig(changed);
    };
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.bootstrapServers.clear(); }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.ratePerSecond = 0; }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.ratePerSecond = NAN; }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.dropFraction = 1.5; }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.processedTopic = c.incomingTopic; }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) {
                c.latency = LatencyModel::logNormal(100, 50);
            }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) { c.stallEverySeconds = 5; }).empty());
    QVERIFY(!problemWith([](SimulatorConfig& c) {
                c.stallEverySeconds = 5;
                c.stallForSeconds = 5;
            }).empty());
    QVERIFY(problemWith([](SimulatorConfig& c) {
                c.stallEverySeconds = 5;
                c.stallForSeconds = 1;
            }).empty());
    QCOMPARE(problemWith([](SimulatorConfig& c) { c.lingerMs = -1; }), std::string("lingerMs must be from 0 to 5000 (got -1)"));
    QCOMPARE(problemWith([](SimulatorConfig& c) { c.lingerMs = 5001; }), std::string("lingerMs must be from 0 to 5000 (got 5001)"));
    QVERIFY(problemWith([](SimulatorConfig& c) { c.lingerMs = 5000; }).empty());
}

QTEST_APPLESS_MAIN(TestSimulatorFormat)
#include "test_simulator_format.moc"

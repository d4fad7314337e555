// The simulated pipeline end to end on the mock broker: its ground truth
// (counts, dropped-IDs file) must match what is really on the topics.
#include "core/demo/mock_broker.hpp"
#include "core/demo/simulator.hpp"
#include "tests/ingest/kafka_test_util.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace slatrack::ingest;
using namespace std::chrono_literals;

namespace {

// Bounds on waits for the simulator; none of them is asserted as a speed.
// The mock's first group rebalance alone takes session.timeout.ms - 1 s.
constexpr auto kProduceLimit = 25s;
constexpr auto kDrainLimit = 15s;
constexpr auto kReadLimit = 15s;

int64_t unixSecondsNow()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t jsonInteger(const std::string& value, const std::string& field)
{
    const std::string needle = "\"" + field + "\":";
    const std::size_t at = value.find(needle);
    if (at == std::string::npos) {
        return -1;
    }
    int64_t number = -1;
    const char* begin = value.data() + at + needle.size();
    std::from_chars(begin, value.data() + value.size(), number);
    return number;
}

bool isCanonicalHexId(const std::string& key)
{
    return key.size() == kIdHexDigits
           && std::all_of(key.begin(), key.end(), [](char ch) {
                  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
              });
}

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT

private slots:
    void groundTruthMatchesTopics();
    void stallsComeAndGo();
    void rejectsBadConfig();
};

void TestSimulator::groundTruthMatchesTopics()
{
    MockBroker broker;
    broker.createTopic("incoming", 4);
    broker.createTopic("processed", 4);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string droppedPath = dir.filePath(QStringLiteral("dropped.txt")).toStdString();

    SimulatorConfig config;
    config.bootstrapServers = broker.bootstrapServers();
    config.ratePerSecond = 300;
    config.latency = LatencyModel::logNormal(200.0, 800.0);
    config.dropFraction = 0.1;
    config.droppedIdsPath = droppedPath;
    config.seed = 12345;
    const int64_t startSeconds = unixSecondsNow();

    Simulator simulator(config);
    simulator.start();
    constexpr uint64_t kWantedRecords = 900;
    const auto produceDeadline = std::chrono::steady_clock::now() + kProduceLimit;
    while (simulator.stats().produced < kWantedRecords
           && std::chrono::steady_clock::now() < produceDeadline) {
        std::this_thread::sleep_for(50ms);
    }
    QVERIFY2(simulator.stats().produced >= kWantedRecords, simulator.firstError().c_str());
    QVERIFY2(simulator.waitUntilDrained(kDrainLimit), "the processor did not drain");
    simulator.stop();
    const int64_t endSeconds = unixSecondsNow();

    const SimulatorStats stats = simulator.stats();
    QCOMPARE(stats.produceFailed, uint64_t{0});
    QCOMPARE(stats.processFailed, uint64_t{0});
    QCOMPARE(stats.pending, uint64_t{0});
    QCOMPARE(stats.processed + stats.dropped, stats.produced);
    QVERIFY2(stats.dropped > 0 && stats.processed > 0, "10 % drop should drop some, not all");

    std::set<std::string> droppedIds;
    QFile droppedFile(QString::fromStdString(droppedPath));
    QVERIFY(droppedFile.open(QIODevice::ReadOnly | QIODevice::Text));
    while (!droppedFile.atEnd()) {
        const QByteArray line = droppedFile.readLine().trimmed();
        if (!line.isEmpty()) {
            droppedIds.insert(line.toStdString());
        }
    }
    QCOMPARE(droppedIds.size(), static_cast<std::size_t>(stats.dropped));

    std::string error;
    const auto incoming =
        slatrack::test::readTopic(broker.bootstrapServers(), "incoming", kReadLimit, error);
    QVERIFY2(error.empty(), error.c_str());
    const auto processed =
        slatrack::test::readTopic(broker.bootstrapServers(), "processed", kReadLimit, error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(incoming.size(), static_cast<std::size_t>(stats.produced));
    QCOMPARE(processed.size(), static_cast<std::size_t>(stats.processed));

    std::set<std::string> incomingIds;
    for (const auto& record : incoming) {
        QVERIFY2(isCanonicalHexId(record.key), record.key.c_str());
        const int64_t idSeconds = static_cast<int64_t>(std::stoull(record.key, nullptr, 16) >> 32);
        QVERIFY2(idSeconds >= startSeconds - 1 && idSeconds <= endSeconds + 1, record.key.c_str());
        QVERIFY2(record.value.find("\"id\":\"" + record.key + "\"") != std::string::npos,
                 record.value.c_str());
        QVERIFY2(incomingIds.insert(record.key).second, "duplicate ID on incoming");
    }
    std::set<std::string> processedIds;
    std::vector<int64_t> latenciesMs;
    for (const auto& record : processed) {
        QVERIFY2(processedIds.insert(record.key).second, "duplicate ID on processed");
        const int64_t createdMs = jsonInteger(record.value, "created_ms");
        const int64_t processedMs = jsonInteger(record.value, "processed_ms");
        QVERIFY2(createdMs > 0 && processedMs >= createdMs, record.value.c_str());
        latenciesMs.push_back(processedMs - createdMs);
    }
    // The ground truth: what never reached "processed" is exactly the file.
    std::set<std::string> neverProcessed;
    std::set_difference(incomingIds.begin(), incomingIds.end(), processedIds.begin(),
                        processedIds.end(), std::inserter(neverProcessed, neverProcessed.end()));
    QVERIFY(neverProcessed == droppedIds);
    QVERIFY(std::includes(incomingIds.begin(), incomingIds.end(), processedIds.begin(),
                          processedIds.end()));

    // Loose: configured median 200 ms; transport adds tens of ms, and a
    // loaded machine more, so only a wrong model would leave this band.
    std::sort(latenciesMs.begin(), latenciesMs.end());
    const int64_t medianMs = latenciesMs[latenciesMs.size() / 2];
    QVERIFY2(medianMs >= 150 && medianMs <= 700, qPrintable(QString::number(medianMs)));
}

void TestSimulator::stallsComeAndGo()
{
    MockBroker broker;
    broker.createTopic("incoming", 1);
    broker.createTopic("processed", 1);
    SimulatorConfig config;
    config.bootstrapServers = broker.bootstrapServers();
    config.ratePerSecond = 20;
    config.stallEverySeconds = 1.0;
    config.stallForSeconds = 0.5;
    Simulator simulator(config);
    simulator.start();
    // The stall clock starts with the processor: stalls fill [1.0, 1.5),
    // [2.0, 2.5) ... seconds; watching for 3 s must see both states.
    bool sawStalled = false;
    bool sawRunningAfterStall = false;
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < deadline) {
        const bool stalled = simulator.stats().stalled;
        sawRunningAfterStall = sawRunningAfterStall || (sawStalled && !stalled);
        sawStalled = sawStalled || stalled;
        std::this_thread::sleep_for(20ms);
    }
    simulator.stop();
    QVERIFY(sawStalled);
    QVERIFY(sawRunningAfterStall);
}

void TestSimulator::rejectsBadConfig()
{
    SimulatorConfig config;
    config.bootstrapServers = "127.0.0.1:1";
    config.ratePerSecond = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Simulator{config});
    config.ratePerSecond = 10;
    config.droppedIdsPath = "/nonexistent-dir/dropped.txt";
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, Simulator{config});
}

QTEST_APPLESS_MAIN(TestSimulator)
#include "test_simulator.moc"

// The live monitor against a real Kafka-protocol peer (the librdkafka mock
// cluster, started here): a scripted pipeline with known ground truth, then
// the same under faults - broker down and up mid-stream, 500 ms round trips,
// a crashed consumer - and bad messages of every kind.
#include "core/demo/mock_broker.hpp"
#include "core/monitor/monitor.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

using namespace slatrack;
using monitor::SnapshotPtr;

namespace {

constexpr int kPartitions = 4;

// The embedded broker with the two topics every scenario here uses.
struct PipelineBroker : ingest::MockBroker {
    PipelineBroker()
    {
        createTopic("incoming", kPartitions);
        createTopic("processed", kPartitions);
    }
};

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

config::PipelineConfig pipelineConfig(const std::string& brokers, config::IdFormat format = config::IdFormat::Composite,
                                      config::IdSource incomingId = {config::IdSource::Kind::Key, {}, {}})
{
    config::PipelineConfig config;
    config.pipeline = "test";
    config.kafka.brokers = brokers;
    config.kafka.groupId = "slatrack-test";
    config.kafka.properties["fetch.wait.max.ms"] = std::string("20");
    config.idFormat = format;
    config::StageConfig incoming;
    incoming.name = "incoming";
    incoming.topics = {"incoming"};
    incoming.id = incomingId;
    config::StageConfig processed;
    processed.name = "processed";
    processed.topics = {"processed"};
    config.stages = {incoming, processed};
    config.sla = std::chrono::seconds(2);
    config.window = std::chrono::minutes(5);
    config.grace = std::chrono::seconds(5);
    config.dedupHorizon = config.window;
    return config;
}

// Polls the monitor until `done` holds for its latest snapshot.
SnapshotPtr waitFor(const monitor::Monitor& monitor, const std::function<bool(const monitor::MonitorSnapshot&)>& done,
                    std::chrono::seconds limit = std::chrono::seconds(30))
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    SnapshotPtr snapshot;
    while (std::chrono::steady_clock::now() < deadline) {
        snapshot = monitor.latest();
        if (snapshot && done(*snapshot))
            return snapshot;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return snapshot;
}

uint64_t incomingCount(const monitor::MonitorSnapshot& snapshot) { return snapshot.totals[0].seen - snapshot.totals[0].duplicates; }
uint64_t processedCount(const monitor::MonitorSnapshot& snapshot) { return snapshot.totals[1].seen - snapshot.totals[1].duplicates; }

std::string describe(const monitor::MonitorSnapshot& snapshot)
{
    return "phase " + std::string(monitor::phaseName(snapshot.phase)) + ", incoming " + std::to_string(incomingCount(snapshot)) +
           ", processed " + std::to_string(processedCount(snapshot)) + ", matched " + std::to_string(snapshot.totals[1].matched) +
           ", stuck " + std::to_string(snapshot.gauges.stuck) + ", dup " + std::to_string(snapshot.totals[0].duplicates) +
           ", connected " + (snapshot.connected ? "yes" : "no") + ", restarts " + std::to_string(snapshot.consumerRestarts) +
           ", error " + snapshot.connectionDetail;
}

// The ground-truth checks shared by every scenario.
void verifyGroundTruth(const monitor::MonitorSnapshot& snapshot, const test::KnownPipeline& truth)
{
    QCOMPARE(incomingCount(snapshot), truth.records);
    QCOMPARE(processedCount(snapshot), uint64_t(truth.processed.size()));
    QCOMPARE(snapshot.totals[1].matched, uint64_t(truth.processed.size()));
    QCOMPARE(snapshot.totals[0].duplicates, truth.duplicateIncoming);
    QCOMPARE(snapshot.gauges.stuck, uint64_t(truth.droppedIds.size()));
    QCOMPARE(snapshot.orphanTotal(), 0u);
    QCOMPARE(snapshot.latencySinceStart.count, uint64_t(truth.latencies.size()));
    for (double percentile : {50.0, 99.0}) {
        const int64_t exact = test::nearestRank(truth.latencies, percentile);
        const int64_t got = percentile == 50.0 ? snapshot.latencySinceStart.p50 : snapshot.latencySinceStart.p99;
        QVERIFY2(std::abs(got - exact) <= exact / 100 + 1, (std::to_string(got) + " vs exact " + std::to_string(exact)).c_str());
    }
}

} // namespace

class TestMonitorLive : public QObject {
    Q_OBJECT

private slots:
    void knownPipelineMatchesGroundTruth()
    {
        PipelineBroker broker;
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 1000, 50, 40);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());

        monitor::Monitor monitor(pipelineConfig(broker.bootstrapServers()), {});
        monitor.start();
        const SnapshotPtr snapshot = waitFor(monitor, [&](const auto& s) {
            return s.phase == monitor::Phase::Live && s.gauges.stuck == truth.droppedIds.size() && s.totals[1].matched == truth.processed.size();
        });
        QVERIFY(snapshot);
        QVERIFY2(snapshot->phase == monitor::Phase::Live, describe(*snapshot).c_str());
        verifyGroundTruth(*snapshot, truth);
        QVERIFY(snapshot->connected);
        QCOMPARE(snapshot->replayPercent, 100.0);
        // The stuck panel's sample is exactly the dropped records, oldest first.
        std::vector<std::string> stuckIds;
        for (const auto& record : snapshot->oldestStuck)
            stuckIds.push_back(record.id);
        QCOMPARE(stuckIds, truth.droppedIds);
    }

    void brokerDownThenUpLosesAndDoublesNothing()
    {
        PipelineBroker broker;
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 800, 40, 0);
        const size_t half = truth.incoming.size() / 2;
        const std::vector<test::ScriptedMessage> firstIncoming(truth.incoming.begin(), truth.incoming.begin() + static_cast<long>(half));
        const std::vector<test::ScriptedMessage> secondIncoming(truth.incoming.begin() + static_cast<long>(half), truth.incoming.end());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), firstIncoming), std::string());

        monitor::Monitor monitor(pipelineConfig(broker.bootstrapServers()), {});
        monitor.start();
        SnapshotPtr snapshot = waitFor(monitor, [&](const auto& s) { return incomingCount(s) == half && s.connected; });
        QVERIFY2(snapshot && incomingCount(*snapshot) == half, snapshot ? describe(*snapshot).c_str() : "no snapshot");

        broker.setBrokerDown(-1);
        snapshot = waitFor(monitor, [](const auto& s) { return !s.connected; });
        QVERIFY2(snapshot && !snapshot->connected, snapshot ? describe(*snapshot).c_str() : "no snapshot");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        broker.setBrokerUp(-1);

        QCOMPARE(test::produceAll(broker.bootstrapServers(), secondIncoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        snapshot = waitFor(monitor, [&](const auto& s) {
            return s.connected && s.totals[1].matched == truth.processed.size() && s.gauges.stuck == truth.droppedIds.size();
        }, std::chrono::seconds(40));
        QVERIFY(snapshot);
        QVERIFY2(snapshot->connected, describe(*snapshot).c_str());
        verifyGroundTruth(*snapshot, truth);
    }

    void slowNetworkStillExact()
    {
        PipelineBroker broker;
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 600, 30, 50);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        broker.setRtt(-1, 500);
        monitor::Monitor monitor(pipelineConfig(broker.bootstrapServers()), {});
        monitor.start();
        const SnapshotPtr snapshot = waitFor(monitor, [&](const auto& s) {
            return s.phase == monitor::Phase::Live && s.gauges.stuck == truth.droppedIds.size() && s.totals[1].matched == truth.processed.size();
        }, std::chrono::seconds(60));
        QVERIFY(snapshot);
        QVERIFY2(snapshot->phase == monitor::Phase::Live, describe(*snapshot).c_str());
        verifyGroundTruth(*snapshot, truth);
    }

    void crashedConsumerIsRestartedWithoutLoss()
    {
        PipelineBroker broker;
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 1000, 25, 0);
        const size_t half = truth.incoming.size() / 2;
        QCOMPARE(test::produceAll(broker.bootstrapServers(), {truth.incoming.begin(), truth.incoming.begin() + static_cast<long>(half)}), std::string());
        monitor::Monitor monitor(pipelineConfig(broker.bootstrapServers()), {});
        monitor.start();
        SnapshotPtr snapshot = waitFor(monitor, [&](const auto& s) { return incomingCount(s) == half; });
        QVERIFY(snapshot && incomingCount(*snapshot) == half);
        monitor.injectConsumerFailure();
        QCOMPARE(test::produceAll(broker.bootstrapServers(), {truth.incoming.begin() + static_cast<long>(half), truth.incoming.end()}), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        snapshot = waitFor(monitor, [&](const auto& s) {
            return s.consumerRestarts >= 1 && s.totals[1].matched == truth.processed.size() && s.gauges.stuck == truth.droppedIds.size();
        });
        QVERIFY(snapshot);
        QVERIFY2(snapshot->consumerRestarts == 1, describe(*snapshot).c_str());
        verifyGroundTruth(*snapshot, truth);
    }

    void badMessagesAreCountedAndIngestionContinues()
    {
        PipelineBroker broker;
        const int64_t base = nowMs() - 30'000;
        auto truth = test::makeKnownPipeline(base, 200, 0, 0);
        std::vector<test::ScriptedMessage> incoming = truth.incoming;
        incoming.push_back({"incoming", "", "not json at all", base, {}});
        incoming.push_back({"incoming", "", std::string("\x00\xff\xfe binary", 10), base, {}});
        incoming.push_back({"incoming", "", R"({"no_id":1})", base, {}});
        incoming.push_back({"incoming", "", R"({"id":""})", base, {}});
        incoming.push_back({"incoming", "", R"({"id":"zz-not-hex"})", base, {}});
        incoming.push_back({"incoming", "", R"({"id":")" + std::string(1 << 20, 'a') + R"("})", base, {}});
        incoming.push_back({"incoming", "", R"({"id":"5d684054fc3540a0"})", base - 4LL * 365 * 24 * 3600 * 1000, {}});
        QCOMPARE(test::produceAll(broker.bootstrapServers(), incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());

        // Incoming IDs from the JSON body, processed IDs from the key.
        monitor::Monitor monitor(pipelineConfig(broker.bootstrapServers(), config::IdFormat::Composite, {config::IdSource::Kind::JsonPointer, "/id", {}}), {});
        monitor.start();
        const SnapshotPtr snapshot = waitFor(monitor, [&](const auto& s) {
            return s.phase == monitor::Phase::Live && s.totals[1].matched == truth.processed.size() && s.totals[0].rejectedTotal() == 7;
        });
        QVERIFY(snapshot);
        QVERIFY2(snapshot->totals[0].rejectedTotal() == 7, describe(*snapshot).c_str());
        const auto& rejected = snapshot->totals[0].rejected;
        QCOMPARE(rejected[size_t(engine::RejectReason::NotJson)], 2u);
        QCOMPARE(rejected[size_t(engine::RejectReason::MissingId)], 2u);
        QCOMPARE(rejected[size_t(engine::RejectReason::MalformedId)], 1u);
        QCOMPARE(rejected[size_t(engine::RejectReason::TooLarge)], 1u);
        QCOMPARE(rejected[size_t(engine::RejectReason::AbsurdTime)], 1u);
        QCOMPARE(snapshot->totals[1].matched, uint64_t(truth.processed.size()));
        QVERIFY(!snapshot->rejectedSamples.empty());
        bool namesPlace = false;
        for (const auto& sample : snapshot->rejectedSamples)
            namesPlace = namesPlace || (sample.find("incoming[") != std::string::npos && sample.find("]@") != std::string::npos);
        QVERIFY2(namesPlace, snapshot->rejectedSamples.front().c_str());
    }
};

QTEST_APPLESS_MAIN(TestMonitorLive)
#include "test_monitor_live.moc"

// The early end-of-log probe that wakes librdkafka 2.0's fetcher once a
// backlog has been eaten down (kafka_source.cpp, kNudgeBelowMessages), on
// the mock cluster with the default 2 MB prefetch budget:
//  - reading a backlog several times the budget sends such probes and
//    loses nothing (every message consumed, in order per partition);
//  - once caught up, a trickle of new records sends none: the probe is for
//    backlogs only, not a ListOffsets storm against a healthy cluster.
// (That it makes reading faster is a figure, `slatrack-bench ingest`, not a
// test: tests do not assert on wall-clock time.)
#include "core/config/config_loader.hpp"
#include "core/demo/mock_broker.hpp"
#include "core/ingest/kafka_source.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

using namespace slatrack;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Pops batches until `until` holds or the time is up; counts the events.
uint64_t drain(ingest::BatchQueue& queue, const std::function<bool()>& until, int64_t forMs)
{
    uint64_t events = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(forMs);
    while (!until() && std::chrono::steady_clock::now() < deadline)
        if (auto batch = queue.pop(std::chrono::milliseconds(20)))
            events += batch->events.size();
    // What was handed over before `until` turned true.
    while (auto batch = queue.pop(std::chrono::milliseconds(0)))
        events += batch->events.size();
    return events;
}

// Built with nlohmann::json: moc does not parse raw string literals.
std::string pipelineConfig(const std::string& brokers)
{
    const auto stage = [](const char* name) {
        return nlohmann::json{{"name", name}, {"topics", {name}}, {"id", {{"from", "key"}}}};
    };
    return nlohmann::json{{"pipeline", "nudge"},
                          {"kafka", {{"brokers", brokers}}},
                          {"id_format", "composite"},
                          {"stages", {stage("incoming"), stage("processed")}},
                          {"sla", "5s"},
                          {"window", "30m"}}
        .dump();
}

bool allCaughtUp(const ingest::SourceStatus& status)
{
    if (status.partitions.empty())
        return false;
    for (const ingest::PartitionLag& part : status.partitions)
        if (!part.caughtUp || part.lag != 0)
            return false;
    return true;
}

} // namespace

class TestPrefetchNudge : public QObject {
    Q_OBJECT

private slots:
    void backlogThenTrickle()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 4);
        broker.createTopic("processed", 4);
        // 90,000 pairs of ~60-byte messages: about 10 MB, five times the
        // prefetch budget, so the queue fills and polls come back full.
        const int64_t start = nowMs();
        const test::KnownPipeline backlog = test::makeKnownPipeline(start - 950'000, 90'000, 0, 0);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), backlog.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), backlog.processed), std::string());
        const uint64_t backlogMessages = backlog.incoming.size() + backlog.processed.size();

        const std::string json = pipelineConfig(broker.bootstrapServers());
        const config::LoadResult loaded = config::parseConfig(json, "nudge.json", ".");
        QVERIFY(loaded.ok());
        ingest::BatchQueue queue;
        ingest::SourceOptions options;
        options.fromMs = start - 20 * 60'000;
        ingest::KafkaSource source(*loaded.config, options, queue);
        source.start();

        uint64_t events = drain(queue, [&] { return source.status().consumed >= backlogMessages; }, 60'000);
        const ingest::SourceStatus afterBacklog = source.status();
        QCOMPARE(afterBacklog.consumed, backlogMessages);
        QVERIFY2(afterBacklog.fetchNudges > 0, "a backlog five times the prefetch budget was read without one early probe");
        qInfo("backlog of %llu messages read with %llu early probes", static_cast<unsigned long long>(backlogMessages),
              static_cast<unsigned long long>(afterBacklog.fetchNudges));

        // Caught up on every partition, then 2 s of new records, 40 every 100 ms.
        drain(queue, [&] { return allCaughtUp(source.status()); }, 20'000);
        QVERIFY(allCaughtUp(source.status()));
        // The status is published every 250 ms, and a probe deferred by its
        // 10 ms spacing goes out at the next poll: let both settle.
        drain(queue, [] { return false; }, 600);
        const uint64_t nudgesCaughtUp = source.status().fetchNudges;
        uint64_t trickled = 0;
        for (int round = 0; round < 20; ++round) {
            const test::KnownPipeline more = test::makeKnownPipeline(nowMs() - 1000, 20, 0, 0, 1000 + static_cast<uint32_t>(round));
            QCOMPARE(test::produceAll(broker.bootstrapServers(), more.incoming), std::string());
            QCOMPARE(test::produceAll(broker.bootstrapServers(), more.processed), std::string());
            trickled += more.incoming.size() + more.processed.size();
            events += drain(queue, [] { return false; }, 100);
        }
        events += drain(queue, [&] { return source.status().consumed >= backlogMessages + trickled; }, 20'000);
        // Consumed is counted as messages are read; the last of them may
        // still sit in the consumer's batch, which stop() hands over. The
        // status after stop() is exact.
        source.stop();
        events += drain(queue, [] { return true; }, 0);
        const ingest::SourceStatus end = source.status();
        QCOMPARE(end.consumed, backlogMessages + trickled);
        QCOMPARE(events, backlogMessages + trickled);
        QCOMPARE(end.fetchNudges, nudgesCaughtUp);
    }
};

QTEST_GUILESS_MAIN(TestPrefetchNudge)
#include "test_prefetch_nudge.moc"

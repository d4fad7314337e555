// The pipeline's consumer-group lag against the librdkafka mock cluster: a
// real consumer in group G reads and commits part of a topic; the reader
// reports hw - committed per partition and the age of the first uncommitted
// message, leaves G's committed offsets as they were, and says "can't
// judge" (with the reason) when the brokers are down or the topic is
// missing, and "unknown group" for a group with no commits. Through the
// Monitor, the lag reaches the snapshot and the status line.
#include "core/demo/mock_broker.hpp"
#include "core/ingest/consumer_group_lag.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/status_json.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <chrono>
#include <map>
#include <thread>

using namespace slatrack;
using ingest::GroupLag;
using ingest::GroupLagState;
using ingest::LagTrend;

namespace {

constexpr int kTimeoutMs = 1'500;
const std::string kGroup = "processor-app";

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

config::KafkaConfig kafkaFor(const ingest::MockBroker& broker)
{
    config::KafkaConfig kafka;
    kafka.brokers = broker.bootstrapServers();
    kafka.groupId = "slatrack-lagtest";
    kafka.properties["reconnect.backoff.ms"] = std::string("100");
    kafka.properties["reconnect.backoff.max.ms"] = std::string("500");
    kafka.properties["fetch.wait.max.ms"] = std::string("50");
    return kafka;
}

// Message `offset` of every partition was produced at base + 1 s x offset,
// so the age of the first uncommitted message tells which one was read
// (a step longer than a read can take).
constexpr int64_t kStepMs = 1'000;

std::string produce(const std::string& brokers, const std::string& topic, int32_t partition, int count, int64_t baseMs)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "linger.ms", "5", error, sizeof error);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!producer)
        return error;
    std::string problem;
    for (int message_idx = 0; message_idx < count && problem.empty(); ++message_idx) {
        const std::string value = "m" + std::to_string(message_idx);
        const rd_kafka_resp_err_t err =
            rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_TIMESTAMP(baseMs + kStepMs * message_idx), RD_KAFKA_V_END);
        if (err)
            problem = std::string("produce: ") + rd_kafka_err2str(err);
    }
    if (rd_kafka_flush(producer, 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR && problem.empty())
        problem = "flush timed out";
    rd_kafka_destroy(producer);
    return problem;
}

// The pipeline's processor: a real consumer in `group` that reads the first
// `upTo[p]` messages of each partition and commits their offsets
// (synchronously, as a processor commits what it has finished). assign()
// rather than subscribe(): the mock's rebalance takes session.timeout.ms,
// and the commit is the same OffsetCommit either way.
std::string consumeAndCommit(const std::string& brokers, const std::string& group, const std::string& topic,
                             const std::map<int32_t, int64_t>& upTo)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!consumer)
        return error;
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(upTo.size()));
    for (const auto& [partition, end] : upTo)
        rd_kafka_topic_partition_list_add(assignment, topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(consumer, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    std::map<int32_t, int64_t> next;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    const auto done = [&] {
        for (const auto& [partition, end] : upTo)
            if (next[partition] < end)
                return false;
        return true;
    };
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
        if (!message)
            continue;
        if (!message->err && message->offset < upTo.at(message->partition))
            next[message->partition] = message->offset + 1;
        rd_kafka_message_destroy(message);
    }
    std::string problem = done() ? std::string() : std::string("did not read what it should commit");
    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(static_cast<int>(upTo.size()));
    for (const auto& [partition, end] : upTo)
        rd_kafka_topic_partition_list_add(offsets, topic.c_str(), partition)->offset = end;
    if (problem.empty())
        if (const rd_kafka_resp_err_t err = rd_kafka_commit(consumer, offsets, 0))
            problem = std::string("commit: ") + rd_kafka_err2str(err);
    rd_kafka_topic_partition_list_destroy(offsets);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return problem;
}

// What the brokers hold as `group`'s committed offsets, asked the way a
// pipeline's consumer would on start (rd_kafka_committed with that group).
std::map<int32_t, int64_t> committedOffsets(const std::string& brokers, const std::string& group, const std::string& topic, int partitions)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    std::map<int32_t, int64_t> out;
    if (!consumer)
        return out;
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int32_t partition = 0; partition < partitions; ++partition)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
    if (rd_kafka_committed(consumer, list, 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        for (int entry_idx = 0; entry_idx < list->cnt; ++entry_idx)
            out[list->elems[entry_idx].partition] = list->elems[entry_idx].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return out;
}

GroupLag target(const std::string& group, std::vector<std::string> topics)
{
    GroupLag lag;
    lag.group = group;
    lag.stageName = "incoming";
    lag.topics = std::move(topics);
    return lag;
}

const ingest::GroupPartitionLag* partitionOf(const GroupLag& lag, int32_t partition)
{
    for (const auto& entry : lag.partitions)
        if (entry.partition == partition)
            return &entry;
    return nullptr;
}

// incoming: partition 0 holds 60 messages, partition 1 holds 40, partition
// 2 is empty; the processor committed 30 on 0, 25 on 1, 0 on 2.
constexpr int64_t kAge = 100'000;  // of the first message; offset 59 is 41 s old
struct Fixture {
    ingest::MockBroker broker;
    int64_t baseMs = wallMs() - kAge;
    std::string setUp()
    {
        broker.createTopic("incoming", 3);
        std::string problem = produce(broker.bootstrapServers(), "incoming", 0, 60, baseMs);
        if (problem.empty())
            problem = produce(broker.bootstrapServers(), "incoming", 1, 40, baseMs);
        if (problem.empty())
            problem = consumeAndCommit(broker.bootstrapServers(), kGroup, "incoming", {{0, 30}, {1, 25}, {2, 0}});
        return problem;
    }
};

} // namespace

class TestConsumerGroupLag : public QObject {
    Q_OBJECT

private slots:
    void lagIsHighWatermarkMinusCommittedAndTheAgeOfTheFirstUncommitted()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        const auto before = committedOffsets(fixture.broker.bootstrapServers(), kGroup, "incoming", 3);
        QCOMPARE(before.at(0), 30);
        QCOMPARE(before.at(1), 25);
        QCOMPARE(before.at(2), 0);

        ingest::ConsumerGroupLagReader reader(kafkaFor(fixture.broker), kTimeoutMs);
        QVERIFY2(reader.createError().empty(), reader.createError().c_str());
        GroupLag lag = target(kGroup, {"incoming"});
        const int64_t readFrom = wallMs();
        reader.read(lag, readFrom);
        const int64_t readTo = wallMs();
        QVERIFY2(lag.state == GroupLagState::Ok, lag.why.c_str());
        QCOMPARE(lag.partitions.size(), size_t(3));
        QCOMPARE(lag.unknownPartitions, size_t(0));
        // N - M: (60 + 40) produced, (30 + 25) committed.
        QCOMPARE(lag.messages, 45);
        const auto* p0 = partitionOf(lag, 0);
        const auto* p1 = partitionOf(lag, 1);
        const auto* p2 = partitionOf(lag, 2);
        QVERIFY(p0 && p1 && p2);
        QCOMPARE(p0->committed, 30);
        QCOMPARE(p0->highWatermark, 60);
        QCOMPARE(p0->messages, 30);
        QCOMPARE(p1->messages, 15);
        QCOMPARE(p2->messages, 0);
        QCOMPARE(p2->timeMs, 0);
        // The first uncommitted message of partition 0 is offset 30, made at
        // base + 30 s: its age when read, not the first's or the last's.
        const int64_t made0 = fixture.baseMs + kStepMs * 30;
        QVERIFY2(p0->timeMs >= readFrom - made0 && p0->timeMs <= readTo - made0,
                 qPrintable(QStringLiteral("time lag %1 ms, expected %2..%3").arg(p0->timeMs).arg(readFrom - made0).arg(readTo - made0)));
        const int64_t made1 = fixture.baseMs + kStepMs * 25;
        QVERIFY(p1->timeMs >= readFrom - made1 && p1->timeMs <= readTo - made1);
        QCOMPARE(lag.timeMs, std::max(p0->timeMs, p1->timeMs));
        QVERIFY(lag.timeMs > 0);

        // A second read: the timestamps come from the cache (same committed
        // offsets), the ages grow with the clock.
        GroupLag again = target(kGroup, {"incoming"});
        reader.read(again, readFrom + 5'000);
        QVERIFY2(again.state == GroupLagState::Ok, again.why.c_str());
        QCOMPARE(partitionOf(again, 0)->timeMs, readFrom + 5'000 - made0);

        // Reading changed nothing of the group's.
        QCOMPARE(committedOffsets(fixture.broker.bootstrapServers(), kGroup, "incoming", 3), before);
    }

    void aCommitMovesTheLag()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        ingest::ConsumerGroupLagReader reader(kafkaFor(fixture.broker), kTimeoutMs);
        GroupLag lag = target(kGroup, {"incoming"});
        reader.read(lag, wallMs());
        QCOMPARE(lag.messages, 45);
        // The processor catches up fully: lag 0 and time lag 0, not unknown.
        QCOMPARE(consumeAndCommit(fixture.broker.bootstrapServers(), kGroup, "incoming", {{0, 60}, {1, 40}}), std::string());
        reader.read(lag, wallMs());
        QVERIFY2(lag.state == GroupLagState::Ok, lag.why.c_str());
        QCOMPARE(lag.messages, 0);
        QCOMPARE(lag.timeMs, 0);
    }

    void brokerDownIsCantJudgeWithTheReason()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        ingest::ConsumerGroupLagReader reader(kafkaFor(fixture.broker), kTimeoutMs);
        GroupLag lag = target(kGroup, {"incoming"});
        reader.read(lag, wallMs());
        QVERIFY2(lag.state == GroupLagState::Ok, lag.why.c_str());

        fixture.broker.setBrokerDown(-1);
        GroupLag blind = target(kGroup, {"incoming"});
        reader.read(blind, wallMs());
        QCOMPARE(blind.state, GroupLagState::CantJudge);
        QVERIFY2(blind.why.find("no answer from the brokers " + fixture.broker.bootstrapServers()) != std::string::npos, blind.why.c_str());
        // Unknown, not zero.
        QCOMPARE(blind.messages, -1);
        QCOMPARE(blind.timeMs, -1);

        fixture.broker.setBrokerUp(-1);
        GroupLag back = target(kGroup, {"incoming"});
        QTRY_VERIFY_WITH_TIMEOUT((reader.read(back, wallMs()), back.state == GroupLagState::Ok), 15'000);
        QCOMPARE(back.messages, 45);
    }

    void unknownGroupIsReportedAsSuch()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        ingest::ConsumerGroupLagReader reader(kafkaFor(fixture.broker), kTimeoutMs);
        GroupLag lag = target("procesor-app", {"incoming"});  // a typo
        reader.read(lag, wallMs());
        QCOMPARE(lag.state, GroupLagState::UnknownGroup);
        QCOMPARE(lag.why, std::string("group procesor-app has no committed offset on incoming (no such group, a typo, or it never committed)"));
        QCOMPARE(lag.messages, -1);
        QCOMPARE(lag.unknownPartitions, size_t(3));
    }

    void missingTopicIsCantJudgeAndNotCreated()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        ingest::ConsumerGroupLagReader reader(kafkaFor(fixture.broker), kTimeoutMs);
        GroupLag lag = target(kGroup, {"incomming"});
        reader.read(lag, wallMs());
        QCOMPARE(lag.state, GroupLagState::CantJudge);
        QVERIFY2(lag.why.find("topic incomming (") == 0, lag.why.c_str());
        // Asking did not create it (the mock creates any topic a request names).
        GroupLag again = target(kGroup, {"incomming"});
        reader.read(again, wallMs());
        QCOMPARE(again.state, GroupLagState::CantJudge);
    }

    void trendFollowsTheLag()
    {
        using Samples = std::deque<std::pair<int64_t, int64_t>>;
        QCOMPARE(ingest::lagTrend(Samples{{0, 100}, {5'000, 400}}), LagTrend::Unknown);  // two reads say nothing yet
        QCOMPARE(ingest::lagTrend(Samples{{0, 100}, {5'000, 400}, {10'000, 700}}), LagTrend::Growing);
        QCOMPARE(ingest::lagTrend(Samples{{0, 700}, {5'000, 400}, {10'000, 100}}), LagTrend::Shrinking);
        // Jitter of a batch either way is steady.
        QCOMPARE(ingest::lagTrend(Samples{{0, 100}, {5'000, 130}, {10'000, 90}, {15'000, 120}}), LagTrend::Steady);
        // Measured on the demo's processor after a 15 s stall: the backlog
        // drained between two reads; the fit alone still said growing.
        QCOMPARE(ingest::lagTrend(Samples{{0, 1'547}, {5'000, 1'547}, {10'000, 4'048}, {15'000, 6'549}, {20'000, 9'046}, {25'000, 1'547}}),
                 LagTrend::Shrinking);
        QCOMPARE(ingest::lagTrend(Samples{{0, 9'000}, {5'000, 7'000}, {10'000, 5'000}, {15'000, 3'000}, {20'000, 1'000}, {25'000, 6'000}}),
                 LagTrend::Growing);
        // Only the last kTrendSamples count: an old climb has ended.
        QCOMPARE(ingest::lagTrend(Samples{{0, 0}, {5'000, 5'000}, {10'000, 9'000}, {15'000, 9'000}, {20'000, 9'010}, {25'000, 9'000},
                                          {30'000, 9'005}, {35'000, 9'000}}),
                 LagTrend::Steady);
    }

    void pollerReadsOnItsThreadWithATrend()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        config::PipelineConfig config;
        config.kafka = kafkaFor(fixture.broker);
        config::StageConfig incoming;
        incoming.name = "incoming";
        incoming.topics = {"incoming"};
        incoming.consumerGroups = {kGroup};
        config.stages = {incoming};
        QVERIFY(ingest::ConsumerGroupLagPoller::wanted(config));
        ingest::ConsumerGroupLagPoller poller(config, {200, kTimeoutMs, {}});
        QCOMPARE(poller.latest().size(), size_t(1));
        QCOMPARE(poller.latest()[0].why, std::string("not read yet"));
        poller.start();
        QTRY_VERIFY_WITH_TIMEOUT(poller.latest()[0].state == GroupLagState::Ok, 15'000);
        // The processor stalls while records keep coming: growing.
        for (int round = 0; round < 8; ++round) {
            QCOMPARE(produce(fixture.broker.bootstrapServers(), "incoming", 0, 200, wallMs() - 200 * kStepMs), std::string());
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
        }
        QTRY_VERIFY_WITH_TIMEOUT(poller.latest()[0].trend == LagTrend::Growing, 15'000);
        QVERIFY(poller.latest()[0].messages > 45);
        // Nothing moves any more: steady.
        QTRY_VERIFY_WITH_TIMEOUT(poller.latest()[0].trend == LagTrend::Steady, 15'000);
        // The brokers stop answering: the next read says so, never 0.
        fixture.broker.setBrokerDown(-1);
        QTRY_VERIFY_WITH_TIMEOUT(poller.latest()[0].state == GroupLagState::CantJudge, 20'000);
        const GroupLag blind = poller.latest()[0];
        QVERIFY2(blind.why.find("no answer") != std::string::npos, blind.why.c_str());
        QCOMPARE(blind.messages, -1);
        QCOMPARE(blind.trend, LagTrend::Unknown);
        // Stopping does not wait out the dead broker's timeouts for long.
        const auto stopFrom = std::chrono::steady_clock::now();
        poller.stop();
        const auto stopMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stopFrom).count();
        qInfo("stop with the brokers down took %lld ms", static_cast<long long>(stopMs));
    }

    void monitorPublishesPipelineLagInSnapshotAndStatus()
    {
        Fixture fixture;
        const std::string problem = fixture.setUp();
        QVERIFY2(problem.empty(), problem.c_str());
        fixture.broker.createTopic("processed", 1);
        config::PipelineConfig config;
        config.pipeline = "lagtest";
        config.kafka = kafkaFor(fixture.broker);
        config::StageConfig incoming;
        incoming.name = "incoming";
        incoming.topics = {"incoming"};
        incoming.consumerGroups = {kGroup, "nobody"};
        config::StageConfig processed;
        processed.name = "processed";
        processed.topics = {"processed"};
        config.stages = {incoming, processed};
        config.sla = std::chrono::seconds(2);
        config.window = std::chrono::seconds(60);
        config.grace = std::chrono::seconds(2);
        config.dedupHorizon = std::chrono::seconds(60);
        monitor::MonitorOptions options;
        options.pipelineLagIntervalMs = 300;
        monitor::Monitor monitor(config, options);
        monitor.start();
        const auto read = [&] {
            const auto snapshot = monitor.latest();
            return snapshot && snapshot->pipelineLag.size() == 2 && snapshot->pipelineLag[0].readAtMs > 0 && snapshot->pipelineLag[1].readAtMs > 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(read(), 20'000);
        const auto snapshot = monitor.latest();
        monitor.stop();
        const nlohmann::json status = nlohmann::json::parse(monitor::statusLineJson(*snapshot));
        const nlohmann::json& lag = status.at("pipeline_lag");
        QCOMPARE(lag.size(), size_t(2));
        QCOMPARE(lag[0].at("group").get<std::string>(), kGroup);
        QCOMPARE(lag[0].at("stage").get<std::string>(), std::string("incoming"));
        QCOMPARE(lag[0].at("state").get<std::string>(), std::string("ok"));
        QCOMPARE(lag[0].at("msgs").get<int64_t>(), 45);
        // The older of the two first-uncommitted messages: partition 1's, offset 25.
        QVERIFY(lag[0].at("time_ms").get<int64_t>() >= kAge - 25 * kStepMs);
        QVERIFY(lag[0].at("time_ms").get<int64_t>() < kAge);
        QCOMPARE(lag[0].at("partitions").size(), size_t(3));
        QCOMPARE(lag[0].at("partitions")[0].at("msgs").get<int64_t>(), 30);
        QCOMPARE(lag[0].at("partitions")[0].at("committed").get<int64_t>(), 30);
        QCOMPARE(lag[1].at("group").get<std::string>(), std::string("nobody"));
        QCOMPARE(lag[1].at("state").get<std::string>(), std::string("unknown_group"));
        QVERIFY(lag[1].at("msgs").is_null());  // unknown, never 0
        QVERIFY(lag[1].at("time_ms").is_null());
        // slatrack's own position stays its own field.
        QVERIFY(status.at("lag").contains("total"));
        // The monitor's reading left the group's offsets alone.
        const auto after = committedOffsets(fixture.broker.bootstrapServers(), kGroup, "incoming", 3);
        QCOMPARE(after.at(0), 30);
        QCOMPARE(after.at(1), 25);
    }
};

QTEST_APPLESS_MAIN(TestConsumerGroupLag)
#include "test_consumer_group_lag.moc"

// The per-stage health rules (core/ingest/stage_health) on hand-made
// partition states: each rule, its why text, precedence, and "since".
#include "core/ingest/stage_health.hpp"

#include <QtTest>

using namespace slatrack::ingest;

namespace {

constexpr int64_t kNow = 100'000;  // steady ms
const HealthPolicy kPolicy{1500, 3000};

// Caught up, heard from just now, one record read: ok.
PartitionTracker::Partition healthy(int stage, const std::string& topic, int32_t partition)
{
    PartitionTracker::Partition part;
    part.stage = stage;
    part.topic = topic;
    part.partition = partition;
    part.startOffset = 0;
    part.startHighWatermark = 10;
    part.position = 10;
    part.assignedAtMs = kNow - 60'000;
    part.lastResponseMs = kNow - 100;
    part.lastMessageMs = kNow - 5000;
    part.provenAtMs = kNow - 100;
    part.provenEnd = 10;
    part.lastCaughtUpMs = kNow;
    part.caughtUp = true;
    part.events = 1;
    part.leader = 2;
    return part;
}

std::vector<JudgedHealth> judge(const std::vector<PartitionTracker::Partition>& parts, std::vector<std::vector<std::string>> problems = {},
                                int64_t resumedAtMs = -1)
{
    static const std::map<int32_t, BrokerView> brokers{{2, BrokerView{"127.0.0.1:9092/2", "UP", 4200}}};
    HealthInputs inputs;
    inputs.nowMs = kNow;
    inputs.resumedAtMs = resumedAtMs;
    inputs.stageCount = 2;
    inputs.partitions = &parts;
    inputs.topicProblems = std::move(problems);
    inputs.stageTopics = {"incoming", "processed"};
    inputs.brokers = &brokers;
    return judgeStageHealth(inputs, kPolicy);
}

} // namespace

class TestStageHealth : public QObject {
    Q_OBJECT

private slots:
    void healthyStagesAreOk()
    {
        const auto judged = judge({healthy(0, "incoming", 0), healthy(1, "processed", 0)});
        QCOMPARE(judged.size(), size_t(2));
        QVERIFY(judged[0].state == StageHealthState::Ok);
        QVERIFY(judged[1].state == StageHealthState::Ok);
        QVERIFY(judged[1].why.empty());
    }

    void silentPartitionIsBlindNamingItAndItsLeader()
    {
        auto silent = healthy(1, "processed", 3);
        silent.lastResponseMs = kNow - 2000;
        silent.caughtUp = false;
        silent.lastError = "end-of-log query: Local: Timed out";
        const auto judged = judge({healthy(0, "incoming", 0), healthy(1, "processed", 0), silent});
        QVERIFY(judged[0].state == StageHealthState::Ok);
        QVERIFY(judged[1].state == StageHealthState::Blind);
        QVERIFY2(judged[1].why.find("processed[3]: no response from the brokers about it for 2.0 s") == 0, judged[1].why.c_str());
        QVERIFY2(judged[1].why.find("leader broker 2 (127.0.0.1:9092/2, UP, last receive 4.2 s ago)") != std::string::npos, judged[1].why.c_str());
        QVERIFY2(judged[1].why.find("Timed out") != std::string::npos, judged[1].why.c_str());
    }

    void recordsWaitingButNoneDeliveredIsBlind()
    {
        auto stalled = healthy(1, "processed", 0);
        stalled.provenEnd = 25;  // the broker has 15 more
        stalled.caughtUp = false;
        stalled.lastMessageMs = kNow - 1600;
        auto judged = judge({healthy(0, "incoming", 0), stalled});
        QVERIFY(judged[1].state == StageHealthState::Blind);
        QVERIFY2(judged[1].why.find("15 record(s) waiting but no fetch delivered any for 1.6 s") != std::string::npos, judged[1].why.c_str());
        // The consumer itself waited on a full queue until recently: the
        // engine's slowness, not the broker's.
        judged = judge({healthy(0, "incoming", 0), stalled}, {}, kNow - 200);
        QVERIFY(judged[1].state == StageHealthState::Ok);
    }

    void replayAndLongBehindAreCatchingUp()
    {
        auto replaying = healthy(0, "incoming", 1);
        replaying.position = 4;
        replaying.provenEnd = 10;
        replaying.caughtUp = false;
        replaying.lastMessageMs = kNow - 10;
        auto judged = judge({replaying, healthy(1, "processed", 0)});
        QVERIFY(judged[0].state == StageHealthState::CatchingUp);
        QVERIFY2(judged[0].why == "replaying incoming[1]: 6 record(s) to the high watermark seen at start", judged[0].why.c_str());

        auto behind = healthy(1, "processed", 0);
        behind.caughtUp = false;
        behind.lastCaughtUpMs = kNow - 3500;
        judged = judge({healthy(0, "incoming", 0), behind});
        QVERIFY(judged[1].state == StageHealthState::CatchingUp);
        QVERIFY2(judged[1].why.find("not proven caught up for 3.5 s") != std::string::npos, judged[1].why.c_str());
        behind.lastCaughtUpMs = kNow - 2500;  // under behind_threshold
        judged = judge({healthy(0, "incoming", 0), behind});
        QVERIFY(judged[1].state == StageHealthState::Ok);
    }

    void blindWinsOverCatchingUpAndCountsPartitions()
    {
        auto replaying = healthy(1, "processed", 0);
        replaying.position = 2;
        replaying.lastMessageMs = kNow - 10;  // reading, just behind
        auto silentA = healthy(1, "processed", 1);
        silentA.lastResponseMs = kNow - 5000;
        auto silentB = healthy(1, "processed", 2);
        silentB.lastResponseMs = kNow - 5000;
        const auto judged = judge({healthy(0, "incoming", 0), replaying, silentA, silentB});
        QVERIFY(judged[1].state == StageHealthState::Blind);
        QVERIFY2(judged[1].why.find("processed[1]: no response") == 0, judged[1].why.c_str());
        QVERIFY2(judged[1].why.find("(and 1 more partition(s))") != std::string::npos, judged[1].why.c_str());
    }

    void noRecordsIsNoDataAndMissingTopicOrNoPartitionIsBlind()
    {
        auto empty = healthy(1, "processed", 0);
        empty.events = 0;
        auto judged = judge({healthy(0, "incoming", 0), empty});
        QVERIFY(judged[1].state == StageHealthState::NoData);
        QCOMPARE(judged[1].why, std::string("no record read from processed yet"));

        judged = judge({healthy(0, "incoming", 0)}, {{}, {"topic \"procesed\" (stage \"processed\") does not exist on b:9092: Broker: Unknown topic or partition"}});
        QVERIFY(judged[1].state == StageHealthState::Blind);
        QVERIFY(judged[1].why.find("topic \"procesed\"") == 0);

        judged = judge({healthy(0, "incoming", 0)});
        QVERIFY(judged[1].state == StageHealthState::Blind);
        QCOMPARE(judged[1].why, std::string("no partition assigned yet"));
    }

    void sinceMovesOnlyWhenTheStateChanges()
    {
        StageHealthHistory history;
        auto health = history.update({{StageHealthState::Ok, {}}, {StageHealthState::Blind, "a"}}, 1000);
        QCOMPARE(health[1].sinceMs, int64_t(1000));
        health = history.update({{StageHealthState::Ok, {}}, {StageHealthState::Blind, "b"}}, 2000);
        QCOMPARE(health[1].sinceMs, int64_t(1000));
        QCOMPARE(health[1].why, std::string("b"));
        QCOMPARE(health[0].sinceMs, int64_t(1000));
        health = history.update({{StageHealthState::Ok, {}}, {StageHealthState::Ok, {}}}, 3000);
        QCOMPARE(health[1].sinceMs, int64_t(3000));
        QVERIFY(health[1].canJudge());
        QCOMPARE(std::string(stageHealthName(StageHealthState::CatchingUp)), std::string("catching_up"));
        QCOMPARE(std::string(stageHealthName(StageHealthState::NoData)), std::string("no_data"));
    }
};

QTEST_APPLESS_MAIN(TestStageHealth)
#include "test_stage_health.moc"

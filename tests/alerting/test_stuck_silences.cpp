// Record silences over the whole stuck set, not the 100-record sample a
// snapshot carries: a real JoinEngine holding 300 stuck records, 250 of them
// known poison pills silenced by a pattern. They leave the stuck count the
// tiles, the status line and the stuck rule read, are listed apart, and
// come back by themselves when the silence expires.
#include "core/alerting/monitor_alerting.hpp"
#include "core/alerting/rule_measure.hpp"
#include "core/engine/join_engine.hpp"
#include "core/monitor/snapshot_builder.hpp"
#include "core/monitor/status_json.hpp"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <deque>

using namespace slatrack;

namespace {

constexpr int64_t kSlaMs = 1000;
constexpr int64_t kExpiresMs = 10'000;
constexpr int kPoison = 250;
constexpr int kOrders = 50;

engine::Event incoming(const std::string& id, int64_t timeMs)
{
    engine::Event event;
    event.id = engine::RecordId::opaque(id);
    event.stage = 0;
    event.eventTimeMs = timeMs;
    return event;
}

// 300 records entering at 0..299 ms (poison pills first, so they are the
// oldest and would fill any sample), none processed; one record at 3 s
// on both stages moves the watermarks, so all 300 are stuck (age > SLA).
std::unique_ptr<engine::JoinEngine> engineWithStuck()
{
    engine::EngineConfig config;
    config.stageCount = 2;
    config.slaMs = kSlaMs;
    config.windowMs = 60'000;
    config.graceMs = 300;
    config.maxOpenRecords = 10'000;
    config.sweepIntervalMs = 0;
    auto engine = std::make_unique<engine::JoinEngine>(config);
    // An opaque RecordId views its text: the texts outlive the ingest.
    std::deque<std::string> ids;
    std::vector<engine::Event> events;
    for (int record = 0; record < kPoison + kOrders; ++record) {
        ids.push_back(record < kPoison ? "poison-" + std::to_string(record) : "order-" + std::to_string(record));
        events.push_back(incoming(ids.back(), record));
    }
    ids.push_back("order-done");
    engine::Event done = incoming(ids.back(), 3000);
    events.push_back(done);
    done.stage = 1;
    events.push_back(done);
    engine->ingest(std::span<const engine::Event>(events.data(), events.size()), engine::kMaxEventTimeMs);
    engine->advance(0);
    return engine;
}

monitor::MonitorSnapshot judgedSnapshot(const engine::JoinEngine& engine, int64_t nowMs, const monitor::StuckSilencer& silencer)
{
    std::deque<monitor::GaugeSample> history;
    monitor::MonitorSnapshot snapshot = monitor::buildEngineSnapshot(engine, nowMs, history, silencer);
    snapshot.pipeline = "orders";
    snapshot.stageNames = {"incoming", "processed"};
    snapshot.phase = monitor::Phase::Live;
    snapshot.connected = true;
    snapshot.health = {monitor::StageHealth{monitor::StageHealthState::Ok, {}, 0}, monitor::StageHealth{monitor::StageHealthState::Ok, {}, 0}};
    return snapshot;
}

alerting::Silence poisonPattern()
{
    alerting::Silence silence;
    silence.kind = alerting::Silence::Kind::IdPattern;
    silence.matcher = "poison-*";
    silence.reason = "known bad payloads, ticket ORD-17";
    silence.author = "oncall";
    silence.createdMs = 0;
    silence.expiresMs = kExpiresMs;
    return silence;
}

config::AlertRuleConfig stuckRule()
{
    config::AlertRuleConfig rule;
    rule.name = "stuck";
    rule.kind = config::RuleKind::Stuck;
    rule.thresholdCount = 100;  // fires above 100 stuck: 50 is fine, 300 is not
    return rule;
}

alerting::Measurement measure(const monitor::MonitorSnapshot& snapshot, const std::vector<alerting::Silence>& silences, int64_t nowMs)
{
    const alerting::AlertContext context;
    alerting::MeasureInputs inputs;
    inputs.snapshot = &snapshot;
    inputs.context = &context;
    inputs.silences = &silences;
    inputs.nowMs = nowMs;
    return alerting::measureRule(stuckRule(), inputs);
}

} // namespace

class TestStuckSilences : public QObject {
    Q_OBJECT

private slots:
    void silencedRecordsLeaveTheCountBeyondTheSample()
    {
        const auto engine = engineWithStuck();
        QCOMPARE(engine->gauges().stuck, uint64_t(kPoison + kOrders));
        const std::vector<alerting::Silence> silences{poisonPattern()};
        const int64_t nowMs = 5000;
        const monitor::MonitorSnapshot snapshot = judgedSnapshot(*engine, nowMs, alerting::stuckSilencerFor(silences, nowMs));

        QVERIFY(snapshot.stuckSilencesApplied);
        QCOMPARE(snapshot.gauges.stuck, uint64_t(kOrders));
        QCOMPARE(snapshot.gauges.stages[1].stuckAwaiting, uint64_t(kOrders));
        QCOMPARE(snapshot.silencedStuck, uint64_t(kPoison));
        QCOMPARE(snapshot.oldestStuck.size(), size_t(kOrders));
        for (const engine::StuckRecord& record : snapshot.oldestStuck)
            QVERIFY2(record.id.rfind("order-", 0) == 0, record.id.c_str());
        QCOMPARE(snapshot.oldestStuck.front().id, std::string("order-250"));  // the oldest not silenced
        // Listed apart: a few of the silenced ones, oldest first.
        QCOMPARE(snapshot.silencedStuckSample.size(), monitor::MonitorSnapshot::kSilencedSample);
        for (size_t row = 0; row < snapshot.silencedStuckSample.size(); ++row) {
            QVERIFY2(snapshot.silencedStuckSample[row].id.rfind("poison-", 0) == 0, snapshot.silencedStuckSample[row].id.c_str());
            if (row > 0)
                QVERIFY(snapshot.silencedStuckSample[row - 1].t0Ms <= snapshot.silencedStuckSample[row].t0Ms);
        }

        // The stuck rule judges the net count, and says what it left out.
        const alerting::Measurement judged = measure(snapshot, silences, nowMs);
        QCOMPARE(judged.verdict, alerting::Verdict::Fine);
        QCOMPARE(judged.value, double(kOrders));
        QVERIFY2(judged.text.find("250 more silenced") != std::string::npos, judged.text.c_str());
        // The status line counts what the tile shows.
        const nlohmann::json line = nlohmann::json::parse(monitor::statusLineJson(snapshot));
        QCOMPARE(line["counts"]["stuck"].get<uint64_t>(), uint64_t(kOrders));
        QCOMPARE(line["counts"]["stuck_silenced"].get<uint64_t>(), uint64_t(kPoison));
    }

    void anExpiredSilenceBringsItsRecordsBack()
    {
        const auto engine = engineWithStuck();
        const std::vector<alerting::Silence> silences{poisonPattern()};
        // The predicate was made while the silence was in force; it expires
        // on its own, with nobody telling the monitor.
        const monitor::StuckSilencer silencer = alerting::stuckSilencerFor(silences, 5000);
        const monitor::MonitorSnapshot during = judgedSnapshot(*engine, kExpiresMs - 1, silencer);
        QCOMPARE(during.gauges.stuck, uint64_t(kOrders));
        const monitor::MonitorSnapshot after = judgedSnapshot(*engine, kExpiresMs, silencer);
        QCOMPARE(after.gauges.stuck, uint64_t(kPoison + kOrders));
        QCOMPARE(after.silencedStuck, uint64_t(0));
        QCOMPARE(after.oldestStuck.front().id, std::string("poison-0"));
        const alerting::Measurement judged = measure(after, silences, kExpiresMs);
        QCOMPARE(judged.verdict, alerting::Verdict::Breached);
        QCOMPARE(judged.value, double(kPoison + kOrders));
    }

    void noRecordSilenceCostsNothingAndChangesNothing()
    {
        const auto engine = engineWithStuck();
        alerting::Silence ruleOnly = poisonPattern();
        ruleOnly.kind = alerting::Silence::Kind::Rule;
        ruleOnly.matcher = "stuck";
        // Rule silences and expired record silences give no predicate at all.
        QVERIFY(!alerting::stuckSilencerFor({ruleOnly}, 5000));
        QVERIFY(!alerting::stuckSilencerFor({poisonPattern()}, kExpiresMs));
        const monitor::MonitorSnapshot snapshot = judgedSnapshot(*engine, 5000, {});
        QVERIFY(!snapshot.stuckSilencesApplied);
        QCOMPARE(snapshot.gauges.stuck, uint64_t(kPoison + kOrders));
        QCOMPARE(snapshot.oldestStuck.size(), monitor::MonitorSnapshot::kStuckSample);
    }
};

QTEST_GUILESS_MAIN(TestStuckSilences)
#include "test_stuck_silences.moc"

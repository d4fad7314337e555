// The alert rules and their state machine (core/alerting): normal ->
// pending -> firing -> recovering -> resolved, cant_judge while a stage is
// blind, one incident per episode, silences, and the page payloads.

#include "alert_test_support.hpp"

#include "core/alerting/alert_evaluator.hpp"
#include "core/alerting/alerts_status.hpp"
#include "core/alerting/delivery_policy.hpp"
#include "core/alerting/page_payload.hpp"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace slatrack;
using namespace slatrack::alerting;
using namespace alerting_test;
using config::RuleKind;

namespace {

struct Run {
    std::vector<PageEvent> pages;
    std::vector<TransitionRecord> transitions;
    std::vector<IncidentRecord> opened;
    std::vector<std::pair<std::string, int64_t>> resolved;
    void add(AlertUpdate update)
    {
        for (auto& page : update.pages) pages.push_back(std::move(page));
        for (auto& transition : update.transitions) transitions.push_back(std::move(transition));
        for (auto& incident : update.opened) opened.push_back(std::move(incident));
        for (auto& resolved_ : update.resolved) resolved.push_back(std::move(resolved_));
    }
    size_t count(const std::string& rule, PageEvent::Action action) const
    {
        return static_cast<size_t>(std::count_if(pages.begin(), pages.end(), [&](const PageEvent& p) { return p.rule == rule && p.action == action; }));
    }
};

const RuleStatus& statusOf(const AlertEvaluator& evaluator, const std::string& rule)
{
    for (const RuleStatus& status : evaluator.status()) {
        if (status.rule == rule)
            return status;
    }
    qFatal("no rule %s", rule.c_str());
}

} // namespace

class TestAlertRules : public QObject {
    Q_OBJECT

private slots:
    void pendingThenFiringThenRecoveringThenResolved();
    void flappingAroundTheThresholdIsOneIncidentPerEpisode();
    void blindLongerThanTheSlaPagesOnlyTheBlindRule();
    void cantJudgeNeitherFiresNorResolves();
    void restoredIncidentResolvesWithItsDedupKey();
    void ruleSilenceHoldsThePageUntilItExpires();
    void expiredRecordSilenceBringsItsRecordsBack();
    void lostIsJudgedOverItsLookBack();
    void lagAndStoreRulesReadTheSnapshot();
    void pagerDutyTriggerAndResolvePayloads();
    void hugePagesStayWithinPagerDutyLimits();
    void webhookPayloadCarriesTheIncident();
    void globMatchesLikeAShell();
    void statusJsonShowsRulesAndPageDelivery();
    void hopStallAndFreshnessRules();
    void backoffDoublesWithJitterAndHonoursRetryAfter();
};

void TestAlertRules::pendingThenFiringThenRecoveringThenResolved()
{
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 60'000, 120'000)}), "host-1");
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    const AlertContext context;
    run.add(evaluator.evaluate(snapshot, context, kStartMs));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Normal);
    setP99(snapshot, 41'200);
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 1000));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Pending);
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 60'999));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Pending);
    QVERIFY(run.pages.empty());
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 61'000));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Firing);
    QCOMPARE(run.opened.size(), size_t(1));
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(1));
    const std::string key = run.opened.front().dedupKey;
    QCOMPARE(statusOf(evaluator, "p99").dedupKey, key);

    setP99(snapshot, 2500);
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 70'000));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Recovering);
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 189'999));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Recovering);
    QCOMPARE(run.count("p99", PageEvent::Action::Resolve), size_t(0));
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 190'000));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Resolved);
    QCOMPARE(run.count("p99", PageEvent::Action::Resolve), size_t(1));
    QCOMPARE(run.pages.back().dedupKey, key);
    QCOMPARE(run.resolved.size(), size_t(1));
    QCOMPARE(run.resolved.front().first, key);
    run.add(evaluator.evaluate(snapshot, context, kStartMs + 191'000));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Normal);

    // normal, pending, firing, recovering, resolved, normal: five steps.
    QCOMPARE(run.transitions.size(), size_t(5));
    QCOMPARE(run.transitions[1].from, AlertState::Pending);
    QCOMPARE(run.transitions[1].to, AlertState::Firing);
    QCOMPARE(run.transitions[1].dedupKey, key);
    QVERIFY2(run.transitions[1].detail.find("p99 41.2 s > SLA 30.0 s on orders") != std::string::npos, run.transitions[1].detail.c_str());
}

void TestAlertRules::flappingAroundTheThresholdIsOneIncidentPerEpisode()
{
    // for 0 fires at once; keep_firing_for 30 s holds it through the dips.
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 0, 30'000)}), "host-1");
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    int64_t now = kStartMs;
    for (int step = 0; step < 60; ++step, now += 5000) {  // 5 min, over and under every 5 s
        setP99(snapshot, step % 2 == 0 ? 31'000 : 29'000);
        run.add(evaluator.evaluate(snapshot, {}, now));
    }
    QCOMPARE(run.opened.size(), size_t(1));
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(1));
    QCOMPARE(run.count("p99", PageEvent::Action::Resolve), size_t(0));
    setP99(snapshot, 2000);
    for (int step = 0; step < 10; ++step, now += 5000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(run.count("p99", PageEvent::Action::Resolve), size_t(1));
    const std::string first = run.opened.front().dedupKey;
    QCOMPARE(run.pages.back().dedupKey, first);

    // A second episode is a second incident with its own key.
    setP99(snapshot, 45'000);
    run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(run.opened.size(), size_t(2));
    QVERIFY(run.opened.back().dedupKey != first);
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(2));
}

void TestAlertRules::blindLongerThanTheSlaPagesOnlyTheBlindRule()
{
    auto stuckRule = rule("stuck", RuleKind::Stuck, 0, 0);
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 0, 0), stuckRule, rule("blind", RuleKind::StageBlind, 30'000, 30'000)}),
                             "host-1");
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs));
    // The processed side goes dark for 10 minutes (20 x the SLA). Whatever
    // the numbers say meanwhile, they rest on a stage nobody can see.
    setBlind(snapshot, 1, kStartMs + 1000);
    setP99(snapshot, 90'000);
    setStuck(snapshot, {"a", "b", "c"});
    int64_t now = kStartMs + 1000;
    for (; now <= kStartMs + 600'000; now += 1000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::CantJudge);
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::CantJudge);
    QVERIFY2(statusOf(evaluator, "stuck").why.find("processed blind") != std::string::npos, statusOf(evaluator, "stuck").why.c_str());
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(0));
    QCOMPARE(run.count("stuck", PageEvent::Action::Trigger), size_t(0));
    QCOMPARE(statusOf(evaluator, "blind").state, AlertState::Firing);
    QCOMPARE(run.count("blind", PageEvent::Action::Trigger), size_t(1));
    const PageEvent trigger = run.pages.front();
    QCOMPARE(trigger.component, std::string("processed"));
    QVERIFY2(trigger.summary.find("processed blind for") != std::string::npos, trigger.summary.c_str());
    QVERIFY(trigger.timestampMs >= kStartMs + 31'000);

    // The broker is back and the data says all is well: the blind rule
    // resolves after keep_firing_for, the others never paged.
    snapshot = healthySnapshot(now);
    for (int step = 0; step < 40; ++step, now += 1000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(statusOf(evaluator, "blind").state, AlertState::Normal);
    QCOMPARE(run.count("blind", PageEvent::Action::Resolve), size_t(1));
    QCOMPARE(run.pages.back().dedupKey, trigger.dedupKey);
    QCOMPARE(run.pages.size(), size_t(2));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Normal);
}

void TestAlertRules::cantJudgeNeitherFiresNorResolves()
{
    AlertEvaluator evaluator(pipelineWith({rule("stuck", RuleKind::Stuck, 0, 10'000)}), "host-1");
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    setStuck(snapshot, {"x"});
    run.add(evaluator.evaluate(snapshot, {}, kStartMs));
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Firing);
    const std::string key = statusOf(evaluator, "stuck").dedupKey;
    // Blind for a minute with nothing stuck in view: not a recovery.
    setStuck(snapshot, {});
    setBlind(snapshot, 1, kStartMs);
    for (int64_t now = kStartMs + 1000; now <= kStartMs + 60'000; now += 1000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::CantJudge);
    QCOMPARE(statusOf(evaluator, "stuck").judgedState, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "stuck").dedupKey, key);
    QCOMPARE(run.resolved.size(), size_t(0));
    // Seen again and fine: recovering from now, resolved keep_firing_for later.
    snapshot = healthySnapshot(kStartMs + 61'000);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 61'000));
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Recovering);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 70'000));
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Recovering);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 71'000));
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Resolved);
    QCOMPARE(run.resolved.size(), size_t(1));
    QCOMPARE(run.resolved.front().first, key);
    QCOMPARE(run.opened.size(), size_t(1));
}

void TestAlertRules::restoredIncidentResolvesWithItsDedupKey()
{
    const auto config = pipelineWith({rule("p99", RuleKind::Latency, 0, 0), rule("gone", RuleKind::Stuck, 0, 0)});
    AlertEvaluator evaluator(config, "host-1");
    const std::string key = AlertEvaluator::makeDedupKey("orders", "p99", kStartMs - 60'000);
    evaluator.restore({{key, "p99", kStartMs - 60'000}, {"slatrack:orders:old_rule:1", "old_rule", kStartMs - 90'000}}, kStartMs);
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    setP99(snapshot, 50'000);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs));
    // Still breached: the same incident, no second one, no second trigger.
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "p99").dedupKey, key);
    QCOMPARE(run.opened.size(), size_t(0));
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(0));
    // The incident of a rule no longer configured is closed.
    QCOMPARE(run.count("old_rule", PageEvent::Action::Resolve), size_t(1));
    setP99(snapshot, 1000);
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 1000));
    QCOMPARE(run.count("p99", PageEvent::Action::Resolve), size_t(1));
    QCOMPARE(run.pages.back().dedupKey, key);
}

void TestAlertRules::ruleSilenceHoldsThePageUntilItExpires()
{
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 0, 60'000)}), "host-1");
    evaluator.setSilences({Silence{1, Silence::Kind::Rule, "p99", "deploy in progress", "ana", kStartMs, kStartMs + 30'000}});
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    setP99(snapshot, 40'000);
    for (int64_t now = kStartMs; now < kStartMs + 30'000; now += 1000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(statusOf(evaluator, "p99").state, AlertState::Firing);
    QVERIFY(statusOf(evaluator, "p99").silenced);
    QCOMPARE(run.opened.size(), size_t(1));  // recorded, not paged
    QCOMPARE(run.pages.size(), size_t(0));
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 30'000));
    QCOMPARE(run.count("p99", PageEvent::Action::Trigger), size_t(1));
    QCOMPARE(run.pages.front().dedupKey, run.opened.front().dedupKey);
    QVERIFY(!statusOf(evaluator, "p99").silenced);
}

void TestAlertRules::expiredRecordSilenceBringsItsRecordsBack()
{
    auto stuck = rule("stuck", RuleKind::Stuck, 0, 0);
    stuck.thresholdCount = 1;  // fires at 2 stuck
    AlertEvaluator evaluator(pipelineWith({stuck}), "host-1");
    evaluator.setSilences({Silence{1, Silence::Kind::RecordId, "poison-1", "known bad payload", "ana", kStartMs, kStartMs + 10'000},
                           Silence{2, Silence::Kind::IdPattern, "test-*", "synthetic", "bo", kStartMs, kStartMs + 20'000}});
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    setStuck(snapshot, {"poison-1", "test-7", "order-42"});
    run.add(evaluator.evaluate(snapshot, {}, kStartMs));
    QCOMPARE(statusOf(evaluator, "stuck").value, 1.0);
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Normal);
    QVERIFY2(statusOf(evaluator, "stuck").text.find("2 more silenced") != std::string::npos, statusOf(evaluator, "stuck").text.c_str());
    // poison-1's silence expires: it counts again, and now 2 > 1 fires.
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 10'000));
    QCOMPARE(statusOf(evaluator, "stuck").value, 2.0);
    QCOMPARE(statusOf(evaluator, "stuck").state, AlertState::Firing);
    QCOMPARE(run.pages.size(), size_t(1));
    QCOMPARE(run.pages[0].oldestStuckIds, (std::vector<std::string>{"poison-1", "order-42"}));
    QCOMPARE(run.pages[0].details["stuck_silenced_in_sample"].get<uint64_t>(), uint64_t(1));
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 20'000));
    QCOMPARE(statusOf(evaluator, "stuck").value, 3.0);
}

void TestAlertRules::lostIsJudgedOverItsLookBack()
{
    auto lost = rule("lost", RuleKind::Lost, 0, 0);
    lost.over = std::chrono::minutes(5);
    AlertEvaluator evaluator(pipelineWith({lost}), "host-1");
    Run run;
    auto snapshot = healthySnapshot(kStartMs);
    snapshot.totals[1].lost = 7;  // from before this run: the baseline, not a page
    run.add(evaluator.evaluate(snapshot, {}, kStartMs));
    QCOMPARE(statusOf(evaluator, "lost").state, AlertState::Normal);
    snapshot.totals[1].lost = 9;
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 10'000));
    QCOMPARE(statusOf(evaluator, "lost").state, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "lost").value, 2.0);
    for (int64_t now = kStartMs + 20'000; now < kStartMs + 300'000; now += 10'000)
        run.add(evaluator.evaluate(snapshot, {}, now));
    QCOMPARE(statusOf(evaluator, "lost").state, AlertState::Firing);
    // Five minutes after the loss nothing new was lost in the look-back.
    run.add(evaluator.evaluate(snapshot, {}, kStartMs + 320'000));
    QCOMPARE(statusOf(evaluator, "lost").state, AlertState::Resolved);
    QCOMPARE(run.count("lost", PageEvent::Action::Trigger), size_t(1));
    QCOMPARE(run.count("lost", PageEvent::Action::Resolve), size_t(1));
}

void TestAlertRules::lagAndStoreRulesReadTheSnapshot()
{
    auto lag = rule("lag", RuleKind::ConsumerLag, 0, 0);
    lag.thresholdCount = 1000;
    AlertEvaluator evaluator(pipelineWith({lag, rule("store", RuleKind::StoreFailing, 0, 0)}), "host-1");
    auto snapshot = healthySnapshot(kStartMs);
    evaluator.evaluate(snapshot, {}, kStartMs);
    QCOMPARE(statusOf(evaluator, "lag").state, AlertState::CantJudge);
    QVERIFY2(statusOf(evaluator, "lag").why.find("no consumer_group configured") != std::string::npos, statusOf(evaluator, "lag").why.c_str());
    QCOMPARE(statusOf(evaluator, "store").state, AlertState::Normal);  // --store none: not a failure

    // A group whose lag is not known: unknown, never a 0.
    ingest::GroupLag group;
    group.group = "processor-app";
    group.stage = 0;
    group.stageName = "incoming";
    group.why = "broker 1 down";
    snapshot.pipelineLag = {group};
    snapshot.store.enabled = true;
    snapshot.store.state = "unavailable";
    snapshot.store.error = "disk full";
    snapshot.store.failingSinceMs = kStartMs - 5000;
    AlertUpdate update = evaluator.evaluate(snapshot, {}, kStartMs + 1000);
    QCOMPARE(statusOf(evaluator, "lag").state, AlertState::CantJudge);
    QVERIFY2(statusOf(evaluator, "lag").why.find("processor-app on incoming: cant_judge: broker 1 down") != std::string::npos,
             statusOf(evaluator, "lag").why.c_str());
    QCOMPARE(statusOf(evaluator, "store").state, AlertState::Firing);
    QVERIFY2(statusOf(evaluator, "store").text.find("disk full") != std::string::npos, statusOf(evaluator, "store").text.c_str());
    QCOMPARE(update.pages.size(), size_t(1));

    snapshot.pipelineLag[0].state = ingest::GroupLagState::Ok;
    snapshot.pipelineLag[0].messages = 5000;
    snapshot.pipelineLag[0].timeMs = 12'000;
    update = evaluator.evaluate(snapshot, {}, kStartMs + 2000);
    QCOMPARE(statusOf(evaluator, "lag").state, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "lag").value, 5000.0);
    QVERIFY2(statusOf(evaluator, "lag").text.find("processor-app on incoming 5000 messages behind (> 1000)") != std::string::npos,
             statusOf(evaluator, "lag").text.c_str());
    QCOMPARE(update.pages.size(), size_t(1));
    QCOMPARE(update.pages[0].component, std::string("incoming"));

    // What the wiring passes overrides the snapshot.
    AlertContext context;
    context.consumerLag = std::vector<int64_t>{10, -1};
    context.store = AlertContext::Store{false, {}, 0};
    evaluator.evaluate(snapshot, context, kStartMs + 3000);
    QCOMPARE(statusOf(evaluator, "lag").state, AlertState::Resolved);
    QCOMPARE(statusOf(evaluator, "store").state, AlertState::Resolved);
}

void TestAlertRules::pagerDutyTriggerAndResolvePayloads()
{
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 0, 0)}), "host-1");
    auto snapshot = healthySnapshot(kStartMs);
    setP99(snapshot, 41'200);
    std::vector<std::string> ids;
    for (int id = 0; id < 30; ++id)
        ids.push_back("order-" + std::to_string(id));
    setStuck(snapshot, ids);
    const AlertUpdate fired = evaluator.evaluate(snapshot, {}, kStartMs);
    QCOMPARE(fired.pages.size(), size_t(1));
    const nlohmann::json trigger = nlohmann::json::parse(pagerDutyPayload(fired.pages[0]));
    QCOMPARE(trigger["event_action"].get<std::string>(), std::string("trigger"));
    QCOMPARE(trigger["dedup_key"].get<std::string>(), fired.opened[0].dedupKey);
    QVERIFY(!trigger.contains("routing_key"));
    const nlohmann::json& payload = trigger["payload"];
    const std::string summary = payload["summary"].get<std::string>();
    QVERIFY2(summary.find("p99 41.2 s > SLA 30.0 s on orders") != std::string::npos, summary.c_str());
    QCOMPARE(payload["severity"].get<std::string>(), std::string("critical"));
    QCOMPARE(payload["source"].get<std::string>(), std::string("host-1"));
    QCOMPARE(payload["timestamp"].get<std::string>(), std::string("2025-12-01T07:35:00.000Z"));
    QCOMPARE(payload["component"].get<std::string>(), std::string("pipeline"));
    QCOMPARE(payload["custom_details"]["stuck"].get<uint64_t>(), uint64_t(30));
    QCOMPARE(payload["custom_details"]["oldest_stuck_ids"].size(), size_t(20));
    QCOMPARE(payload["custom_details"]["oldest_stuck_ids"][0].get<std::string>(), std::string("order-0"));
    const std::string href = trigger["links"][0]["href"].get<std::string>();
    QCOMPARE(href, std::string("slatrack://open?pipeline=orders&from=2025-12-01T07:20:00.000Z&to=2025-12-01T07:35:00.000Z"));

    setP99(snapshot, 1000);
    const AlertUpdate resolved = evaluator.evaluate(snapshot, {}, kStartMs + 1000);
    QCOMPARE(resolved.pages.size(), size_t(1));
    const nlohmann::json resolve = nlohmann::json::parse(pagerDutyPayload(resolved.pages[0]));
    QCOMPARE(resolve["event_action"].get<std::string>(), std::string("resolve"));
    QCOMPARE(resolve["dedup_key"].get<std::string>(), fired.opened[0].dedupKey);
}

void TestAlertRules::hugePagesStayWithinPagerDutyLimits()
{
    PageEvent event;
    event.dedupKey = AlertEvaluator::makeDedupKey(std::string(400, 'p'), std::string(100, 'r'), kStartMs);
    QVERIFY(event.dedupKey.size() <= 255);
    QVERIFY(event.dedupKey.find(":" + std::string(100, 'r') + ":") != std::string::npos);
    // A multi-byte character across the cut must not be split.
    event.summary = std::string(1020, 'x') + "\xc3\xa9\xc3\xa9 and more";
    event.pipeline = "orders";
    for (int id = 0; id < 20; ++id)
        event.oldestStuckIds.push_back(std::string(100'000, static_cast<char>('a' + id)));
    event.details["big"] = std::string(520'000, 'd');
    event.details["stuck"] = 20;
    const std::string text = pagerDutyPayload(event);
    QVERIFY2(text.size() <= kMaxEventBytes, std::to_string(text.size()).c_str());
    const nlohmann::json parsed = nlohmann::json::parse(text);
    const std::string summary = parsed["payload"]["summary"].get<std::string>();
    QVERIFY(summary.size() <= kMaxSummaryBytes);
    QCOMPARE(summary.substr(summary.size() - 3), std::string("..."));
    QCOMPARE(summary.size(), size_t(1023));  // 1020 x + "...": the é at bytes 1020-1021 was not split
    // 520 KB of details leave room for some of the 20 IDs (each cut to 256 bytes), not all.
    const size_t ids = parsed["payload"]["custom_details"]["oldest_stuck_ids"].size();
    QVERIFY2(ids > 0 && ids < 20, std::to_string(ids).c_str());
    QCOMPARE(parsed["payload"]["custom_details"]["oldest_stuck_ids"][0].get<std::string>().size(), kMaxPagedIdBytes);
    QCOMPARE(parsed["payload"]["custom_details"]["big"].get<std::string>().size(), size_t(520'000));

    // Details that cannot fit at all are dropped; the counts and IDs stay.
    event.details["big"] = std::string(600'000, 'd');
    const std::string cut = pagerDutyPayload(event);
    QVERIFY2(cut.size() <= kMaxEventBytes, std::to_string(cut.size()).c_str());
    const nlohmann::json cutParsed = nlohmann::json::parse(cut);
    QVERIFY(!cutParsed["payload"]["custom_details"].contains("big"));
    QCOMPARE(cutParsed["payload"]["custom_details"]["stuck"].get<int>(), 20);
    QCOMPARE(cutParsed["payload"]["custom_details"]["oldest_stuck_ids"].size(), size_t(20));
}

void TestAlertRules::webhookPayloadCarriesTheIncident()
{
    AlertEvaluator evaluator(pipelineWith({rule("stuck", RuleKind::Stuck, 0, 0, config::Severity::Warning)}), "host-1");
    auto snapshot = healthySnapshot(kStartMs);
    setStuck(snapshot, {"order-1"});
    const AlertUpdate fired = evaluator.evaluate(snapshot, {}, kStartMs);
    QCOMPARE(fired.pages.size(), size_t(1));
    const nlohmann::json body = nlohmann::json::parse(webhookPayload(fired.pages[0]));
    QCOMPARE(body["event"].get<std::string>(), std::string("trigger"));
    QCOMPARE(body["severity"].get<std::string>(), std::string("warning"));
    QCOMPARE(body["component"].get<std::string>(), std::string("processed"));
    QCOMPARE(body["oldest_stuck_ids"][0].get<std::string>(), std::string("order-1"));
    QCOMPARE(body["dedup_key"].get<std::string>(), fired.opened[0].dedupKey);
}

void TestAlertRules::globMatchesLikeAShell()
{
    QVERIFY(globMatch("poison-*", "poison-17"));
    QVERIFY(globMatch("*-17", "poison-17"));
    QVERIFY(globMatch("p?ison*", "poison"));
    QVERIFY(globMatch("*", ""));
    QVERIFY(!globMatch("poison-*", "order-17"));
    QVERIFY(!globMatch("a*b*c", "aXbY"));
    QVERIFY(globMatch("a*b*c", "aXbYc"));
}

void TestAlertRules::statusJsonShowsRulesAndPageDelivery()
{
    AlertEvaluator evaluator(pipelineWith({rule("p99", RuleKind::Latency, 0, 0), rule("store", RuleKind::StoreFailing, 0, 0)}), "host-1");
    auto snapshot = healthySnapshot(kStartMs);
    setP99(snapshot, 41'200);
    store::StoreWriterStatus writer;
    writer.state = store::StoreWriterStatus::State::Unavailable;
    writer.error = "disk full";
    writer.failingSinceMs = kStartMs - 60'000;
    AlertContext context;
    context.store = storeHealthFrom(writer);
    evaluator.evaluate(snapshot, context, kStartMs);
    setBlind(snapshot, 1, kStartMs);
    evaluator.evaluate(snapshot, context, kStartMs + 1000);
    std::vector<OutboxEntry> pages(3);
    pages[0] = {1, kStartMs, "pd", "k1", "trigger", "sent", 1, kStartMs, "", 202, ""};
    pages[1] = {2, kStartMs, "pd", "k2", "trigger", "retrying", 3, kStartMs + 5000, "HTTP 503", 503, ""};
    pages[2] = {3, kStartMs, "hook", "k2", "trigger", "failed", 1, kStartMs, "HTTP 400: invalid event", 400, ""};
    const nlohmann::ordered_json json = alertsStatusJson(evaluator.status(), evaluator.worstState(), pages, "", kStartMs + 1000);
    QCOMPARE(json["worst"].get<std::string>(), std::string("firing"));
    QCOMPARE(json["rules"][0]["state"].get<std::string>(), std::string("cant_judge"));
    QCOMPARE(json["rules"][0]["judged_state"].get<std::string>(), std::string("firing"));
    QVERIFY(json["rules"][0]["why"].get<std::string>().find("processed blind") != std::string::npos);
    QCOMPARE(json["rules"][1]["state"].get<std::string>(), std::string("firing"));
    QVERIFY(json["rules"][1]["text"].get<std::string>().find("disk full") != std::string::npos);
    QCOMPARE(json["pages"]["sent"].get<int>(), 1);
    QCOMPARE(json["pages"]["retrying"].get<int>(), 1);
    QCOMPARE(json["pages"]["failed"].get<int>(), 1);
    // Undelivered first, then the newest.
    QCOMPARE(json["recent_pages"][0]["state"].get<std::string>(), std::string("retrying"));
    QCOMPARE(json["recent_pages"][0]["next_try_in_ms"].get<int64_t>(), int64_t(4000));
    QCOMPARE(json["recent_pages"][1]["error"].get<std::string>(), std::string("HTTP 400: invalid event"));
}

void TestAlertRules::hopStallAndFreshnessRules()
{
    // Three stages: the hop into "enriched" is slow, the end to end is not judged here.
    auto hop = rule("hop", RuleKind::Latency, 0, 0);
    hop.stage = "enriched";
    hop.percentile = config::Percentile::P95;
    hop.thresholdMs = std::chrono::milliseconds(5000);
    auto stall = rule("stall", RuleKind::ThroughputStall, 0, 0);
    auto fresh = rule("fresh", RuleKind::Freshness, 0, 0);
    fresh.stage = "incoming";
    fresh.thresholdMs = std::chrono::milliseconds(600'000);
    auto config = pipelineWith({hop, stall, fresh});
    config.stages.insert(config.stages.begin() + 1, config::StageConfig{});
    config.stages[1].name = "enriched";
    AlertEvaluator evaluator(config, "host-1");
    auto snapshot = healthySnapshot(kStartMs);
    snapshot.stageNames = {"incoming", "enriched", "processed"};
    snapshot.health.push_back(snapshot.health.back());
    snapshot.gauges.stages.push_back(snapshot.gauges.stages.back());
    snapshot.totals.resize(3);
    snapshot.ratePerSec = {50.0, 50.0, 50.0};
    snapshot.freshnessMs = {1000, 1000, 1000};
    snapshot.hopLatencyLastMinute = {{}, {100, 1000, 2000, 6000, 7000, 8000}, {100, 10, 20, 30, 40, 50}};
    evaluator.evaluate(snapshot, {}, kStartMs);
    QCOMPARE(statusOf(evaluator, "hop").state, AlertState::Firing);
    QVERIFY2(statusOf(evaluator, "hop").text.find("p95 6.00 s > threshold 5.00 s") != std::string::npos, statusOf(evaluator, "hop").text.c_str());
    QVERIFY2(statusOf(evaluator, "hop").text.find("hop incoming -> enriched") != std::string::npos, statusOf(evaluator, "hop").text.c_str());
    QCOMPARE(statusOf(evaluator, "stall").state, AlertState::Normal);
    QCOMPARE(statusOf(evaluator, "fresh").state, AlertState::Normal);
    // Processed stops, incoming goes quiet for 11 minutes; processed blind
    // does not stop the freshness rule on incoming from judging.
    snapshot.ratePerSec = {50.0, 50.0, 0.0};
    snapshot.freshnessMs = {660'000, 1000, 1000};
    evaluator.evaluate(snapshot, {}, kStartMs + 1000);
    QCOMPARE(statusOf(evaluator, "stall").state, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "fresh").state, AlertState::Firing);
    setBlind(snapshot, 2, kStartMs);
    evaluator.evaluate(snapshot, {}, kStartMs + 2000);
    QCOMPARE(statusOf(evaluator, "stall").state, AlertState::CantJudge);
    QCOMPARE(statusOf(evaluator, "fresh").state, AlertState::Firing);
    QCOMPARE(statusOf(evaluator, "hop").state, AlertState::Firing);  // rests on incoming and enriched only
}

void TestAlertRules::backoffDoublesWithJitterAndHonoursRetryAfter()
{
    const BackoffPolicy policy{1000, 60'000, 0.2};
    QCOMPARE(retryDelayMs(policy, 1, 0.5, -1), int64_t(1000));
    QCOMPARE(retryDelayMs(policy, 2, 0.5, -1), int64_t(2000));
    QCOMPARE(retryDelayMs(policy, 4, 0.5, -1), int64_t(8000));
    QCOMPARE(retryDelayMs(policy, 4, 0.0, -1), int64_t(6400));   // -20 %
    QCOMPARE(retryDelayMs(policy, 4, 1.0, -1), int64_t(9600));   // +20 %
    QCOMPARE(retryDelayMs(policy, 40, 0.5, -1), int64_t(60'000)); // capped
    QCOMPARE(retryDelayMs(policy, 1, 0.5, 30'000), int64_t(30'000));
    QCOMPARE(parseRetryAfterMs("120", 0), int64_t(120'000));
    QCOMPARE(parseRetryAfterMs("Mon, 01 Dec 2025 07:35:30 GMT", kStartMs), int64_t(30'000));
    QCOMPARE(parseRetryAfterMs("soon", 0), int64_t(-1));
    QCOMPARE(classify({202, {}, {}, -1}), DeliveryVerdict::Sent);
    QCOMPARE(classify({400, {}, {}, -1}), DeliveryVerdict::Failed);
    QCOMPARE(classify({403, {}, {}, -1}), DeliveryVerdict::Failed);
    QCOMPARE(classify({429, {}, {}, -1}), DeliveryVerdict::Retry);
    QCOMPARE(classify({503, {}, {}, -1}), DeliveryVerdict::Retry);
    QCOMPARE(classify({0, {}, "refused", -1}), DeliveryVerdict::Retry);
    SendRateLimiter limiter(2, 1000);
    QCOMPARE(limiter.acquire("pd", 0), int64_t(0));
    QCOMPARE(limiter.acquire("pd", 10), int64_t(0));
    QCOMPARE(limiter.acquire("pd", 20), int64_t(980));
    QCOMPARE(limiter.acquire("other", 20), int64_t(0));
    QCOMPARE(limiter.acquire("pd", 1000), int64_t(0));
}

QTEST_APPLESS_MAIN(TestAlertRules)
#include "test_alert_rules.moc"

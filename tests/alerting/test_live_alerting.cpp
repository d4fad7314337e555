// Alerting wired to a live monitor, end to end: the librdkafka mock cluster
// started here, the monitor judging it, the rules evaluated on every
// published snapshot (MonitorAlerting, as the headless agent and the GUI
// wire it), and the pages POSTed to a real HTTP server on 127.0.0.1 that
// this test runs. Nothing here reaches any other address.
//
//  - A broker outage longer than the SLA pages the blind rule only (no
//    latency or stuck page from the records it could not see), and
//    resolves it with the same dedup_key once the stage is seen again.
//  - `slatrack --headless` (the built binary) pages stuck records, shows
//    the rule and the page's delivery in its status line, is killed with
//    SIGKILL while firing and restarted on the same store: no second
//    incident, and the resolve carries the first trigger's dedup_key. The
//    routing key never reaches the store file or the log.
#include "core/alerting/monitor_alerting.hpp"
#include "core/demo/mock_broker.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/status_json.hpp"
#include "tests/alerting/http_test_server.hpp"
#include "tests/support/pipeline_config_file.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <librdkafka/rdkafka_mock.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>
#include <csignal>
#include <set>

using namespace slatrack;
using alerting_test::HttpTestServer;
using alerting_test::RecordedRequest;

namespace {

constexpr int32_t kIncomingBroker = 1;
constexpr int32_t kProcessedBroker = 2;
const std::string kRoutingKey = "R0UT1NGKEY-live-alerting-0123456789";

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json bodyOf(const RecordedRequest& request)
{
    return nlohmann::json::parse(request.body.toStdString(), nullptr, false);
}

std::string describeRequests(const HttpTestServer& server)
{
    std::string out;
    for (const RecordedRequest& request : server.requests()) {
        const nlohmann::json body = bodyOf(request);
        out += body.value("event_action", std::string("?")) + " " + body.value("dedup_key", std::string("?")) + "; ";
    }
    return out;
}

// "incoming" led by broker 1, "processed" by broker 2: one stage can be
// cut off while the other is read.
struct SplitBroker : ingest::MockBroker {
    SplitBroker() : MockBroker(2)
    {
        createTopic("incoming", 2, 2);
        createTopic("processed", 2, 2);
        for (int32_t partition = 0; partition < 2; ++partition) {
            rd_kafka_mock_partition_set_leader(cluster(), "incoming", partition, kIncomingBroker);
            rd_kafka_mock_partition_set_leader(cluster(), "processed", partition, kProcessedBroker);
        }
    }
};

config::AlertRuleConfig rule(std::string name, config::RuleKind kind, int64_t forMs, int64_t keepMs)
{
    config::AlertRuleConfig out;
    out.name = std::move(name);
    out.kind = kind;
    out.forDuration = std::chrono::milliseconds(forMs);
    out.keepFiringFor = std::chrono::milliseconds(keepMs);
    out.severity = config::Severity::Critical;
    out.thresholdMs = std::chrono::seconds(2);  // the SLA
    return out;
}

config::PipelineConfig outageConfig(const std::string& brokers, const HttpTestServer& server)
{
    config::PipelineConfig config;
    config.pipeline = "faults";
    config.kafka.brokers = brokers;
    config.kafka.groupId = "slatrack-live-alerting";
    config.kafka.properties["fetch.wait.max.ms"] = std::string("20");
    config.kafka.properties["statistics.interval.ms"] = std::string("200");
    config.kafka.properties["reconnect.backoff.ms"] = std::string("100");
    config.kafka.properties["reconnect.backoff.max.ms"] = std::string("500");
    config.kafka.properties["socket.timeout.ms"] = std::string("3000");
    config.idFormat = config::IdFormat::Composite;
    config.stages.resize(2);
    config.stages[0].name = "incoming";
    config.stages[0].topics = {"incoming"};
    config.stages[1].name = "processed";
    config.stages[1].topics = {"processed"};
    config.sla = std::chrono::seconds(2);
    config.window = std::chrono::seconds(30);
    config.grace = std::chrono::seconds(2);
    config.dedupHorizon = std::chrono::seconds(60);
    config.blindAfter = std::chrono::milliseconds(1500);
    config.behindThreshold = std::chrono::seconds(3);
    // Latency and stuck would page at once (stuck after 3 s) if they judged
    // what they cannot see; the blind rule is the one that must page.
    config.alerts.rules = {rule("latency_p99", config::RuleKind::Latency, 0, 0), rule("stuck", config::RuleKind::Stuck, 3000, 0),
                           rule("stage_blind", config::RuleKind::StageBlind, 1000, 0)};
    config.alerts.rulesAreDefaults = false;
    config::PagerConfig pager;
    pager.name = "pd";
    pager.kind = config::PagerKind::PagerDuty;
    pager.url = server.url();
    pager.secret = config::Secret(kRoutingKey, config::Secret::Source::Env, "PD_ROUTING_KEY");
    config.alerts.pagers = {pager};
    return config;
}

const alerting::RuleStatus* ruleNamed(const std::vector<alerting::RuleStatus>& rules, const std::string& name)
{
    for (const alerting::RuleStatus& status : rules) {
        if (status.rule == name)
            return &status;
    }
    return nullptr;
}

// A `slatrack --headless` child whose status lines are read as they come,
// while the test's event loop (and so the HTTP server) keeps running.
class Headless {
public:
    void start(const QStringList& arguments, const QString& routingKey)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLATRACK_TEST_PD_KEY"), routingKey);
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(SLATRACK_BINARY), arguments);
        m_process.waitForStarted();
    }
    // The newest complete status line (empty until one came).
    const nlohmann::json& last()
    {
        m_pending += m_process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = m_pending.indexOf('\n')) >= 0) {
            nlohmann::json line = nlohmann::json::parse(m_pending.left(newline).toStdString(), nullptr, false);
            if (!line.is_discarded())
                m_last = std::move(line);
            m_pending.remove(0, newline + 1);
        }
        m_stderr += m_process.readAllStandardError();
        return m_last;
    }
    const QByteArray& log()
    {
        last();
        return m_stderr;
    }
    void kill9()
    {
        ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
        m_process.waitForFinished(10'000);
        last();
    }
    int terminate()
    {
        ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
        m_process.waitForFinished(15'000);
        last();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QProcess m_process;
    QByteArray m_pending;
    QByteArray m_stderr;
    nlohmann::json m_last = nlohmann::json::object();
};

std::string ruleState(const nlohmann::json& line, const std::string& name)
{
    if (!line.contains("alerts") || !line["alerts"].is_object())
        return "no alerts block";
    for (const auto& rule : line["alerts"]["rules"]) {
        if (rule.value("rule", std::string()) == name)
            return rule.value("state", std::string());
    }
    return "no rule " + name;
}

QString writeHeadlessConfig(const QTemporaryDir& dir, const std::string& brokers, const HttpTestServer& server)
{
    const QString alerts = QStringLiteral(R"(,
  "alerts": {
    "rules": [
      {"name": "stuck", "kind": "stuck", "for": "0s", "keep_firing_for": "0s", "severity": "critical"},
      {"name": "stage_blind", "kind": "stage_blind", "for": "30s", "keep_firing_for": "0s", "severity": "critical"}
    ],
    "pagers": [
      {"name": "pd", "type": "pagerduty", "url": "%1", "routing_key": {"env": "SLATRACK_TEST_PD_KEY"}}
    ]
  })")
                               .arg(QString::fromStdString(server.url()));
    return test::writePipelineConfig(dir, brokers, {.extra = alerts, .grace = QStringLiteral("1s")});
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestLiveAlerting : public QObject {
    Q_OBJECT

private slots:
    void brokerOutageLongerThanTheSlaPagesOnlyTheBlindRule();
    void headlessPagesOnceAcrossAKillAndResolvesWithTheSameKey();
};

void TestLiveAlerting::brokerOutageLongerThanTheSlaPagesOnlyTheBlindRule()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    SplitBroker broker;
    const auto before = test::makeKnownPipeline(nowMs() - 1000, 100, 0, 0, 31);
    QCOMPARE(test::produceAll(broker.bootstrapServers(), before.incoming), std::string());
    QCOMPARE(test::produceAll(broker.bootstrapServers(), before.processed), std::string());

    const config::PipelineConfig config = outageConfig(broker.bootstrapServers(), server);
    alerting::MonitorAlerting alerting({});
    monitor::MonitorOptions options;
    options.fromMs = nowMs() - 60'000;
    options.metadataRefreshMs = 300;
    options.onSnapshot = alerting.snapshotHook({});
    monitor::Monitor monitor(config, options);
    monitor.start();
    QCOMPARE(alerting.attach(config, monitor, "test-host"), std::string());
    const auto service = alerting.service();
    QVERIFY(service);
    const auto healthy = [&] {
        const monitor::SnapshotPtr snapshot = monitor.latest();
        return snapshot && snapshot->totals[1].matched == 100 && snapshot->cantJudge().empty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(healthy(), 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(ruleNamed(service->rules(), "latency_p99")->state, alerting::AlertState::Normal, 5000);

    broker.setBrokerDown(kProcessedBroker);
    // Records keep entering; their processed copies cannot be read.
    const auto during = test::makeKnownPipeline(nowMs() - 200, 20, 0, 0, 32);
    const std::string firstBroker = broker.bootstrapServers().substr(0, broker.bootstrapServers().find(','));
    QCOMPARE(test::produceAll(firstBroker, during.incoming), std::string());

    // The blind rule fires (for 1 s) and pages.
    QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 1, 20'000);
    const nlohmann::json trigger = bodyOf(server.requests().at(0));
    QCOMPARE(trigger["event_action"].get<std::string>(), std::string("trigger"));
    QVERIFY2(trigger["dedup_key"].get<std::string>().find(":stage_blind:") != std::string::npos, trigger.dump().c_str());
    QVERIFY2(trigger["payload"]["summary"].get<std::string>().find("processed blind") != std::string::npos, trigger.dump().c_str());
    QCOMPARE(trigger["routing_key"].get<std::string>(), kRoutingKey);
    // Longer than the SLA (2 s) and the stuck rule's `for` (3 s): the rules
    // resting on the blind stage can't judge, and page nothing.
    const auto outageEnd = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    bool sawCantJudge = false;
    while (std::chrono::steady_clock::now() < outageEnd) {
        QTest::qWait(100);
        const auto rules = service->rules();
        QCOMPARE(ruleNamed(rules, "stage_blind")->state, alerting::AlertState::Firing);
        sawCantJudge = sawCantJudge || (ruleNamed(rules, "stuck")->state == alerting::AlertState::CantJudge &&
                                        ruleNamed(rules, "latency_p99")->state == alerting::AlertState::CantJudge);
        QVERIFY2(ruleNamed(rules, "stuck")->state != alerting::AlertState::Firing, ruleNamed(rules, "stuck")->text.c_str());
        QVERIFY2(server.requests().size() == 1, describeRequests(server).c_str());
    }
    QVERIFY(sawCantJudge);
    QVERIFY2(ruleNamed(service->rules(), "stuck")->why.find("processed blind") != std::string::npos, ruleNamed(service->rules(), "stuck")->why.c_str());

    broker.setBrokerUp(kProcessedBroker);
    QCOMPARE(test::produceAll(broker.bootstrapServers(), during.processed), std::string());
    QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 2, 30'000);
    const nlohmann::json resolve = bodyOf(server.requests().at(1));
    QCOMPARE(resolve["event_action"].get<std::string>(), std::string("resolve"));
    QCOMPARE(resolve["dedup_key"].get<std::string>(), trigger["dedup_key"].get<std::string>());
    QTRY_VERIFY_WITH_TIMEOUT(monitor.latest()->totals[1].matched == 120, 30'000);
    // Everything matched in the end, within the SLA: nothing else paged.
    QTest::qWait(1000);
    QVERIFY2(server.requests().size() == 2, describeRequests(server).c_str());
    monitor.stop();
    alerting.detach();
}

void TestLiveAlerting::headlessPagesOnceAcrossAKillAndResolvesWithTheSameKey()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    ingest::MockBroker broker;
    broker.createTopic("incoming", 2);
    broker.createTopic("processed", 2);
    // 30 records whose processed copies are held back: stuck after the SLA.
    const auto truth = test::makeKnownPipeline(nowMs() - 1000, 30, 0, 0, 41);
    QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.incoming), std::string());
    QTemporaryDir dir;
    const QString config = writeHeadlessConfig(dir, broker.bootstrapServers(), server);
    const QString store = dir.filePath(QStringLiteral("orders.db"));
    const QStringList arguments{QStringLiteral("--headless"), QStringLiteral("-c"), config, QStringLiteral("--store"), store,
                                QStringLiteral("--interval-ms"), QStringLiteral("200"), QStringLiteral("--snapshot-interval-ms"), QStringLiteral("500")};

    QByteArray logs;
    std::string dedupKey;
    {
        Headless first;
        first.start(arguments, QString::fromStdString(kRoutingKey));
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 1, 30'000);
        const nlohmann::json trigger = bodyOf(server.requests().at(0));
        QCOMPARE(trigger["event_action"].get<std::string>(), std::string("trigger"));
        dedupKey = trigger["dedup_key"].get<std::string>();
        QVERIFY2(dedupKey.find("slatrack:orders:stuck:") == 0, dedupKey.c_str());
        // It fires on the first evaluation that sees any stuck (for 0 s):
        // the 30 turn stuck within 300 ms of each other, so 1 to 30 of them.
        const QRegularExpressionMatch stuck =
            QRegularExpression(QStringLiteral("^\\[critical\\] stuck: (\\d+) records? stuck \\(open > SLA 2s\\) on orders")).match(QString::fromStdString(trigger["payload"]["summary"].get<std::string>()));
        QVERIFY2(stuck.hasMatch() && stuck.captured(1).toInt() >= 1 && stuck.captured(1).toInt() <= 30, trigger["payload"]["summary"].dump().c_str());
        QCOMPARE(trigger["payload"]["custom_details"]["oldest_stuck_ids"][0].get<std::string>(), truth.incoming.front().key);
        // The status line shows the rule firing and the page delivered.
        QTRY_VERIFY_WITH_TIMEOUT(first.last().contains("alerts") && first.last()["alerts"].is_object() &&
                                     first.last()["alerts"]["pages"]["sent"].get<int>() == 1,
                                 10'000);
        const nlohmann::json line = first.last();
        QCOMPARE(ruleState(line, "stuck"), std::string("firing"));
        QCOMPARE(line["alerts"]["worst"].get<std::string>(), std::string("firing"));
        QCOMPARE(line["alerts"]["recent_pages"][0]["dedup_key"].get<std::string>(), dedupKey);
        QCOMPARE(line["alerts"]["recent_pages"][0]["state"].get<std::string>(), std::string("sent"));
        QCOMPARE(line["alerts"]["recent_pages"][0]["http_status"].get<int>(), 202);
        QVERIFY2(line["alerts"]["outbox"].get<std::string>().find("orders.db") != std::string::npos, line.dump().c_str());
        QTest::qWait(800);  // a snapshot is written (every 500 ms)
        first.kill9();
        logs += first.log();
    }
    {
        Headless second;
        second.start(arguments, QString::fromStdString(kRoutingKey));
        // Live again and still breached: the same incident, not a second one.
        QTRY_VERIFY_WITH_TIMEOUT(second.last().value("phase", std::string()) == "live" && ruleState(second.last(), "stuck") == "firing", 30'000);
        QTest::qWait(1500);
        QVERIFY2(server.requests().size() == 1, describeRequests(server).c_str());
        bool sameKey = false;
        for (const auto& rule : second.last()["alerts"]["rules"])
            sameKey = sameKey || rule.value("dedup_key", std::string()) == dedupKey;
        QVERIFY2(sameKey, second.last()["alerts"].dump().c_str());

        // The processed copies arrive: the incident resolves, with its key.
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 2, 30'000);
        const nlohmann::json resolve = bodyOf(server.requests().at(1));
        QCOMPARE(resolve["event_action"].get<std::string>(), std::string("resolve"));
        QCOMPARE(resolve["dedup_key"].get<std::string>(), dedupKey);
        QTRY_COMPARE_WITH_TIMEOUT(ruleState(second.last(), "stuck"), std::string("normal"), 10'000);
        QTest::qWait(500);
        QVERIFY2(server.requests().size() == 2, describeRequests(server).c_str());
        QCOMPARE(second.terminate(), 0);
        logs += second.log();
    }
    // The key went out in both pages, and nowhere else.
    QVERIFY(server.requests().at(0).body.contains(QByteArray::fromStdString(kRoutingKey)));
    QVERIFY(!logs.isEmpty());
    QVERIFY2(!logs.contains(QByteArray::fromStdString(kRoutingKey)), logs.constData());
    for (const QString& file : QDir(dir.path()).entryList(QDir::Files)) {
        const QByteArray bytes = readAll(dir.filePath(file));
        QVERIFY2(!bytes.contains(QByteArray::fromStdString(kRoutingKey)), qPrintable(file));
    }
}

QTEST_GUILESS_MAIN(TestLiveAlerting)
#include "test_live_alerting.moc"

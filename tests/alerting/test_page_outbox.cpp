// The page outbox against a real HTTP server on 127.0.0.1 (a QTcpServer in
// this test speaking minimal HTTP/1.1): what reaches the pager, retries,
// restarts over the same SQLite file, and that secrets stay out of the
// store and the logs.

#include "alert_test_support.hpp"
#include "http_test_server.hpp"

#include "core/alerting/alert_evaluator.hpp"
#include "core/alerting/alerting_service.hpp"
#include "core/alerting/page_outbox.hpp"
#include "core/alerting/page_sender.hpp"
#include "core/alerting/test_page.hpp"
#include "core/store/alert_store.hpp"
#include "core/store/sqlite_db.hpp"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <mutex>

using namespace slatrack;
using namespace slatrack::alerting;
using namespace alerting_test;
using config::RuleKind;

namespace {

const std::string kRoutingKey = "R0UT1NG-KEY-e93f1c0a7d";
const std::string kWebhookSecret = "WEBHOOK-SECRET-5b2e88";

struct LogLines {
    std::mutex mutex;
    std::vector<std::string> lines;
    std::string all()
    {
        std::lock_guard lock(mutex);
        std::string out;
        for (const std::string& line : lines)
            out += line + "\n";
        return out;
    }
};

config::PagerConfig pagerDuty(const HttpTestServer& server)
{
    config::PagerConfig pager;
    pager.name = "pd";
    pager.kind = config::PagerKind::PagerDuty;
    pager.url = server.url();
    pager.secret = config::Secret(kRoutingKey, config::Secret::Source::Env, "PD_ROUTING_KEY");
    return pager;
}

config::PagerConfig webhook(const HttpTestServer& server)
{
    config::PagerConfig pager;
    pager.name = "hook";
    pager.kind = config::PagerKind::Webhook;
    pager.url = server.url("/hook");
    pager.secret = config::Secret(kWebhookSecret, config::Secret::Source::File, "/etc/slatrack/hook.secret");
    return pager;
}

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "orders.db";
    LogLines log;

    OutboxOptions options(std::vector<config::PagerConfig> pagers)
    {
        OutboxOptions out;
        out.storePath = path;
        out.pagers = std::move(pagers);
        out.backoff = BackoffPolicy{50, 400, 0.2};
        out.pumpIntervalMs = 20;
        out.requestTimeoutMs = 2000;
        out.log = [this](const std::string& line) {
            std::lock_guard lock(log.mutex);
            log.lines.push_back(line);
        };
        return out;
    }

    std::vector<store::StoredPage> storedPages()
    {
        store::Database db(path.string(), store::Database::Mode::ReadOnly);
        return store::AlertStore(db).pages();
    }
    std::vector<store::StoredIncident> storedIncidents()
    {
        store::Database db(path.string(), store::Database::Mode::ReadOnly);
        return store::AlertStore(db).incidents();
    }
};

// A p99 rule that fires at once and resolves at once.
config::PipelineConfig p99Pipeline()
{
    return pipelineWith({rule("p99", RuleKind::Latency, 0, 0)});
}

AlertUpdate fire(AlertEvaluator& evaluator, int64_t nowMs)
{
    auto snapshot = healthySnapshot(nowMs);
    setP99(snapshot, 41'200);
    setStuck(snapshot, {"order-17", "order-18"});
    return evaluator.evaluate(snapshot, {}, nowMs);
}

AlertUpdate calm(AlertEvaluator& evaluator, int64_t nowMs)
{
    return evaluator.evaluate(healthySnapshot(nowMs), {}, nowMs);
}

nlohmann::json bodyOf(const RecordedRequest& request)
{
    return nlohmann::json::parse(request.body.toStdString());
}

size_t countState(const std::vector<OutboxEntry>& entries, const char* state)
{
    return static_cast<size_t>(std::count_if(entries.begin(), entries.end(), [&](const OutboxEntry& e) { return e.state == state; }));
}

// "" until the outbox has published its first entry.
std::string firstState(const PageOutbox& outbox)
{
    const std::vector<OutboxEntry> entries = outbox.entries();
    return entries.empty() ? std::string() : entries.front().state;
}

} // namespace

class TestPageOutbox : public QObject {
    Q_OBJECT

private slots:
    void triggerThenResolveReachThePagers();
    void serverDownThenUpDeliversEachPageOnceInOrder();
    void tooManyRequestsWaitsForRetryAfter();
    void badRequestIsNotRetriedAndKeepsTheError();
    void restartWithAPagePendingDeliversItOnce();
    void restartWhileFiringOpensNoSecondIncident();
    void sendsAtMostTheRateLimitPerRoutingKey();
    void secretsNeverReachTheStoreOrTheLogs();
    void testPageSendsTriggerThenResolve();
    void serviceKeepsIncidentsAndSilencesAcrossARestart();
};

void TestPageOutbox::triggerThenResolveReachThePagers()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    Fixture fixture;
    PageOutbox outbox(fixture.options({pagerDuty(server), webhook(server)}));
    outbox.start();
    AlertEvaluator evaluator(p99Pipeline(), "host-1");
    const AlertUpdate fired = fire(evaluator, kStartMs);
    const std::string key = fired.opened.at(0).dedupKey;
    outbox.submit(fired);
    QTRY_COMPARE(server.requests().size(), 2);
    outbox.submit(calm(evaluator, kStartMs + 1000));
    QTRY_COMPARE(server.requests().size(), 4);
    QTRY_COMPARE(countState(outbox.entries(), "sent"), size_t(4));

    std::vector<nlohmann::json> pd;
    std::vector<RecordedRequest> hook;
    for (const RecordedRequest& request : server.requests()) {
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
        if (request.path == "/v2/enqueue")
            pd.push_back(bodyOf(request));
        else
            hook.push_back(request);
    }
    QCOMPARE(pd.size(), size_t(2));
    QCOMPARE(pd[0]["event_action"].get<std::string>(), std::string("trigger"));
    QCOMPARE(pd[0]["routing_key"].get<std::string>(), kRoutingKey);
    QCOMPARE(pd[0]["dedup_key"].get<std::string>(), key);
    QVERIFY(pd[0]["payload"]["summary"].get<std::string>().find("p99 41.2 s > SLA 30.0 s on orders") != std::string::npos);
    QCOMPARE(pd[0]["payload"]["custom_details"]["oldest_stuck_ids"][0].get<std::string>(), std::string("order-17"));
    QCOMPARE(pd[1]["event_action"].get<std::string>(), std::string("resolve"));
    QCOMPARE(pd[1]["routing_key"].get<std::string>(), kRoutingKey);
    QCOMPARE(pd[1]["dedup_key"].get<std::string>(), key);

    QCOMPARE(hook.size(), size_t(2));
    for (const RecordedRequest& request : hook) {
        // The receiver recomputes the signature over the exact body.
        const QByteArray expected =
            "sha256=" + QMessageAuthenticationCode::hash(request.body, QByteArray::fromStdString(kWebhookSecret), QCryptographicHash::Sha256).toHex();
        QCOMPARE(request.headers.value("x-slatrack-signature"), expected);
        QCOMPARE(bodyOf(request)["dedup_key"].get<std::string>(), key);
        QVERIFY(request.body.indexOf(QByteArray::fromStdString(kWebhookSecret)) < 0);
    }
    QCOMPARE(bodyOf(hook[0])["event"].get<std::string>(), std::string("trigger"));
    QCOMPARE(bodyOf(hook[1])["event"].get<std::string>(), std::string("resolve"));

    outbox.stop();
    const auto incidents = fixture.storedIncidents();
    QCOMPARE(incidents.size(), size_t(1));
    QCOMPARE(incidents[0].dedupKey, key);
    QVERIFY(incidents[0].resolvedMs.has_value());
    QCOMPARE(countState(std::vector<OutboxEntry>{}, "sent"), size_t(0));
    for (const store::StoredPage& page : fixture.storedPages())
        QCOMPARE(page.state, std::string("sent"));
}

void TestPageOutbox::serverDownThenUpDeliversEachPageOnceInOrder()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    const quint16 port = server.port();
    server.close();  // down: connection refused
    Fixture fixture;
    PageOutbox outbox(fixture.options({pagerDuty(server)}));
    outbox.start();
    AlertEvaluator evaluator(p99Pipeline(), "host-1");
    outbox.submit(fire(evaluator, kStartMs));
    outbox.submit(calm(evaluator, kStartMs + 1000));
    QTRY_VERIFY_WITH_TIMEOUT(!outbox.entries().empty() && outbox.entries()[0].attempts >= 3, 10'000);
    QCOMPARE(outbox.entries()[0].state, std::string("retrying"));
    // The resolve waits behind its trigger and was never tried.
    QCOMPARE(outbox.entries()[1].attempts, int64_t(0));
    QVERIFY2(outbox.entries()[0].lastError.find("refused") != std::string::npos, outbox.entries()[0].lastError.c_str());

    QVERIFY(server.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(countState(outbox.entries(), "sent"), size_t(2), 10'000);
    QTest::qWait(500);  // a second copy would have arrived by now
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(bodyOf(server.requests()[0])["event_action"].get<std::string>(), std::string("trigger"));
    QCOMPARE(bodyOf(server.requests()[1])["event_action"].get<std::string>(), std::string("resolve"));
}

void TestPageOutbox::tooManyRequestsWaitsForRetryAfter()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    server.script({429, R"({"status":"throttled"})", {{"Retry-After", "1"}}});
    Fixture fixture;
    PageOutbox outbox(fixture.options({pagerDuty(server)}));
    outbox.start();
    AlertEvaluator evaluator(p99Pipeline(), "host-1");
    outbox.submit(fire(evaluator, kStartMs));
    QTRY_COMPARE(server.requests().size(), 1);
    QTRY_COMPARE(firstState(outbox), std::string("retrying"));
    QVERIFY2(outbox.entries()[0].lastError.find("HTTP 429") != std::string::npos, outbox.entries()[0].lastError.c_str());
    QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 2, 5000);
    // Backoff alone would have retried after ~50 ms; Retry-After said 1 s.
    const qint64 gap = server.requests()[1].atMs - server.requests()[0].atMs;
    QVERIFY2(gap >= 950, std::to_string(gap).c_str());
    QTRY_COMPARE(firstState(outbox), std::string("sent"));
    QCOMPARE(outbox.entries()[0].attempts, int64_t(2));
}

void TestPageOutbox::badRequestIsNotRetriedAndKeepsTheError()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    // PagerDuty's answer may echo the request: the key must be scrubbed.
    server.script({400, QByteArray::fromStdString(R"({"status":"invalid event","errors":["bad routing_key )" + kRoutingKey + R"("]})"), {}});
    Fixture fixture;
    PageOutbox outbox(fixture.options({pagerDuty(server)}));
    outbox.start();
    AlertEvaluator evaluator(p99Pipeline(), "host-1");
    outbox.submit(fire(evaluator, kStartMs));
    QTRY_COMPARE(firstState(outbox), std::string("failed"));
    QTest::qWait(400);  // far past the 50 ms backoff: no retry may come
    QCOMPARE(server.requests().size(), 1);
    const OutboxEntry entry = outbox.entries()[0];
    QCOMPARE(entry.attempts, int64_t(1));
    QCOMPARE(entry.lastHttpStatus, 400);
    QVERIFY2(entry.lastError.find("HTTP 400") != std::string::npos && entry.lastError.find("invalid event") != std::string::npos,
             entry.lastError.c_str());
    QVERIFY2(entry.lastError.find(kRoutingKey) == std::string::npos, entry.lastError.c_str());
    outbox.stop();
    const auto pages = fixture.storedPages();
    QCOMPARE(pages.size(), size_t(1));
    QCOMPARE(pages[0].state, std::string("failed"));
    QCOMPARE(pages[0].lastError, entry.lastError);
}

void TestPageOutbox::restartWithAPagePendingDeliversItOnce()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    const quint16 port = server.port();
    server.close();
    Fixture fixture;
    std::string key;
    {
        PageOutbox outbox(fixture.options({pagerDuty(server)}));
        outbox.start();
        AlertEvaluator evaluator(p99Pipeline(), "host-1");
        const AlertUpdate fired = fire(evaluator, kStartMs);
        key = fired.opened.at(0).dedupKey;
        outbox.submit(fired);
        QTRY_VERIFY(!outbox.entries().empty() && outbox.entries()[0].attempts >= 1);
        outbox.stop();
    }
    QCOMPARE(fixture.storedPages().at(0).state, std::string("retrying"));
    QVERIFY(server.listen(port));
    PageOutbox restarted(fixture.options({pagerDuty(server)}));
    restarted.start();
    QTRY_COMPARE(countState(restarted.entries(), "sent"), size_t(1));
    QTest::qWait(300);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(bodyOf(server.requests()[0])["dedup_key"].get<std::string>(), key);
    restarted.stop();
    const auto pages = fixture.storedPages();
    QCOMPARE(pages.size(), size_t(1));
    QCOMPARE(pages[0].state, std::string("sent"));
}

void TestPageOutbox::restartWhileFiringOpensNoSecondIncident()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    Fixture fixture;
    std::string key;
    {
        PageOutbox outbox(fixture.options({pagerDuty(server)}));
        outbox.start();
        AlertEvaluator evaluator(p99Pipeline(), "host-1");
        const AlertUpdate fired = fire(evaluator, kStartMs);
        key = fired.opened.at(0).dedupKey;
        outbox.submit(fired);
        QTRY_COMPARE(countState(outbox.entries(), "sent"), size_t(1));
        outbox.stop();
    }
    // The next run reads the open incident back before its first evaluation.
    const AlertReadBack readBack = readAlertState(fixture.path);
    QVERIFY2(readBack.error.empty(), readBack.error.c_str());
    QCOMPARE(readBack.openIncidents.size(), size_t(1));
    QCOMPARE(readBack.openIncidents[0].dedupKey, key);
    PageOutbox outbox(fixture.options({pagerDuty(server)}));
    outbox.start();
    AlertEvaluator evaluator(p99Pipeline(), "host-1");
    evaluator.restore(readBack.openIncidents, kStartMs + 60'000);
    const AlertUpdate still = fire(evaluator, kStartMs + 60'000);
    QVERIFY(still.opened.empty());
    QVERIFY(still.pages.empty());
    outbox.submit(still);
    outbox.submit(calm(evaluator, kStartMs + 61'000));
    QTRY_COMPARE(server.requests().size(), 2);
    QTest::qWait(200);
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(bodyOf(server.requests()[1])["event_action"].get<std::string>(), std::string("resolve"));
    QCOMPARE(bodyOf(server.requests()[1])["dedup_key"].get<std::string>(), key);
    outbox.stop();
    const auto incidents = fixture.storedIncidents();
    QCOMPARE(incidents.size(), size_t(1));
    QVERIFY(incidents[0].resolvedMs.has_value());
    QVERIFY(readAlertState(fixture.path).openIncidents.empty());
}

void TestPageOutbox::sendsAtMostTheRateLimitPerRoutingKey()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    Fixture fixture;
    // Two pagers on one routing key (PagerDuty counts per key) and a third
    // on a key of its own, which must not wait for the other two.
    config::PagerConfig sameKey = pagerDuty(server);
    sameKey.name = "pd-again";
    config::PagerConfig otherKey = pagerDuty(server);
    otherKey.name = "pd-other";
    otherKey.secret = config::Secret("other-routing-key-0123456789abcd", config::Secret::Source::Env, "PD_OTHER_KEY");
    OutboxOptions options = fixture.options({pagerDuty(server), sameKey, otherKey});
    options.ratePerPeriod = 3;
    options.ratePeriodMs = 1000;
    PageOutbox outbox(options);
    outbox.start();
    // Five rules firing at once: five incidents, five triggers per pager.
    std::vector<config::AlertRuleConfig> rules;
    for (int rule_idx = 0; rule_idx < 5; ++rule_idx)
        rules.push_back(rule("p99_" + std::to_string(rule_idx), RuleKind::Latency, 0, 0));
    AlertEvaluator evaluator(pipelineWith(rules), "host-1");
    const AlertUpdate fired = fire(evaluator, kStartMs);
    QCOMPARE(fired.pages.size(), size_t(5));
    outbox.submit(fired);
    QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 15, 10000);
    std::vector<qint64> shared, other;
    for (const RecordedRequest& request : server.requests())
        (bodyOf(request)["routing_key"].get<std::string>() == kRoutingKey ? shared : other).push_back(request.atMs);
    QCOMPARE(shared.size(), size_t(10));
    QCOMPARE(other.size(), size_t(5));
    // Any 4 sends on one key span at least a period (a sliding window).
    for (size_t send = 3; send < shared.size(); ++send)
        QVERIFY2(shared[send] - shared[send - 3] >= 950, std::to_string(shared[send] - shared[send - 3]).c_str());
    for (size_t send = 3; send < other.size(); ++send)
        QVERIFY2(other[send] - other[send - 3] >= 950, std::to_string(other[send] - other[send - 3]).c_str());
    // The lone key's first three did not wait for the shared key's budget:
    // they went before the shared key's fourth, which had to wait a period.
    QVERIFY2(other[2] < shared[3], (std::to_string(other[2]) + " vs " + std::to_string(shared[3])).c_str());
}

void TestPageOutbox::secretsNeverReachTheStoreOrTheLogs()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    server.script({400, QByteArray::fromStdString("echo " + kRoutingKey + " " + kWebhookSecret), {}});
    server.script({500, QByteArray::fromStdString("echo " + kWebhookSecret), {}});
    Fixture fixture;
    {
        PageOutbox outbox(fixture.options({pagerDuty(server), webhook(server)}));
        outbox.start();
        AlertEvaluator evaluator(p99Pipeline(), "host-1");
        outbox.submit(fire(evaluator, kStartMs));
        outbox.submit(calm(evaluator, kStartMs + 1000));
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 4, 5000);
        QTRY_COMPARE(countState(outbox.entries(), "queued") + countState(outbox.entries(), "retrying"), size_t(0));
        outbox.stop();
    }
    // The keys did go out (the test would prove nothing otherwise)...
    bool keySent = false;
    for (const RecordedRequest& request : server.requests())
        keySent = keySent || request.body.contains(QByteArray::fromStdString(kRoutingKey));
    QVERIFY(keySent);
    // ...but neither the database (with its WAL) nor any log line holds them.
    QByteArray bytes;
    for (const std::string suffix : {"", "-wal"}) {
        QFile file(QString::fromStdString(fixture.path.string() + suffix));
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    QVERIFY(bytes.contains("slatrack:orders:p99:"));  // the rows are there
    QVERIFY(!bytes.contains(QByteArray::fromStdString(kRoutingKey)));
    QVERIFY(!bytes.contains(QByteArray::fromStdString(kWebhookSecret)));
    const std::string logs = fixture.log.all();
    QVERIFY2(logs.find("HTTP 400") != std::string::npos, logs.c_str());
    QVERIFY2(logs.find(kRoutingKey) == std::string::npos, logs.c_str());
    QVERIFY2(logs.find(kWebhookSecret) == std::string::npos, logs.c_str());
}

void TestPageOutbox::testPageSendsTriggerThenResolve()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    config::PipelineConfig config = p99Pipeline();
    config.alerts.pagers = {pagerDuty(server), webhook(server)};
    const auto results = sendTestPages(config, "", "host-1", kStartMs, 2000);
    QCOMPARE(results.size(), size_t(4));
    for (const TestPageResult& result : results) {
        QCOMPARE(result.verdict, DeliveryVerdict::Sent);
        QCOMPARE(result.outcome.httpStatus, 202);
    }
    QCOMPARE(server.requests().size(), 4);
    const nlohmann::json trigger = bodyOf(server.requests()[0]);
    const nlohmann::json resolve = bodyOf(server.requests()[1]);
    QCOMPARE(trigger["event_action"].get<std::string>(), std::string("trigger"));
    QCOMPARE(resolve["event_action"].get<std::string>(), std::string("resolve"));
    QCOMPARE(resolve["dedup_key"].get<std::string>(), trigger["dedup_key"].get<std::string>());
    QCOMPARE(trigger["routing_key"].get<std::string>(), kRoutingKey);
    const std::string line = describeTestPage(config, results[0]);
    QVERIFY2(line.find("pd: trigger slatrack-test:orders:") == 0 && line.find("HTTP 202 sent") != std::string::npos, line.c_str());

    // A refused trigger is reported and its resolve not sent; the answer is
    // printed with the key scrubbed.
    server.script({400, QByteArray::fromStdString("bad key " + kRoutingKey), {}});
    const auto refused = sendTestPages(config, "pd", "host-1", kStartMs, 2000);
    QCOMPARE(refused.size(), size_t(1));
    QCOMPARE(refused[0].verdict, DeliveryVerdict::Failed);
    QCOMPARE(server.requests().size(), 5);
    const std::string refusedLine = describeTestPage(config, refused[0]);
    QVERIFY2(refusedLine.find("HTTP 400 failed") != std::string::npos, refusedLine.c_str());
    QVERIFY2(refusedLine.find(kRoutingKey) == std::string::npos, refusedLine.c_str());
}

void TestPageOutbox::serviceKeepsIncidentsAndSilencesAcrossARestart()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    Fixture fixture;
    config::PipelineConfig config = pipelineWith({rule("p99", RuleKind::Latency, 0, 0), rule("stuck", RuleKind::Stuck, 0, 0)});
    config.alerts.pagers = {pagerDuty(server)};
    OutboxOptions tuning;
    tuning.pumpIntervalMs = 20;
    auto breached = healthySnapshot(kStartMs);
    setP99(breached, 41'200);
    setStuck(breached, {"order-1"});
    std::string p99Key;
    {
        AlertingService service(config, fixture.path, "host-1", {}, tuning);
        QCOMPARE(service.start(), std::string());
        service.addSilence(Silence{0, Silence::Kind::Rule, "stuck", "known backlog", "ana", kStartMs, kStartMs + 3'600'000});
        service.onSnapshot(breached, {}, kStartMs);
        QTRY_COMPARE(server.requests().size(), 1);
        p99Key = bodyOf(server.requests()[0])["dedup_key"].get<std::string>();
        QVERIFY2(p99Key.find(":p99:") != std::string::npos, p99Key.c_str());
        const nlohmann::ordered_json status = service.statusJson(kStartMs);
        QCOMPARE(status["worst"].get<std::string>(), std::string("firing"));
        QCOMPARE(status["rules"][1]["silenced"].get<bool>(), true);
        QTRY_COMPARE(service.statusJson(kStartMs)["pages"]["sent"].get<int>(), 1);
        service.stop();
    }
    AlertingService restarted(config, fixture.path, "host-1", {}, tuning);
    QCOMPARE(restarted.start(), std::string());
    // Still breached after the restart: the same incidents, the silence
    // read back from the store, so nothing new is sent.
    restarted.onSnapshot(breached, {}, kStartMs + 60'000);
    QCOMPARE(restarted.rules()[0].dedupKey, p99Key);
    QVERIFY(restarted.rules()[1].silenced);
    QTest::qWait(200);
    QCOMPARE(server.requests().size(), 1);
    restarted.onSnapshot(healthySnapshot(kStartMs + 61'000), {}, kStartMs + 61'000);
    QTRY_VERIFY(server.requests().size() >= 2);
    QTest::qWait(200);
    size_t p99Resolves = 0;
    for (const RecordedRequest& request : server.requests()) {
        const nlohmann::json body = bodyOf(request);
        QVERIFY2(!(body["event_action"] == "trigger" && body["dedup_key"].get<std::string>().find(":stuck:") != std::string::npos),
                 "a silenced rule was paged");
        if (body["event_action"] == "resolve" && body["dedup_key"] == p99Key)
            ++p99Resolves;
    }
    QCOMPARE(p99Resolves, size_t(1));
    restarted.stop();
    QVERIFY(readAlertState(fixture.path).openIncidents.empty());
}

QTEST_GUILESS_MAIN(TestPageOutbox)
#include "test_page_outbox.moc"

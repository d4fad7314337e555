// The exporter in-process: a snapshot built from a real JoinEngine turned
// into /metrics must say what the status line says for the same snapshot;
// the latency buckets must be cumulative and exact where the engine's bins
// are; /healthz over real HTTP on 127.0.0.1 must go 503 -> 200 -> 503 as
// the snapshot appears, goes stale, or the monitor fails; alert states
// come from a real AlertingService; a taken port is an error naming it.
#include "metrics_test_support.hpp"
#include "tests/alerting/alert_test_support.hpp"
#include "tests/alerting/http_test_server.hpp"

#include "core/alerting/alerting_service.hpp"
#include "core/config/config_loader.hpp"
#include "core/config/metrics_parse.hpp"
#include "core/engine/join_engine.hpp"
#include "core/engine/record_id.hpp"
#include "core/metrics/health_check.hpp"
#include "core/metrics/latency_buckets.hpp"
#include "core/metrics/metrics_collector.hpp"
#include "core/metrics/metrics_server.hpp"
#include "core/monitor/snapshot_builder.hpp"
#include "core/monitor/status_json.hpp"

#include <prometheus/text_serializer.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <atomic>
#include <mutex>

using namespace slatrack;
using metrics_test::find;
using metrics_test::value;

namespace {

constexpr int64_t kBaseMs = 1'764'574'500'000;  // 2025-12-01T07:35:00Z

engine::Event event(uint64_t id, int stage, int64_t timeMs)
{
    engine::Event out;
    out.id = engine::RecordId::composite(id);
    out.stage = static_cast<uint8_t>(stage);
    out.eventTimeMs = timeMs;
    return out;
}

// Three stages; completed records with spread latencies, stuck ones,
// duplicates, an orphan, a reject; health, lag and pipeline lag with
// known and unknown values.
monitor::MonitorSnapshot engineSnapshot()
{
    engine::EngineConfig config;
    config.stageCount = 3;
    config.slaMs = 1000;
    config.windowMs = 20'000;
    config.graceMs = 500;
    config.sweepIntervalMs = 0;
    engine::JoinEngine engine(config);
    std::vector<engine::Event> events;
    for (uint32_t record = 0; record < 60; ++record) {
        const int64_t t0 = kBaseMs + record * 20;
        const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), record + 1);
        events.push_back(event(id, 0, t0));
        if (record % 10 == 3)
            events.push_back(event(id, 0, t0));  // redelivered
        if (record % 12 == 11)
            continue;  // never leaves stage 0: stuck
        events.push_back(event(id, 1, t0 + 5 + record % 7));
        events.push_back(event(id, 2, t0 + 40 + (record * 53) % 1900));  // up to ~2 s end to end
    }
    events.push_back(event(engine::composite_id::make(static_cast<uint32_t>(kBaseMs / 1000), 9999), 2, kBaseMs + 100));  // orphan
    std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.eventTimeMs < b.eventTimeMs; });
    engine.ingest(events, engine::kMaxEventTimeMs);
    engine.reject(1, engine::RejectReason::NotJson, kBaseMs + 500);
    // Every stage moves on past the SLA and the grace period.
    const int64_t later = kBaseMs + 6000;
    const std::vector<engine::Event> tail{event(engine::composite_id::make(static_cast<uint32_t>(later / 1000), 7777), 0, later),
                                          event(engine::composite_id::make(static_cast<uint32_t>(later / 1000), 7778), 1, later),
                                          event(engine::composite_id::make(static_cast<uint32_t>(later / 1000), 7779), 2, later)};
    engine.ingest(tail, engine::kMaxEventTimeMs);
    engine.advance(later + 100, true);
    std::deque<monitor::GaugeSample> history;
    monitor::MonitorSnapshot snapshot = monitor::buildEngineSnapshot(engine, later + 200, history);
    snapshot.pipeline = "orders";
    snapshot.stageNames = {"incoming", "enriched", "processed"};
    snapshot.phase = monitor::Phase::Live;
    snapshot.connected = true;
    snapshot.health = {monitor::StageHealth{monitor::StageHealthState::Ok, {}, kBaseMs},
                       monitor::StageHealth{monitor::StageHealthState::CatchingUp, "behind", kBaseMs},
                       monitor::StageHealth{monitor::StageHealthState::Blind, "no answer from broker 1", kBaseMs}};
    snapshot.freshnessMs[2] = -1;  // unknown: must not read as 0
    ingest::PartitionLag known;
    known.stage = 0;
    known.topic = "orders.in";
    known.position = 10;
    known.highWatermark = 17;
    known.lag = 7;
    ingest::PartitionLag unknown;
    unknown.stage = 1;
    unknown.topic = "orders.enriched";  // position/high watermark -1, lag 0 "when unknown"
    snapshot.partitions = {known, unknown};
    snapshot.totalLag = 7;
    monitor::GroupLag enricher;
    enricher.group = "enricher";
    enricher.stageName = "incoming";
    enricher.state = ingest::GroupLagState::Ok;
    enricher.messages = 42;
    enricher.timeMs = 1500;
    monitor::GroupLag processor;
    processor.group = "processor";
    processor.stageName = "enriched";  // not read yet: messages and time -1
    snapshot.pipelineLag = {enricher, processor};
    return snapshot;
}

std::string render(const monitor::MonitorSnapshot* snapshot, const alerting::AlertingService* alerts = nullptr, int64_t nowMs = kBaseMs)
{
    return prometheus::TextSerializer().Serialize(metrics::collectMetrics(snapshot, alerts, "orders", nowMs));
}

// A snapshot source the server reads from its own threads.
class SnapshotSlot {
public:
    void set(monitor::SnapshotPtr snapshot)
    {
        std::lock_guard lock(m_mutex);
        m_snapshot = std::move(snapshot);
    }
    monitor::SnapshotPtr get() const
    {
        std::lock_guard lock(m_mutex);
        return m_snapshot;
    }

private:
    mutable std::mutex m_mutex;
    monitor::SnapshotPtr m_snapshot;
};

} // namespace

class TestMetricsExporter : public QObject {
    Q_OBJECT

private slots:
    void valuesEqualTheStatusLine()
    {
        const monitor::MonitorSnapshot snapshot = engineSnapshot();
        const nlohmann::json status = nlohmann::json::parse(monitor::statusLineJson(snapshot));
        const std::string text = render(&snapshot);
        const auto samples = metrics_test::parseSamples(text);
        const nlohmann::json& counts = status["counts"];
        // The scenario must exercise what it compares.
        QVERIFY(counts["matched"].get<uint64_t>() > 40);
        QVERIFY(counts["stuck"].get<uint64_t>() > 0);
        QVERIFY(counts["duplicates"].get<uint64_t>() > 0);
        QVERIFY(counts["orphans"].get<uint64_t>() > 0);
        QCOMPARE(counts["rejected"].get<uint64_t>(), uint64_t(1));

        QCOMPARE(value(samples, "slatrack_records_total", {{"pipeline", "orders"}, {"stage", "incoming"}}), std::optional<double>(counts["incoming"].get<double>()));
        QCOMPARE(value(samples, "slatrack_records_total", {{"stage", "processed"}}), std::optional<double>(counts["processed"].get<double>()));
        QCOMPARE(value(samples, "slatrack_matched_total"), std::optional<double>(counts["matched"].get<double>()));
        QCOMPARE(value(samples, "slatrack_open_records"), std::optional<double>(counts["open"].get<double>()));
        QCOMPARE(value(samples, "slatrack_stuck_records"), std::optional<double>(counts["stuck"].get<double>()));
        QCOMPARE(value(samples, "slatrack_early_records"), std::optional<double>(counts["early"].get<double>()));
        QCOMPARE(metrics_test::sum(samples, "slatrack_lost_total"), counts["lost"].get<double>());
        QCOMPARE(metrics_test::sum(samples, "slatrack_duplicates_total"), counts["duplicates"].get<double>());
        QCOMPARE(metrics_test::sum(samples, "slatrack_orphans_total"), counts["orphans"].get<double>());
        QCOMPARE(metrics_test::sum(samples, "slatrack_late_total"), counts["late"].get<double>());
        QCOMPARE(metrics_test::sum(samples, "slatrack_stale_total"), counts["stale"].get<double>());
        QCOMPARE(metrics_test::sum(samples, "slatrack_rejected_total"), counts["rejected"].get<double>());
        QCOMPARE(value(samples, "slatrack_rejected_total", {{"stage", "enriched"}, {"reason", "not_json"}}), std::optional<double>(1));
        QCOMPARE(find(samples, "slatrack_rejected_total").size(), size_t(3 * static_cast<size_t>(engine::RejectReason::Count)));
        QCOMPARE(value(samples, "slatrack_snapshot_timestamp_seconds"), std::optional<double>(status["time_ms"].get<double>() / 1000.0));

        // The histogram: _count is the status line's since-start count,
        // buckets cumulative, +Inf == _count, exact below 128 ms.
        const auto& latency = status["latency_ms"]["since_start"];
        QCOMPARE(value(samples, "slatrack_latency_seconds_count"), std::optional<double>(latency["count"].get<double>()));
        QCOMPARE(value(samples, "slatrack_latency_seconds_count"), std::optional<double>(counts["matched"].get<double>()));
        const auto buckets = find(samples, "slatrack_latency_seconds_bucket");
        QCOMPARE(buckets.size(), metrics::kLatencyBucketBoundsMs.size() + 1);
        for (size_t bucket_idx = 1; bucket_idx < buckets.size(); ++bucket_idx)
            QVERIFY2(buckets[bucket_idx].value >= buckets[bucket_idx - 1].value, buckets[bucket_idx].labels.at("le").c_str());
        QCOMPARE(buckets.back().labels.at("le"), std::string("+Inf"));
        QCOMPARE(buckets.back().value, latency["count"].get<double>());
        QVERIFY(buckets.back().value > value(samples, "slatrack_latency_seconds_bucket", {{"le", "1"}}).value_or(-1));  // some took > 1 s
        QVERIFY(value(samples, "slatrack_latency_seconds_sum").value_or(0) > 0);
        const auto hops = status["hop_latency_ms"]["since_start"];
        QCOMPARE(hops.size(), size_t(2));
        for (const auto& hop : hops)
            QCOMPARE(value(samples, "slatrack_hop_latency_seconds_count", {{"from", hop["from"]}, {"to", hop["to"]}}),
                     std::optional<double>(hop["count"].get<double>()));

        // Health as a state set; unknowns left out, never 0.
        QCOMPARE(value(samples, "slatrack_stage_health", {{"stage", "enriched"}, {"state", "catching_up"}}), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_stage_health", {{"stage", "enriched"}, {"state", "ok"}}), std::optional<double>(0));
        QCOMPARE(value(samples, "slatrack_stage_health", {{"stage", "processed"}, {"state", "blind"}}), std::optional<double>(1));
        QCOMPARE(find(samples, "slatrack_watermark_age_seconds").size(), size_t(2));
        QCOMPARE(find(samples, "slatrack_watermark_age_seconds", {{"stage", "processed"}}).size(), size_t(0));
        QCOMPARE(value(samples, "slatrack_watermark_age_seconds", {{"stage", "incoming"}}),
                 std::optional<double>(status["watermark_age_ms"][0].get<double>() / 1000.0));
        QCOMPARE(metrics_test::sum(samples, "slatrack_own_lag_messages"), status["lag"]["total"].get<double>());
        QCOMPARE(value(samples, "slatrack_own_lag_unknown_partitions", {{"stage", "enriched"}}), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_pipeline_lag_messages", {{"group", "enricher"}}), std::optional<double>(42));
        QCOMPARE(value(samples, "slatrack_pipeline_lag_seconds", {{"group", "enricher"}}), std::optional<double>(1.5));
        QCOMPARE(find(samples, "slatrack_pipeline_lag_messages", {{"group", "processor"}}).size(), size_t(0));
        QCOMPARE(find(samples, "slatrack_pipeline_lag_seconds", {{"group", "processor"}}).size(), size_t(0));
        QCOMPARE(value(samples, "slatrack_pipeline_lag_state", {{"group", "processor"}, {"state", "cant_judge"}}), std::optional<double>(1));
        QVERIFY(value(samples, "process_resident_memory_bytes").value_or(0) > 1e6);
        QVERIFY(value(samples, "process_open_fds").value_or(0) >= 3);

        const auto checked = metrics_test::promtoolCheck(text);
        if (!checked.found)
            QSKIP("promtool not installed (installer/install-deps.sh installs Debian's prometheus)");
        QVERIFY2(checked.exitCode == 0, (checked.output + "\n" + text).c_str());
    }

    void bucketsAreCumulativeAndExactOnBinEdges()
    {
        engine::LatencyHistogram histogram;
        for (int64_t ms = 0; ms < 3000; ++ms)
            histogram.record(ms);
        histogram.record(10LL * 24 * 3600 * 1000);  // past the last bound: +Inf only
        const metrics::LatencyBuckets buckets = metrics::latencyBuckets(histogram);
        QCOMPARE(buckets.count, uint64_t(3001));
        // Below 128 ms every ms is its own bin: exact.
        QCOMPARE(buckets.cumulative[0], uint64_t(2));    // le 1 ms: 0 and 1
        QCOMPARE(buckets.cumulative[3], uint64_t(11));   // le 10 ms
        QCOMPARE(buckets.cumulative[6], uint64_t(101));  // le 100 ms
        // Above, a bin straddling the bound goes to the next bucket: never
        // more than the true count, less by at most a bin (1/64 of the bound).
        for (size_t bucket_idx = 7; bucket_idx < 11; ++bucket_idx) {
            const uint64_t exact = static_cast<uint64_t>(metrics::kLatencyBucketBoundsMs[bucket_idx]) + 1;
            QVERIFY2(buckets.cumulative[bucket_idx] <= exact && buckets.cumulative[bucket_idx] + exact / 64 + 1 >= exact,
                     std::to_string(buckets.cumulative[bucket_idx]).c_str());
        }
        QCOMPARE(buckets.cumulative.back(), uint64_t(3000));
        for (size_t bucket_idx = 1; bucket_idx < buckets.cumulative.size(); ++bucket_idx)
            QVERIFY(buckets.cumulative[bucket_idx] >= buckets.cumulative[bucket_idx - 1]);
        QCOMPARE(metrics::latencyBuckets(engine::LatencyHistogram{}).cumulative.back(), uint64_t(0));
    }

    void healthVerdicts()
    {
        QCOMPARE(metrics::judgeHealth(nullptr, kBaseMs).httpStatus, 503);
        QCOMPARE(metrics::judgeHealth(nullptr, kBaseMs).text, std::string("no snapshot yet"));
        monitor::MonitorSnapshot snapshot = alerting_test::healthySnapshot(kBaseMs);
        QCOMPARE(metrics::judgeHealth(&snapshot, kBaseMs + 9'000).httpStatus, 200);
        QCOMPARE(metrics::judgeHealth(&snapshot, kBaseMs + 10'000).httpStatus, 200);
        const auto stale = metrics::judgeHealth(&snapshot, kBaseMs + 12'300);
        QCOMPARE(stale.httpStatus, 503);
        QVERIFY2(stale.text.find("stale") == 0 && stale.text.find("12.3 s") != std::string::npos, stale.text.c_str());
        snapshot.fatalError = "engine: out of memory";
        const auto failed = metrics::judgeHealth(&snapshot, kBaseMs);
        QCOMPARE(failed.httpStatus, 503);
        QCOMPARE(failed.text, std::string("the monitor stopped: engine: out of memory"));
    }

    void serverAnswersOverHttp()
    {
        SnapshotSlot slot;
        std::atomic<int64_t> clock{kBaseMs};
        metrics::MetricsServerOptions options;
        options.listen = "127.0.0.1:0";
        options.pipeline = "orders";
        options.latest = [&slot] { return slot.get(); };
        options.clockMs = [&clock] { return clock.load(); };
        metrics::MetricsServer server(options);
        QCOMPARE(server.start(), std::string());
        QVERIFY(server.port() > 0);
        QCOMPARE(server.url(), "http://127.0.0.1:" + std::to_string(server.port()));

        auto health = metrics_test::httpRequest(server.port(), "/healthz");
        QCOMPARE(health.status, 503);
        QCOMPARE(health.body, std::string("no snapshot yet\n"));
        // Before the first snapshot: process metrics and "no snapshot", no pipeline zeros.
        auto scrape = metrics_test::httpRequest(server.port(), "/metrics");
        QCOMPARE(scrape.status, 200);
        QCOMPARE(scrape.contentType, std::string("text/plain; version=0.0.4; charset=utf-8"));
        auto samples = metrics_test::parseSamples(scrape.body);
        QCOMPARE(value(samples, "slatrack_snapshot_available", {{"pipeline", "orders"}}), std::optional<double>(0));
        QCOMPARE(find(samples, "slatrack_open_records").size(), size_t(0));

        slot.set(std::make_shared<const monitor::MonitorSnapshot>(alerting_test::healthySnapshot(kBaseMs)));
        health = metrics_test::httpRequest(server.port(), "/healthz");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, std::string("ok\n"));
        scrape = metrics_test::httpRequest(server.port(), "/metrics");
        samples = metrics_test::parseSamples(scrape.body);
        QCOMPARE(value(samples, "slatrack_snapshot_available"), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_open_records", {{"pipeline", "orders"}}), std::optional<double>(100));

        clock = kBaseMs + 15'000;  // no new snapshot for 15 s
        health = metrics_test::httpRequest(server.port(), "/healthz");
        QCOMPARE(health.status, 503);
        QVERIFY2(health.body.find("stale: the latest snapshot is 15.0 s old") == 0, health.body.c_str());

        auto failed = alerting_test::healthySnapshot(kBaseMs + 15'000);
        failed.fatalError = "engine stopped";
        slot.set(std::make_shared<const monitor::MonitorSnapshot>(failed));
        health = metrics_test::httpRequest(server.port(), "/healthz");
        QCOMPARE(health.status, 503);
        QCOMPARE(health.body, std::string("the monitor stopped: engine stopped\n"));
        samples = metrics_test::parseSamples(metrics_test::httpRequest(server.port(), "/metrics").body);
        QCOMPARE(value(samples, "slatrack_monitor_failed"), std::optional<double>(1));

        QCOMPARE(metrics_test::httpRequest(server.port(), "/metrics", "POST").status, 405);
        QCOMPARE(metrics_test::httpRequest(server.port(), "/other").status, 404);
        QCOMPARE(metrics_test::httpRequest(server.port(), "/metricsfoo").status, 404);
        QCOMPARE(server.scrapes(), uint64_t(3));  // the GETs of /metrics, not the refused POST
        server.stop();
        QCOMPARE(metrics_test::httpRequest(server.port(), "/healthz").status, 0);  // nothing listens any more
    }

    void portInUseIsAnErrorNamingTheAddress()
    {
        metrics::MetricsServerOptions options;
        options.listen = "127.0.0.1:0";
        metrics::MetricsServer first(options);
        QCOMPARE(first.start(), std::string());
        options.listen = "127.0.0.1:" + std::to_string(first.port());
        metrics::MetricsServer second(options);
        const std::string error = second.start();
        QVERIFY2(error.find("cannot serve metrics on " + options.listen + ": ") == 0, error.c_str());
        QVERIFY2(error.find("in use") != std::string::npos, error.c_str());
        QCOMPARE(second.port(), 0);
        const nlohmann::json status = nlohmann::json::parse(second.statusJson());
        QCOMPARE(status["state"].get<std::string>(), std::string("failed"));
        QCOMPARE(status["error"].get<std::string>(), error);
        // The first one still serves.
        QCOMPARE(metrics_test::httpRequest(first.port(), "/healthz").status, 503);
    }

    void alertStatesAndPagesFromARealService()
    {
        alerting_test::HttpTestServer pager;
        QVERIFY(pager.listen());
        using config::RuleKind;
        config::PipelineConfig config =
            alerting_test::pipelineWith({alerting_test::rule("p99", RuleKind::Latency, 0, 0), alerting_test::rule("stuck", RuleKind::Stuck, 60'000, 0)});
        config::PagerConfig pd;
        pd.name = "pd";
        pd.kind = config::PagerKind::PagerDuty;
        pd.url = pager.url();
        pd.secret = config::Secret("0123456789abcdef0123456789abcdef", config::Secret::Source::Env, "PD_ROUTING_KEY");
        config.alerts.pagers = {pd};
        alerting::OutboxOptions tuning;
        tuning.pumpIntervalMs = 20;
        alerting::AlertingService service(config, {}, "host-1", {}, tuning);
        QCOMPARE(service.start(), std::string());
        auto breached = alerting_test::healthySnapshot(kBaseMs);
        alerting_test::setP99(breached, 41'200);  // over the 30 s threshold, for 0: fires
        alerting_test::setStuck(breached, {"order-1"});  // for 1 m: pending
        service.onSnapshot(breached, {}, kBaseMs);
        QTRY_COMPARE(service.statusJson(kBaseMs)["pages"]["sent"].get<int>(), 1);

        const auto samples = metrics_test::parseSamples(render(&breached, &service));
        QCOMPARE(value(samples, "slatrack_alert_state", {{"rule", "p99"}, {"state", "firing"}}), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_alert_state", {{"rule", "p99"}, {"state", "normal"}}), std::optional<double>(0));
        QCOMPARE(value(samples, "slatrack_alert_state", {{"rule", "stuck"}, {"state", "pending"}}), std::optional<double>(1));
        QCOMPARE(find(samples, "slatrack_alert_state", {{"rule", "stuck"}}).size(), size_t(6));
        QCOMPARE(metrics_test::sum(samples, "slatrack_alert_state"), 2.0);  // one state per rule
        QCOMPARE(value(samples, "slatrack_alert_state", {{"rule", "p99"}, {"state", "firing"}, {"kind", "latency"}, {"severity", "critical"}}),
                 std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_alert_pages", {{"state", "sent"}}), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_alert_pages", {{"state", "failed"}}), std::optional<double>(0));
        QCOMPARE(value(samples, "slatrack_alert_silenced", {{"rule", "stuck"}}), std::optional<double>(0));
        const auto checked = metrics_test::promtoolCheck(render(&breached, &service));
        if (checked.found)
            QVERIFY2(checked.exitCode == 0, checked.output.c_str());
        service.stop();
    }

    void configFieldNamesItself_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QByteArray>("expected");  // the normalised address, or "error: <part of the message>"
        QTest::newRow("address") << QByteArray(R"("127.0.0.1:9464")") << QByteArray("127.0.0.1:9464");
        QTest::newRow("port alone is loopback") << QByteArray(R"("9464")") << QByteArray("127.0.0.1:9464");
        QTest::newRow("colon port") << QByteArray(R"(":0")") << QByteArray("127.0.0.1:0");
        QTest::newRow("localhost") << QByteArray(R"("localhost:80")") << QByteArray("127.0.0.1:80");
        QTest::newRow("every interface, written out") << QByteArray(R"("0.0.0.0:9464")") << QByteArray("0.0.0.0:9464");
        QTest::newRow("ipv6") << QByteArray(R"("[::1]:9464")") << QByteArray("[::1]:9464");
        QTest::newRow("none") << QByteArray(R"("none")") << QByteArray("");
        QTest::newRow("number") << QByteArray("9464") << QByteArray("error: expected \"HOST:PORT\"");
        QTest::newRow("object") << QByteArray(R"({"listen": "127.0.0.1:9464"})") << QByteArray("error: expected \"HOST:PORT\"");
        QTest::newRow("port too big") << QByteArray(R"("127.0.0.1:70000")") << QByteArray("error: the port must be 0 to 65535");
        QTest::newRow("no port") << QByteArray(R"("127.0.0.1:")") << QByteArray("error: the port must be 0 to 65535");
        QTest::newRow("host name") << QByteArray(R"("metrics.example:9464")") << QByteArray("error: the host must be a numeric address or localhost");
        QTest::newRow("bad ipv6") << QByteArray(R"("[::g]:9464")") << QByteArray("error: expected an IPv6 address inside [ ]");
    }

    void configFieldNamesItself()
    {
        QFETCH(QByteArray, field);
        QFETCH(QByteArray, expected);
        const std::string text = R"({"pipeline": "orders", "kafka": {"brokers": "127.0.0.1:1"},
            "stages": [{"name": "in", "topics": ["a"], "id": {"from": "key"}}, {"name": "out", "topics": ["b"], "id": {"from": "key"}}],
            "metrics": )" + field.toStdString() + "}";
        const config::LoadResult loaded = config::parseConfig(text, "pipeline.json", ".");
        if (expected.startsWith("error: ")) {
            QVERIFY(!loaded.ok());
            const std::string errors = config::formatErrors(loaded.errors);
            QVERIFY2(errors.find("metrics") != std::string::npos, errors.c_str());
            QVERIFY2(errors.find(expected.mid(7).toStdString()) != std::string::npos, errors.c_str());
            return;
        }
        QVERIFY2(loaded.ok(), config::formatErrors(loaded.errors).c_str());
        QCOMPARE(loaded.config->metricsListen, expected.toStdString());
        // The logged description reads back as the same config.
        if (!expected.isEmpty())
            QVERIFY(config::describeForLog(*loaded.config).find("\"metrics\":\"" + expected.toStdString() + "\"") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestMetricsExporter)
#include "test_metrics_exporter.moc"

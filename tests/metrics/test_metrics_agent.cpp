// `slatrack --headless --metrics` as Prometheus sees it: the built binary
// on a mock cluster with a known stream, /metrics scraped over real HTTP on
// 127.0.0.1, validated by promtool, and its values compared with the status
// line the agent printed for the very same snapshot (matched by time_ms).
#include "metrics_test_support.hpp"

#include "core/demo/mock_broker.hpp"
#include "tests/support/pipeline_config_file.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>

#include <chrono>
#include <csignal>
#include <map>

using namespace slatrack;
using metrics_test::find;
using metrics_test::value;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

QString writeConfig(const QTemporaryDir& dir, const std::string& brokers, const QString& extra = {})
{
    return test::writePipelineConfig(dir, brokers, {.extra = extra});
}

// The agent's output as it arrives: status lines by time_ms, stderr text.
struct Agent {
    QProcess process;
    QByteArray pendingOut;
    QByteArray err;
    std::map<qint64, QJsonObject> lines;
    QJsonObject last;

    void pump(int waitMs = 100)
    {
        process.waitForReadyRead(waitMs);
        err += process.readAllStandardError();
        pendingOut += process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = pendingOut.indexOf('\n')) >= 0) {
            last = QJsonDocument::fromJson(pendingOut.left(newline)).object();
            pendingOut.remove(0, newline + 1);
            lines[last[QStringLiteral("time_ms")].toInteger()] = last;
        }
    }
    int metricsPort(std::chrono::seconds limit)
    {
        static const QRegularExpression logged(QStringLiteral(R"(slatrack: metrics on http://127\.0\.0\.1:(\d+)/metrics\n)"));
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto match = logged.match(QString::fromUtf8(err));
            if (match.hasMatch())
                return match.captured(1).toInt();
            pump();
        }
        return 0;
    }
    bool stop()
    {
        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        return process.waitForFinished(15'000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }
};

} // namespace

class TestMetricsAgent : public QObject {
    Q_OBJECT

private slots:
    void scrapeEqualsTheStatusLine()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 4);
        broker.createTopic("processed", 4);
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 1200, 40, 30, 4);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        QTemporaryDir dir;
        const double startedAt = static_cast<double>(nowMs()) / 1000.0;
        Agent agent;
        agent.process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers()),
                                                               QStringLiteral("--interval-ms"), QStringLiteral("200"), QStringLiteral("--metrics"),
                                                               QStringLiteral("127.0.0.1:0")});
        QVERIFY(agent.process.waitForStarted());
        const int port = agent.metricsPort(std::chrono::seconds(20));
        QVERIFY2(port > 0, agent.err.constData());

        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
        bool settled = false;
        while (!settled && std::chrono::steady_clock::now() < deadline) {
            agent.pump(300);
            const QJsonObject counts = agent.last[QStringLiteral("counts")].toObject();
            settled = agent.last[QStringLiteral("phase")].toString() == QStringLiteral("live") &&
                      counts[QStringLiteral("matched")].toInteger() == qint64(truth.processed.size()) &&
                      counts[QStringLiteral("stuck")].toInteger() == qint64(truth.droppedIds.size());
        }
        QVERIFY2(settled, QJsonDocument(agent.last).toJson().constData());
        const QJsonObject metricsStatus = agent.last[QStringLiteral("metrics")].toObject();
        QCOMPARE(metricsStatus[QStringLiteral("state")].toString(), QStringLiteral("serving"));
        QCOMPARE(metricsStatus[QStringLiteral("url")].toString(), QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));

        // A scrape, and the status line printed for the same snapshot.
        std::vector<metrics_test::Sample> samples;
        std::string text;
        QJsonObject line;
        for (int attempt = 0; attempt < 20 && line.isEmpty(); ++attempt) {
            const auto scrape = metrics_test::httpRequest(port, "/metrics");
            QCOMPARE(scrape.status, 200);
            text = scrape.body;
            samples = metrics_test::parseSamples(text);
            const auto taken = value(samples, "slatrack_snapshot_timestamp_seconds", {{"pipeline", "orders"}});
            QVERIFY2(taken, text.c_str());
            const qint64 takenMs = std::llround(*taken * 1000.0);
            for (int wait = 0; wait < 10 && !agent.lines.count(takenMs); ++wait)
                agent.pump(100);
            if (agent.lines.count(takenMs))
                line = agent.lines[takenMs];
        }
        QVERIFY2(!line.isEmpty(), "no status line for the scraped snapshot");
        const QJsonObject counts = line[QStringLiteral("counts")].toObject();
        const auto count = [&counts](const char* name) { return std::optional<double>(static_cast<double>(counts[QLatin1String(name)].toInteger())); };
        QCOMPARE(value(samples, "slatrack_records_total", {{"stage", "incoming"}}), count("incoming"));
        QCOMPARE(value(samples, "slatrack_records_total", {{"stage", "processed"}}), count("processed"));
        QCOMPARE(value(samples, "slatrack_matched_total"), count("matched"));
        QCOMPARE(value(samples, "slatrack_open_records"), count("open"));
        QCOMPARE(value(samples, "slatrack_stuck_records"), count("stuck"));
        QCOMPARE(std::optional<double>(metrics_test::sum(samples, "slatrack_lost_total")), count("lost"));
        QCOMPARE(std::optional<double>(metrics_test::sum(samples, "slatrack_duplicates_total")), count("duplicates"));
        QCOMPARE(std::optional<double>(metrics_test::sum(samples, "slatrack_orphans_total")), count("orphans"));
        QCOMPARE(std::optional<double>(metrics_test::sum(samples, "slatrack_rejected_total")), count("rejected"));
        // ... and both equal the ground truth.
        QCOMPARE(value(samples, "slatrack_records_total", {{"stage", "incoming"}}), std::optional<double>(truth.records));
        QCOMPARE(value(samples, "slatrack_stuck_records"), std::optional<double>(truth.droppedIds.size()));
        QCOMPARE(std::optional<double>(metrics_test::sum(samples, "slatrack_duplicates_total")), std::optional<double>(truth.duplicateIncoming));

        // The histogram: _count == matched, buckets cumulative, +Inf == _count.
        QCOMPARE(value(samples, "slatrack_latency_seconds_count"), count("matched"));
        const double sinceStartCount = static_cast<double>(
            line[QStringLiteral("latency_ms")].toObject()[QStringLiteral("since_start")].toObject()[QStringLiteral("count")].toInteger());
        QCOMPARE(value(samples, "slatrack_latency_seconds_count"), std::optional<double>(sinceStartCount));
        const auto buckets = find(samples, "slatrack_latency_seconds_bucket");
        QVERIFY(buckets.size() > 10);
        for (size_t bucket_idx = 1; bucket_idx < buckets.size(); ++bucket_idx)
            QVERIFY2(buckets[bucket_idx].value >= buckets[bucket_idx - 1].value, buckets[bucket_idx].labels.at("le").c_str());
        QCOMPARE(buckets.back().labels.at("le"), std::string("+Inf"));
        QCOMPARE(std::optional<double>(buckets.back().value), count("matched"));
        // The scripted latencies are 20..499 ms: none at or below 10 ms, all within 0.5 s.
        QCOMPARE(value(samples, "slatrack_latency_seconds_bucket", {{"le", "0.01"}}), std::optional<double>(0));
        QCOMPARE(value(samples, "slatrack_latency_seconds_bucket", {{"le", "0.5"}}), count("matched"));
        double latencySum = 0;
        for (const int64_t latency : truth.latencies)
            latencySum += static_cast<double>(latency) / 1000.0;
        QVERIFY(std::abs(value(samples, "slatrack_latency_seconds_sum").value_or(0) - latencySum) < 0.01);
        QCOMPARE(value(samples, "slatrack_hop_latency_seconds_count", {{"from", "incoming"}, {"to", "processed"}}), count("matched"));

        // Health and lag as the line says.
        for (const auto& stage : line[QStringLiteral("health")].toArray()) {
            const QJsonObject health = stage.toObject();
            QCOMPARE(value(samples, "slatrack_stage_health",
                           {{"stage", health[QStringLiteral("stage")].toString().toStdString()}, {"state", health[QStringLiteral("state")].toString().toStdString()}}),
                     std::optional<double>(1));
        }
        QCOMPARE(metrics_test::sum(samples, "slatrack_own_lag_messages"),
                 static_cast<double>(line[QStringLiteral("lag")].toObject()[QStringLiteral("total")].toInteger()));
        QCOMPARE(value(samples, "slatrack_phase", {{"phase", "live"}}), std::optional<double>(1));
        QCOMPARE(value(samples, "slatrack_connected"), std::optional<double>(1));
        const double processStart = value(samples, "process_start_time_seconds").value_or(0);
        QVERIFY2(processStart > startedAt - 5 && processStart < startedAt + 30, std::to_string(processStart - startedAt).c_str());
        QVERIFY(value(samples, "process_cpu_seconds_total").value_or(0) > 0);
        QVERIFY(value(samples, "process_resident_memory_bytes").value_or(0) > 1e6);

        const auto checked = metrics_test::promtoolCheck(text);
        if (!checked.found)
            QSKIP("promtool not installed (installer/install-deps.sh installs Debian's prometheus)");
        QVERIFY2(checked.exitCode == 0, (checked.output + "\n" + text).c_str());

        const auto health = metrics_test::httpRequest(port, "/healthz");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, std::string("ok\n"));
        QVERIFY(agent.stop());
        QCOMPARE(metrics_test::httpRequest(port, "/healthz").status, 0);
    }

    void portInUseKeepsTheAgentRunning()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QString address = QStringLiteral("127.0.0.1:%1").arg(taken.serverPort());
        QTemporaryDir dir;
        Agent agent;
        agent.process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), writeConfig(dir, "127.0.0.1:1"),
                                                               QStringLiteral("--interval-ms"), QStringLiteral("200"), QStringLiteral("--store"),
                                                               QStringLiteral("none"), QStringLiteral("--metrics"), address});
        QVERIFY(agent.process.waitForStarted());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (agent.lines.size() < 3 && std::chrono::steady_clock::now() < deadline)
            agent.pump(200);
        QVERIFY2(agent.lines.size() >= 3, agent.err.constData());  // still running, still reporting
        const QString err = QString::fromUtf8(agent.err);
        QVERIFY2(err.contains(QStringLiteral("slatrack: cannot serve metrics on ") + address + QStringLiteral(": ")), agent.err.constData());
        QVERIFY2(err.contains(QStringLiteral("(Address already in use)")), agent.err.constData());
        QVERIFY2(err.contains(QStringLiteral("; running without metrics\n")), agent.err.constData());
        const QJsonObject metricsStatus = agent.last[QStringLiteral("metrics")].toObject();
        QCOMPARE(metricsStatus[QStringLiteral("state")].toString(), QStringLiteral("failed"));
        QVERIFY2(metricsStatus[QStringLiteral("error")].toString().contains(address), QJsonDocument(metricsStatus).toJson().constData());
        QVERIFY(agent.stop());
    }

    // The config's "metrics" serves; --metrics none wins over it.
    void configAddressAndFlagOverride()
    {
        QTcpServer probe;  // a free port for the config to name
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        QTemporaryDir dir;
        const QString config = writeConfig(dir, "127.0.0.1:1", QStringLiteral(R"(, "metrics": "%1")").arg(port));
        {
            Agent agent;
            agent.process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), config, QStringLiteral("--store"),
                                                                   QStringLiteral("none"), QStringLiteral("--interval-ms"), QStringLiteral("200")});
            QVERIFY(agent.process.waitForStarted());
            QCOMPARE(agent.metricsPort(std::chrono::seconds(15)), int(port));  // a bare port: 127.0.0.1
            QTRY_COMPARE_WITH_TIMEOUT(metrics_test::httpRequest(port, "/healthz").status, 200, 10'000);
            QVERIFY(agent.stop());
        }
        Agent agent;
        agent.process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), config, QStringLiteral("--store"),
                                                               QStringLiteral("none"), QStringLiteral("--interval-ms"), QStringLiteral("200"),
                                                               QStringLiteral("--metrics"), QStringLiteral("none")});
        QVERIFY(agent.process.waitForStarted());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (agent.lines.size() < 2 && std::chrono::steady_clock::now() < deadline)
            agent.pump(200);
        QVERIFY(agent.lines.size() >= 2);
        QVERIFY2(!agent.err.contains("metrics on"), agent.err.constData());
        QVERIFY(!agent.last.contains(QStringLiteral("metrics")));
        QCOMPARE(metrics_test::httpRequest(port, "/healthz").status, 0);
        QVERIFY(agent.stop());
    }

    void badAddressesAreErrorsNamingTheField()
    {
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), writeConfig(dir, "127.0.0.1:1"),
                                                         QStringLiteral("--metrics"), QStringLiteral("metrics.example:9464")});
        QVERIFY(process.waitForFinished(15'000));
        QCOMPARE(process.exitCode(), 2);
        QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("--metrics expected") && err.contains("metrics.example:9464"), err.constData());

        process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"),
                                                         writeConfig(dir, "127.0.0.1:1", QStringLiteral(R"(, "metrics": 9464)"))});
        QVERIFY(process.waitForFinished(15'000));
        QCOMPARE(process.exitCode(), 2);
        err = process.readAllStandardError();
        QVERIFY2(err.contains("metrics: expected \"HOST:PORT\""), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestMetricsAgent)
#include "test_metrics_agent.moc"

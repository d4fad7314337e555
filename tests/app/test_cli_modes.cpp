// `slatrack audit` and `slatrack --headless` as an operator runs them: the
// built binary against a mock cluster started here, with a scripted
// pipeline whose ground truth the reports must equal exactly.
#include "core/demo/mock_broker.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDateTime>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>
#include <csignal>

using namespace slatrack;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

QString writeConfig(const QTemporaryDir& dir, const std::string& brokers, const QString& extra = {})
{
    const QString path = dir.filePath(QStringLiteral("pipeline.json"));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QStringLiteral(R"({
  "pipeline": "orders",
  "kafka": {"brokers": "%1", "properties": {"fetch.wait.max.ms": "20"}},
  "id_format": "composite",
  "stages": [
    {"name": "incoming", "topics": ["incoming"], "id": {"from": "key"}},
    {"name": "processed", "topics": ["processed"], "id": {"from": "key"}}
  ],
  "sla": "2s", "window": "5m", "grace": "5s"%2
})").arg(QString::fromStdString(brokers), extra).toUtf8());
    return path;
}

QStringList toList(const QJsonValue& value)
{
    QStringList out;
    for (const auto& item : value.toArray())
        out << item.toString();
    return out;
}

QStringList toList(const std::vector<std::string>& values)
{
    QStringList out;
    for (const auto& value : values)
        out << QString::fromStdString(value);
    return out;
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runSlatrack(const QStringList& arguments, int timeoutMs = 60'000)
{
    QProcess process;
    process.start(QStringLiteral(SLATRACK_BINARY), arguments);
    process.waitForFinished(timeoutMs);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

class TestCliModes : public QObject {
    Q_OBJECT

private slots:
    void auditEqualsGroundTruth()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 4);
        broker.createTopic("processed", 4);
        const int64_t now = nowMs();
        // Recent traffic: dropped records are stuck at the end of the range.
        const auto recent = test::makeKnownPipeline(now - 90'000, 1500, 60, 45, 1);
        // Traffic from 8 minutes ago: dropped records are lost (window 5 min).
        const auto old = test::makeKnownPipeline(now - 480'000, 500, 25, 0, 2);
        for (const auto* part : {&recent, &old}) {
            QCOMPARE(test::produceAll(broker.bootstrapServers(), part->incoming), std::string());
            QCOMPARE(test::produceAll(broker.bootstrapServers(), part->processed), std::string());
        }
        QTemporaryDir dir;
        const QString config = writeConfig(dir, broker.bootstrapServers());
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), config, QStringLiteral("--from"), QStringLiteral("-15m"),
                                     QStringLiteral("--to"), QString::number(now), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 1, run.err.constData());  // stuck and lost records: breached
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(!report.isEmpty(), run.out.constData());

        const auto records = recent.records + old.records;
        const auto processed = recent.processed.size() + old.processed.size();
        QCOMPARE(report[QStringLiteral("incoming")].toInteger(), qint64(records));
        QCOMPARE(report[QStringLiteral("processed")].toInteger(), qint64(processed));
        QCOMPARE(report[QStringLiteral("matched")].toInteger(), qint64(processed));
        QCOMPARE(report[QStringLiteral("duplicates")].toInteger(), qint64(recent.duplicateIncoming));
        QCOMPARE(report[QStringLiteral("orphans")].toInteger(), 0);
        QCOMPARE(report[QStringLiteral("rejected")].toInteger(), 0);
        QCOMPARE(report[QStringLiteral("open")].toInteger(), 0);
        QCOMPARE(report[QStringLiteral("stuck")].toInteger(), qint64(recent.droppedIds.size()));
        QCOMPARE(report[QStringLiteral("lost")].toInteger(), qint64(old.droppedIds.size()));
        QCOMPARE(toList(report[QStringLiteral("stuck_ids")]), toList(recent.droppedIds));
        QCOMPARE(toList(report[QStringLiteral("lost_ids")]), toList(old.droppedIds));
        QCOMPARE(report[QStringLiteral("within_sla")].toBool(), false);
        QCOMPARE(report[QStringLiteral("to")].toString(), QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs));
        QCOMPARE(report[QStringLiteral("to_ms")].toInteger(), qint64(now));

        std::vector<int64_t> latencies = recent.latencies;
        latencies.insert(latencies.end(), old.latencies.begin(), old.latencies.end());
        const QJsonObject latency = report[QStringLiteral("latency_ms")].toObject();
        QCOMPARE(latency[QStringLiteral("count")].toInteger(), qint64(latencies.size()));
        for (const auto& [name, percentile] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p95", 95.0}, {"p99", 99.0}, {"max", 100.0}}) {
            const int64_t exact = test::nearestRank(latencies, percentile);
            const int64_t got = latency[QString::fromLatin1(name)].toInteger();
            QVERIFY2(std::abs(got - exact) <= exact / 100 + 1, (std::string(name) + ": " + std::to_string(got) + " vs exact " + std::to_string(exact)).c_str());
        }
    }

    void auditWithinSlaExitsZero()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 2);
        broker.createTopic("processed", 2);
        const auto clean = test::makeKnownPipeline(nowMs() - 60'000, 300, 0, 0, 3);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), clean.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), clean.processed), std::string());
        QTemporaryDir dir;
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers())});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QVERIFY(run.out.contains("WITHIN SLA"));
        QVERIFY(run.out.contains("matched 300"));
    }

    void auditErrorsExitTwo()
    {
        QTemporaryDir dir;
        // A config with a bad field: the message names file, field and what was expected.
        const QString badConfig = writeConfig(dir, "127.0.0.1:1", QStringLiteral(R"(, "max_open_records": -5)"));
        Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), badConfig});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("pipeline.json") && run.err.contains("max_open_records"), run.err.constData());
        // Unreachable brokers: a clear error, not a hang.
        const QString unreachable = writeConfig(dir, "127.0.0.1:1");
        run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), unreachable, QStringLiteral("--connect-timeout-ms"), QStringLiteral("3000")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("could not read the topics from 127.0.0.1:1"), run.err.constData());
        // Bad arguments name the option.
        run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), unreachable, QStringLiteral("--from"), QStringLiteral("yesterday")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--from \"yesterday\""), run.err.constData());
        run = runSlatrack({QStringLiteral("audit")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("-c FILE is required"), run.err.constData());
    }

    void headlessStatusEqualsGroundTruth()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 4);
        broker.createTopic("processed", 4);
        const auto truth = test::makeKnownPipeline(nowMs() - 60'000, 1200, 40, 30, 4);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), truth.processed), std::string());
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers()),
                                                         QStringLiteral("--interval-ms"), QStringLiteral("200")});
        QVERIFY(process.waitForStarted());
        QJsonObject last;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        QByteArray pending;
        bool settled = false;
        while (!settled && std::chrono::steady_clock::now() < deadline) {
            process.waitForReadyRead(500);
            pending += process.readAllStandardOutput();
            qsizetype newline;
            while ((newline = pending.indexOf('\n')) >= 0) {
                last = QJsonDocument::fromJson(pending.left(newline)).object();
                pending.remove(0, newline + 1);
                const QJsonObject counts = last[QStringLiteral("counts")].toObject();
                settled = last[QStringLiteral("phase")].toString() == QStringLiteral("live") &&
                          counts[QStringLiteral("matched")].toInteger() == qint64(truth.processed.size()) &&
                          counts[QStringLiteral("stuck")].toInteger() == qint64(truth.droppedIds.size());
            }
        }
        QVERIFY2(settled, QJsonDocument(last).toJson().constData());
        const QJsonObject counts = last[QStringLiteral("counts")].toObject();
        QCOMPARE(counts[QStringLiteral("incoming")].toInteger(), qint64(truth.records));
        QCOMPARE(counts[QStringLiteral("processed")].toInteger(), qint64(truth.processed.size()));
        QCOMPARE(counts[QStringLiteral("duplicates")].toInteger(), qint64(truth.duplicateIncoming));
        QCOMPARE(counts[QStringLiteral("orphans")].toInteger(), 0);
        QCOMPARE(counts[QStringLiteral("lost")].toInteger(), 0);
        QCOMPARE(counts[QStringLiteral("open")].toInteger(), qint64(truth.droppedIds.size()));
        QCOMPARE(last[QStringLiteral("connected")].toBool(), true);
        const QJsonArray replay = last[QStringLiteral("replay")].toArray();
        QCOMPARE(replay.size(), 2);
        QCOMPARE(replay[0].toObject()[QStringLiteral("stage")].toString(), QStringLiteral("incoming"));
        QCOMPARE(replay[0].toObject()[QStringLiteral("percent")].toDouble(), 100.0);
        QCOMPARE(replay[0].toObject()[QStringLiteral("target")].toInteger(), qint64(truth.incoming.size()));
        const QJsonObject latency = last[QStringLiteral("latency_ms")].toObject()[QStringLiteral("since_start")].toObject();
        QCOMPARE(latency[QStringLiteral("count")].toInteger(), qint64(truth.latencies.size()));
        const int64_t exactP99 = test::nearestRank(truth.latencies, 99);
        QVERIFY(std::abs(latency[QStringLiteral("p99")].toInteger() - exactP99) <= exactP99 / 100 + 1);

        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }

    void headlessUnreachableBrokerSaysWhy()
    {
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), writeConfig(dir, "127.0.0.1:1"),
                                                         QStringLiteral("--interval-ms"), QStringLiteral("200")});
        QVERIFY(process.waitForStarted());
        QJsonObject last;
        bool explained = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!explained && std::chrono::steady_clock::now() < deadline) {
            process.waitForReadyRead(500);
            for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
                if (line.isEmpty())
                    continue;
                last = QJsonDocument::fromJson(line).object();
                explained = !last[QStringLiteral("connected")].toBool() &&
                            last[QStringLiteral("connection_detail")].toString().contains(QStringLiteral("127.0.0.1:1"));
            }
        }
        QVERIFY2(explained, QJsonDocument(last).toJson().constData());
        QCOMPARE(last[QStringLiteral("phase")].toString(), QStringLiteral("starting"));
        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(15'000));
        QCOMPARE(process.exitCode(), 0);
    }

    void headlessBadConfigExitsTwo()
    {
        QTemporaryDir dir;
        const QString config = writeConfig(dir, "127.0.0.1:1", QStringLiteral(R"(, "slaa": "3s")"));
        const Run run = runSlatrack({QStringLiteral("--headless"), QStringLiteral("-c"), config});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("slaa"), run.err.constData());
    }
};

QTEST_APPLESS_MAIN(TestCliModes)
#include "test_cli_modes.moc"

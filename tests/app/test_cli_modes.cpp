// `slatrack audit` and `slatrack --headless` as an operator runs them: the
// built binary against a mock cluster started here, with a scripted
// pipeline whose ground truth the reports must equal exactly.
#include "core/demo/mock_broker.hpp"
#include "tests/ingest/kafka_test_util.hpp"
#include "tests/support/pipeline_config_file.hpp"
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

QString writeConfig(const QTemporaryDir& dir, const std::string& brokers, const QString& extra = {},
                    const QString& idFormat = QStringLiteral("composite"), const QString& incomingTopic = QStringLiteral("incoming"))
{
    return test::writePipelineConfig(dir, brokers, {extra, idFormat, incomingTopic});
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
        // Both stages readable and caught up, so the counts are a verdict.
        const QJsonArray health = last[QStringLiteral("health")].toArray();
        QCOMPARE(health.size(), 2);
        for (const auto& stage : health)
            QVERIFY2(stage.toObject()[QStringLiteral("state")].toString() == QStringLiteral("ok"), QJsonDocument(last).toJson().constData());
        QCOMPARE(last[QStringLiteral("judgement")].toString(), QStringLiteral("ok"));
        const QJsonArray hops = last[QStringLiteral("hop_latency_ms")].toObject()[QStringLiteral("since_start")].toArray();
        QCOMPARE(hops.size(), 1);
        QCOMPARE(hops[0].toObject()[QStringLiteral("count")].toInteger(), qint64(truth.latencies.size()));
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

    // Nothing in range was read (here: empty topics): exit 3 "no data",
    // never an empty "within SLA" with exit 0.
    void auditNoDataExitsThree()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 2);
        broker.createTopic("processed", 2);
        QTemporaryDir dir;
        Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers())});
        QVERIFY2(run.exitCode == 3, QByteArray(run.out + run.err).constData());
        QVERIFY2(run.out.contains("NO DATA") && !run.out.contains("WITHIN SLA"), run.out.constData());
        QVERIFY2(run.err.contains("no data"), run.err.constData());
        run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers()), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 3, QByteArray(run.out + run.err).constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report[QStringLiteral("verdict")].toString(), QStringLiteral("no_data"));
        QCOMPARE(report[QStringLiteral("within_sla")].toBool(), false);
        QCOMPARE(report[QStringLiteral("health")].toArray().size(), 2);
    }

    // Issue 8, failure 11: a misspelled topic on the plain mock cluster
    // (which creates any topic a metadata request names) is an error naming
    // it, exit 2, and the audit does not create it.
    void auditMisspelledTopicExitsTwoNamingIt()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 2);
        broker.createTopic("processed", 2);
        QTemporaryDir dir;
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"),
                                     writeConfig(dir, broker.bootstrapServers(), {}, QStringLiteral("composite"), QStringLiteral("incomming"))});
        QVERIFY2(run.exitCode == 2, QByteArray(run.out + run.err).constData());
        QVERIFY2(run.err.contains("topic \"incomming\" (stage \"incoming\") does not exist on"), run.err.constData());
        QVERIFY2(!run.out.contains("WITHIN SLA"), run.out.constData());
        std::string error;
        QCOMPARE(test::partitionCount(broker.bootstrapServers(), "incomming", error), -1);
        QCOMPARE(error, std::string());
    }

    // --to after now: clamped to now and said so; records a second old are
    // open or stuck, not lost (with --to 10 minutes ahead and a 5-minute
    // window they were declared lost).
    void auditToInTheFutureIsClamped()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 2);
        broker.createTopic("processed", 2);
        const int64_t now = nowMs();
        const auto matched = test::makeKnownPipeline(now - 60'000, 100, 0, 0, 5);
        const auto fresh = test::makeKnownPipeline(now - 1'000, 20, 0, 0, 6);  // never processed
        QCOMPARE(test::produceAll(broker.bootstrapServers(), matched.incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), matched.processed), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), fresh.incoming), std::string());
        QTemporaryDir dir;
        const int64_t requestedTo = now + 600'000;
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers()), QStringLiteral("--from"),
                                     QString::number(now - 120'000), QStringLiteral("--to"), QString::number(requestedTo), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0 || run.exitCode == 1, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report[QStringLiteral("lost")].toInteger(), 0);
        QCOMPARE(report[QStringLiteral("incoming")].toInteger(), 120);
        QCOMPARE(report[QStringLiteral("matched")].toInteger(), 100);
        QCOMPARE(report[QStringLiteral("open")].toInteger() + report[QStringLiteral("stuck")].toInteger(), 20);
        QCOMPARE(report[QStringLiteral("requested_to_ms")].toInteger(), qint64(requestedTo));
        QVERIFY(report[QStringLiteral("to_ms")].toInteger() < requestedTo);
        QVERIFY(report[QStringLiteral("to_ms")].toInteger() >= now);
        QVERIFY2(toList(report[QStringLiteral("notes")]).join(QStringLiteral(" ")).contains(QStringLiteral("clamped to now")), run.out.constData());
    }

    // The report's skipped_out_of_range is the final count, not a sample
    // taken up to 500 ms earlier.
    void auditSkippedCountIsExact()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 2);
        broker.createTopic("processed", 2);
        const int64_t now = nowMs();
        const auto before = test::makeKnownPipeline(now - 200'000, 29, 0, 0, 7);  // before --from
        const auto inside = test::makeKnownPipeline(now - 100'000, 50, 0, 0, 8);
        const auto after = test::makeKnownPipeline(now - 20'000, 7, 0, 0, 9);     // after --to
        for (const auto* part : {&before, &inside, &after}) {
            QCOMPARE(test::produceAll(broker.bootstrapServers(), part->incoming), std::string());
            QCOMPARE(test::produceAll(broker.bootstrapServers(), part->processed), std::string());
        }
        QTemporaryDir dir;
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers()), QStringLiteral("--from"),
                                     QString::number(now - 150'000), QStringLiteral("--to"), QString::number(now - 30'000), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report[QStringLiteral("matched")].toInteger(), 50);
        // Both stages: (29 + 7) incoming and (29 + 7) processed, read and skipped by time.
        QCOMPARE(report[QStringLiteral("skipped_out_of_range")].toInteger(), 2 * (29 + 7));
    }

    // An ID that is not UTF-8 must not abort --json: it is hex-encoded.
    void auditJsonHexEncodesNonUtf8Ids()
    {
        ingest::MockBroker broker;
        broker.createTopic("incoming", 1);
        broker.createTopic("processed", 1);
        const int64_t now = nowMs();
        const auto matched = test::makeKnownPipeline(now - 60'000, 10, 0, 0, 10);
        std::vector<test::ScriptedMessage> incoming = matched.incoming;
        incoming.push_back({"incoming", std::string("\xff\xfe-bad"), "{}", now - 30'000, {}});
        incoming.push_back({"incoming", std::string("hex:41"), "{}", now - 29'000, {}});
        QCOMPARE(test::produceAll(broker.bootstrapServers(), incoming), std::string());
        QCOMPARE(test::produceAll(broker.bootstrapServers(), matched.processed), std::string());
        QTemporaryDir dir;
        const Run run = runSlatrack({QStringLiteral("audit"), QStringLiteral("-c"),
                                     writeConfig(dir, broker.bootstrapServers(), {}, QStringLiteral("opaque")), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 1, QByteArray(run.out + run.err).constData());
        QJsonParseError error;
        const QJsonObject report = QJsonDocument::fromJson(run.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, run.out.constData());
        QCOMPARE(toList(report[QStringLiteral("stuck_ids")]), (QStringList{QStringLiteral("hex:fffe2d626164"), QStringLiteral("hex:6865783a3431")}));
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

// `slatrack lookup` as an operator runs it: the built binary against a mock
// cluster started here, with messages written so that each record is in a
// known state at the end of the range.
#include "core/engine/record_id.hpp"
#include "core/demo/mock_broker.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>

using namespace slatrack;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

QString writeConfig(const QTemporaryDir& dir, const std::string& brokers, const QString& idFormat)
{
    const QString path = dir.filePath(QStringLiteral("pipeline-%1.json").arg(idFormat));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QStringLiteral(R"({
  "pipeline": "orders",
  "kafka": {"brokers": "%1", "properties": {"fetch.wait.max.ms": "20"}},
  "id_format": "%2",
  "stages": [
    {"name": "incoming", "topics": ["%2-in"], "id": {"from": "key"}},
    {"name": "enriched", "topics": ["%2-mid"], "id": {"from": "key"}},
    {"name": "processed", "topics": ["%2-out"], "id": {"from": "key"}}
  ],
  "sla": "2s", "window": "5m", "grace": "5s"
})").arg(QString::fromStdString(brokers), idFormat).toUtf8());
    return path;
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runSlatrack(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(SLATRACK_BINARY), arguments);
    process.waitForFinished(120'000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

std::string idAt(int64_t t0Ms, uint32_t random)
{
    return engine::composite_id::format(engine::composite_id::make(static_cast<uint32_t>(t0Ms / 1000), random));
}

QJsonObject answerFor(const QJsonObject& report, const std::string& id)
{
    for (const auto& entry : report[QStringLiteral("ids")].toArray())
        if (entry.toObject()[QStringLiteral("id")].toString() == QString::fromStdString(id))
            return entry.toObject();
    return {};
}

} // namespace

class TestLookupCommand : public QObject {
    Q_OBJECT
private slots:
    void everyStateThroughKafka()
    {
        ingest::MockBroker broker;
        for (const char* topic : {"composite-in", "composite-mid", "composite-out"})
            broker.createTopic(topic, 1);
        const int64_t now = nowMs();
        const std::string matched = idAt(now - 60'000, 1), stuck = idAt(now - 60'000, 2), open = idAt(now - 500, 3), lost = idAt(now - 480'000, 4),
                          early = idAt(now - 1000, 5), orphan = idAt(now - 60'000, 6), unknown = idAt(now - 60'000, 7);
        const std::vector<test::ScriptedMessage> messages = {
            {"composite-in", lost, "{}", now - 480'000, {}},         // in offset 0
            {"composite-in", matched, "{}", now - 60'000, {}},       // in offset 1
            {"composite-in", matched, "{}", now - 60'000, {}},       // in offset 2: redelivered
            {"composite-in", stuck, "{}", now - 60'000, {}},         // in offset 3
            {"composite-in", open, "{}", now - 500, {}},             // in offset 4
            {"composite-mid", matched, "{}", now - 59'900, {}},      // mid offset 0
            {"composite-mid", stuck, "{}", now - 59'900, {}},        // mid offset 1
            {"composite-out", orphan, "{}", now - 60'000, {}},       // out offset 0
            {"composite-out", matched, "{}", now - 59'750, {}},      // out offset 1
            {"composite-out", early, "{}", now - 1000, {}},          // out offset 2
        };
        QCOMPARE(test::produceAll(broker.bootstrapServers(), messages), std::string());
        QTemporaryDir dir;
        const QString config = writeConfig(dir, broker.bootstrapServers(), QStringLiteral("composite"));
        const QStringList range = {QStringLiteral("--from"), QStringLiteral("-15m"), QStringLiteral("--to"), QString::number(now)};
        // Typed as an operator would: 0x, decimal, canonical.
        const QString matchedDecimal = QString::number(*engine::composite_id::parse(matched).value);
        Run run = runSlatrack(QStringList{QStringLiteral("lookup"), QStringLiteral("-c"), config} + range +
                              QStringList{QStringLiteral("--json"), QStringLiteral("0x") + QString::fromStdString(stuck), matchedDecimal,
                                          QString::fromStdString(open), QString::fromStdString(lost), QString::fromStdString(early),
                                          QString::fromStdString(orphan), QString::fromStdString(unknown)});
        QVERIFY2(run.exitCode == 1, run.err.constData());  // one unknown
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(!report.isEmpty(), run.out.constData());
        QCOMPARE(report[QStringLiteral("source")].toString(), QStringLiteral("replay"));
        QCOMPARE(report[QStringLiteral("found")].toInteger(), 6);
        QCOMPARE(report[QStringLiteral("unknown")].toInteger(), 1);
        const std::pair<std::string, const char*> expected[] = {{matched, "matched"}, {stuck, "stuck"}, {open, "open"}, {lost, "lost"},
                                                                {early, "early"}, {orphan, "orphan"}, {unknown, "unknown"}};
        for (const auto& [id, state] : expected)
            QVERIFY2(answerFor(report, id)[QStringLiteral("state")].toString() == QLatin1String(state), (id + " is not " + state + "\n" + run.out.toStdString()).c_str());

        const QJsonObject m = answerFor(report, matched);
        QCOMPARE(m[QStringLiteral("input")].toString(), matchedDecimal);
        QCOMPARE(m[QStringLiteral("latency_ms")].toInteger(), 250);
        const QJsonArray journey = m[QStringLiteral("journey")].toArray();
        QCOMPARE(journey.size(), 3);
        const QString stages[] = {QStringLiteral("incoming"), QStringLiteral("enriched"), QStringLiteral("processed")};
        const QString topics[] = {QStringLiteral("composite-in"), QStringLiteral("composite-mid"), QStringLiteral("composite-out")};
        const qint64 offsets[] = {1, 0, 1};
        const qint64 times[] = {now - 60'000, now - 59'900, now - 59'750};
        for (int step = 0; step < 3; ++step) {
            const QJsonObject at = journey[step].toObject();
            QCOMPARE(at[QStringLiteral("stage")].toString(), stages[step]);
            QCOMPARE(at[QStringLiteral("topic")].toString(), topics[step]);
            QCOMPARE(at[QStringLiteral("partition")].toInteger(), 0);
            QCOMPARE(at[QStringLiteral("offset")].toInteger(), offsets[step]);
            QCOMPARE(at[QStringLiteral("time_ms")].toInteger(), times[step]);
        }
        QVERIFY(journey[0].toObject()[QStringLiteral("hop_ms")].isNull());
        QCOMPARE(journey[1].toObject()[QStringLiteral("hop_ms")].toInteger(), 100);
        QCOMPARE(journey[2].toObject()[QStringLiteral("hop_ms")].toInteger(), 150);
        QCOMPARE(m[QStringLiteral("sightings")].toArray().size(), 4);  // the redelivery too
        QCOMPARE(answerFor(report, stuck)[QStringLiteral("awaiting_stage")].toString(), QStringLiteral("processed"));
        QCOMPARE(answerFor(report, open)[QStringLiteral("awaiting_stage")].toString(), QStringLiteral("enriched"));
        QVERIFY(!answerFor(report, lost)[QStringLiteral("lost_at")].isNull());
        QVERIFY(answerFor(report, unknown)[QStringLiteral("sightings")].toArray().isEmpty());

        // Every ID found: exit 0; the text output names state and journey.
        run = runSlatrack(QStringList{QStringLiteral("lookup"), QStringLiteral("-c"), config} + range + QStringList{QString::fromStdString(matched)});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains(QByteArray::fromStdString(matched + ": matched, latency 250 ms")), run.out.constData());
        QVERIFY2(run.out.contains("composite-mid[0]@0  +100 ms"), run.out.constData());
    }

    // Opaque IDs that are not UTF-8 are written hex: in JSON, and found
    // when asked in that form.
    void binaryOpaqueId()
    {
        ingest::MockBroker broker;
        for (const char* topic : {"opaque-in", "opaque-mid", "opaque-out"})
            broker.createTopic(topic, 1);
        const int64_t now = nowMs();
        const std::string id("\xff\xfe-1", 4);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), {{"opaque-in", id, "{}", now - 30'000, {}}, {"opaque-mid", id, "{}", now - 29'000, {}}}),
                 std::string());
        QTemporaryDir dir;
        const Run run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), writeConfig(dir, broker.bootstrapServers(), QStringLiteral("opaque")),
                                     QStringLiteral("--to"), QString::number(now), QStringLiteral("--json"), QStringLiteral("hex:fffe2d31")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject answer = QJsonDocument::fromJson(run.out).object()[QStringLiteral("ids")].toArray().at(0).toObject();
        QCOMPARE(answer[QStringLiteral("id")].toString(), QStringLiteral("hex:fffe2d31"));
        QCOMPARE(answer[QStringLiteral("state")].toString(), QStringLiteral("stuck"));
        QCOMPARE(answer[QStringLiteral("awaiting_stage")].toString(), QStringLiteral("processed"));
    }

    void errorsExitTwo()
    {
        QTemporaryDir dir;
        const QString config = writeConfig(dir, "127.0.0.1:1", QStringLiteral("composite"));
        Run run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), config, QStringLiteral("0x12g4")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("0x12g4") && run.err.contains("position 4"), run.err.constData());
        run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), config});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("no ID given"), run.err.constData());
        run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), config, QStringLiteral("--connect-timeout-ms"), QStringLiteral("3000"),
                           QStringLiteral("5d684054fc3540a0")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("could not read the topics from 127.0.0.1:1"), run.err.constData());
        run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("asks the running agent's store"), run.out.constData());
        // A store named on the command line must answer; without one named,
        // a missing default store means a replay, and says so.
        const QString missing = dir.filePath(QStringLiteral("missing.db"));
        run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), config, QStringLiteral("--store"), missing, QStringLiteral("5d684054fc3540a0")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QByteArray(QByteArray("no store at ") + missing.toUtf8())), run.err.constData());
        run = runSlatrack({QStringLiteral("lookup"), QStringLiteral("-c"), config, QStringLiteral("--connect-timeout-ms"), QStringLiteral("2000"),
                           QStringLiteral("5d684054fc3540a0")});
        QVERIFY2(run.err.contains("; replaying the topics instead"), run.err.constData());
        run = runSlatrack({QStringLiteral("--help")});
        QVERIFY2(run.out.contains("slatrack lookup -c FILE"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestLookupCommand)
#include "test_lookup_command.moc"

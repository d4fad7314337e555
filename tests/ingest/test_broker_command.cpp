// `slatrack broker` and `slatrack simulate` as a user runs them: the built
// binary in a QProcess, checked with kcat when it is installed.
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {

// Bounds on waits for a child process; never asserted as speeds.
constexpr int kStartLimitMs = 15'000;
constexpr int kExitLimitMs = 15'000;
// `simulate` first waits out the mock's ~5 s group join, then produces
// for --duration, then drains.
constexpr int kSimulateLimitMs = 60'000;

QString slatrackBinary()
{
    return QStringLiteral(SLATRACK_BINARY);
}

// A `slatrack broker` child; terminated (SIGTERM) on destruction if running.
class BrokerProcess {
public:
    explicit BrokerProcess(const QStringList& extraArguments = {})
    {
        m_process.start(slatrackBinary(), QStringList{QStringLiteral("broker")} + extraArguments);
    }
    ~BrokerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(kExitLimitMs)) {
                m_process.kill();
                m_process.waitForFinished();
            }
        }
    }
    // The first stdout line, or an empty string if none came in time.
    QString readAddress()
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine() && timer.elapsed() < kStartLimitMs
               && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
        }
        return QString::fromUtf8(m_process.readLine()).trimmed();
    }
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
};

struct RunResult {
    int exitCode = -1;
    bool exitedNormally = false;
    QString stdOut;
    QString stdErr;
};

RunResult run(const QString& program, const QStringList& arguments, int limitMs,
              const QByteArray& input = {})
{
    QProcess process;
    process.start(program, arguments);
    RunResult result;
    if (!process.waitForStarted(kStartLimitMs)) {
        result.stdErr = process.errorString();
        return result;
    }
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(limitMs)) {
        process.kill();
        process.waitForFinished();
    }
    result.exitedNormally = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.stdOut = QString::fromUtf8(process.readAllStandardOutput());
    result.stdErr = QString::fromUtf8(process.readAllStandardError());
    return result;
}

} // namespace

class TestBrokerCommand : public QObject {
    Q_OBJECT

private slots:
    void printsAddressAndStopsOnSigterm();
    void kcatSeesTopicsAndRecords();
    void simulateGroundTruthAgainstBrokerProcess();
    void badArgumentsExitTwo_data();
    void badArgumentsExitTwo();
};

void TestBrokerCommand::printsAddressAndStopsOnSigterm()
{
    BrokerProcess broker({QStringLiteral("--topics"), QStringLiteral("a,b")});
    const QString address = broker.readAddress();
    static const QRegularExpression kLoopbackAddress(QStringLiteral("^127\\.0\\.0\\.1:\\d+$"));
    QVERIFY2(kLoopbackAddress.match(address).hasMatch(), qPrintable(address));

    broker.process().terminate();  // SIGTERM
    QVERIFY(broker.process().waitForFinished(kExitLimitMs));
    QCOMPARE(broker.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(broker.process().exitCode(), 0);
}

void TestBrokerCommand::kcatSeesTopicsAndRecords()
{
    const QString kcat = QStandardPaths::findExecutable(QStringLiteral("kcat"));
    if (kcat.isEmpty()) {
        QSKIP("kcat is not on PATH");
    }
    BrokerProcess broker({QStringLiteral("--partitions"), QStringLiteral("2"),
                          QStringLiteral("--topics"), QStringLiteral("orders,shipped")});
    const QString address = broker.readAddress();
    QVERIFY(!address.isEmpty());

    const RunResult list = run(kcat, {QStringLiteral("-b"), address, QStringLiteral("-L")},
                               kExitLimitMs);
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.stdOut.contains(QStringLiteral("topic \"orders\" with 2 partitions")),
             qPrintable(list.stdOut));
    QVERIFY2(list.stdOut.contains(QStringLiteral("topic \"shipped\" with 2 partitions")),
             qPrintable(list.stdOut));

    const RunResult produce =
        run(kcat, {QStringLiteral("-b"), address, QStringLiteral("-P"), QStringLiteral("-t"),
                   QStringLiteral("orders"), QStringLiteral("-K:")},
            kExitLimitMs, QByteArrayLiteral("k1:hello\nk2:world\n"));
    QVERIFY2(produce.exitCode == 0, qPrintable(produce.stdErr));
    const RunResult consume =
        run(kcat, {QStringLiteral("-b"), address, QStringLiteral("-C"), QStringLiteral("-t"),
                   QStringLiteral("orders"), QStringLiteral("-e"), QStringLiteral("-q"),
                   QStringLiteral("-f"), QStringLiteral("%k=%s\\n")},
            kExitLimitMs);
    QVERIFY2(consume.exitCode == 0, qPrintable(consume.stdErr));
    QVERIFY2(consume.stdOut.contains(QStringLiteral("k1=hello")), qPrintable(consume.stdOut));
    QVERIFY2(consume.stdOut.contains(QStringLiteral("k2=world")), qPrintable(consume.stdOut));
}

void TestBrokerCommand::simulateGroundTruthAgainstBrokerProcess()
{
    BrokerProcess broker;
    const QString address = broker.readAddress();
    QVERIFY(!address.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString droppedPath = dir.filePath(QStringLiteral("dropped.txt"));

    const RunResult simulate =
        run(slatrackBinary(),
            {QStringLiteral("simulate"), QStringLiteral("-b"), address, QStringLiteral("--rate"),
             QStringLiteral("200"), QStringLiteral("--duration"), QStringLiteral("3"),
             QStringLiteral("--latency-ms"), QStringLiteral("100"), QStringLiteral("--drop"),
             QStringLiteral("0.2"), QStringLiteral("--dropped-ids"), droppedPath},
            kSimulateLimitMs);
    QVERIFY2(simulate.exitedNormally && simulate.exitCode == 0, qPrintable(simulate.stdErr));
    static const QRegularExpression kSummary(
        QStringLiteral("produced (\\d+), processed (\\d+), dropped (\\d+), unfinished (\\d+)"));
    const QRegularExpressionMatch summary = kSummary.match(simulate.stdErr);
    QVERIFY2(summary.hasMatch(), qPrintable(simulate.stdErr));
    const qulonglong produced = summary.captured(1).toULongLong();
    const qulonglong processed = summary.captured(2).toULongLong();
    const qulonglong dropped = summary.captured(3).toULongLong();
    QVERIFY2(produced > 0, qPrintable(simulate.stdErr));
    QCOMPARE(processed + dropped, produced);
    QCOMPARE(summary.captured(4).toULongLong(), 0ULL);

    QFile droppedFile(droppedPath);
    QVERIFY(droppedFile.open(QIODevice::ReadOnly | QIODevice::Text));
    const QList<QByteArray> lines = droppedFile.readAll().split('\n');
    const qsizetype droppedLines =
        std::count_if(lines.begin(), lines.end(), [](const QByteArray& line) { return !line.isEmpty(); });
    QCOMPARE(static_cast<qulonglong>(droppedLines), dropped);
}

void TestBrokerCommand::badArgumentsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("namedInError");
    const auto args = [](std::initializer_list<const char*> words) {
        QStringList list;
        for (const char* word : words) {
            list << QString::fromUtf8(word);
        }
        return list;
    };
    QTest::newRow("port") << args({"broker", "--port", "9092"}) << QStringLiteral("--port");
    QTest::newRow("port not a number") << args({"broker", "--port", "x"}) << QStringLiteral("--port");
    QTest::newRow("partitions") << args({"broker", "--partitions", "0"})
                                << QStringLiteral("--partitions");
    QTest::newRow("topics") << args({"broker", "--topics", "a,,b"}) << QStringLiteral("--topics");
    QTest::newRow("unknown broker option") << args({"broker", "--nope"}) << QStringLiteral("nope");
    QTest::newRow("no brokers") << args({"simulate"}) << QStringLiteral("--brokers");
    QTest::newRow("rate") << args({"simulate", "-b", "127.0.0.1:1", "--rate", "fast"})
                          << QStringLiteral("--rate");
    QTest::newRow("drop") << args({"simulate", "-b", "127.0.0.1:1", "--drop", "2"})
                          << QStringLiteral("--drop");
    QTest::newRow("p99 below median")
        << args({"simulate", "-b", "127.0.0.1:1", "--latency-ms", "100", "--latency-p99-ms", "50"})
        << QStringLiteral("--latency-p99-ms");
    QTest::newRow("stall half") << args({"simulate", "-b", "127.0.0.1:1", "--stall-every", "5"})
                                << QStringLiteral("--stall-for");
    QTest::newRow("duration") << args({"simulate", "-b", "127.0.0.1:1", "--duration", "-1"})
                              << QStringLiteral("--duration");
    QTest::newRow("missing value") << args({"simulate", "-b"}) << QStringLiteral("b");
}

void TestBrokerCommand::badArgumentsExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, namedInError);
    const RunResult result = run(slatrackBinary(), arguments, kExitLimitMs);
    QVERIFY(result.exitedNormally);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.stdErr.contains(namedInError), qPrintable(result.stdErr));
}

QTEST_GUILESS_MAIN(TestBrokerCommand)
#include "test_broker_command.moc"

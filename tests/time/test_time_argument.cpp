#include <QtTest>

#include "app/time_argument.hpp"

using namespace slatrack::app;

// --from/--to/--interval values: RFC 3339 times go through the one time
// module, so the strict calendar and offset rules hold on the command line.
class TestTimeArgument : public QObject {
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
};

namespace {
constexpr qint64 kNowMs = 1763691000000;  // 2025-11-21T02:10:00Z
}

void TestTimeArgument::parses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expectedMs");

    QTest::newRow("now") << QByteArray("now") << kNowMs;
    QTest::newRow("relative") << QByteArray("-30m") << kNowMs - 30 * 60 * 1000;
    QTest::newRow("relative compound") << QByteArray("-1h30m") << kNowMs - 90 * 60 * 1000;
    QTest::newRow("unix ms") << QByteArray("1763691000000") << qint64(1763691000000);
    QTest::newRow("rfc3339") << QByteArray("2025-11-21T02:10:00Z") << qint64(1763691000000);
    QTest::newRow("rfc3339 offset and fraction") << QByteArray("2025-11-21T03:10:00.5+01:00") << qint64(1763691000500);
    QTest::newRow("rfc3339 lowercase") << QByteArray("2025-11-21t02:10:00z") << qint64(1763691000000);
}

void TestTimeArgument::parses()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expectedMs);
    const TimeArgument parsed = parseTimeArgument(text.toStdString(), kNowMs);
    QVERIFY2(parsed.ok, parsed.error.c_str());
    QCOMPARE(qint64(parsed.unixMs), expectedMs);
}

void TestTimeArgument::rejects_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("31 February") << QByteArray("2026-02-31T00:00:00Z");
    QTest::newRow("hour 24") << QByteArray("2026-01-01T24:00:00Z");
    QTest::newRow("offset +99:99") << QByteArray("2026-01-01T00:00:00+99:99");
    QTest::newRow("garbage after") << QByteArray("2026-01-01T00:00:00Zx");
    QTest::newRow("bad duration") << QByteArray("-30x");
    QTest::newRow("word") << QByteArray("yesterday");
    QTest::newRow("empty") << QByteArray("");
}

void TestTimeArgument::rejects()
{
    QFETCH(QByteArray, text);
    const TimeArgument parsed = parseTimeArgument(text.toStdString(), kNowMs);
    QVERIFY2(!parsed.ok, qPrintable(QStringLiteral("accepted as %1").arg(parsed.unixMs)));
    // The message quotes what was given so the operator sees the typo.
    QVERIFY2(parsed.error.find("\"" + text.toStdString() + "\"") != std::string::npos, parsed.error.c_str());
}

QTEST_APPLESS_MAIN(TestTimeArgument)
#include "test_time_argument.moc"

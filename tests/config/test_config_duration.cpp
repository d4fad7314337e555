#include <QtTest>

#include "core/config/duration_parse.hpp"

using slatrack::config::durationFromSeconds;
using slatrack::config::DurationParseResult;
using slatrack::config::formatDuration;
using slatrack::config::kMaxDuration;
using slatrack::config::parseDuration;
using std::chrono::milliseconds;

class TestConfigDuration : public QObject {
    Q_OBJECT

private slots:
    void parsesValidText_data();
    void parsesValidText();
    void rejectsInvalidText_data();
    void rejectsInvalidText();
    void convertsSeconds_data();
    void convertsSeconds();
    void formatsCanonically_data();
    void formatsCanonically();
    void formatRoundTrips();
};

void TestConfigDuration::parsesValidText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expectedMs");

    QTest::newRow("milliseconds") << QByteArray("500ms") << qint64(500);
    QTest::newRow("seconds") << QByteArray("30s") << qint64(30'000);
    QTest::newRow("minutes") << QByteArray("5m") << qint64(300'000);
    QTest::newRow("hours") << QByteArray("1h") << qint64(3'600'000);
    QTest::newRow("days") << QByteArray("2d") << qint64(172'800'000);
    QTest::newRow("zero") << QByteArray("0s") << qint64(0);
    QTest::newRow("combined") << QByteArray("1h30m") << qint64(5'400'000);
    QTest::newRow("combined all units") << QByteArray("1d2h3m4s5ms") << qint64(93'784'005);
    QTest::newRow("decimal seconds") << QByteArray("1.5s") << qint64(1'500);
    QTest::newRow("decimal hours") << QByteArray("0.5h") << qint64(1'800'000);
    QTest::newRow("millisecond decimal") << QByteArray("0.001s") << qint64(1);
    QTest::newRow("leading zeros") << QByteArray("007s") << qint64(7'000);
    QTest::newRow("the maximum") << QByteArray("365d") << qint64(kMaxDuration.count());
}

void TestConfigDuration::parsesValidText()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expectedMs);

    const DurationParseResult result = parseDuration(text.toStdString());
    QVERIFY2(result.value.has_value(), result.error.c_str());
    QCOMPARE(qint64(result.value->count()), expectedMs);
    QVERIFY(result.error.empty());
}

void TestConfigDuration::rejectsInvalidText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expectedError");

    QTest::newRow("empty") << QByteArray("") << QByteArray("empty duration");
    QTest::newRow("bare number") << QByteArray("5") << QByteArray("missing unit after \"5\"");
    QTest::newRow("upper-case unit") << QByteArray("5S") << QByteArray("unknown unit \"S\"");
    QTest::newRow("unknown unit") << QByteArray("5x") << QByteArray("unknown unit \"x\"");
    QTest::newRow("spelled-out unit") << QByteArray("5sec") << QByteArray("unknown unit \"sec\"");
    QTest::newRow("space before unit") << QByteArray("5 s") << QByteArray("expected a unit (ms, s, m, h, d) after \"5\", got \" s\"");
    QTest::newRow("negative") << QByteArray("-5s") << QByteArray("negative duration");
    QTest::newRow("unit without number") << QByteArray("s") << QByteArray("expected a number at \"s\"");
    QTest::newRow("trailing unit") << QByteArray("5s m") << QByteArray("expected a number at \" m\"");
    QTest::newRow("sub-millisecond") << QByteArray("1.0005s") << QByteArray("finer than the resolution of 1ms");
    QTest::newRow("fractional ms") << QByteArray("0.5ms") << QByteArray("finer than the resolution of 1ms");
    QTest::newRow("too many decimals") << QByteArray("1.0000000001s") << QByteArray("too many decimal digits");
    QTest::newRow("over the maximum") << QByteArray("366d") << QByteArray("longer than the maximum of 365d");
    QTest::newRow("huge number") << QByteArray("99999999999999999999999s") << QByteArray("longer than the maximum");
    QTest::newRow("sum over the maximum") << QByteArray("300d300d") << QByteArray("longer than the maximum");
}

void TestConfigDuration::rejectsInvalidText()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expectedError);

    const DurationParseResult result = parseDuration(text.toStdString());
    QVERIFY2(!result.value.has_value(), "parsed text that should be rejected");
    QVERIFY2(result.error.find(expectedError.toStdString()) != std::string::npos, result.error.c_str());
}

void TestConfigDuration::convertsSeconds_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<qint64>("expectedMs");  // -1: expect an error
    QTest::addColumn<QByteArray>("expectedError");

    QTest::newRow("whole") << 90.0 << qint64(90'000) << QByteArray();
    QTest::newRow("fraction") << 0.25 << qint64(250) << QByteArray();
    QTest::newRow("one millisecond") << 0.001 << qint64(1) << QByteArray();
    QTest::newRow("zero") << 0.0 << qint64(0) << QByteArray();
    QTest::newRow("negative") << -1.0 << qint64(-1) << QByteArray("negative duration");
    QTest::newRow("sub-millisecond") << 0.0001 << qint64(-1) << QByteArray("finer than the resolution of 1ms");
    QTest::newRow("too large") << 1e12 << qint64(-1) << QByteArray("longer than the maximum");
    QTest::newRow("infinite") << std::numeric_limits<double>::infinity() << qint64(-1)
                              << QByteArray("not a finite number");
}

void TestConfigDuration::convertsSeconds()
{
    QFETCH(double, seconds);
    QFETCH(qint64, expectedMs);
    QFETCH(QByteArray, expectedError);

    const DurationParseResult result = durationFromSeconds(seconds);
    if (expectedMs < 0) {
        QVERIFY(!result.value.has_value());
        QVERIFY2(result.error.find(expectedError.toStdString()) != std::string::npos, result.error.c_str());
        return;
    }
    QVERIFY2(result.value.has_value(), result.error.c_str());
    QCOMPARE(qint64(result.value->count()), expectedMs);
}

void TestConfigDuration::formatsCanonically_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("zero") << qint64(0) << QByteArray("0s");
    QTest::newRow("ms") << qint64(500) << QByteArray("500ms");
    QTest::newRow("s and ms") << qint64(1'500) << QByteArray("1s500ms");
    QTest::newRow("m and s") << qint64(90'000) << QByteArray("1m30s");
    QTest::newRow("hour") << qint64(3'600'000) << QByteArray("1h");
    QTest::newRow("days") << qint64(172'800'000) << QByteArray("2d");
    QTest::newRow("everything") << qint64(93'784'005) << QByteArray("1d2h3m4s5ms");
}

void TestConfigDuration::formatsCanonically()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(formatDuration(milliseconds(ms))), expected);
}

void TestConfigDuration::formatRoundTrips()
{
    // Values around unit boundaries, where a carry bug would show.
    const qint64 samples[] = {1, 999, 1'000, 1'001, 59'999, 60'000, 3'599'999, 86'399'999, 86'400'000,
                              kMaxDuration.count() - 1, kMaxDuration.count()};
    for (const qint64 ms : samples) {
        const std::string text = formatDuration(milliseconds(ms));
        const DurationParseResult parsed = parseDuration(text);
        QVERIFY2(parsed.value.has_value(), text.c_str());
        QCOMPARE(qint64(parsed.value->count()), ms);
    }
}

QTEST_APPLESS_MAIN(TestConfigDuration)
#include "test_config_duration.moc"

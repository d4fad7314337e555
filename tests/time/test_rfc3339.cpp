#include <QtTest>

#include "core/time/civil_date.hpp"
#include "core/time/rfc3339.hpp"

#include <ctime>
#include <limits>
#include <random>

using namespace slatrack;

// RFC 3339 parsing and formatting: every rule of the grammar has a row that
// is accepted and one that is rejected, and the calendar arithmetic is
// compared with the C library's (timegm/gmtime_r) over random times.
class TestRfc3339 : public QObject {
    Q_OBJECT

private slots:
    void parsesValidTimes_data();
    void parsesValidTimes();
    void rejectsInvalidText_data();
    void rejectsInvalidText();
    void acceptsEveryDayThatExists();
    void formatsMilliseconds_data();
    void formatsMilliseconds();
    void formatsSeconds();
    void formatsEveryInt64WithoutOverflow();
    void matchesTheCLibraryOnRandomTimes();
    void roundTripsFormattedTimes();
};

namespace {

constexpr int64_t kExampleMs = 1567113300000;  // 2019-08-29T21:15:00Z

int64_t timegmMs(int year, int month, int day, int hour, int minute, int second)
{
    std::tm fields{};
    fields.tm_year = year - 1900;
    fields.tm_mon = month - 1;
    fields.tm_mday = day;
    fields.tm_hour = hour;
    fields.tm_min = minute;
    fields.tm_sec = second;
    return static_cast<int64_t>(timegm(&fields)) * 1000;
}

} // namespace

void TestRfc3339::parsesValidTimes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expectedMs");

    QTest::newRow("Z") << QByteArray("2019-08-29T21:15:00Z") << qint64(kExampleMs);
    QTest::newRow("lowercase t and z") << QByteArray("2019-08-29t21:15:00z") << qint64(kExampleMs);
    QTest::newRow("space separator") << QByteArray("2019-08-29 21:15:00Z") << qint64(kExampleMs);
    QTest::newRow("positive offset") << QByteArray("2019-08-29T23:15:00+02:00") << qint64(kExampleMs);
    QTest::newRow("negative offset") << QByteArray("2019-08-29T16:45:00-04:30") << qint64(kExampleMs);
    QTest::newRow("-00:00 is UTC") << QByteArray("2019-08-29T21:15:00-00:00") << qint64(kExampleMs);
    QTest::newRow("largest offset +23:59") << QByteArray("2019-08-30T21:14:00+23:59") << qint64(kExampleMs);
    QTest::newRow("offset crosses the day") << QByteArray("2019-08-30T01:15:00+04:00") << qint64(kExampleMs);
    QTest::newRow("one fraction digit") << QByteArray("2019-08-29T21:15:00.5Z") << qint64(kExampleMs + 500);
    QTest::newRow("three fraction digits") << QByteArray("2019-08-29T21:15:00.123Z") << qint64(kExampleMs + 123);
    QTest::newRow("microseconds truncate") << QByteArray("2019-08-29T21:15:00.123999Z") << qint64(kExampleMs + 123);
    QTest::newRow("nanoseconds") << QByteArray("2019-08-29T21:15:00.000000001Z") << qint64(kExampleMs);
    QTest::newRow("many fraction digits") << QByteArray("2019-08-29T21:15:00.99999999999999999999999Z") << qint64(kExampleMs + 999);
    QTest::newRow("fraction with offset") << QByteArray("2025-11-21T06:39:50.250+02:00") << qint64(1763699990250);
    QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << qint64(0);
    QTest::newRow("before 1970") << QByteArray("1969-12-31T23:59:59.999Z") << qint64(-1);
    QTest::newRow("year 0000") << QByteArray("0000-01-01T00:00:00Z") << qint64(-62167219200000);
    QTest::newRow("year 9999 end") << QByteArray("9999-12-31T23:59:59.999Z") << qint64(253402300799999);
    QTest::newRow("29 February leap year") << QByteArray("2024-02-29T12:00:00Z") << qint64(timegmMs(2024, 2, 29, 12, 0, 0));
    QTest::newRow("29 February 2000 (div by 400)") << QByteArray("2000-02-29T00:00:00Z") << qint64(timegmMs(2000, 2, 29, 0, 0, 0));
    QTest::newRow("30 April") << QByteArray("2026-04-30T00:00:00Z") << qint64(timegmMs(2026, 4, 30, 0, 0, 0));
    QTest::newRow("31 December") << QByteArray("2026-12-31T23:59:59Z") << qint64(timegmMs(2026, 12, 31, 23, 59, 59));
    QTest::newRow("leap second reads as the next second") << QByteArray("2016-12-31T23:59:60Z") << qint64(timegmMs(2017, 1, 1, 0, 0, 0));
}

void TestRfc3339::parsesValidTimes()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expectedMs);
    const std::optional<int64_t> parsed = rfc3339::parseMs(text.toStdString());
    QVERIFY2(parsed.has_value(), text.constData());
    QCOMPARE(qint64(*parsed), expectedMs);
}

void TestRfc3339::rejectsInvalidText_data()
{
    QTest::addColumn<QByteArray>("text");

    // Calendar.
    QTest::newRow("31 February") << QByteArray("2026-02-31T00:00:00Z");
    QTest::newRow("30 February") << QByteArray("2024-02-30T00:00:00Z");
    QTest::newRow("29 February non-leap year") << QByteArray("2026-02-29T00:00:00Z");
    QTest::newRow("29 February 1900 (div by 100)") << QByteArray("1900-02-29T00:00:00Z");
    QTest::newRow("31 April") << QByteArray("2026-04-31T00:00:00Z");
    QTest::newRow("31 June") << QByteArray("2026-06-31T00:00:00Z");
    QTest::newRow("31 September") << QByteArray("2026-09-31T00:00:00Z");
    QTest::newRow("31 November") << QByteArray("2026-11-31T00:00:00Z");
    QTest::newRow("32 January") << QByteArray("2026-01-32T00:00:00Z");
    QTest::newRow("day 00") << QByteArray("2026-01-00T00:00:00Z");
    QTest::newRow("month 00") << QByteArray("2026-00-10T00:00:00Z");
    QTest::newRow("month 13") << QByteArray("2025-13-01T00:00:00Z");
    // Clock.
    QTest::newRow("hour 24") << QByteArray("2026-01-01T24:00:00Z");
    QTest::newRow("minute 60") << QByteArray("2026-01-01T23:60:00Z");
    QTest::newRow("second 61") << QByteArray("2026-01-01T23:59:61Z");
    // Offsets.
    QTest::newRow("offset +99:99") << QByteArray("2026-01-01T00:00:00+99:99");
    QTest::newRow("offset +24:00") << QByteArray("2026-01-01T00:00:00+24:00");
    QTest::newRow("offset -24:00") << QByteArray("2026-01-01T00:00:00-24:00");
    QTest::newRow("offset minute 60") << QByteArray("2026-01-01T00:00:00+01:60");
    QTest::newRow("offset without colon") << QByteArray("2026-01-01T00:00:00+0100");
    QTest::newRow("offset hours only") << QByteArray("2026-01-01T00:00:00+01");
    QTest::newRow("offset one hour digit") << QByteArray("2026-01-01T00:00:00+1:00");
    QTest::newRow("offset with seconds") << QByteArray("2026-01-01T00:00:00+01:00:00");
    QTest::newRow("no offset (local time)") << QByteArray("2026-01-01T00:00:00");
    QTest::newRow("offset letter other than Z") << QByteArray("2026-01-01T00:00:00A");
    QTest::newRow("offset and Z") << QByteArray("2026-01-01T00:00:00+01:00Z");
    // Garbage and shape.
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("date only") << QByteArray("2026-01-01");
    QTest::newRow("time only") << QByteArray("21:15:00Z");
    QTest::newRow("garbage after Z") << QByteArray("2026-01-01T00:00:00Zjunk");
    QTest::newRow("second value after") << QByteArray("2026-01-01T00:00:00Z2026-01-01T00:00:00Z");
    QTest::newRow("trailing space") << QByteArray("2026-01-01T00:00:00Z ");
    QTest::newRow("leading space") << QByteArray(" 2026-01-01T00:00:00Z");
    QTest::newRow("trailing newline") << QByteArray("2026-01-01T00:00:00Z\n");
    QTest::newRow("embedded NUL") << QByteArray("2026-01-01T00:00:00Z\0", 21);
    QTest::newRow("fraction without digits") << QByteArray("2026-01-01T00:00:00.Z");
    QTest::newRow("fraction with comma") << QByteArray("2026-01-01T00:00:00,5Z");
    QTest::newRow("fraction with letters") << QByteArray("2026-01-01T00:00:00.5aZ");
    QTest::newRow("fraction without seconds") << QByteArray("2026-01-01T00:00.5Z");
    QTest::newRow("no seconds") << QByteArray("2026-01-01T00:00Z");
    QTest::newRow("no separator") << QByteArray("2026-01-0100:00:00Z");
    QTest::newRow("two spaces") << QByteArray("2026-01-01  00:00:00Z");
    QTest::newRow("separator underscore") << QByteArray("2026-01-01_00:00:00Z");
    QTest::newRow("five-digit year") << QByteArray("20260-01-01T00:00:00Z");
    QTest::newRow("two-digit year") << QByteArray("26-01-01T00:00:00Z");
    QTest::newRow("negative year") << QByteArray("-2026-01-01T00:00:00Z");
    QTest::newRow("plus year") << QByteArray("+2026-01-01T00:00:00Z");
    QTest::newRow("one-digit month") << QByteArray("2026-1-01T00:00:00Z");
    QTest::newRow("one-digit hour") << QByteArray("2026-01-01T0:00:00Z");
    QTest::newRow("slashes") << QByteArray("2026/01/01T00:00:00Z");
    QTest::newRow("basic format") << QByteArray("20260101T000000Z");
    QTest::newRow("non-ASCII digit") << QByteArray("2026-01-01T00:00:0\xd9\xa0Z");
    QTest::newRow("truncated in offset") << QByteArray("2026-01-01T00:00:00+01:");
    QTest::newRow("truncated in date") << QByteArray("2026-0");
    QTest::newRow("unix ms") << QByteArray("1567113300000");
}

void TestRfc3339::rejectsInvalidText()
{
    QFETCH(QByteArray, text);
    const std::optional<int64_t> parsed = rfc3339::parseMs(std::string_view(text.constData(), size_t(text.size())));
    QVERIFY2(!parsed.has_value(), qPrintable(QStringLiteral("accepted \"%1\" as %2").arg(QString::fromLatin1(text)).arg(parsed.value_or(0))));
}

void TestRfc3339::acceptsEveryDayThatExists()
{
    // Every day of 1999..2101 (leap years, century years) exists exactly as
    // the C library says: day N+1 of a month is accepted iff timegm does not
    // roll it into the next month.
    for (int year = 1999; year <= 2101; ++year) {
        for (int month = 1; month <= 12; ++month) {
            for (int day = 28; day <= 31; ++day) {
                std::tm fields{};
                fields.tm_year = year - 1900;
                fields.tm_mon = month - 1;
                fields.tm_mday = day;
                const time_t seconds = timegm(&fields);
                const bool exists = fields.tm_mday == day;
                char text[32];
                std::snprintf(text, sizeof text, "%04d-%02d-%02dT00:00:00Z", year, month, day);
                const std::optional<int64_t> parsed = rfc3339::parseMs(text);
                QVERIFY2(parsed.has_value() == exists, text);
                if (exists)
                    QCOMPARE(*parsed, static_cast<int64_t>(seconds) * 1000);
            }
        }
    }
}

void TestRfc3339::formatsMilliseconds_data()
{
    QTest::addColumn<qint64>("unixMs");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("example") << qint64(kExampleMs) << QByteArray("2019-08-29T21:15:00.000Z");
    QTest::newRow("millis") << qint64(kExampleMs + 7) << QByteArray("2019-08-29T21:15:00.007Z");
    QTest::newRow("epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
    QTest::newRow("-1 floors") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
    QTest::newRow("-1000") << qint64(-1000) << QByteArray("1969-12-31T23:59:59.000Z");
    QTest::newRow("-1001") << qint64(-1001) << QByteArray("1969-12-31T23:59:58.999Z");
    QTest::newRow("year 0000") << qint64(-62167219200000) << QByteArray("0000-01-01T00:00:00.000Z");
    QTest::newRow("year 9999") << qint64(253402300799999) << QByteArray("9999-12-31T23:59:59.999Z");
    QTest::newRow("year 10000 has five digits") << qint64(253402300800000) << QByteArray("10000-01-01T00:00:00.000Z");
    QTest::newRow("leap day") << qint64(timegmMs(2024, 2, 29, 23, 59, 59)) << QByteArray("2024-02-29T23:59:59.000Z");
}

void TestRfc3339::formatsMilliseconds()
{
    QFETCH(qint64, unixMs);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(rfc3339::formatMs(unixMs)), expected);
}

void TestRfc3339::formatsSeconds()
{
    QCOMPARE(rfc3339::formatSeconds(kExampleMs / 1000), std::string("2019-08-29T21:15:00Z"));
    QCOMPARE(rfc3339::formatSeconds(0), std::string("1970-01-01T00:00:00Z"));
    QCOMPARE(rfc3339::formatSeconds(-1), std::string("1969-12-31T23:59:59Z"));
    QCOMPARE(rfc3339::formatSeconds(UINT32_MAX), std::string("2106-02-07T06:28:15Z"));
}

void TestRfc3339::formatsEveryInt64WithoutOverflow()
{
    // The extremes only come from absurd input, but they must not overflow
    // (UBSan in the sanitizer build) or print a broken clock.
    const std::string lowest = rfc3339::formatMs(std::numeric_limits<int64_t>::min());
    QCOMPARE(lowest, std::string("-292275055-05-16T16:47:04.192Z"));
    const std::string highest = rfc3339::formatMs(std::numeric_limits<int64_t>::max());
    QCOMPARE(highest, std::string("292278994-08-17T07:12:55.807Z"));
    QVERIFY(!rfc3339::formatSeconds(std::numeric_limits<int64_t>::min()).empty());
    QVERIFY(!rfc3339::formatSeconds(std::numeric_limits<int64_t>::max()).empty());
}

void TestRfc3339::matchesTheCLibraryOnRandomTimes()
{
    const auto seed = static_cast<uint32_t>(QRandomGenerator::global()->generate());
    qInfo("seed %u", seed);
    std::mt19937_64 random(seed);
    // Years 0001..9999: gmtime_r's struct tm holds them all.
    std::uniform_int_distribution<int64_t> pick(-62135596800000, 253402300799999);
    for (int sample = 0; sample < 20000; ++sample) {
        const int64_t unixMs = sample == 0 ? 0 : pick(random);
        const int64_t seconds = unixMs >= 0 ? unixMs / 1000 : (unixMs - 999) / 1000;
        const time_t clock = static_cast<time_t>(seconds);
        std::tm utc{};
        QVERIFY(gmtime_r(&clock, &utc) != nullptr);
        char expected[48];
        std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                      utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(unixMs - seconds * 1000));
        QCOMPARE(rfc3339::formatMs(unixMs), std::string(expected));
    }
}

void TestRfc3339::roundTripsFormattedTimes()
{
    std::mt19937_64 random(20261201);
    std::uniform_int_distribution<int64_t> pick(-62167219200000, 253402300799999);
    for (int sample = 0; sample < 20000; ++sample) {
        const int64_t unixMs = pick(random);
        const std::string text = rfc3339::formatMs(unixMs);
        QCOMPARE(rfc3339::parseMs(text), std::optional<int64_t>(unixMs));
        // The civil-date functions are each other's inverse on every day.
        const int64_t days = unixMs / 86'400'000;
        const civil::Date date = civil::civilFromDays(days);
        QCOMPARE(civil::daysFromCivil(date.year, date.month, date.day), days);
    }
}

QTEST_APPLESS_MAIN(TestRfc3339)
#include "test_rfc3339.moc"

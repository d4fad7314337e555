#include "core/engine/record_id.hpp"

#include <QTest>

#include <bit>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <limits>
#include <random>
#include <string>
#include <unordered_set>

using namespace slatrack::engine;

namespace {

constexpr uint64_t kExampleId = 0x5d684054fc3540a0ULL;
constexpr uint64_t kMaxId = std::numeric_limits<uint64_t>::max();

std::string toStd(const QByteArray& bytes)
{
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

// Independent reference for formatCreationTime: the C library's calendar.
std::string gmtimeReference(int64_t unixSeconds)
{
    const auto seconds = static_cast<std::time_t>(unixSeconds);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

} // namespace

class TestRecordId : public QObject {
    Q_OBJECT

private slots:
    void exampleId();
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void sixteenDigitsAreHex();
    void roundTripRandom();
    void format_data();
    void format();
    void creationTime_data();
    void creationTime();
    void makeAndSplit();
    void hashNeverZero();
    void hashDistinguishes();
    void hashIsStable();
    void hashAvalanche();
    void recordIdViews();
    void canonicalFastPathAgreesWithParse();
};

void TestRecordId::exampleId()
{
    for (const char* text : {"0x5d684054fc3540a0", "5d684054fc3540a0", "0X5D684054FC3540A0", "6730700376857985184"}) {
        const auto parsed = composite_id::parse(text);
        QVERIFY2(parsed.value.has_value(), parsed.error.c_str());
        QCOMPARE(*parsed.value, kExampleId);
        QVERIFY(parsed.error.empty());
    }
    QCOMPARE(composite_id::creationUnixSeconds(kExampleId), int64_t{1567113300});
    QCOMPARE(composite_id::formatCreationTime(kExampleId), std::string("2019-08-29T21:15:00Z"));
    QCOMPARE(composite_id::format(kExampleId), std::string("5d684054fc3540a0"));
    QCOMPARE(composite_id::make(0x5d684054, 0xfc3540a0), kExampleId);
}

void TestRecordId::parseValid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<quint64>("expected");

    QTest::newRow("0x, one digit") << QByteArray("0x1") << quint64(1);
    QTest::newRow("0X, mixed case") << QByteArray("0XaB") << quint64(0xab);
    QTest::newRow("0x, leading zeros, 16 digits") << QByteArray("0x0000000000000001") << quint64(1);
    QTest::newRow("0x, max") << QByteArray("0xffffffffffffffff") << quint64(kMaxId);
    QTest::newRow("canonical, max") << QByteArray("FFFFFFFFFFFFFFFF") << quint64(kMaxId);
    QTest::newRow("canonical, leading zeros") << QByteArray("00000000000000ff") << quint64(0xff);
    QTest::newRow("decimal, 1") << QByteArray("1") << quint64(1);
    QTest::newRow("decimal, 15 digits") << QByteArray("123456789012345") << quint64(123456789012345ULL);
    QTest::newRow("decimal, 17 digits with leading zero") << QByteArray("01234567890123456")
                                                           << quint64(1234567890123456ULL);
    QTest::newRow("decimal, max") << QByteArray("18446744073709551615") << quint64(kMaxId);
}

void TestRecordId::parseValid()
{
    QFETCH(QByteArray, text);
    QFETCH(quint64, expected);

    const auto parsed = composite_id::parse(toStd(text));
    QVERIFY2(parsed.value.has_value(), parsed.error.c_str());
    QCOMPARE(*parsed.value, uint64_t{expected});
    QVERIFY(parsed.error.empty());
}

void TestRecordId::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("error");

    QTest::newRow("empty") << QByteArray("") << QByteArray("empty ID");
    QTest::newRow("prefix only") << QByteArray("0x") << QByteArray(R"("0x": no hex digits after "0x")");
    QTest::newRow("bad hex digit") << QByteArray("0x12g4") << QByteArray(R"("0x12g4": invalid hex digit 'g' at position 4)");
    QTest::newRow("sign after prefix") << QByteArray("0x-1") << QByteArray(R"("0x-1": invalid hex digit '-' at position 2)");
    QTest::newRow("17 hex digits") << QByteArray("0x10000000000000000")
                                   << QByteArray(R"("0x10000000000000000": too many hex digits (17, at most 16 for 64 bits))");
    QTest::newRow("bad digit beats length") << QByteArray("0x1000000000000000z")
                                            << QByteArray(R"("0x1000000000000000z": invalid hex digit 'z' at position 18)");
    QTest::newRow("canonical with bad last digit")
        << QByteArray("5d684054fc3540ag") << QByteArray(R"("5d684054fc3540ag": invalid hex digit 'g' at position 15)");
    QTest::newRow("hex without prefix, wrong length")
        << QByteArray("5d684054fc3540a")
        << QByteArray(R"("5d684054fc3540a": invalid decimal digit 'd' at position 1 (hex IDs need a 0x prefix or exactly 16 digits))");
    QTest::newRow("negative") << QByteArray("-1") << QByteArray(R"("-1": invalid decimal digit '-' at position 0)");
    QTest::newRow("plus sign") << QByteArray("+1") << QByteArray(R"("+1": invalid decimal digit '+' at position 0)");
    QTest::newRow("leading space") << QByteArray(" 1") << QByteArray(R"(" 1": invalid decimal digit ' ' at position 0)");
    QTest::newRow("trailing newline") << QByteArray("12\n") << QByteArray(R"("12\x0a": invalid decimal digit '\x0a' at position 2)");
    QTest::newRow("embedded NUL") << QByteArray("1\0002", 3) << QByteArray(R"("1\x002": invalid decimal digit '\x00' at position 1)");
    QTest::newRow("quote is escaped") << QByteArray("1\"") << QByteArray(R"("1\"": invalid decimal digit '"' at position 1)");
    QTest::newRow("apostrophe is escaped") << QByteArray("1'") << QByteArray(R"("1'": invalid decimal digit '\'' at position 1)");
    QTest::newRow("non-ASCII") << QByteArray("1\xc3\xa9") << QByteArray(R"("1\xc3\xa9": invalid decimal digit '\xc3' at position 1)");
    QTest::newRow("2^64") << QByteArray("18446744073709551616")
                          << QByteArray(R"("18446744073709551616": decimal value exceeds 2^64-1 (18446744073709551615))");
    QTest::newRow("way past 2^64") << QByteArray("99999999999999999999999")
                                   << QByteArray(R"("99999999999999999999999": decimal value exceeds 2^64-1 (18446744073709551615))");
    QTest::newRow("21 digits that fit") << QByteArray("000000000000000000001")
                                        << QByteArray(R"("000000000000000000001": too many decimal digits (21, at most 20))");
    QTest::newRow("zero decimal") << QByteArray("0") << QByteArray(R"("0": 0 is reserved and never a valid ID)");
    QTest::newRow("zero hex") << QByteArray("0x0") << QByteArray(R"("0x0": 0 is reserved and never a valid ID)");
    QTest::newRow("zero canonical") << QByteArray("0000000000000000")
                                    << QByteArray(R"("0000000000000000": 0 is reserved and never a valid ID)");
    QTest::newRow("long garbage is cut")
        << QByteArray(100, 'z')
        << (QByteArray("\"") + QByteArray(64, 'z') + QByteArray(R"(...": invalid decimal digit 'z' at position 0)"));
}

void TestRecordId::parseInvalid()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, error);

    const auto parsed = composite_id::parse(toStd(text));
    QVERIFY2(!parsed.value.has_value(), "malformed text was accepted");
    QCOMPARE(QByteArray::fromStdString(parsed.error), error);
}

void TestRecordId::sixteenDigitsAreHex()
{
    // The one ambiguous shape: 16 decimal digits are the canonical hex form.
    const auto parsed = composite_id::parse("1000000000000000");
    QVERIFY(parsed.value.has_value());
    QCOMPARE(*parsed.value, uint64_t{0x1000000000000000ULL});
}

void TestRecordId::roundTripRandom()
{
    std::mt19937_64 rng(20190829);
    int decimalChecked = 0;
    for (int idx = 0; idx < 20000; ++idx) {
        // Mix full-range values with small ones so short forms get exercised.
        uint64_t id = rng();
        if (idx % 4 == 1)
            id >>= rng() % 64;
        if (id == 0)
            continue;
        const std::string canonical = composite_id::format(id);
        QCOMPARE(canonical.size(), size_t{16});
        for (const std::string& text : {canonical, "0x" + canonical, "0X" + canonical}) {
            const auto parsed = composite_id::parse(text);
            QVERIFY2(parsed.value == id, (text + ": " + parsed.error).c_str());
        }
        const std::string decimal = std::to_string(id);
        if (decimal.size() == 16)
            continue;  // read as hex by design (sixteenDigitsAreHex)
        const auto parsed = composite_id::parse(decimal);
        QVERIFY2(parsed.value == id, (decimal + ": " + parsed.error).c_str());
        ++decimalChecked;
    }
    QVERIFY(decimalChecked > 19000);
}

void TestRecordId::format_data()
{
    QTest::addColumn<quint64>("id");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("1") << quint64(1) << QByteArray("0000000000000001");
    QTest::newRow("example") << quint64(kExampleId) << QByteArray("5d684054fc3540a0");
    QTest::newRow("max") << quint64(kMaxId) << QByteArray("ffffffffffffffff");
    QTest::newRow("every digit") << quint64(0x0123456789abcdefULL) << QByteArray("0123456789abcdef");
}

void TestRecordId::format()
{
    QFETCH(quint64, id);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(composite_id::format(id)), expected);
}

void TestRecordId::creationTime_data()
{
    QTest::addColumn<quint64>("id");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("example") << quint64(kExampleId) << QByteArray("2019-08-29T21:15:00Z");
    QTest::newRow("epoch") << quint64(composite_id::make(0, 1)) << QByteArray("1970-01-01T00:00:00Z");
    QTest::newRow("leap day 2000") << quint64(composite_id::make(951782400, 7)) << QByteArray("2000-02-29T00:00:00Z");
    QTest::newRow("eve of 2024 leap day") << quint64(composite_id::make(1709164799, 0xffffffff))
                                          << QByteArray("2024-02-28T23:59:59Z");
    QTest::newRow("largest, 2106") << quint64(kMaxId) << QByteArray("2106-02-07T06:28:15Z");
}

void TestRecordId::creationTime()
{
    QFETCH(quint64, id);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(composite_id::formatCreationTime(id)), expected);
}

void TestRecordId::makeAndSplit()
{
    std::mt19937_64 rng(7);
    for (int idx = 0; idx < 5000; ++idx) {
        const auto seconds = static_cast<uint32_t>(rng());
        const auto random = static_cast<uint32_t>(rng());
        const uint64_t id = composite_id::make(seconds, random);
        QCOMPARE(id & 0xffffffffULL, uint64_t{random});
        QCOMPARE(composite_id::creationUnixSeconds(id), int64_t{seconds});
        QCOMPARE(composite_id::formatCreationTime(id), gmtimeReference(seconds));
    }
}

void TestRecordId::hashNeverZero()
{
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> byte(0, 255);
    QVERIFY(hashOpaqueId("") != 0);
    QVERIFY(hashOpaqueId(std::string(1, '\0')) != 0);
    for (int idx = 0; idx < 100000; ++idx) {
        std::string text(static_cast<size_t>(length(rng)), '\0');
        for (char& c : text)
            c = static_cast<char>(byte(rng));
        QVERIFY2(hashOpaqueId(text) != 0, "hash 0 is reserved for empty slots");
    }
}

void TestRecordId::hashDistinguishes()
{
    // Sequential IDs are the realistic worst case for a weak hash.
    std::unordered_set<uint64_t> seen;
    constexpr int kIds = 200000;
    for (int idx = 0; idx < kIds; ++idx)
        seen.insert(hashOpaqueId("order-" + std::to_string(idx)));
    QCOMPARE(seen.size(), size_t{kIds});

    // Every length through the 8-byte blocks and the tail, and trailing NULs:
    // the length must be part of the hash.
    std::unordered_set<uint64_t> byLength;
    for (size_t length = 0; length <= 40; ++length) {
        byLength.insert(hashOpaqueId(std::string(length, 'a')));
        byLength.insert(hashOpaqueId(std::string(length, '\0')));
    }
    QCOMPARE(byLength.size(), size_t{2 * 41 - 1});  // the two empty strings are one

    QVERIFY(hashOpaqueId("abc") != hashOpaqueId("abd"));
    QVERIFY(hashOpaqueId("abc") != hashOpaqueId("acb"));
    QVERIFY(hashOpaqueId(std::string_view("a\0b", 3)) != hashOpaqueId(std::string_view("a\0c", 3)));
    QCOMPARE(hashOpaqueId(std::string("same-id")), hashOpaqueId("same-id"));
}

void TestRecordId::hashIsStable()
{
    // Keys are persisted in store snapshots: a change here invalidates every
    // open record of every existing store. Update only with a migration.
    QCOMPARE(hashOpaqueId("order-1001"), uint64_t{0xcbd59e6feab55d96ULL});
    QCOMPARE(hashOpaqueId(""), uint64_t{0x5c7338bcd5e1a2a7ULL});
}

void TestRecordId::hashAvalanche()
{
    // Flipping one input bit should flip about half of the 64 output bits;
    // a weak mix (e.g. a missing finalizer) shows up as a low average.
    std::mt19937_64 rng(11);
    long long flippedTotal = 0;
    int samples = 0;
    for (int idx = 0; idx < 2000; ++idx) {
        std::string text = "user-" + std::to_string(rng() % 1000000) + "-" + std::to_string(idx);
        const uint64_t before = hashOpaqueId(text);
        const size_t position = rng() % text.size();
        text[position] = static_cast<char>(text[position] ^ (1 << (rng() % 8)));
        flippedTotal += std::popcount(before ^ hashOpaqueId(text));
        ++samples;
    }
    const double averageFlipped = static_cast<double>(flippedTotal) / samples;
    QVERIFY2(averageFlipped > 31.0 && averageFlipped < 33.0, std::to_string(averageFlipped).c_str());
}

void TestRecordId::recordIdViews()
{
    const RecordId opaque = RecordId::opaque("order-1001");
    QVERIFY(!opaque.isComposite());
    QCOMPARE(opaque.key, hashOpaqueId("order-1001"));
    QCOMPARE(displayText(opaque), std::string("order-1001"));

    const RecordId composite = RecordId::composite(kExampleId);
    QVERIFY(composite.isComposite());
    QCOMPARE(composite.key, kExampleId);
    QCOMPARE(displayText(composite), std::string("5d684054fc3540a0"));
}

void TestRecordId::canonicalFastPathAgreesWithParse()
{
    std::mt19937_64 rng(99);
    const char kNoise[] = {'g', ' ', '-', 'x', 'Z', '\x01'};
    for (int round = 0; round < 20000; ++round) {
        std::string text = composite_id::format(rng() | 1);
        if (round % 3 == 0)
            for (char& ch : text)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (round % 5 == 0)
            text[static_cast<size_t>(rng() % 16)] = kNoise[rng() % 6];
        uint64_t fast = 0;
        const bool fastOk = composite_id::parseCanonical(text, fast);
        const auto full = composite_id::parse(text);
        // The fast path takes exactly the canonical form; parse() takes more
        // ("0x" + 14 digits is also 16 characters).
        const bool canonical = text.find_first_of("xX") == std::string::npos;
        QCOMPARE(fastOk, full.value.has_value() && canonical);
        if (fastOk)
            QCOMPARE(fast, *full.value);
    }
    uint64_t value = 0;
    QVERIFY(!composite_id::parseCanonical("0000000000000000", value));    // 0 is reserved
    QVERIFY(!composite_id::parseCanonical("0x5d684054fc3540a0", value));  // not canonical: parse() handles it
    QVERIFY(composite_id::parseCanonical("5d684054fc3540a0", value));
    QCOMPARE(value, 0x5d684054fc3540a0ULL);
}

QTEST_APPLESS_MAIN(TestRecordId)
#include "test_record_id.moc"

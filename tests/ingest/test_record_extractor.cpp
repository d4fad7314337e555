// RecordExtractor: every way a message can be good or bad, without a broker.
#include "core/engine/record_id.hpp"
#include "core/ingest/record_extractor.hpp"
#include "reference_extractor.hpp"

#include <librdkafka/rdkafka.h>

#include <QtTest>

#include <random>

using namespace slatrack;
using ingest::ExtractResult;
using ingest::RawMessage;
using ingest::RecordExtractor;
using engine::RejectReason;

namespace {

constexpr int64_t kNow = 1'763'700'000'000;  // 2025-11-21

config::StageConfig stage(config::IdSource id, config::TimeSource time)
{
    config::StageConfig out;
    out.name = "incoming";
    out.topics = {"incoming"};
    out.id = std::move(id);
    out.time = std::move(time);
    return out;
}

config::IdSource fromKey() { return {config::IdSource::Kind::Key, {}, {}}; }
config::IdSource fromJson(std::string pointer) { return {config::IdSource::Kind::JsonPointer, std::move(pointer), {}}; }
config::IdSource fromHeader(std::string name) { return {config::IdSource::Kind::Header, {}, std::move(name)}; }
config::TimeSource kafkaTime() { return {config::TimeSource::Kind::KafkaTimestamp, {}, config::TimeFormat::EpochMillis}; }
config::TimeSource jsonTime(std::string pointer, config::TimeFormat format) { return {config::TimeSource::Kind::JsonPointer, std::move(pointer), format}; }

RawMessage message(std::string_view key, std::string_view value, int64_t timestamp = kNow - 1000)
{
    RawMessage raw;
    raw.key = key;
    raw.value = value;
    raw.kafkaTimestampMs = timestamp;
    return raw;
}

} // namespace

class TestRecordExtractor : public QObject {
    Q_OBJECT

private slots:
    void compositeKeyAndKafkaTime()
    {
        const RecordExtractor extractor(stage(fromKey(), kafkaTime()), config::IdFormat::Composite);
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(message("5d684054fc3540a0", "{}", kNow - 5), kNow, arena);
        QVERIFY2(result.ok, result.detail.c_str());
        QCOMPARE(result.id.key, 0x5d684054fc3540a0ULL);
        QVERIFY(result.id.isComposite());
        QCOMPARE(result.timeMs, kNow - 5);
    }

    void opaqueJsonIdAndTimes_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("format");
        QTest::addColumn<qint64>("expectedMs");
        QTest::newRow("epoch_ms") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":1763699990000})") << int(config::TimeFormat::EpochMillis) << qint64(1763699990000);
        QTest::newRow("epoch_s") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":1763699990.5})") << int(config::TimeFormat::EpochSeconds) << qint64(1763699990500);
        QTest::newRow("epoch_us") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":1763699990000123})") << int(config::TimeFormat::EpochMicros) << qint64(1763699990000);
        QTest::newRow("epoch_ms as string") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":"1763699990000"})") << int(config::TimeFormat::EpochMillis) << qint64(1763699990000);
        QTest::newRow("rfc3339 Z") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":"2025-11-21T04:39:50Z"})") << int(config::TimeFormat::Rfc3339) << qint64(1763699990000);
        QTest::newRow("rfc3339 offset, fraction") << QStringLiteral(R"({"order":{"id":"A-17"},"ts":"2025-11-21T06:39:50.250+02:00"})") << int(config::TimeFormat::Rfc3339) << qint64(1763699990250);
    }

    void opaqueJsonIdAndTimes()
    {
        QFETCH(QString, value);
        QFETCH(int, format);
        QFETCH(qint64, expectedMs);
        const RecordExtractor extractor(stage(fromJson("/order/id"), jsonTime("/ts", static_cast<config::TimeFormat>(format))), config::IdFormat::Opaque);
        ingest::TextArena arena;
        const QByteArray bytes = value.toUtf8();
        const ExtractResult result = extractor.extract(message("", std::string_view(bytes.constData(), size_t(bytes.size()))), kNow, arena);
        QVERIFY2(result.ok, result.detail.c_str());
        QCOMPARE(std::string(result.id.text), std::string("A-17"));
        QCOMPARE(result.id.key, engine::hashOpaqueId("A-17"));
        QCOMPARE(result.timeMs, expectedMs);
    }

    void idFromHeader()
    {
        const RecordExtractor extractor(stage(fromHeader("record-id"), kafkaTime()), config::IdFormat::Opaque);
        rd_kafka_headers_t* headers = rd_kafka_headers_new(2);
        rd_kafka_header_add(headers, "other", -1, "x", -1);
        rd_kafka_header_add(headers, "record-id", -1, "rec-9", -1);
        RawMessage raw = message("", "not json, not needed");
        raw.headers = headers;
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(raw, kNow, arena);
        rd_kafka_headers_destroy(headers);
        QVERIFY2(result.ok, result.detail.c_str());
        QCOMPARE(std::string(result.id.text), std::string("rec-9"));
    }

    // Every bad-message kind of issue #3, with the reason and the words an
    // operator needs to find the problem.
    void badMessagesAreRejectedByReason_data()
    {
        QTest::addColumn<int>("idKind");        // 0 key, 1 json /id, 2 header
        QTest::addColumn<int>("idFormat");      // config::IdFormat
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("timestamp");
        QTest::addColumn<int>("reason");
        QTest::addColumn<QString>("detailContains");
        const QByteArray okValue = R"({"id":"r1"})";
        QTest::newRow("not JSON") << 1 << int(config::IdFormat::Opaque) << QByteArray() << QByteArray("hello there") << qint64(kNow) << int(RejectReason::NotJson) << QStringLiteral("not JSON");
        QTest::newRow("JSON but not an object") << 1 << int(config::IdFormat::Opaque) << QByteArray() << QByteArray("[1,2]") << qint64(kNow) << int(RejectReason::NotJson) << QStringLiteral("not an object");
        QTest::newRow("binary garbage value") << 1 << int(config::IdFormat::Opaque) << QByteArray() << QByteArray("\x00\xff\x13\x37garbage", 11) << qint64(kNow) << int(RejectReason::NotJson) << QStringLiteral("\\x00");
        QTest::newRow("no ID field") << 1 << int(config::IdFormat::Opaque) << QByteArray() << QByteArray(R"({"other":1})") << qint64(kNow) << int(RejectReason::MissingId) << QStringLiteral("no field at /id");
        QTest::newRow("ID field of wrong type") << 1 << int(config::IdFormat::Opaque) << QByteArray() << QByteArray(R"({"id":{"x":1}})") << qint64(kNow) << int(RejectReason::MalformedId) << QStringLiteral("expected a string or an integer");
        QTest::newRow("empty key") << 0 << int(config::IdFormat::Opaque) << QByteArray() << okValue << qint64(kNow) << int(RejectReason::MissingId) << QStringLiteral("no key");
        QTest::newRow("binary garbage key") << 0 << int(config::IdFormat::Opaque) << QByteArray("ab\x01\x02", 4) << okValue << qint64(kNow) << int(RejectReason::MalformedId) << QStringLiteral("control byte at position 2");
        QTest::newRow("malformed composite key") << 0 << int(config::IdFormat::Composite) << QByteArray("0x12g4") << okValue << qint64(kNow) << int(RejectReason::MalformedId) << QStringLiteral("invalid hex digit 'g'");
        QTest::newRow("missing header") << 2 << int(config::IdFormat::Opaque) << QByteArray() << okValue << qint64(kNow) << int(RejectReason::MissingId) << QStringLiteral("no header \"record-id\"");
        QTest::newRow("1 MB value") << 1 << int(config::IdFormat::Opaque) << QByteArray() << (QByteArray(R"({"id":"r1","pad":")") + QByteArray(1 << 20, 'x') + "\"}") << qint64(kNow) << int(RejectReason::TooLarge) << QStringLiteral("exceeds the 262144-byte limit");
        QTest::newRow("timestamp years off") << 0 << int(config::IdFormat::Opaque) << QByteArray("r1") << okValue << qint64(kNow - 5LL * 365 * 24 * 3600 * 1000) << int(RejectReason::AbsurdTime) << QStringLiteral("more than a year in the past");
        QTest::newRow("timestamp in the future") << 0 << int(config::IdFormat::Opaque) << QByteArray("r1") << okValue << qint64(kNow + 3LL * 24 * 3600 * 1000) << int(RejectReason::AbsurdTime) << QStringLiteral("in the future");
        QTest::newRow("no timestamp") << 0 << int(config::IdFormat::Opaque) << QByteArray("r1") << okValue << qint64(-1) << int(RejectReason::MissingTime) << QStringLiteral("no Kafka timestamp");
    }

    void badMessagesAreRejectedByReason()
    {
        QFETCH(int, idKind);
        QFETCH(int, idFormat);
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, value);
        QFETCH(qint64, timestamp);
        QFETCH(int, reason);
        QFETCH(QString, detailContains);
        const config::IdSource id = idKind == 0 ? fromKey() : idKind == 1 ? fromJson("/id") : fromHeader("record-id");
        const RecordExtractor extractor(stage(id, kafkaTime()), static_cast<config::IdFormat>(idFormat));
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(
            message(std::string_view(key.constData(), size_t(key.size())), std::string_view(value.constData(), size_t(value.size())), timestamp), kNow, arena);
        QVERIFY(!result.ok);
        QCOMPARE(int(result.reason), reason);
        QVERIFY2(QString::fromStdString(result.detail).contains(detailContains), result.detail.c_str());
    }

    void badJsonTimes_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("reason");
        QTest::newRow("missing") << QByteArray(R"({"id":"a"})") << int(config::TimeFormat::EpochMillis) << int(RejectReason::MissingTime);
        QTest::newRow("not a number") << QByteArray(R"({"id":"a","ts":"soon"})") << int(config::TimeFormat::EpochMillis) << int(RejectReason::MissingTime);
        QTest::newRow("bad rfc3339") << QByteArray(R"({"id":"a","ts":"2025-13-01T00:00:00Z"})") << int(config::TimeFormat::Rfc3339) << int(RejectReason::MissingTime);
        QTest::newRow("seconds given as ms") << QByteArray(R"({"id":"a","ts":1763699990})") << int(config::TimeFormat::EpochMillis) << int(RejectReason::AbsurdTime);
    }

    void badJsonTimes()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, format);
        QFETCH(int, reason);
        const RecordExtractor extractor(stage(fromJson("/id"), jsonTime("/ts", static_cast<config::TimeFormat>(format))), config::IdFormat::Opaque);
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
        QVERIFY(!result.ok);
        QCOMPARE(int(result.reason), reason);
    }

    // The value's JSON, byte for byte: what is accepted, the ID it yields
    // and the reason a value is rejected. Pinned against the nlohmann DOM
    // extractor this replaced, so the two agree case by case.
    void jsonValueEdgeCases_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<int>("idFormat");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("id");  // ok: the ID text (opaque) or 16 hex digits (composite)
        QTest::addColumn<int>("reason");     // !ok
        const int composite = int(config::IdFormat::Composite);
        const QString id = QStringLiteral("/id");
        auto good = [&](const char* name, QByteArray value, QByteArray expected, QString pointer = QStringLiteral("/id"), int format = int(config::IdFormat::Opaque)) {
            QTest::newRow(name) << value << pointer << format << true << expected << 0;
        };
        auto bad = [&](const char* name, QByteArray value, RejectReason reason, QString pointer = QStringLiteral("/id"), int format = int(config::IdFormat::Opaque)) {
            QTest::newRow(name) << value << pointer << format << false << QByteArray() << int(reason);
        };
        // Accepted.
        good("string", R"({"id":"r1"})", "r1");
        good("integer", R"({"id":123})", "123");
        good("negative integer", R"({"id":-5})", "-5");
        good("minus zero", R"({"id":-0})", "0");
        good("uint64 max", R"({"id":18446744073709551615})", "18446744073709551615");
        good("int64 min", R"({"id":-9223372036854775808})", "-9223372036854775808");
        good("escapes", "{\"id\":\"\\u0041-\\u00e9\\/\\\"\\\\\"}", "A-\xc3\xa9/\"\\");
        good("surrogate pair", R"({"id":"\ud83d\ude00"})", "\xf0\x9f\x98\x80");
        good("raw UTF-8", "{\"id\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
        good("escaped key", R"({"i\u0064":"r1"})", "r1");
        good("duplicate key: the last wins", R"({"id":"a","id":"b"})", "b");
        good("duplicate key: string then number", R"({"id":"a","id":7})", "7");
        good("whitespace everywhere", " \n\t{ \"id\" :\r\n \"r1\" } \r\n", "r1");
        good("byte order mark", "\xef\xbb\xbf{\"id\":\"r1\"}", "r1");
        good("deep nesting elsewhere", "{\"x\":" + QByteArray(3000, '[') + QByteArray(3000, ']') + ",\"id\":\"r1\"}", "r1");
        good("underflowing number elsewhere", R"({"id":"r1","x":1e-400})", "r1");
        good("30-digit number elsewhere", R"({"id":"r1","x":123456789012345678901234567890})", "r1");
        good("NUL escape elsewhere", R"({"id":"r1","x":"\u0000"})", "r1");
        good("every JSON type elsewhere", R"({"a":null,"b":true,"c":false,"d":-1.5e-3,"e":[{},[],""],"f":{"g":{"h":[1,2,3]}},"id":"r1"})", "r1");
        good("nested pointer", R"({"order":{"items":[{"id":"x"},{"id":"r1"}]}})", "r1", QStringLiteral("/order/items/1/id"));
        good("pointer ~1 is a slash", R"({"a/b":"r1"})", "r1", QStringLiteral("/a~1b"));
        good("pointer ~0 is a tilde", R"({"a~b":"r1"})", "r1", QStringLiteral("/a~0b"));
        good("pointer to the empty key", R"({"":"r1"})", "r1", QStringLiteral("/"));
        good("object key that looks like an index", R"({"o":{"0":"r1"}})", "r1", QStringLiteral("/o/0"));
        good("composite from a string", R"({"id":"0x5d684054fc3540a0"})", "5d684054fc3540a0", id, composite);
        good("composite canonical", R"({"id":"5d684054fc3540a0"})", "5d684054fc3540a0", id, composite);
        good("composite from an integer", R"({"id":6730700376857985184})", "5d684054fc3540a0", id, composite);
        // The ID is there but not usable.
        bad("float", R"({"id":1.5})", RejectReason::MalformedId);
        bad("integral float", R"({"id":1.0})", RejectReason::MalformedId);
        bad("exponent", R"({"id":1e2})", RejectReason::MalformedId);
        bad("beyond uint64", R"({"id":18446744073709551616})", RejectReason::MalformedId);
        bad("beyond int64", R"({"id":-9223372036854775809})", RejectReason::MalformedId);
        bad("boolean", R"({"id":true})", RejectReason::MalformedId);
        bad("null", R"({"id":null})", RejectReason::MalformedId);
        bad("array", R"({"id":["r1"]})", RejectReason::MalformedId);
        bad("object", R"({"id":{"id":"r1"}})", RejectReason::MalformedId);
        bad("NUL inside", R"({"id":"a\u0000b"})", RejectReason::MalformedId);
        bad("escaped control byte", R"({"id":"a\nb"})", RejectReason::MalformedId);
        bad("composite zero", R"({"id":0})", RejectReason::MalformedId, id, composite);
        bad("composite garbage", R"({"id":"0x12g4"})", RejectReason::MalformedId, id, composite);
        bad("duplicate key: the last is null", R"({"id":"a","id":null})", RejectReason::MalformedId);
        bad("empty string", R"({"id":""})", RejectReason::MissingId);
        bad("duplicate key: the last is empty", R"({"id":"a","id":""})", RejectReason::MissingId);
        bad("duplicate parent: the last has no ID", R"({"o":{"id":"a"},"o":{}})", RejectReason::MissingId, QStringLiteral("/o/id"));
        bad("duplicate parent: the last is not an object", R"({"o":{"id":"a"},"o":5})", RejectReason::MissingId, QStringLiteral("/o/id"));
        bad("array index out of range", R"({"a":[1]})", RejectReason::MissingId, QStringLiteral("/a/1"));
        bad("array index with a leading zero", R"({"a":["r1"]})", RejectReason::MissingId, QStringLiteral("/a/00"));
        bad("array index '-'", R"({"a":["r1"]})", RejectReason::MissingId, QStringLiteral("/a/-"));
        bad("array index not a number", R"({"a":["r1"]})", RejectReason::MissingId, QStringLiteral("/a/x"));
        bad("pointer through a string", R"({"a":"r1"})", RejectReason::MissingId, QStringLiteral("/a/0"));
        bad("key differs in case", R"({"ID":"r1"})", RejectReason::MissingId);
        // Not JSON at all, wherever the damage is.
        bad("whitespace only", "  \n ", RejectReason::NotJson);
        bad("truncated object", R"({"id":"r1")", RejectReason::NotJson);
        bad("truncated after a comma", R"({"id":"r1",)", RejectReason::NotJson);
        bad("truncated in a number", R"({"id":"r1","x":12)", RejectReason::NotJson);
        bad("truncated in a string", "{\"id\":\"r", RejectReason::NotJson);
        bad("truncated in a nested array", R"({"id":"r1","x":[1,2)", RejectReason::NotJson);
        bad("trailing comma", R"({"id":"r1",})", RejectReason::NotJson);
        bad("trailing comma in an array", R"({"id":"r1","x":[1,]})", RejectReason::NotJson);
        bad("trailing garbage", R"({"id":"r1"} x)", RejectReason::NotJson);
        bad("two documents", R"({"id":"r1"}{"id":"r2"})", RejectReason::NotJson);
        bad("unquoted key", R"({id:"r1"})", RejectReason::NotJson);
        bad("single quotes", R"({'id':'r1'})", RejectReason::NotJson);
        bad("missing colon", R"({"id" "r1"})", RejectReason::NotJson);
        bad("missing comma", R"({"id":"r1" "x":1})", RejectReason::NotJson);
        bad("mismatched brackets", R"({"id":"r1","x":[1}})", RejectReason::NotJson);
        bad("bad literal elsewhere", R"({"id":"r1","x":tru})", RejectReason::NotJson);
        bad("literal with a tail", R"({"id":"r1","x":nullx})", RejectReason::NotJson);
        bad("leading zero", R"({"id":"r1","x":01})", RejectReason::NotJson);
        bad("bare minus", R"({"id":"r1","x":-})", RejectReason::NotJson);
        bad("trailing dot", R"({"id":"r1","x":1.})", RejectReason::NotJson);
        bad("leading dot", R"({"id":"r1","x":.5})", RejectReason::NotJson);
        bad("plus sign", R"({"id":"r1","x":+1})", RejectReason::NotJson);
        bad("empty exponent", R"({"id":"r1","x":1e})", RejectReason::NotJson);
        bad("NaN", R"({"id":"r1","x":NaN})", RejectReason::NotJson);
        bad("Infinity", R"({"id":"r1","x":Infinity})", RejectReason::NotJson);
        bad("comment", R"({"id":"r1"/* note */})", RejectReason::NotJson);
        bad("invalid escape", R"({"id":"r1","x":"\q"})", RejectReason::NotJson);
        bad("short unicode escape", R"({"id":"r1","x":"\u12"})", RejectReason::NotJson);
        bad("lone high surrogate", R"({"id":"r1","x":"\ud800"})", RejectReason::NotJson);
        bad("lone low surrogate", R"({"id":"r1","x":"\udc00"})", RejectReason::NotJson);
        bad("high surrogate then no low one", R"({"id":"r1","x":"\ud800\u0041"})", RejectReason::NotJson);
        bad("raw control byte in a string", "{\"id\":\"r\x01\"}", RejectReason::NotJson);
        bad("raw tab in a string", "{\"id\":\"r\t1\"}", RejectReason::NotJson);
        bad("invalid UTF-8 in the ID", "{\"id\":\"r\xff\"}", RejectReason::NotJson);
        bad("truncated UTF-8 sequence elsewhere", "{\"id\":\"r1\",\"x\":\"\xc3\"}", RejectReason::NotJson);
        bad("overlong UTF-8", "{\"id\":\"r1\",\"x\":\"\xc0\xaf\"}", RejectReason::NotJson);
        bad("UTF-8 encoded surrogate", "{\"id\":\"r1\",\"x\":\"\xed\xa0\x80\"}", RejectReason::NotJson);
        bad("code point above U+10FFFF", "{\"id\":\"r1\",\"x\":\"\xf4\x90\x80\x80\"}", RejectReason::NotJson);
        bad("invalid UTF-8 in a key", "{\"\xff\":1,\"id\":\"r1\"}", RejectReason::NotJson);
        bad("partial byte order mark", "\xef\xbb{\"id\":\"r1\"}", RejectReason::NotJson);
        // nlohmann threw out_of_range here, which escaped the old extractor.
        bad("number overflow elsewhere", R"({"id":"r1","x":1e400})", RejectReason::NotJson);
        bad("number overflow in the time", R"({"id":"r1","ts":-1e400})", RejectReason::NotJson);
        bad("root array", R"([{"id":"r1"}])", RejectReason::NotJson);
        bad("root string", R"("r1")", RejectReason::NotJson);
        bad("root number", "17", RejectReason::NotJson);
        bad("root null", "null", RejectReason::NotJson);
        bad("broken JSON and no ID", R"({"other":)", RejectReason::NotJson);
    }

    void jsonValueEdgeCases()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, pointer);
        QFETCH(int, idFormat);
        QFETCH(bool, ok);
        QFETCH(QByteArray, id);
        QFETCH(int, reason);
        const RecordExtractor extractor(stage(fromJson(pointer.toStdString()), kafkaTime()), static_cast<config::IdFormat>(idFormat));
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
        QVERIFY2(result.ok == ok, ("ok " + std::to_string(result.ok) + " reason " + engine::rejectReasonName(result.reason) + ": " + result.detail).c_str());
        if (!ok) {
            QCOMPARE(engine::rejectReasonName(result.reason), engine::rejectReasonName(static_cast<RejectReason>(reason)));
            QVERIFY(!result.detail.empty());
            return;
        }
        if (idFormat == int(config::IdFormat::Composite)) {
            QVERIFY(result.id.isComposite());
            QCOMPARE(QByteArray::fromStdString(engine::composite_id::format(result.id.key)), id);
        } else {
            QCOMPARE(QByteArray(result.id.text.data(), qsizetype(result.id.text.size())), id);
            QCOMPARE(result.id.key, engine::hashOpaqueId(std::string_view(id.constData(), size_t(id.size()))));
        }
        QCOMPARE(result.timeMs, kNow - 1000);
    }

    void jsonTimeEdgeCases_data()
    {
        QTest::addColumn<QByteArray>("ts");  // the JSON text of the "ts" field
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("expectedMs");
        QTest::addColumn<int>("reason");
        const int ms = int(config::TimeFormat::EpochMillis);
        const int seconds = int(config::TimeFormat::EpochSeconds);
        const int micros = int(config::TimeFormat::EpochMicros);
        const int rfc = int(config::TimeFormat::Rfc3339);
        auto good = [](const char* name, QByteArray ts, int format, qint64 expected) { QTest::newRow(name) << ts << format << true << expected << 0; };
        auto bad = [](const char* name, QByteArray ts, int format, RejectReason reason) { QTest::newRow(name) << ts << format << false << qint64(0) << int(reason); };
        good("ms integer", "1763699990000", ms, 1763699990000);
        good("ms fraction rounds to nearest", "1763699990000.5", ms, 1763699990001);
        good("ms with exponent", "1.76369999e12", ms, 1763699990000);
        good("ms as a string", R"("1763699990000")", ms, 1763699990000);
        good("ms as an escaped string", R"("\u0031763699990000")", ms, 1763699990000);
        good("seconds integer", "1763699990", seconds, 1763699990000);
        good("seconds with ms fraction", "1763699990.123", seconds, 1763699990123);
        good("seconds as a string", R"("1763699990")", seconds, 1763699990000);
        good("micros", "1763699990000499", micros, 1763699990000);
        good("micros round half away from zero", "1763699990000500", micros, 1763699990001);
        good("rfc3339 Z", R"("2025-11-21T04:39:50Z")", rfc, 1763699990000);
        good("rfc3339 lower-case t and z", R"("2025-11-21t04:39:50.5z")", rfc, 1763699990500);
        good("rfc3339 negative offset", R"("2025-11-20T23:39:50-05:00")", rfc, 1763699990000);
        good("rfc3339 escaped", R"("\u0032025-11-21T04:39:50Z")", rfc, 1763699990000);
        bad("ms string with a sign", R"("+1763699990000")", ms, RejectReason::MissingTime);
        bad("ms string with spaces", R"(" 1763699990000")", ms, RejectReason::MissingTime);
        bad("ms string with a fraction", R"("1763699990000.5")", ms, RejectReason::MissingTime);
        bad("ms empty string", R"("")", ms, RejectReason::MissingTime);
        bad("boolean", "true", ms, RejectReason::MissingTime);
        bad("null", "null", ms, RejectReason::MissingTime);
        bad("object", R"({"ms":1763699990000})", ms, RejectReason::MissingTime);
        bad("array", "[1763699990000]", ms, RejectReason::MissingTime);
        bad("rfc3339 as a number", "1763699990000", rfc, RejectReason::MissingTime);
        bad("rfc3339 without zone", R"("2025-11-21T04:39:50")", rfc, RejectReason::MissingTime);
        // Read by core/time's parser since it exists: stricter than the one
        // the extractor had, which took these.
        bad("rfc3339 day that does not exist", R"("2025-02-31T04:39:50Z")", rfc, RejectReason::MissingTime);
        bad("rfc3339 offset +99:99", R"("2025-11-21T04:39:50+99:99")", rfc, RejectReason::MissingTime);
        bad("huge", "1e300", ms, RejectReason::AbsurdTime);
        bad("huge negative", "-1e16", ms, RejectReason::AbsurdTime);
        bad("uint64 max", "18446744073709551615", ms, RejectReason::AbsurdTime);
        bad("zero", "0", ms, RejectReason::AbsurdTime);
        bad("negative", "-5", ms, RejectReason::AbsurdTime);
        bad("a week ahead", "1764304790000", ms, RejectReason::AbsurdTime);
        bad("ms given to a seconds field", "1763699990000", seconds, RejectReason::AbsurdTime);
        bad("micros given to a ms field", "1763699990000000", ms, RejectReason::AbsurdTime);
    }

    void jsonTimeEdgeCases()
    {
        QFETCH(QByteArray, ts);
        QFETCH(int, format);
        QFETCH(bool, ok);
        QFETCH(qint64, expectedMs);
        QFETCH(int, reason);
        const RecordExtractor extractor(stage(fromJson("/id"), jsonTime("/ts", static_cast<config::TimeFormat>(format))), config::IdFormat::Opaque);
        ingest::TextArena arena;
        const QByteArray value = R"({"id":"r1","ts":)" + ts + "}";
        const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
        QVERIFY2(result.ok == ok, ("ok " + std::to_string(result.ok) + " reason " + engine::rejectReasonName(result.reason) + ": " + result.detail).c_str());
        if (ok)
            QCOMPARE(result.timeMs, expectedMs);
        else
            QCOMPARE(engine::rejectReasonName(result.reason), engine::rejectReasonName(static_cast<RejectReason>(reason)));
    }

    // Which problem is reported when there are several: the same order as
    // before (size, JSON, ID, time), so counts by reason do not shift.
    void firstProblemWins_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("reason");
        QTest::newRow("too large beats not JSON") << QByteArray(300 * 1024, '{') << int(RejectReason::TooLarge);
        QTest::newRow("not JSON beats a missing ID") << QByteArray(R"({"x":1,)") << int(RejectReason::NotJson);
        QTest::newRow("missing ID beats a missing time") << QByteArray(R"({"x":1})") << int(RejectReason::MissingId);
        QTest::newRow("malformed ID beats a bad time") << QByteArray(R"({"id":true,"ts":"soon"})") << int(RejectReason::MalformedId);
        QTest::newRow("missing time beats nothing") << QByteArray(R"({"id":"r1"})") << int(RejectReason::MissingTime);
        QTest::newRow("duplicate time: the last decides") << QByteArray(R"({"id":"r1","ts":1763699990000,"ts":"soon"})") << int(RejectReason::MissingTime);
    }

    void firstProblemWins()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, reason);
        const RecordExtractor extractor(stage(fromJson("/id"), jsonTime("/ts", config::TimeFormat::EpochMillis)), config::IdFormat::Opaque);
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
        QVERIFY(!result.ok);
        QCOMPARE(engine::rejectReasonName(result.reason), engine::rejectReasonName(static_cast<RejectReason>(reason)));
    }

    // A value of exactly the size limit is parsed; one byte more is not.
    void sizeLimitIsInclusive()
    {
        ingest::ExtractLimits limits;
        limits.maxJsonValueBytes = 64;
        const RecordExtractor extractor(stage(fromJson("/id"), kafkaTime()), config::IdFormat::Opaque, limits);
        ingest::TextArena arena;
        QByteArray value = "{\"id\":\"r1\",\"pad\":\"";
        value += QByteArray(int(limits.maxJsonValueBytes) - value.size() - 2, 'x') + "\"}";
        QCOMPARE(size_t(value.size()), limits.maxJsonValueBytes);
        QVERIFY(extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena).ok);
        value.insert(value.size() - 2, 'x');
        const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
        QCOMPARE(engine::rejectReasonName(result.reason), engine::rejectReasonName(RejectReason::TooLarge));
    }

    // One extractor, many messages of mixed quality: nothing of one message
    // (a parsed document, a buffer) leaks into the next.
    void reuseAcrossMessages()
    {
        const RecordExtractor extractor(stage(fromJson("/id"), jsonTime("/ts", config::TimeFormat::EpochMillis)), config::IdFormat::Opaque);
        ingest::TextArena arena;
        const QByteArray longValue = "{\"id\":\"long-one\",\"ts\":1763699990000,\"pad\":\"" + QByteArray(100000, 'y') + "\"}";
        const std::vector<std::pair<QByteArray, QByteArray>> sequence = {
            {R"({"id":"first","ts":1763699990000})", "first"},
            {longValue, "long-one"},
            {R"({"id":"x","ts":)", ""},
            {R"({"id":"ab","ts":1763699990000})", "ab"},
            {R"({"ts":1763699990000})", ""},
            {"", ""},
            {R"({"id":"last","ts":1763699990001})", "last"},
        };
        for (int pass = 0; pass < 3; ++pass) {
            for (const auto& [value, expected] : sequence) {
                const ExtractResult result = extractor.extract(message("", std::string_view(value.constData(), size_t(value.size()))), kNow, arena);
                QCOMPARE(result.ok, !expected.isEmpty());
                if (result.ok)
                    QCOMPARE(QByteArray(result.id.text.data(), qsizetype(result.id.text.size())), expected);
            }
        }
    }

    void headerEdgeCases_data()
    {
        QTest::addColumn<QByteArrayList>("names");
        QTest::addColumn<QByteArrayList>("values");  // "<null>": a header without a value
        QTest::addColumn<QByteArray>("expected");    // empty: MissingId
        QTest::newRow("the only header") << QByteArrayList{"record-id"} << QByteArrayList{"r1"} << QByteArray("r1");
        QTest::newRow("the last of several wins") << QByteArrayList{"record-id", "other", "record-id"} << QByteArrayList{"a", "x", "b"} << QByteArray("b");
        QTest::newRow("the last is null") << QByteArrayList{"record-id", "record-id"} << QByteArrayList{"a", "<null>"} << QByteArray();
        QTest::newRow("the last is empty") << QByteArrayList{"record-id", "record-id"} << QByteArrayList{"a", ""} << QByteArray();
        QTest::newRow("names are case-sensitive") << QByteArrayList{"Record-Id"} << QByteArrayList{"r1"} << QByteArray();
        QTest::newRow("a longer name is another header") << QByteArrayList{"record-id-2"} << QByteArrayList{"r1"} << QByteArray();
        QTest::newRow("a shorter name is another header") << QByteArrayList{"record-i"} << QByteArrayList{"r1"} << QByteArray();
        QTest::newRow("no headers") << QByteArrayList{} << QByteArrayList{} << QByteArray();
    }

    void headerEdgeCases()
    {
        QFETCH(QByteArrayList, names);
        QFETCH(QByteArrayList, values);
        QFETCH(QByteArray, expected);
        const RecordExtractor extractor(stage(fromHeader("record-id"), kafkaTime()), config::IdFormat::Opaque);
        rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
        for (qsizetype header_idx = 0; header_idx < names.size(); ++header_idx) {
            const QByteArray& value = values[header_idx];
            rd_kafka_header_add(headers, names[header_idx].constData(), names[header_idx].size(), value == "<null>" ? nullptr : value.constData(),
                                value == "<null>" ? 0 : value.size());
        }
        RawMessage raw = message("", "");
        raw.headers = headers;
        ingest::TextArena arena;
        const ExtractResult result = extractor.extract(raw, kNow, arena);
        rd_kafka_headers_destroy(headers);
        QCOMPARE(result.ok, !expected.isEmpty());
        if (result.ok)
            QCOMPARE(QByteArray(result.id.text.data(), qsizetype(result.id.text.size())), expected);
        else
            QCOMPARE(engine::rejectReasonName(result.reason), engine::rejectReasonName(RejectReason::MissingId));
    }

    // Differential: values derived from realistic ones by truncation and by
    // replacing, inserting and deleting bytes, each given to this extractor
    // and to the nlohmann one it replaced (reference_extractor.hpp), under
    // several stage configs: the same verdict, reason, ID and time.
    void sameVerdictsAsTheNlohmannExtractor()
    {
        const std::vector<std::string> seeds = {
            R"({"id":"0x5d684054fc3540a0","ts":1763699990000,"kind":"order","pad":"xxxxxxxxxxxxxxxxxxxx"})",
            R"({"order":{"id":"A-17","ts":"2025-11-21T04:39:50.250Z","items":[1,2.5,-3e2,true,null]},"ts":1763699990.5})",
            R"( {"id" : 6730700376857985184 , "ts" : "1763699990000", "a" : [ {}, [], "" ] } )",
            "{\"id\":\"\\u0041\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\",\"ts\":1763699990000123,\"id\":\"r2\"}",
            R"({"ts":18446744073709551615,"id":-9223372036854775808,"x":123456789012345678901234567890})",
            "{\"id\":\"\xc3\xa9\xe2\x82\xac\",\"ts\":1763699990000,\"\xf0\x9f\x98\x80\":0.1e-5}",
            R"({"order":{"id":"a"},"order":{"id":"b","ts":"2025-11-21t06:39:50+02:00"},"ts":1763699990})",
        };
        struct Config {
            config::IdSource id;
            config::TimeSource time;
            config::IdFormat format;
        };
        const std::vector<Config> configs = {
            {fromJson("/id"), jsonTime("/ts", config::TimeFormat::EpochMillis), config::IdFormat::Opaque},
            {fromJson("/id"), jsonTime("/ts", config::TimeFormat::EpochMillis), config::IdFormat::Composite},
            {fromJson("/order/id"), jsonTime("/order/ts", config::TimeFormat::Rfc3339), config::IdFormat::Opaque},
            {fromJson("/id"), jsonTime("/ts", config::TimeFormat::EpochMicros), config::IdFormat::Opaque},
            {fromJson("/order/id"), jsonTime("/ts", config::TimeFormat::EpochSeconds), config::IdFormat::Opaque},
            {fromJson("/a/0"), kafkaTime(), config::IdFormat::Opaque},
            {fromKey(), jsonTime("/ts", config::TimeFormat::EpochMillis), config::IdFormat::Opaque},
        };
        // Bytes that change JSON's meaning, plus some that break UTF-8.
        const std::string alphabet = std::string("{}[]\":,\\ 0123456789.eE+-tfnulrsa/ux") + "\x00\x01\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xff";
        std::mt19937_64 random(20261201);
        auto pick = [&](size_t bound) { return static_cast<size_t>(random() % bound); };
        std::vector<std::string> values;
        for (const std::string& seed : seeds) {
            for (size_t length = 0; length <= seed.size(); ++length)
                values.push_back(seed.substr(0, length));
            for (int mutation = 0; mutation < 400; ++mutation) {
                std::string value = seed;
                const int edits = 1 + static_cast<int>(pick(3));
                for (int edit = 0; edit < edits && !value.empty(); ++edit) {
                    const size_t at = pick(value.size());
                    const char byte = alphabet[pick(alphabet.size())];
                    switch (pick(3)) {
                    case 0: value[at] = byte; break;
                    case 1: value.insert(value.begin() + static_cast<std::ptrdiff_t>(at), byte); break;
                    default: value.erase(at, 1); break;
                    }
                }
                values.push_back(value);
            }
        }
        size_t accepted = 0;
        for (const Config& config : configs) {
            const config::StageConfig stageConfig = stage(config.id, config.time);
            const RecordExtractor extractor(stageConfig, config.format);
            for (const std::string& value : values) {
                ingest::TextArena arena, referenceArena;
                const RawMessage raw = message("0x5d684054fc3540a0", value);
                const ExtractResult got = extractor.extract(raw, kNow, arena);
                const ExtractResult want = ingest::reference::extract(stageConfig, config.format, {}, raw, kNow, referenceArena);
                const std::string where = "value " + ingest::reference::quotedSample(value) + " (" + std::to_string(value.size()) + " bytes): got " +
                                          (got.ok ? "ok" : engine::rejectReasonName(got.reason)) + " (" + got.detail + "), the nlohmann extractor " +
                                          (want.ok ? "ok" : engine::rejectReasonName(want.reason)) + " (" + want.detail + ")";
                QVERIFY2(got.ok == want.ok, where.c_str());
                if (!got.ok) {
                    QVERIFY2(got.reason == want.reason, where.c_str());
                    continue;
                }
                QVERIFY2(got.id.key == want.id.key && got.id.text == want.id.text && got.timeMs == want.timeMs, where.c_str());
                ++accepted;
            }
        }
        // The mutations must reach both sides of the verdict for the
        // comparison to mean anything.
        QVERIFY2(accepted > 500, std::to_string(accepted).c_str());
        QVERIFY2(values.size() * configs.size() - accepted > 5000, std::to_string(accepted).c_str());
    }

    void arenaKeepsTextValidAcrossChunks()
    {
        const RecordExtractor extractor(stage(fromKey(), kafkaTime()), config::IdFormat::Opaque);
        ingest::TextArena arena;
        std::vector<std::pair<std::string, std::string_view>> seen;
        for (int record = 0; record < 20000; ++record) {
            const std::string key = "record-" + std::to_string(record) + std::string(static_cast<size_t>(record % 7), 'z');
            const ExtractResult result = extractor.extract(message(key, ""), kNow, arena);
            QVERIFY(result.ok);
            seen.emplace_back(key, result.id.text);
        }
        for (const auto& [key, view] : seen)
            QCOMPARE(std::string(view), key);
    }
};

QTEST_APPLESS_MAIN(TestRecordExtractor)
#include "test_record_extractor.moc"

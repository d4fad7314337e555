// RecordExtractor: every way a message can be good or bad, without a broker.
#include "core/engine/record_id.hpp"
#include "core/ingest/record_extractor.hpp"

#include <librdkafka/rdkafka.h>

#include <QtTest>

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

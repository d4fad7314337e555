// IdInput: every form an operator may type an ID in, checked against what
// the record extractor makes of the same record's key (the engine must be
// asked with exactly the key ingestion joined on).
#include "core/ingest/record_extractor.hpp"
#include "core/monitor/id_input.hpp"
#include "core/monitor/json_text.hpp"

#include <QtTest>

using namespace slatrack;

Q_DECLARE_METATYPE(config::IdFormat)

namespace {

constexpr int64_t kNow = 1'763'700'000'000;  // 2025-11-21

// The key the extractor produces for a message whose key is `wireKey`.
uint64_t extractedKey(const std::string& wireKey, config::IdFormat format)
{
    config::StageConfig stage;
    stage.name = "incoming";
    stage.topics = {"incoming"};
    const ingest::RecordExtractor extractor(stage, format);
    ingest::TextArena arena;
    ingest::RawMessage message;
    message.key = wireKey;
    message.value = "{}";
    message.kafkaTimestampMs = kNow - 1000;
    const ingest::ExtractResult result = extractor.extract(message, kNow, arena);
    return result.ok ? result.id.key : 0;
}

} // namespace

class TestIdInput : public QObject {
    Q_OBJECT
private slots:
    void accepted_data()
    {
        QTest::addColumn<config::IdFormat>("format");
        QTest::addColumn<QByteArray>("typed");
        QTest::addColumn<QByteArray>("wireKey");  // the same record as the producer wrote its key
        QTest::addColumn<QByteArray>("display");
        const auto composite = config::IdFormat::Composite;
        const auto opaque = config::IdFormat::Opaque;
        QTest::newRow("canonical") << composite << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("upper case") << composite << QByteArray("5D684054FC3540A0") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("0x") << composite << QByteArray("0x5d684054fc3540a0") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("0X short") << composite << QByteArray("0X5d684054fc354") << QByteArray("0005d684054fc354") << QByteArray("0005d684054fc354");
        QTest::newRow("decimal") << composite << QByteArray("6730700376857985184") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("decimal on the wire") << composite << QByteArray("0x5d684054fc3540a0") << QByteArray("6730700376857985184") << QByteArray("5d684054fc3540a0");
        QTest::newRow("pasted with newline") << composite << QByteArray("  5d684054fc3540a0\n") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("copied from JSON") << composite << QByteArray("\"5d684054fc3540a0\"") << QByteArray("5d684054fc3540a0") << QByteArray("5d684054fc3540a0");
        QTest::newRow("opaque text") << opaque << QByteArray("order-17") << QByteArray("order-17") << QByteArray("order-17");
        QTest::newRow("opaque keeps spaces") << opaque << QByteArray(" order-17 ") << QByteArray(" order-17 ") << QByteArray(" order-17 ");
        QTest::newRow("opaque looks hex") << opaque << QByteArray("0x5d684054fc3540a0") << QByteArray("0x5d684054fc3540a0") << QByteArray("0x5d684054fc3540a0");
        QTest::newRow("opaque hex: bytes") << opaque << QByteArray("hex:fffe41") << QByteArray("\xff\xfe\x41", 3) << QByteArray("\xff\xfe\x41", 3);
        QTest::newRow("opaque hex: upper") << opaque << QByteArray("hex:FFFE") << QByteArray("\xff\xfe", 2) << QByteArray("\xff\xfe", 2);
        QTest::newRow("opaque real hex: prefix") << opaque << QByteArray("hex:6865783a3431") << QByteArray("hex:41") << QByteArray("hex:41");
        QTest::newRow("opaque utf-8") << opaque << QByteArray("r\xc3\xa9sum\xc3\xa9") << QByteArray("r\xc3\xa9sum\xc3\xa9") << QByteArray("r\xc3\xa9sum\xc3\xa9");
    }
    void accepted()
    {
        QFETCH(config::IdFormat, format);
        QFETCH(QByteArray, typed);
        QFETCH(QByteArray, wireKey);
        QFETCH(QByteArray, display);
        const auto input = monitor::IdInput::parse(typed.toStdString(), format);
        QVERIFY2(input.ok(), input.error().c_str());
        const uint64_t wire = extractedKey(wireKey.toStdString(), format);
        QVERIFY(wire != 0);
        QCOMPARE(input.recordId().key, wire);
        QCOMPARE(input.recordId().isComposite(), format == config::IdFormat::Composite);
        QCOMPARE(QByteArray::fromStdString(input.display()), display);
        if (format == config::IdFormat::Opaque)
            QCOMPARE(QByteArray::fromStdString(std::string(input.recordId().text)), wireKey);
    }
    // What the JSON output writes for an ID reads back as the same ID.
    void json_output_round_trips()
    {
        for (const std::string& id : {std::string("plain"), std::string("\xff\xfe", 2), std::string("hex:41"), std::string("a\0b", 3)}) {
            const auto input = monitor::IdInput::parse(monitor::jsonSafeId(id), config::IdFormat::Opaque);
            QVERIFY2(input.ok(), input.error().c_str());
            QCOMPARE(input.recordId().key, engine::hashOpaqueId(id));
        }
    }
    void refused_data()
    {
        QTest::addColumn<config::IdFormat>("format");
        QTest::addColumn<QByteArray>("typed");
        QTest::addColumn<QString>("errorPart");
        const auto composite = config::IdFormat::Composite;
        const auto opaque = config::IdFormat::Opaque;
        QTest::newRow("empty composite") << composite << QByteArray("") << QStringLiteral("empty ID");
        QTest::newRow("blank composite") << composite << QByteArray(" \n") << QStringLiteral("empty ID");
        QTest::newRow("bad hex digit") << composite << QByteArray("0x12g4") << QStringLiteral("invalid hex digit 'g' at position 4");
        QTest::newRow("17 hex digits") << composite << QByteArray("0x5d684054fc3540a01") << QStringLiteral("not a composite ID");
        QTest::newRow("zero") << composite << QByteArray("0") << QStringLiteral("not a composite ID");
        QTest::newRow("opaque text on composite") << composite << QByteArray("order-17") << QStringLiteral("order-17");
        QTest::newRow("empty opaque") << opaque << QByteArray("") << QStringLiteral("empty ID");
        QTest::newRow("hex: odd") << opaque << QByteArray("hex:abc") << QStringLiteral("3 hex digits");
        QTest::newRow("hex: nothing") << opaque << QByteArray("hex:") << QStringLiteral("0 hex digits");
        QTest::newRow("hex: bad digit") << opaque << QByteArray("hex:a1zz") << QStringLiteral("\"z\" at position 6");
        QTest::newRow("binary quoted") << opaque << QByteArray("hex:\xff", 5) << QStringLiteral("\\xff");
    }
    void refused()
    {
        QFETCH(config::IdFormat, format);
        QFETCH(QByteArray, typed);
        QFETCH(QString, errorPart);
        const auto input = monitor::IdInput::parse(typed.toStdString(), format);
        QVERIFY(!input.ok());
        QVERIFY2(QString::fromStdString(input.error()).contains(errorPart), input.error().c_str());
    }
};

QTEST_APPLESS_MAIN(TestIdInput)
#include "test_id_input.moc"

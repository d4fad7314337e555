// JSON output never aborts on bytes that are not UTF-8: IDs are written as
// they are when valid, "hex:..." otherwise; other strings get U+FFFD.
#include "core/monitor/json_text.hpp"

#include <QtTest>

using namespace slatrack::monitor;

class TestJsonText : public QObject {
    Q_OBJECT

private slots:
    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("order-42") << true;
        QTest::newRow("two-byte") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("truncated") << QByteArray("\xe2\x82") << false;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("ff") << QByteArray("\xff") << false;
    }
    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))), valid);
    }

    void idsAreHexEncodedOnlyWhenNeeded()
    {
        QCOMPARE(jsonSafeId("order-42"), std::string("order-42"));
        QCOMPARE(jsonSafeId("caf\xc3\xa9"), std::string("caf\xc3\xa9"));
        QCOMPARE(jsonSafeId(std::string_view("\xff\x00\x01", 3)), std::string("hex:ff0001"));
        // An ID that looks like the encoding is encoded too: no ambiguity.
        QCOMPARE(jsonSafeId("hex:41"), std::string("hex:6865783a3431"));
        QCOMPARE(jsonSafeId(""), std::string(""));
    }

    void dumpNeverThrows()
    {
        nlohmann::json value = {{"id", jsonSafeId("\xfe\xff")}, {"detail", std::string("bad \xff byte")}};
        std::string text;
        try {
            text = dumpJson(value);
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
        QVERIFY(text.find("hex:feff") != std::string::npos);
        QVERIFY(text.find("bad \xef\xbf\xbd byte") != std::string::npos);  // U+FFFD
        QVERIFY(nlohmann::json::accept(text));
    }
};

QTEST_APPLESS_MAIN(TestJsonText)
#include "test_json_text.moc"

// slatrack://open links, both ways: what formatDeepLink writes parses back to
// the same link (odd and binary record IDs included), the variants other
// tools produce are read, every bad link is refused with an error naming the
// part, and a page's link is the formatter's.
#include "core/alerting/page_payload.hpp"
#include "core/monitor/deep_link.hpp"
#include "core/monitor/id_input.hpp"
#include "core/time/rfc3339.hpp"

#include <QtTest>

using namespace slatrack;
using monitor::DeepLink;

Q_DECLARE_METATYPE(DeepLink)

namespace {

constexpr int64_t kFromMs = 1'796'120'400'000;  // 2026-12-01T10:20:00.000Z
constexpr int64_t kToMs = 1'796'121'300'000;    // 2026-12-01T10:35:00.000Z

// (Two overloads rather than an optional<string> parameter: GCC 12 warns
// "may be used uninitialized" about a by-value std::nullopt string.)
DeepLink link(std::string pipeline, std::optional<int64_t> from, std::optional<int64_t> to)
{
    DeepLink out;
    out.pipeline = std::move(pipeline);
    out.fromMs = from;
    out.toMs = to;
    return out;
}

DeepLink link(std::string pipeline, std::optional<int64_t> from, std::optional<int64_t> to, std::string id)
{
    DeepLink out = link(std::move(pipeline), from, to);
    out.recordId = std::move(id);
    return out;
}

QString describe(const DeepLink& value)
{
    return QStringLiteral("{%1, %2, %3, %4}")
        .arg(QString::fromStdString(value.pipeline))
        .arg(value.fromMs ? QString::number(*value.fromMs) : QStringLiteral("-"))
        .arg(value.toMs ? QString::number(*value.toMs) : QStringLiteral("-"))
        .arg(value.recordId ? QString::fromLatin1(QByteArray::fromStdString(*value.recordId).toHex()) : QStringLiteral("-"));
}

} // namespace

class TestDeepLink : public QObject {
    Q_OBJECT

private slots:
    void formatsTheDocumentedText()
    {
        QCOMPARE(monitor::formatDeepLink(link("orders", kFromMs, kToMs)),
                 std::string("slatrack://open?pipeline=orders&from=2026-12-01T10:20:00.000Z&to=2026-12-01T10:35:00.000Z"));
        QCOMPARE(monitor::formatDeepLink(link("orders eu/1", kFromMs, std::nullopt, std::string("a&b=c d+e%"))),
                 std::string("slatrack://open?pipeline=orders%20eu%2F1&from=2026-12-01T10:20:00.000Z&id=a%26b%3Dc%20d%2Be%25"));
        QCOMPARE(monitor::formatDeepLink(link("demo", std::nullopt, std::nullopt)), std::string("slatrack://open?pipeline=demo"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<DeepLink>("original");
        QTest::newRow("pipeline only") << link("orders", std::nullopt, std::nullopt);
        QTest::newRow("range") << link("orders", kFromMs, kToMs);
        QTest::newRow("from only") << link("orders", kFromMs, std::nullopt);
        QTest::newRow("range and id") << link("orders", kFromMs, kToMs, std::string("order-17"));
        QTest::newRow("reserved characters") << link("a&b=c?d#e/f", kFromMs, kToMs, std::string("x&id=y#z?%20+ /\\\"'<>"));
        QTest::newRow("non-UTF-8 id") << link("orders", kFromMs, kToMs, std::string("\xff\xfe\x80 \x01", 5));
        QTest::newRow("NUL bytes in id") << link("orders", std::nullopt, std::nullopt, std::string("a\0b\0", 4));
        QTest::newRow("id looks like hex form") << link("orders", std::nullopt, std::nullopt, std::string("hex:41"));
        QTest::newRow("id with newline and tab") << link("orders", std::nullopt, std::nullopt, std::string("line1\nline2\t"));
        QTest::newRow("UTF-8 pipeline and id") << link("\xd0\xb7\xd0\xb0\xd0\xba\xd0\xb0\xd0\xb7\xd1\x8b", kFromMs, kToMs, std::string("\xe2\x9c\x93-1"));
        QTest::newRow("before 1970") << link("orders", -1, 0);
        QTest::newRow("year 9999") << link("orders", 253'402'300'799'998, 253'402'300'799'999);
        QTest::newRow("odd milliseconds") << link("orders", kFromMs + 7, kToMs + 999, std::string(1000, '\x7f'));
    }

    void roundTrip()
    {
        QFETCH(DeepLink, original);
        const std::string text = monitor::formatDeepLink(original);
        // Only unreserved characters, '%', ':' and the link's own syntax.
        for (const char c : text)
            QVERIFY2(static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f, text.c_str());
        const monitor::DeepLinkParse parsed = monitor::parseDeepLink(text);
        QVERIFY2(parsed.ok(), parsed.error.c_str());
        QVERIFY2(*parsed.link == original, qPrintable(describe(*parsed.link) + QStringLiteral(" != ") + describe(original)));
        QCOMPARE(monitor::formatDeepLink(*parsed.link), text);
    }

    void readsOtherToolsVariants_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<DeepLink>("expected");
        const DeepLink range = link("orders", kFromMs, kToMs);
        QTest::newRow("scheme and host in capitals") << QStringLiteral("SLATRACK://Open?pipeline=orders&from=2026-12-01T10:20:00Z&to=2026-12-01T10:35:00Z") << range;
        QTest::newRow("slash before the query") << QStringLiteral("slatrack://open/?pipeline=orders&from=2026-12-01T10:20:00Z&to=2026-12-01T10:35:00Z") << range;
        QTest::newRow("fragment ignored") << QStringLiteral("slatrack://open?pipeline=orders&from=2026-12-01T10:20:00Z&to=2026-12-01T10:35:00Z#top") << range;
        QTest::newRow("Unix ms") << QStringLiteral("slatrack://open?pipeline=orders&from=1796120400000&to=1796121300000") << range;
        QTest::newRow("offset and encoded colons") << QStringLiteral("slatrack://open?pipeline=orders&from=2026-12-01T12%3A20%3A00%2B02:00&to=2026-12-01T10:35:00.000z") << range;
        QTest::newRow("lowercase escapes, empty pairs, any order")
            << QStringLiteral("slatrack://open?&to=1796121300000&&pipeline=%6f%72ders&from=1796120400000&") << range;
        QTest::newRow("plus is a plus") << QStringLiteral("slatrack://open?pipeline=a+b&id=1+2") << link("a+b", std::nullopt, std::nullopt, std::string("1+2"));
        QTest::newRow("raw UTF-8 (an IRI)") << QStringLiteral("slatrack://open?pipeline=\u0437\u0430\u043a\u0430\u0437\u044b&id=\u2713")
                                            << link("\xd0\xb7\xd0\xb0\xd0\xba\xd0\xb0\xd0\xb7\xd1\x8b", std::nullopt, std::nullopt, std::string("\xe2\x9c\x93"));
        QTest::newRow("negative Unix ms") << QStringLiteral("slatrack://open?pipeline=p&from=-1000&to=0") << link("p", -1000, 0);
    }

    void readsOtherToolsVariants()
    {
        QFETCH(QString, text);
        QFETCH(DeepLink, expected);
        const monitor::DeepLinkParse parsed = monitor::parseDeepLink(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.error.c_str());
        QVERIFY2(*parsed.link == expected, qPrintable(describe(*parsed.link) + QStringLiteral(" != ") + describe(expected)));
    }

    void refusesBadLinksNamingThePart_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("named");
        const QByteArray base = "slatrack://open?pipeline=orders";
        QTest::newRow("other scheme") << QByteArray("https://open?pipeline=orders") << QStringLiteral("not a slatrack link: \"https://open?pipeline=orders\"");
        QTest::newRow("no scheme") << QByteArray("orders") << QStringLiteral("not a slatrack link: \"orders\"");
        QTest::newRow("no //") << QByteArray("slatrack:open?pipeline=orders") << QStringLiteral("has no \"//\" after \"slatrack:\"");
        QTest::newRow("other host") << QByteArray("slatrack://close?pipeline=orders") << QStringLiteral("unknown action \"close\"");
        QTest::newRow("empty host") << QByteArray("slatrack://?pipeline=orders") << QStringLiteral("unknown action \"\"");
        QTest::newRow("a path") << QByteArray("slatrack://open/stuck?pipeline=orders") << QStringLiteral("unexpected path \"/stuck\"");
        QTest::newRow("no query") << QByteArray("slatrack://open") << QStringLiteral("no pipeline= parameter");
        QTest::newRow("no pipeline") << QByteArray("slatrack://open?from=1000") << QStringLiteral("no pipeline= parameter");
        QTest::newRow("empty pipeline") << QByteArray("slatrack://open?pipeline=") << QStringLiteral("pipeline is empty");
        QTest::newRow("pipeline not UTF-8") << QByteArray("slatrack://open?pipeline=%FFx") << QStringLiteral("pipeline \"\\xffx\" is not UTF-8");
        QTest::newRow("bad from") << base + "&from=x" << QStringLiteral("from \"x\" is not an RFC 3339 time");
        QTest::newRow("bad to") << base + "&from=1000&to=yesterday" << QStringLiteral("to \"yesterday\" is not an RFC 3339 time");
        QTest::newRow("31 April") << base + "&from=2026-04-31T00:00:00Z" << QStringLiteral("from \"2026-04-31T00:00:00Z\" is not an RFC 3339 time");
        QTest::newRow("too many digits") << base + "&from=12345678901234567" << QStringLiteral("from \"12345678901234567\" is not");
        QTest::newRow("year 10000") << base + "&from=253402300800000" << QStringLiteral("from \"253402300800000\" is outside the years 0000 to 9999");
        QTest::newRow("to without from") << base + "&to=1000" << QStringLiteral("to \"1000\" without from");
        QTest::newRow("to before from") << base + "&from=2000&to=1000" << QStringLiteral("to \"1000\" is not after from \"2000\"");
        QTest::newRow("empty range") << base + "&from=1000&to=1000" << QStringLiteral("to \"1000\" is not after from \"1000\"");
        QTest::newRow("empty id") << base + "&id=" << QStringLiteral("id is empty");
        QTest::newRow("bad escape") << base + "&id=a%zzb" << QStringLiteral("id has a '%' not followed by two hex digits: \"%zz\" at byte 1 of \"a%zzb\"");
        QTest::newRow("cut escape") << base + "&id=ab%4" << QStringLiteral("id has a '%' not followed by two hex digits: \"%4\" at byte 2");
        QTest::newRow("escape in pipeline") << QByteArray("slatrack://open?pipeline=%") << QStringLiteral("pipeline has a '%' not followed by two hex digits");
        QTest::newRow("unknown parameter") << base + "&form=1000" << QStringLiteral("unknown parameter \"form\" (known: pipeline, from, to, id)");
        QTest::newRow("repeated parameter") << base + "&pipeline=other" << QStringLiteral("pipeline is given twice");
        QTest::newRow("no value") << base + "&id" << QStringLiteral("parameter \"id\" has no value");
        QTest::newRow("raw newline") << base + "&id=a\nb" << QStringLiteral("control character \"\\x0a\" at byte 36");
        QTest::newRow("too long") << base + "&id=" + QByteArray(70'000, 'x') << QStringLiteral("the link is 70035 bytes, more than the 65536 accepted");
    }

    void refusesBadLinksNamingThePart()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, named);
        const monitor::DeepLinkParse parsed = monitor::parseDeepLink(text.toStdString());
        QVERIFY2(!parsed.ok(), text.constData());
        const QString error = QString::fromStdString(parsed.error);
        QVERIFY2(error.startsWith(QStringLiteral("slatrack://open: ")), qPrintable(error));
        QVERIFY2(error.contains(named), qPrintable(error));
    }

    void pagePayloadLinkIsTheFormatters()
    {
        // The page's link and `slatrack 'LINK'` read the same text.
        const std::string pipeline = "orders eu&co/\xe2\x9c\x93";
        const std::string paged = alerting::deepLink(pipeline, kFromMs, kToMs);
        QCOMPARE(paged, monitor::formatDeepLink(link(pipeline, kFromMs, kToMs)));
        const monitor::DeepLinkParse parsed = monitor::parseDeepLink(paged);
        QVERIFY2(parsed.ok(), parsed.error.c_str());
        QVERIFY(*parsed.link == link(pipeline, kFromMs, kToMs));
    }

    void recordIdsReachTheLookupExactly_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<QByteArray>("typed");
        QTest::newRow("plain") << QByteArray("order-17") << QByteArray("order-17");
        QTest::newRow("UTF-8") << QByteArray("\xe2\x9c\x93 ok") << QByteArray("\xe2\x9c\x93 ok");
        QTest::newRow("binary") << QByteArray("\xff\x00\x01", 3) << QByteArray("hex:ff0001");
        QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("hex:610a62");
        QTest::newRow("starts with hex:") << QByteArray("hex:41") << QByteArray("hex:6865783a3431");
    }

    void recordIdsReachTheLookupExactly()
    {
        QFETCH(QByteArray, id);
        QFETCH(QByteArray, typed);
        const std::string text = monitor::lookupTextOfId(id.toStdString());
        QCOMPARE(QByteArray::fromStdString(text), typed);
        const monitor::IdInput input = monitor::IdInput::parse(text, config::IdFormat::Opaque);
        QVERIFY2(input.ok(), input.error().c_str());
        QCOMPARE(QByteArray::fromStdString(input.display()), id);
    }

    void recognisesLinkArguments()
    {
        QVERIFY(monitor::looksLikeDeepLink("slatrack://open?pipeline=x"));
        QVERIFY(monitor::looksLikeDeepLink("SlaTrack:whatever"));
        QVERIFY(!monitor::looksLikeDeepLink("slatrack"));
        QVERIFY(!monitor::looksLikeDeepLink("--demo"));
        QVERIFY(!monitor::looksLikeDeepLink("slatracks://open"));
    }
};

QTEST_APPLESS_MAIN(TestDeepLink)
#include "test_deep_link.moc"

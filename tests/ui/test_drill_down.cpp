// The drill-down of one record: its raw Kafka message, fetched from the
// mock cluster off the UI thread when the record is shown, equals what was
// produced (key, headers, timestamp, value); markup in a value or an ID
// ("<b>x</b>", "<img src=x>") is displayed literally by plain-text widgets;
// "copy as JSON", the kcat command (no secret in it) and the record URL.
#include "stuck_view_fixture.hpp"

#include "tests/support/scripted_pipeline.hpp"

#include "core/demo/mock_broker.hpp"
#include "ui/drill_down_panel.hpp"
#include "ui/raw_message_text.hpp"
#include "ui/stuck_view_window.hpp"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(slatrack::monitor::LookupAnswer)

namespace {

const int64_t B = uitest::kBaseMs;
constexpr int64_t kTimestamp = 1'773'480'601'234;
const std::string kKey("\x00\xff" "key", 5);
const std::string kJsonValue = R"({"note":"<b>x</b> <img src=x>","n":1})";
const std::string kMarkupValue = "<b>x</b><img src=x>";

// Stage 0's topic "orders-in" has one partition (Kafka partition 0), which
// the consumer gave stage-local index 3.
std::vector<monitor::PartitionLag> onePartition()
{
    monitor::PartitionLag lag;
    lag.stage = 0;
    lag.topic = "orders-in";
    lag.partition = 0;
    lag.index = 3;
    return {lag};
}

std::optional<monitor::LookupAnswer> ask(ui::StuckViewWindow& window, const QString& typed)
{
    QSignalSpy answered(&window, &ui::StuckViewWindow::lookupAnswered);
    window.lookup(typed);
    if (!answered.wait(10'000))
        return std::nullopt;
    return answered.at(0).at(0).value<monitor::LookupAnswer>();
}

} // namespace

class TestDrillDown : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<monitor::LookupAnswer>(); }

    void rawMessageFromTheClusterEqualsWhatWasProduced()
    {
        ingest::MockBroker broker;
        broker.createTopic("orders-in", 1);
        QCOMPARE(test::produceAll(broker.bootstrapServers(),
                                  {{"orders-in", "first", "0", kTimestamp - 5, {}},
                                   {"orders-in", kKey, kJsonValue, kTimestamp, {{"trace", "abc"}, {"bin", std::string("\x01\xff", 2)}}},
                                   {"orders-in", "third", kMarkupValue, kTimestamp + 5, {}}}),
                 std::string());

        test::EngineThread engineThread(uitest::stuckConfig());
        const uint64_t jsonRecord = engine::composite_id::make(uint32_t(B / 1000), 21);
        const uint64_t markupRecord = engine::composite_id::make(uint32_t(B / 1000), 22);
        engineThread.feed({uitest::event(jsonRecord, 0, B, 3, 1), uitest::event(markupRecord, 0, B, 3, 2)});
        auto access = uitest::accessFor(engineThread, config::IdFormat::Composite, broker.bootstrapServers());
        ui::StuckViewWindow window(access);
        window.showSnapshot(engineThread.snapshot(B + 100, uitest::kStageNames, onePartition()));

        ui::DrillDownPanel* panel = window.drillDown();
        QSignalSpy fetched(panel, &ui::DrillDownPanel::messagesFetched);
        const auto answer = ask(window, QString::fromStdString(engine::composite_id::format(jsonRecord)));
        QVERIFY(answer);
        QCOMPARE(answer->state, monitor::LookupState::Open);
        QVERIFY(fetched.wait(20'000));
        QCOMPARE(panel->messages().size(), size_t(1));
        const ingest::FetchResult& result = panel->messages().front();
        QVERIFY2(result.ok(), result.message.c_str());
        QCOMPARE(result.fetched.address.topic, std::string("orders-in"));
        QCOMPARE(result.fetched.address.partition, 0);
        QCOMPARE(result.fetched.address.offset, 1);
        QCOMPARE(result.fetched.key, std::optional<std::string>(kKey));
        QCOMPARE(result.fetched.value, std::optional<std::string>(kJsonValue));
        QCOMPARE(result.fetched.timestampMs, kTimestamp);
        QCOMPARE(result.fetched.headers.size(), size_t(2));
        QCOMPARE(result.fetched.headers[0].first, std::string("trace"));
        QCOMPARE(result.fetched.headers[0].second, std::optional<std::string>("abc"));
        QCOMPARE(result.fetched.headers[1].second, std::optional<std::string>(std::string("\x01\xff", 2)));

        // Shown as plain text, markup and all.
        QPlainTextEdit* raw = panel->rawView();
        QVERIFY(qobject_cast<QPlainTextEdit*>(raw));
        const QString text = raw->toPlainText();
        QVERIFY2(text.contains(u"\"note\": \"<b>x</b> <img src=x>\""_s), qPrintable(text));  // pretty-printed JSON
        QVERIFY2(text.contains(u"incoming \u00b7 orders-in [0] @ 1"_s), qPrintable(text));
        QVERIFY2(text.contains(u"key: hex:00ff6b6579"_s), qPrintable(text));  // not UTF-8: its bytes in hex
        QVERIFY2(text.contains(u"  trace: abc\n"_s), qPrintable(text));
        QVERIFY2(text.contains(u"  bin: hex:01ff\n"_s), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("timestamp: 2026-03-14T09:30:01.234Z (create_time, %1 ms)").arg(kTimestamp)), qPrintable(text));

        // Copy as JSON: the value embedded as JSON, the journey with the address.
        const nlohmann::json copied = nlohmann::json::parse(panel->recordJsonText().toStdString());
        QCOMPARE(copied["state"].get<std::string>(), std::string("open"));
        QCOMPARE(copied["messages"][0]["value"]["note"].get<std::string>(), std::string("<b>x</b> <img src=x>"));
        QCOMPARE(copied["messages"][0]["key"].get<std::string>(), std::string("hex:00ff6b6579"));
        QCOMPARE(copied["journey"][0]["offset"].get<int64_t>(), 1);

        // A value that is not JSON, with markup: the exact characters.
        fetched.clear();
        QVERIFY(ask(window, QString::fromStdString(engine::composite_id::format(markupRecord))));
        QVERIFY(fetched.wait(20'000));
        const QString markup = panel->rawView()->toPlainText();
        QVERIFY2(markup.contains(u"value (19 bytes):\n<b>x</b><img src=x>\n"_s), qPrintable(markup));
        QCOMPARE(QString::fromStdString(panel->messages().front().fetched.value.value_or("")), QString::fromStdString(kMarkupValue));
    }

    void replayFindsEveryStagesMessage()
    {
        // The live engine keeps only the incoming message's address; the
        // replay reads the window and finds the enriched one too.
        ingest::MockBroker broker;
        for (const char* topic : {"orders-in", "orders-enriched", "orders-out"})
            broker.createTopic(topic, 1);
        const int64_t now = QDateTime::currentMSecsSinceEpoch();
        const uint64_t record = engine::composite_id::make(uint32_t((now - 30'000) / 1000), 41);
        const std::string key = engine::composite_id::format(record);
        const std::string other = engine::composite_id::format(engine::composite_id::make(uint32_t((now - 31'000) / 1000), 42));
        QCOMPARE(test::produceAll(broker.bootstrapServers(),
                                  {{"orders-in", other, "{}", now - 31'000, {}},
                                   {"orders-in", key, R"({"step":"in"})", now - 30'000, {}},
                                   {"orders-enriched", key, R"({"step":"enriched","by":"<i>enricher</i>"})", now - 29'750, {{"hop", "1"}}}}),
                 std::string());

        test::EngineThread engineThread(uitest::stuckConfig());
        engineThread.feed({uitest::event(record, 0, now - 30'000, 3, 1), uitest::event(record, 1, now - 29'750, 0, 0)});
        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Composite, broker.bootstrapServers()));
        window.showSnapshot(engineThread.snapshot(now, uitest::kStageNames, onePartition()));
        ui::DrillDownPanel* panel = window.drillDown();
        QSignalSpy fetched(panel, &ui::DrillDownPanel::messagesFetched);
        const auto live = ask(window, QString::fromStdString(key));
        QVERIFY(live);
        QVERIFY(fetched.wait(20'000));
        QCOMPARE(panel->messages().size(), size_t(1));  // the enriched offset is not kept

        QSignalSpy replayed(panel, &ui::DrillDownPanel::replayFinished);
        fetched.clear();
        panel->replayJourney();
        QVERIFY(replayed.wait(30'000));
        QVERIFY2(replayed.at(0).at(0).toBool(), qPrintable(replayed.at(0).at(1).toString()));
        QVERIFY(fetched.wait(20'000));  // (before any check: a fetch left running when the broker goes away hangs in librdkafka)
        QVERIFY2(panel->answer().sightings.size() == 2, panel->answer().detail.c_str());
        QCOMPARE(panel->messages().size(), size_t(2));
        const ingest::FetchResult& enriched = panel->messages()[1];
        QVERIFY2(enriched.ok(), enriched.message.c_str());
        QCOMPARE(enriched.fetched.address.topic, std::string("orders-enriched"));
        QCOMPARE(enriched.fetched.value, std::optional<std::string>(R"({"step":"enriched","by":"<i>enricher</i>"})"));
        QCOMPARE(enriched.fetched.key, std::optional<std::string>(key));
        QCOMPARE(panel->messages()[0].fetched.address.offset, 1);
        QCOMPARE(panel->journeyView()->item(1, 3)->text(), u"orders-enriched [0] @ 0"_s);
        QCOMPARE(panel->journeyView()->item(1, 2)->text(), u"+250 ms"_s);
        QVERIFY(panel->rawView()->toPlainText().contains(u"\"by\": \"<i>enricher</i>\""_s));
    }

    void fetchFailureSaysWhatAndWhere()
    {
        ingest::MockBroker broker;
        broker.createTopic("orders-in", 1);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), {{"orders-in", "k", "v", kTimestamp, {}}}), std::string());
        test::EngineThread engineThread(uitest::stuckConfig());
        const uint64_t record = engine::composite_id::make(uint32_t(B / 1000), 31);
        engineThread.feed({uitest::event(record, 0, B, 3, 50)});  // offset 50: not written yet
        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Composite, broker.bootstrapServers()));
        window.showSnapshot(engineThread.snapshot(B + 100, uitest::kStageNames, onePartition()));
        QSignalSpy fetched(window.drillDown(), &ui::DrillDownPanel::messagesFetched);
        QVERIFY(ask(window, QString::fromStdString(engine::composite_id::format(record))));
        QVERIFY(fetched.wait(20'000));
        QCOMPARE(window.drillDown()->messages().front().error, ingest::FetchError::NotYetWritten);
        const QString text = window.drillDown()->rawView()->toPlainText();
        QVERIFY2(text.contains(u"not fetched: "_s) && text.contains(u"(not_yet_written)"_s), qPrintable(text));
        QVERIFY2(text.contains(u"orders-in [0] @ 50"_s), qPrintable(text));
    }

    void markupInAnIdIsShownLiterally()
    {
        test::EngineThread engineThread(uitest::stuckConfig());
        const std::string id = "<b>x</b><img src=x>";
        engine::Event incoming = uitest::event(0, 0, B, 0, 1);
        incoming.id = engine::RecordId::opaque(id);
        engineThread.feed({incoming});
        config::PipelineConfig config = uitest::pipelineConfig(config::IdFormat::Opaque);
        config.recordUrl = "https://admin.example/orders/{id}";
        ui::StuckViewWindow window(ui::EngineAccess{engineThread.poster(), config, std::chrono::milliseconds(1500)});
        window.showSnapshot(engineThread.snapshot(B + 100, uitest::kStageNames, uitest::stagePartitions()));
        const auto answer = ask(window, QString::fromStdString(id));
        QVERIFY(answer);
        QCOMPARE(answer->state, monitor::LookupState::Open);
        ui::DrillDownPanel* panel = window.drillDown();
        QCOMPARE(panel->titleLabel()->text(), QString::fromStdString(id));
        QCOMPARE(panel->titleLabel()->textFormat(), Qt::PlainText);
        QCOMPARE(panel->stateLabel()->textFormat(), Qt::PlainText);
        for (QLabel* label : panel->findChildren<QLabel*>())
            QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName()));
        // The URL template gets the ID percent-encoded.
        QCOMPARE(panel->recordUrl(), u"https://admin.example/orders/%3Cb%3Ex%3C%2Fb%3E%3Cimg%20src%3Dx%3E"_s);
        auto buttons = panel->findChildren<QPushButton*>();
        const bool openShown = std::any_of(buttons.begin(), buttons.end(), [](QPushButton* button) {
            return button->text() == u"Open in admin tool"_s && !button->isHidden() && button->isEnabled();
        });
        QVERIFY(openShown);
    }

    void messageTextIsPlainAndEscaped()
    {
        QCOMPARE(ui::printableBytes("tab\there"), u"tab\there"_s);
        QCOMPARE(ui::printableBytes(std::string("bell\x07", 5)), u"bell\\x07"_s);  // control characters escaped
        QCOMPARE(ui::printableBytes(std::string("\xff\xfe", 2)), u"hex:fffe"_s);
        QCOMPARE(ui::prettyJson("[1,2]"), std::optional<std::string>("[\n  1,\n  2\n]"));
        QCOMPARE(ui::prettyJson("123"), std::nullopt);
        QCOMPARE(ui::prettyJson("{broken"), std::nullopt);
        ingest::FetchResult tombstone;
        tombstone.fetched.address = {"t", 1, 2};
        const QString text = ui::messageText(u"incoming"_s, tombstone);
        QVERIFY2(text.contains(u"key: (null)"_s) && text.contains(u"value: (null, a tombstone)"_s), qPrintable(text));
    }

    void kcatCommandCarriesNoSecret()
    {
        config::KafkaConfig kafka;
        kafka.brokers = "b1:9093,b2:9093";
        kafka.properties["security.protocol"] = std::string("SASL_SSL");
        kafka.properties["sasl.password"] = config::Secret("hunter2", config::Secret::Source::Env, "KAFKA_PASSWORD");
        const std::string command = ui::kcatCommand(kafka, {"it's", 4, 99});
        QCOMPARE(command, std::string("kcat -C -b 'b1:9093,b2:9093' -X 'sasl.password=<sasl.password>' -X 'security.protocol=SASL_SSL' -t 'it'\\''s' "
                                      "-p 4 -o 99 -c 1 -e -f '%t [%p] @ %o\\ntimestamp: %T\\nkey: %k\\nheaders: %h\\n%s\\n'"));
        QVERIFY(command.find("hunter2") == std::string::npos);
    }
};

QTEST_MAIN(TestDrillDown)
#include "test_drill_down.moc"

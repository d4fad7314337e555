#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include "core/config/config_loader.hpp"
#include "tests/config/config_test_support.hpp"

using namespace slatrack::config;
using namespace config_test;

// Every error names the file, the field path and what was expected versus
// what was found; one row per kind of mistake.
class TestConfigErrors : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void reportsEachKindOfError_data();
    void reportsEachKindOfError();
    void reportsTheExampleMessageVerbatim();
    void collectsAllErrorsInOnePass();
    void reportsDuplicateKeysWithTheirPath();
    void reportsSyntaxErrorsWithLineAndColumn_data();
    void reportsSyntaxErrorsWithLineAndColumn();
    void syntaxErrorDoesNotEchoFileText();
    void reportsUnreadableConfigFile();

private:
    LoadResult parse(const std::string& text) const
    {
        return parseConfig(text, kFileName, m_dir.path().toStdString());
    }

    QTemporaryDir m_dir;
};

void TestConfigErrors::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv(kPasswordVar, kPassword);
    qputenv("SLATRACK_TEST_EMPTY", "");
    qunsetenv("SLATRACK_TEST_UNSET");

    QFile empty(m_dir.filePath(QStringLiteral("empty-secret")));
    QVERIFY(empty.open(QIODevice::WriteOnly));
}

void TestConfigErrors::reportsEachKindOfError_data()
{
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("message");  // a part of the message that says expected vs found

    // Top level.
    QTest::newRow("top level not an object") << QByteArray(R"([{"op":"replace","path":"","value":[1]}])")
        << QByteArray("") << QByteArray("expected a JSON object at the top level, got an array");
    QTest::newRow("unknown top-level key") << QByteArray(R"([{"op":"add","path":"/windw","value":"1h"}])")
        << QByteArray("windw")
        << QByteArray(R"(unknown key (allowed: pipeline, kafka, id_format, stages, window, sla, grace, max_open_records, dedup_horizon, max_clock_skew, blind_after, behind_threshold, record_url, store, metrics, alerts); did you mean "window"?)");
    QTest::newRow("store wrong type") << QByteArray(R"([{"op":"add","path":"/store","value":7}])")
        << QByteArray("store") << QByteArray("expected a non-empty string, got 7");
    QTest::newRow("pipeline missing") << QByteArray(R"([{"op":"remove","path":"/pipeline"}])")
        << QByteArray("pipeline") << QByteArray("missing; expected a non-empty string");
    QTest::newRow("pipeline wrong type") << QByteArray(R"([{"op":"replace","path":"/pipeline","value":5}])")
        << QByteArray("pipeline") << QByteArray("expected a non-empty string, got 5");
    QTest::newRow("pipeline empty") << QByteArray(R"([{"op":"replace","path":"/pipeline","value":""}])")
        << QByteArray("pipeline") << QByteArray(R"(expected a non-empty string, got "")");
    QTest::newRow("id_format unknown") << QByteArray(R"([{"op":"add","path":"/id_format","value":"uuid"}])")
        << QByteArray("id_format") << QByteArray(R"(expected one of composite, opaque, got "uuid")");

    // kafka.
    QTest::newRow("kafka missing") << QByteArray(R"([{"op":"remove","path":"/kafka"}])")
        << QByteArray("kafka") << QByteArray("missing; expected an object with brokers");
    QTest::newRow("kafka not an object") << QByteArray(R"([{"op":"replace","path":"/kafka","value":"b1:9092"}])")
        << QByteArray("kafka") << QByteArray(R"(expected an object with brokers, group_id and properties, got "b1:9092")");
    QTest::newRow("kafka unknown key") << QByteArray(R"([{"op":"add","path":"/kafka/broker","value":"x"}])")
        << QByteArray("kafka.broker") << QByteArray(R"(unknown key (allowed: brokers, group_id, properties); did you mean "brokers"?)");
    QTest::newRow("brokers missing") << QByteArray(R"([{"op":"remove","path":"/kafka/brokers"}])")
        << QByteArray("kafka.brokers") << QByteArray(R"(missing; expected a string like "host1:9092,host2:9092")");
    QTest::newRow("brokers as array") << QByteArray(R"([{"op":"replace","path":"/kafka/brokers","value":["b1:9092"]}])")
        << QByteArray("kafka.brokers") << QByteArray("expected a non-empty string, got an array");
    QTest::newRow("group_id empty") << QByteArray(R"([{"op":"add","path":"/kafka/group_id","value":""}])")
        << QByteArray("kafka.group_id") << QByteArray(R"(expected a non-empty string, got "")");
    QTest::newRow("properties not an object") << QByteArray(R"([{"op":"replace","path":"/kafka/properties","value":[]}])")
        << QByteArray("kafka.properties") << QByteArray("expected an object of librdkafka properties, got an empty array");
    QTest::newRow("property null") << QByteArray(R"([{"op":"add","path":"/kafka/properties/linger.ms","value":null}])")
        << QByteArray(R"(kafka.properties["linger.ms"])")
        << QByteArray(R"(expected a string, number, boolean or secret reference {"env": "NAME"} / {"file": "PATH"}, got null)");
    QTest::newRow("property bootstrap.servers") << QByteArray(R"([{"op":"add","path":"/kafka/properties/bootstrap.servers","value":"x:1"}])")
        << QByteArray(R"(kafka.properties["bootstrap.servers"])") << QByteArray("expected the brokers in kafka.brokers");
    QTest::newRow("property group.id") << QByteArray(R"([{"op":"add","path":"/kafka/properties/group.id","value":"g"}])")
        << QByteArray(R"(kafka.properties["group.id"])") << QByteArray("expected the consumer group in kafka.group_id");

    // Secret references.
    QTest::newRow("secret ref empty") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{}}])")
        << QByteArray(R"(kafka.properties["sasl.password"])")
        << QByteArray(R"(expected a secret reference {"env": "NAME"} or {"file": "PATH"}, got an empty object)");
    QTest::newRow("secret ref unknown key") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"envv":"X"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].envv)") << QByteArray(R"(unknown key (allowed: env, file); did you mean "env"?)");
    QTest::newRow("secret ref both") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"env":"X","file":"y"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"])") << QByteArray(R"(got both "env" and "file")");
    QTest::newRow("secret env not a string") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"env":1}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].env)") << QByteArray("expected a non-empty string, got 1");
    QTest::newRow("secret env unset") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"env":"SLATRACK_TEST_UNSET"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].env)")
        << QByteArray("expected environment variable SLATRACK_TEST_UNSET to be set, but it is not");
    QTest::newRow("secret env empty") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"env":"SLATRACK_TEST_EMPTY"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].env)")
        << QByteArray("expected environment variable SLATRACK_TEST_EMPTY to hold the secret, but it is empty");
    QTest::newRow("secret file missing") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"file":"no-such-file"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].file)")
        << QByteArray("no-such-file\": No such file or directory");
    QTest::newRow("secret file empty") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"file":"empty-secret"}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].file)") << QByteArray("empty-secret\" to hold the secret, but it is empty");
    QTest::newRow("secret file is a directory") << QByteArray(R"([{"op":"replace","path":"/kafka/properties/sasl.password","value":{"file":"."}}])")
        << QByteArray(R"(kafka.properties["sasl.password"].file)") << QByteArray("expected a readable file, but cannot read");

    // stages.
    QTest::newRow("stages missing") << QByteArray(R"([{"op":"remove","path":"/stages"}])")
        << QByteArray("stages") << QByteArray("missing; expected an array of at least 2 stages");
    QTest::newRow("stages not an array") << QByteArray(R"([{"op":"replace","path":"/stages","value":{}}])")
        << QByteArray("stages") << QByteArray("expected an array of at least 2 stages (incoming first, processed last), got an empty object");
    QTest::newRow("one stage") << QByteArray(R"([{"op":"remove","path":"/stages/1"}])")
        << QByteArray("stages") << QByteArray("expected at least 2 stages (incoming first, processed last), got 1");
    QTest::newRow("stage not an object") << QByteArray(R"([{"op":"replace","path":"/stages/1","value":"processed"}])")
        << QByteArray("stages[1]") << QByteArray(R"(expected a stage object with name, topics, id and time, got "processed")");
    QTest::newRow("stage unknown key") << QByteArray(R"([{"op":"add","path":"/stages/0/topic","value":"x"}])")
        << QByteArray("stages[0].topic") << QByteArray(R"(unknown key (allowed: name, topics, id, time, consumer_group); did you mean "topics"?)");
    QTest::newRow("consumer_group a number") << QByteArray(R"([{"op":"add","path":"/stages/0/consumer_group","value":7}])")
        << QByteArray("stages[0].consumer_group")
        << QByteArray(R"(expected the pipeline's consumer group reading this stage's topics, like "processor-app", or an array of such names, got 7)");
    QTest::newRow("consumer_group empty array") << QByteArray(R"([{"op":"add","path":"/stages/0/consumer_group","value":[]}])")
        << QByteArray("stages[0].consumer_group") << QByteArray("or an array of such names, got an empty array");
    QTest::newRow("consumer_group empty name") << QByteArray(R"([{"op":"add","path":"/stages/0/consumer_group","value":["a", ""]}])")
        << QByteArray("stages[0].consumer_group[1]") << QByteArray(R"(expected a consumer group name (1 to 255 characters), got "")");
    QTest::newRow("consumer_group twice") << QByteArray(R"([{"op":"add","path":"/stages/0/consumer_group","value":["a", "a"]}])")
        << QByteArray("stages[0].consumer_group[1]") << QByteArray(R"(expected each consumer group once per stage, got "a" again)");
    QTest::newRow("consumer_group is slatrack's own") << QByteArray(R"([{"op":"add","path":"/stages/0/consumer_group","value":"slatrack-orders"}])")
        << QByteArray("stages[0].consumer_group")
        << QByteArray(R"(expected the pipeline's own consumer group, got "slatrack-orders", which is slatrack's (kafka.group_id))");
    QTest::newRow("stage name missing") << QByteArray(R"([{"op":"remove","path":"/stages/1/name"}])")
        << QByteArray("stages[1].name") << QByteArray("missing; expected a non-empty string naming the stage");
    QTest::newRow("stage name duplicate") << QByteArray(R"([{"op":"replace","path":"/stages/1/name","value":"incoming"}])")
        << QByteArray("stages[1].name") << QByteArray(R"(expected a unique stage name, got "incoming" again (also stages[0].name))");
    QTest::newRow("topics empty") << QByteArray(R"([{"op":"replace","path":"/stages/0/topics","value":[]}])")
        << QByteArray("stages[0].topics") << QByteArray("expected a non-empty array of topic names, got an empty array");
    QTest::newRow("topics a string") << QByteArray(R"([{"op":"replace","path":"/stages/0/topics","value":"orders.in"}])")
        << QByteArray("stages[0].topics") << QByteArray(R"(expected a non-empty array of topic names, got "orders.in")");
    QTest::newRow("topic invalid name") << QByteArray(R"([{"op":"add","path":"/stages/0/topics/-","value":"orders in"}])")
        << QByteArray("stages[0].topics[1]") << QByteArray(R"(expected a Kafka topic name (1 to 249 characters of a-z A-Z 0-9 . _ -), got "orders in")");
    QTest::newRow("topic in two stages") << QByteArray(R"([{"op":"replace","path":"/stages/1/topics/0","value":"orders.in"}])")
        << QByteArray("stages[1].topics[0]") << QByteArray(R"(expected each topic in one stage only, got "orders.in" again (also stages[0].topics[0]))");
    QTest::newRow("topic twice in a stage") << QByteArray(R"([{"op":"add","path":"/stages/1/topics/-","value":"orders.out"}])")
        << QByteArray("stages[1].topics[1]") << QByteArray("(also stages[1].topics[0])");

    // Stage ID extractors.
    QTest::newRow("id missing") << QByteArray(R"([{"op":"remove","path":"/stages/0/id"}])")
        << QByteArray("stages[0].id") << QByteArray(R"(missing; expected an object like {"from": "key"})");
    QTest::newRow("id a string") << QByteArray(R"([{"op":"replace","path":"/stages/0/id","value":"key"}])")
        << QByteArray("stages[0].id") << QByteArray(R"(expected an object like {"from": "key"}, {"from": "json", "pointer": "/id"} or {"from": "header", "name": "record-id"}, got "key")");
    QTest::newRow("id from missing") << QByteArray(R"([{"op":"replace","path":"/stages/0/id","value":{}}])")
        << QByteArray("stages[0].id.from") << QByteArray(R"(missing; expected one of "key", "json", "header")");
    QTest::newRow("id from unknown") << QByteArray(R"([{"op":"replace","path":"/stages/0/id/from","value":"body"}])")
        << QByteArray("stages[0].id.from") << QByteArray(R"(expected one of key, json, header, got "body")");
    QTest::newRow("id pointer missing") << QByteArray(R"([{"op":"remove","path":"/stages/0/id/pointer"}])")
        << QByteArray("stages[0].id.pointer") << QByteArray("missing; expected a JSON pointer (RFC 6901) starting with '/'");
    QTest::newRow("id pointer without slash") << QByteArray(R"([{"op":"replace","path":"/stages/1/id/pointer","value":"a/b"}])")
        << QByteArray("stages[1].id.pointer") << QByteArray(R"(expected a JSON pointer (RFC 6901) starting with '/', like "/order/id", got "a/b")");
    QTest::newRow("id pointer bad escape") << QByteArray(R"([{"op":"replace","path":"/stages/1/id/pointer","value":"/a~2b"}])")
        << QByteArray("stages[1].id.pointer") << QByteArray(R"(got "/a~2b" ('~' must be followed by 0 or 1)");
    QTest::newRow("id key with a pointer") << QByteArray(R"([{"op":"replace","path":"/stages/0/id/from","value":"key"}])")
        << QByteArray("stages[0].id.pointer") << QByteArray("unknown key (allowed: from)");
    QTest::newRow("id header name missing") << QByteArray(R"([{"op":"replace","path":"/stages/0/id","value":{"from":"header"}}])")
        << QByteArray("stages[0].id.name") << QByteArray("missing; expected a non-empty string naming the header");

    // Stage time extractors.
    QTest::newRow("time not an object") << QByteArray(R"([{"op":"replace","path":"/stages/1/time","value":"kafka"}])")
        << QByteArray("stages[1].time") << QByteArray(R"(expected an object like {"from": "kafka"}, {"from": "json", "pointer": "/ts", "format": "epoch_ms"} or {"from": "composite_id"}, got "kafka")");
    QTest::newRow("time from unknown") << QByteArray(R"([{"op":"replace","path":"/stages/1/time/from","value":"header"}])")
        << QByteArray("stages[1].time.from") << QByteArray(R"(expected one of kafka, json, composite_id, got "header")");
    QTest::newRow("time format missing") << QByteArray(R"([{"op":"remove","path":"/stages/1/time/format"}])")
        << QByteArray("stages[1].time.format") << QByteArray("missing; expected one of epoch_s, epoch_ms, epoch_us, rfc3339");
    QTest::newRow("time pointer invalid") << QByteArray(R"([{"op":"replace","path":"/stages/1/time/pointer","value":"ts"}])")
        << QByteArray("stages[1].time.pointer") << QByteArray(R"(got "ts")");
    QTest::newRow("time kafka with a format") << QByteArray(R"([{"op":"replace","path":"/stages/1/time","value":{"from":"kafka","format":"epoch_ms"}}])")
        << QByteArray("stages[1].time.format") << QByteArray("unknown key (allowed: from)");
    QTest::newRow("time composite_id with opaque IDs") << QByteArray(R"([{"op":"replace","path":"/stages/0/id","value":{"from":"key"}},{"op":"add","path":"/stages/0/time","value":{"from":"composite_id"}}])")
        << QByteArray("stages[0].time.from")
        << QByteArray(R"(expected "kafka" or "json" because id_format is "opaque" ("composite_id" needs id_format "composite"), got "composite_id")");

    // Durations and limits.
    QTest::newRow("window unknown unit") << QByteArray(R"([{"op":"add","path":"/window","value":"5x"}])")
        << QByteArray("window") << QByteArray(R"x(expected a duration like "500ms", "30s", "5m", "1h", "2d" or a number of seconds, got "5x" (unknown unit "x")x");
    QTest::newRow("window wrong type") << QByteArray(R"([{"op":"add","path":"/window","value":true}])")
        << QByteArray("window") << QByteArray("or a number of seconds, got true");
    QTest::newRow("window zero") << QByteArray(R"([{"op":"add","path":"/window","value":"0s"}])")
        << QByteArray("window") << QByteArray(R"(expected a duration greater than 0, got "0s")");
    QTest::newRow("sla negative seconds") << QByteArray(R"([{"op":"add","path":"/sla","value":-5}])")
        << QByteArray("sla") << QByteArray("got -5 (negative duration)");
    QTest::newRow("sla not below default window") << QByteArray(R"([{"op":"add","path":"/sla","value":"2h"}])")
        << QByteArray("sla") << QByteArray("expected less than window (1h, the default), got 2h");
    QTest::newRow("sla equal to window") << QByteArray(R"([{"op":"add","path":"/sla","value":"10m"},{"op":"add","path":"/window","value":600}])")
        << QByteArray("sla") << QByteArray("expected less than window (10m), got 10m");
    QTest::newRow("grace not below window") << QByteArray(R"([{"op":"add","path":"/grace","value":"1h"},{"op":"add","path":"/window","value":"30m"},{"op":"add","path":"/sla","value":"1m"}])")
        << QByteArray("grace") << QByteArray("expected less than window (30m), got 1h");
    QTest::newRow("dedup_horizon invalid") << QByteArray(R"([{"op":"add","path":"/dedup_horizon","value":"forever"}])")
        << QByteArray("dedup_horizon") << QByteArray(R"(got "forever" (expected a number at "forever"))");
    QTest::newRow("max_open_records zero") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":0}])")
        << QByteArray("max_open_records") << QByteArray("expected a positive integer, got 0");
    QTest::newRow("max_open_records negative") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":-1}])")
        << QByteArray("max_open_records") << QByteArray("expected a positive integer, got -1");
    QTest::newRow("max_open_records fractional") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":1.5}])")
        << QByteArray("max_open_records") << QByteArray("expected a positive integer, got 1.5");
    // Limits of the engine (core/config/engine_limits.hpp): each used to pass
    // here and then abort the program when the engine refused it.
    QTest::newRow("window over 7 days") << QByteArray(R"([{"op":"add","path":"/window","value":"7d1ms"}])")
        << QByteArray("window") << QByteArray("expected at most 7d (the longest time the engine tracks a record), got 7d1ms");
    QTest::newRow("9 stages") << QByteArray(R"([{"op":"add","path":"/stages/1","value":{"name":"s1","topics":["t1"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s2","topics":["t2"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s3","topics":["t3"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s4","topics":["t4"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s5","topics":["t5"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s6","topics":["t6"],"id":{"from":"key"}}},{"op":"add","path":"/stages/1","value":{"name":"s7","topics":["t7"],"id":{"from":"key"}}}])")
        << QByteArray("stages") << QByteArray("expected at most 8 stages, got 9");
    QTest::newRow("one stage") << QByteArray(R"([{"op":"remove","path":"/stages/1"}])")
        << QByteArray("stages") << QByteArray("expected at least 2 stages (incoming first, processed last), got 1");
    QTest::newRow("max_open_records under 16") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":15}])")
        << QByteArray("max_open_records") << QByteArray("expected 16 to 2147483648, got 15");
    QTest::newRow("max_open_records over 2^31") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":2147483649}])")
        << QByteArray("max_open_records") << QByteArray("expected 16 to 2147483648, got 2147483649");
    QTest::newRow("max_open_records past uint64") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":1e30}])")
        << QByteArray("max_open_records") << QByteArray("expected a positive integer, got 1e+30");
    QTest::newRow("dedup_horizon zero") << QByteArray(R"([{"op":"add","path":"/dedup_horizon","value":"0s"}])")
        << QByteArray("dedup_horizon") << QByteArray(R"(expected a duration greater than 0, got "0s")");
    QTest::newRow("dedup_horizon over 7 days") << QByteArray(R"([{"op":"add","path":"/dedup_horizon","value":"8d"}])")
        << QByteArray("dedup_horizon") << QByteArray("expected at most 7d (the longest the engine remembers finished IDs), got 8d");
    QTest::newRow("max_clock_skew zero") << QByteArray(R"([{"op":"add","path":"/max_clock_skew","value":0}])")
        << QByteArray("max_clock_skew") << QByteArray("expected a duration greater than 0, got 0");
    QTest::newRow("max_clock_skew over a day") << QByteArray(R"([{"op":"add","path":"/max_clock_skew","value":"25h"}])")
        << QByteArray("max_clock_skew") << QByteArray("expected at most 1d (composite IDs are trusted to be at most a day ahead), got 1d1h");
    QTest::newRow("max_clock_skew not a duration") << QByteArray(R"([{"op":"add","path":"/max_clock_skew","value":"soon"}])")
        << QByteArray("max_clock_skew") << QByteArray(R"(got "soon")");
    QTest::newRow("blind_after too short") << QByteArray(R"([{"op":"add","path":"/blind_after","value":"100ms"}])")
        << QByteArray("blind_after") << QByteArray("expected at least 500ms (fetch responses come every 100 ms; less would flap), got 100ms");
    QTest::newRow("blind_after negative") << QByteArray(R"([{"op":"add","path":"/blind_after","value":-1}])")
        << QByteArray("blind_after") << QByteArray("got -1 (negative duration)");
    QTest::newRow("blind_after not below window") << QByteArray(R"([{"op":"add","path":"/blind_after","value":"1h"}])")
        << QByteArray("blind_after") << QByteArray("expected less than window (1h, the default), got 1h");
    QTest::newRow("behind_threshold zero") << QByteArray(R"([{"op":"add","path":"/behind_threshold","value":"0ms"}])")
        << QByteArray("behind_threshold") << QByteArray(R"(expected a duration greater than 0, got "0ms")");
    QTest::newRow("behind_threshold not below window") << QByteArray(R"([{"op":"add","path":"/behind_threshold","value":"20m"},{"op":"add","path":"/window","value":"20m"}])")
        << QByteArray("behind_threshold") << QByteArray("expected less than window (20m), got 20m");
    QTest::newRow("record_url not http") << QByteArray(R"([{"op":"add","path":"/record_url","value":"file:///bin/sh?{id}"}])")
        << QByteArray("record_url") << QByteArray(R"(expected an http:// or https:// URL of at most 2048 bytes containing {id} (where the record ID goes), got "file:///bin/sh?{id}")");
    QTest::newRow("record_url without {id}") << QByteArray(R"([{"op":"add","path":"/record_url","value":"https://admin/x/"}])")
        << QByteArray("record_url") << QByteArray(R"(containing {id} (where the record ID goes), got "https://admin/x/")");
    QTest::newRow("record_url a number") << QByteArray(R"([{"op":"add","path":"/record_url","value":5}])")
        << QByteArray("record_url") << QByteArray("expected a non-empty string");
    QTest::newRow("max_open_records a string") << QByteArray(R"([{"op":"add","path":"/max_open_records","value":"10"}])")
        << QByteArray("max_open_records") << QByteArray(R"(expected a positive integer, got "10")");
}

void TestConfigErrors::reportsEachKindOfError()
{
    QFETCH(QByteArray, patch);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, message);

    const LoadResult result = parse(patched(patch));
    QVERIFY2(!result.ok(), "a broken config was accepted");
    QVERIFY(!result.config.has_value());
    // Exactly one: a single mistake must not bury the operator in follow-up errors.
    QVERIFY2(result.errors.size() == 1, allErrors(result).c_str());
    const ConfigError& error = result.errors.front();
    QCOMPARE(q(error.file), QByteArray(kFileName));
    QCOMPARE(q(error.path), path);
    QVERIFY2(q(error.message).contains(message), error.message.c_str());
    QCOMPARE(error.line, 0);
    const QByteArray prefix = QByteArray(kFileName) + ": " + (path.isEmpty() ? QByteArray() : path + ": ");
    QVERIFY2(q(error.toString()).startsWith(prefix), error.toString().c_str());
    QVERIFY2(!q(error.toString()).contains(kPassword), "an error message leaked the secret");
}

void TestConfigErrors::reportsTheExampleMessageVerbatim()
{
    const LoadResult result =
        parseConfig(patched(R"([{"op":"replace","path":"/stages/1/time/format","value":"millis"}])"), "orders.json",
                    m_dir.path().toStdString());
    QCOMPARE(result.errors.size(), std::size_t(1));
    QCOMPARE(q(result.errors.front().toString()),
             QByteArray(R"(orders.json: stages[1].time.format: expected one of epoch_s, epoch_ms, epoch_us, rfc3339, got "millis")"));
}

void TestConfigErrors::collectsAllErrorsInOnePass()
{
    const LoadResult result = parse(patched(R"([
        {"op":"remove","path":"/kafka/brokers"},
        {"op":"replace","path":"/stages/0/id/from","value":"body"},
        {"op":"replace","path":"/stages/1/time/format","value":"millis"},
        {"op":"add","path":"/window","value":"1y"},
        {"op":"add","path":"/colour","value":"blue"}
    ])"));
    QVERIFY(!result.ok());
    QStringList paths;
    for (const ConfigError& error : result.errors)
        paths << QString::fromStdString(error.path);
    paths.sort();
    QCOMPARE(paths, QStringList({QStringLiteral("colour"), QStringLiteral("kafka.brokers"),
                                 QStringLiteral("stages[0].id.from"), QStringLiteral("stages[1].time.format"),
                                 QStringLiteral("window")}));
    QCOMPARE(q(allErrors(result)).count('\n'), 5);
}

void TestConfigErrors::reportsDuplicateKeysWithTheirPath()
{
    // nlohmann keeps the last of two equal keys; the loader must not.
    const std::string text = R"({
      "pipeline": "orders",
      "sla": "1m",
      "kafka": {"brokers": "b:1", "properties": {"a.b": "1", "a.b": "2"}},
      "stages": [
        {"name": "in", "topics": ["t1"], "id": {"from": "key"}},
        {"name": "out", "topics": ["t2"], "id": {"from": "key"}, "name": "out2"}
      ],
      "sla": "2m"
    })";
    const LoadResult result = parse(text);
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), std::size_t(3));
    QCOMPARE(q(result.errors[0].path), QByteArray(R"(kafka.properties["a.b"])"));
    QCOMPARE(q(result.errors[1].path), QByteArray("stages[1].name"));
    QCOMPARE(q(result.errors[2].path), QByteArray("sla"));
    for (const ConfigError& error : result.errors)
        QVERIFY2(q(error.message).startsWith("duplicate key"), error.message.c_str());
}

void TestConfigErrors::reportsSyntaxErrorsWithLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("invalid literal") << QByteArray("{\n  \"pipeline\": \"x\",\n  \"kafka\": tru\n}") << 3 << 15
                                     << QByteArray("invalid JSON: syntax error while parsing value - invalid literal");
    QTest::newRow("trailing comma") << QByteArray("{\n  \"a\": 1,\n}") << 3 << 1
                                    << QByteArray("unexpected '}'; expected string literal");
    QTest::newRow("unexpected end") << QByteArray("{\"a\": 1") << 1 << 8 << QByteArray("unexpected end of input");
    QTest::newRow("empty file") << QByteArray("") << 1 << 1 << QByteArray("unexpected end of input");
    QTest::newRow("column counts characters") << QByteArray("{\"\xc3\xa9\xc3\xa9\": x}") << 1 << 8
                                              << QByteArray("invalid literal");
    QTest::newRow("after a comment") << QByteArray("// header\n/* a\n b */ {\"a\" 1}") << 3 << 12
                                     << QByteArray("unexpected number literal; expected ':'");
    QTest::newRow("unterminated comment") << QByteArray("{} /* open") << 1 << 11
                                          << QByteArray("invalid comment");
    // nlohmann throws out_of_range (not parse_error) for these; found by
    // fuzz_config (fuzz/regressions/config/), it used to escape parseConfig.
    QTest::newRow("number beyond a double") << QByteArray("{\n  \"window\": 1e400\n}") << 2 << 13
                                            << QByteArray("invalid JSON: a number too large to represent");
    QTest::newRow("huge mantissa and exponent") << QByteArray("[\n 33333333333333333333333333333e33333:3]") << 2 << 2
                                                << QByteArray("a number too large to represent");
}

void TestConfigErrors::reportsSyntaxErrorsWithLineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QByteArray, message);

    const LoadResult result = parse(text.toStdString());
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), std::size_t(1));
    const ConfigError& error = result.errors.front();
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY2(q(error.message).contains(message), error.message.c_str());
    QVERIFY2(!q(error.message).contains("json.exception"), error.message.c_str());
    const QByteArray position = QByteArray(kFileName) + ":" + QByteArray::number(line) + ":" + QByteArray::number(column) + ": ";
    QVERIFY2(q(error.toString()).startsWith(position), error.toString().c_str());
}

void TestConfigErrors::syntaxErrorDoesNotEchoFileText()
{
    // nlohmann's message quotes the text it last read; here that is part of a password.
    const LoadResult result = parse(R"({"kafka": {"properties": {"sasl.password": "hunter2\q"}}})");
    QCOMPARE(result.errors.size(), std::size_t(1));
    QVERIFY2(!q(result.errors.front().toString()).contains("hunter"), result.errors.front().toString().c_str());
    QVERIFY2(q(result.errors.front().message).contains("forbidden character after backslash"),
             result.errors.front().message.c_str());
}

void TestConfigErrors::reportsUnreadableConfigFile()
{
    const std::string missing = m_dir.filePath(QStringLiteral("missing.json")).toStdString();
    const LoadResult result = loadConfigFile(missing);
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), std::size_t(1));
    QCOMPARE(q(result.errors.front().file), q(missing));
    QCOMPARE(q(result.errors.front().toString()),
             q(missing + ": cannot read the config file: No such file or directory"));
}

QTEST_APPLESS_MAIN(TestConfigErrors)
#include "test_config_errors.moc"

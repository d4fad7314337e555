#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <sstream>

#include <nlohmann/json.hpp>

#include "core/config/config_loader.hpp"
#include "core/config/secret.hpp"
#include "tests/config/config_test_support.hpp"

using namespace slatrack::config;
using namespace config_test;
using namespace std::chrono_literals;

namespace {

constexpr char kFilePassword[] = "file-pa55word";

} // namespace

// Happy paths, defaults, secrets and the configs shipped in resources/config.
class TestConfigLoader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void parsesAFullConfig();
    void appliesDefaults();
    void convertsPropertyValuesToText();
    void allowsComments();
    void readsSecretFromEnv();
    void readsSecretFromFile_data();
    void readsSecretFromFile();
    void keepsInlineCredentialsAsSecrets();
    void masksSecretsEverywhere();
    void describeForLogRoundTrips();

    void shippedExampleParses();
    void shippedExampleNamesMissingPassword();
    void shippedDemoParses();

private:
    LoadResult parse(const std::string& text) const
    {
        return parseConfig(text, kFileName, m_dir.path().toStdString());
    }

    QTemporaryDir m_dir;
};

void TestConfigLoader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv(kPasswordVar, kPassword);
}

void TestConfigLoader::parsesAFullConfig()
{
    const LoadResult result = parse(R"({
      "pipeline": "payments",
      "kafka": {
        "brokers": "k1:9093",
        "group_id": "ops-payments",
        "properties": {"security.protocol": "SSL", "fetch.wait.max.ms": 50}
      },
      "id_format": "composite",
      "stages": [
        {"name": "incoming", "topics": ["pay.in", "pay.in.retry"], "id": {"from": "key"},
         "time": {"from": "composite_id"}, "consumer_group": "scorer"},
        {"name": "scored", "topics": ["pay.scored"], "id": {"from": "header", "name": "record-id"},
         "time": {"from": "json", "pointer": "/meta/ts", "format": "rfc3339"}, "consumer_group": ["settler", "audit-sink"]},
        {"name": "processed", "topics": ["pay.out"], "id": {"from": "json", "pointer": "/a~1b/~0c"},
         "time": {"from": "kafka"}}
      ],
      "window": "2h",
      "sla": 90,
      "grace": "1.5s",
      "max_open_records": 5000,
      "dedup_horizon": "1d",
      "max_clock_skew": "2m",
      "blind_after": 10,
      "behind_threshold": "1m30s"
    })");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    QVERIFY(result.errors.empty());
    const PipelineConfig& config = *result.config;
    QCOMPARE(q(config.pipeline), QByteArray("payments"));
    QCOMPARE(q(config.kafka.brokers), QByteArray("k1:9093"));
    QCOMPARE(q(config.kafka.groupId), QByteArray("ops-payments"));
    QCOMPARE(config.kafka.properties.size(), std::size_t(2));
    QCOMPARE(q(revealProperty(config.kafka.properties.at("security.protocol"))), QByteArray("SSL"));
    QCOMPARE(config.idFormat, IdFormat::Composite);
    QCOMPARE(config.stages.size(), std::size_t(3));

    const StageConfig& incoming = config.stages[0];
    QCOMPARE(q(incoming.name), QByteArray("incoming"));
    QCOMPARE(incoming.topics, (std::vector<std::string>{"pay.in", "pay.in.retry"}));
    QCOMPARE(incoming.id.kind, IdSource::Kind::Key);
    QCOMPARE(incoming.time.kind, TimeSource::Kind::CompositeId);
    QCOMPARE(incoming.consumerGroups, (std::vector<std::string>{"scorer"}));

    const StageConfig& scored = config.stages[1];
    QCOMPARE(scored.id.kind, IdSource::Kind::Header);
    QCOMPARE(q(scored.id.headerName), QByteArray("record-id"));
    QCOMPARE(scored.time.kind, TimeSource::Kind::JsonPointer);
    QCOMPARE(q(scored.time.pointer), QByteArray("/meta/ts"));
    QCOMPARE(scored.time.format, TimeFormat::Rfc3339);
    QCOMPARE(scored.consumerGroups, (std::vector<std::string>{"settler", "audit-sink"}));

    const StageConfig& processed = config.stages[2];
    QCOMPARE(processed.id.kind, IdSource::Kind::JsonPointer);
    QCOMPARE(q(processed.id.pointer), QByteArray("/a~1b/~0c"));
    QCOMPARE(processed.time.kind, TimeSource::Kind::KafkaTimestamp);
    QVERIFY(processed.consumerGroups.empty());  // not given: no pipeline lag read for it

    QCOMPARE(config.window, Milliseconds(2h));
    QCOMPARE(config.sla, Milliseconds(90s));
    QCOMPARE(config.grace, Milliseconds(1500ms));
    QCOMPARE(config.maxOpenRecords, uint64_t(5000));
    QCOMPARE(config.dedupHorizon, Milliseconds(24h));
    QCOMPARE(config.maxClockSkew, Milliseconds(2min));
    QCOMPARE(config.blindAfter, Milliseconds(10s));
    QCOMPARE(config.behindThreshold, Milliseconds(90s));
}

void TestConfigLoader::appliesDefaults()
{
    const LoadResult result = parse(R"({
      "pipeline": "orders",
      "kafka": {"brokers": "b:9092"},
      "stages": [
        {"name": "in", "topics": ["a"], "id": {"from": "key"}},
        {"name": "out", "topics": ["b"], "id": {"from": "key"}}
      ]
    })");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const PipelineConfig& config = *result.config;
    QCOMPARE(q(config.kafka.groupId), QByteArray("slatrack-orders"));
    QVERIFY(config.kafka.properties.empty());
    QCOMPARE(config.idFormat, IdFormat::Opaque);
    QCOMPARE(config.stages[0].time.kind, TimeSource::Kind::KafkaTimestamp);
    QCOMPARE(config.stages[1].time.kind, TimeSource::Kind::KafkaTimestamp);
    QCOMPARE(config.window, Milliseconds(1h));
    QCOMPARE(config.sla, Milliseconds(5min));
    QCOMPARE(config.grace, Milliseconds(30s));
    QCOMPARE(config.maxOpenRecords, uint64_t(1'000'000));
    QCOMPARE(config.dedupHorizon, Milliseconds(1h));
    QCOMPARE(config.maxClockSkew, Milliseconds(5min));
    QCOMPARE(config.blindAfter, Milliseconds(5s));
    QCOMPARE(config.behindThreshold, Milliseconds(30s));

    // dedup_horizon follows a configured window.
    const LoadResult shorter = parse(patched(R"([{"op":"add","path":"/window","value":"10m"}])"));
    QVERIFY2(shorter.ok(), allErrors(shorter).c_str());
    QCOMPARE(shorter.config->dedupHorizon, Milliseconds(10min));

    // "store": absent is the default file; relative paths are from the
    // config's folder; "none" and absolute paths are kept as written.
    QVERIFY(config.storePath.empty());
    const LoadResult relative = parse(patched(R"([{"op":"add","path":"/store","value":"history/orders.db"}])"));
    QVERIFY2(relative.ok(), allErrors(relative).c_str());
    QCOMPARE(q(relative.config->storePath), q((std::filesystem::path(m_dir.path().toStdString()) / "history/orders.db").string()));
    const LoadResult none = parse(patched(R"([{"op":"add","path":"/store","value":"none"}])"));
    QCOMPARE(q(none.config->storePath), QByteArray("none"));
    const LoadResult absolute = parse(patched(R"([{"op":"add","path":"/store","value":"/var/lib/slatrack/o.db"}])"));
    QCOMPARE(q(absolute.config->storePath), QByteArray("/var/lib/slatrack/o.db"));
}

void TestConfigLoader::convertsPropertyValuesToText()
{
    const LoadResult result = parse(patched(R"([
        {"op":"add","path":"/kafka/properties/fetch.wait.max.ms","value":20},
        {"op":"add","path":"/kafka/properties/enable.partition.eof","value":true},
        {"op":"add","path":"/kafka/properties/some.ratio","value":0.5},
        {"op":"add","path":"/kafka/properties/client.rack","value":""}
    ])"));
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const auto& properties = result.config->kafka.properties;
    QCOMPARE(q(std::get<std::string>(properties.at("fetch.wait.max.ms"))), QByteArray("20"));
    QCOMPARE(q(std::get<std::string>(properties.at("enable.partition.eof"))), QByteArray("true"));
    QCOMPARE(q(std::get<std::string>(properties.at("some.ratio"))), QByteArray("0.5"));
    QCOMPARE(q(std::get<std::string>(properties.at("client.rack"))), QByteArray(""));
}

void TestConfigLoader::allowsComments()
{
    const LoadResult result = parse(R"(// Orders pipeline
    {
      /* the name shown in pages */
      "pipeline": "orders", // trailing comment
      "kafka": {"brokers": "b:9092"},
      "stages": [
        {"name": "in", "topics": ["a"], "id": {"from": "key"}}, /* inline */
        {"name": "out", "topics": ["b"], "id": {"from": "key"}}
      ]
    }
    // end)");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    QCOMPARE(q(result.config->pipeline), QByteArray("orders"));
}

void TestConfigLoader::readsSecretFromEnv()
{
    const LoadResult result = parse(kBaseConfig);
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const PropertyValue& value = result.config->kafka.properties.at("sasl.password");
    QVERIFY(std::holds_alternative<Secret>(value));
    const Secret& secret = std::get<Secret>(value);
    QCOMPARE(q(secret.reveal()), QByteArray(kPassword));
    QCOMPARE(secret.source(), Secret::Source::Env);
    QCOMPARE(q(secret.origin()), QByteArray(kPasswordVar));
    QCOMPARE(q(revealProperty(value)), QByteArray(kPassword));
}

void TestConfigLoader::readsSecretFromFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("absolute");

    QTest::newRow("no newline") << QByteArray(kFilePassword) << false;
    QTest::newRow("trailing newline") << QByteArray(kFilePassword) + "\n" << false;
    QTest::newRow("trailing CRLF") << QByteArray(kFilePassword) + "\r\n" << false;
    QTest::newRow("absolute path") << QByteArray(kFilePassword) + "\n" << true;
}

void TestConfigLoader::readsSecretFromFile()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, absolute);

    // Relative paths resolve against the config's directory, not the working directory.
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("secrets")));
    const QString filePath = m_dir.filePath(QStringLiteral("secrets/kafka_pw"));
    QFile file(filePath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), qint64(content.size()));
    file.close();

    nlohmann::json ref{{"file", absolute ? filePath.toStdString() : std::string("secrets/kafka_pw")}};
    nlohmann::json patch = nlohmann::json::array(
        {{{"op", "replace"}, {"path", "/kafka/properties/sasl.password"}, {"value", ref}}});
    const LoadResult result = parse(patched(q(patch.dump())));
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const Secret& secret = std::get<Secret>(result.config->kafka.properties.at("sasl.password"));
    QCOMPARE(q(secret.reveal()), QByteArray(kFilePassword));
    QCOMPARE(secret.source(), Secret::Source::File);
    QCOMPARE(QString::fromStdString(secret.origin()), QDir::cleanPath(filePath));
}

void TestConfigLoader::keepsInlineCredentialsAsSecrets()
{
    const LoadResult result = parse(patched(R"([
        {"op":"replace","path":"/kafka/properties/sasl.password","value":"inline-pw"},
        {"op":"add","path":"/kafka/properties/ssl.key.password","value":12345},
        {"op":"add","path":"/kafka/properties/sasl.oauthbearer.client.secret","value":"cs"}
    ])"));
    QVERIFY2(result.ok(), allErrors(result).c_str());
    for (const char* name : {"sasl.password", "ssl.key.password", "sasl.oauthbearer.client.secret"}) {
        const PropertyValue& value = result.config->kafka.properties.at(name);
        QVERIFY2(std::holds_alternative<Secret>(value), name);
        QCOMPARE(std::get<Secret>(value).source(), Secret::Source::Inline);
    }
    QCOMPARE(q(revealProperty(result.config->kafka.properties.at("ssl.key.password"))), QByteArray("12345"));
    const std::string log = describeForLog(*result.config);
    QVERIFY2(log.find("inline-pw") == std::string::npos, log.c_str());
    QVERIFY2(log.find("12345") == std::string::npos, log.c_str());
    QVERIFY2(log.find("\"cs\"") == std::string::npos, log.c_str());
}

void TestConfigLoader::masksSecretsEverywhere()
{
    const LoadResult result = parse(kBaseConfig);
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const Secret& secret = std::get<Secret>(result.config->kafka.properties.at("sasl.password"));

    std::ostringstream streamed;
    streamed << secret;
    QCOMPARE(q(streamed.str()), QByteArray("***"));
    QCOMPARE(q(nlohmann::json(secret).dump()), QByteArray("\"***\""));
    QCOMPARE(q(secret.masked()), QByteArray("*** (env SLATRACK_TEST_PASSWORD)"));

    const std::string log = describeForLog(*result.config);
    QVERIFY2(log.find(kPassword) == std::string::npos, log.c_str());
    QVERIFY2(log.find(R"x("sasl.password":"*** (env SLATRACK_TEST_PASSWORD)")x") != std::string::npos, log.c_str());
    QVERIFY2(log.find(R"("security.protocol":"SASL_SSL")") != std::string::npos, log.c_str());
    QVERIFY2(log.find('\n') == std::string::npos, "describeForLog must be one line");
}

void TestConfigLoader::describeForLogRoundTrips()
{
    // The description is itself a valid config with the same meaning, so an
    // operator can paste it from a log to reproduce a setup.
    const LoadResult original = parse(R"({
      "pipeline": "p", "id_format": "composite",
      "kafka": {"brokers": "b:1", "properties": {"queued.min.messages": 1000}},
      "stages": [
        {"name": "a", "topics": ["t1"], "id": {"from": "key"}, "time": {"from": "composite_id"}},
        {"name": "b", "topics": ["t2", "t3"], "id": {"from": "header", "name": "rid"}},
        {"name": "c", "topics": ["t4"], "id": {"from": "json", "pointer": "/x"},
         "time": {"from": "json", "pointer": "/t", "format": "epoch_us"}}
      ],
      "window": "1h30m", "sla": 2.5, "grace": "750ms", "max_open_records": 70, "dedup_horizon": "3h",
      "max_clock_skew": "90s", "blind_after": "1500ms", "behind_threshold": "2m"
    })");
    QVERIFY2(original.ok(), allErrors(original).c_str());
    const std::string description = describeForLog(*original.config);
    const LoadResult reparsed = parse(description);
    QVERIFY2(reparsed.ok(), (description + "\n" + allErrors(reparsed)).c_str());
    QVERIFY2(*reparsed.config == *original.config, description.c_str());
}

void TestConfigLoader::shippedExampleParses()
{
    qputenv("KAFKA_PASSWORD", "example-password");
    const LoadResult result = loadConfigFile(SLATRACK_SOURCE_DIR "/resources/config/example.json");
    qunsetenv("KAFKA_PASSWORD");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const PipelineConfig& config = *result.config;
    QCOMPARE(config.stages.size(), std::size_t(3));
    QCOMPARE(q(config.stages[0].name), QByteArray("incoming"));
    QCOMPARE(q(config.stages[1].name), QByteArray("enriched"));
    QCOMPARE(q(config.stages[2].name), QByteArray("processed"));
    QCOMPARE(config.stages[0].consumerGroups, (std::vector<std::string>{"orders-enricher"}));
    QCOMPARE(config.stages[1].consumerGroups, (std::vector<std::string>{"orders-processor"}));
    for (const StageConfig& stage : config.stages)
        QCOMPARE(stage.id.kind, IdSource::Kind::JsonPointer);
    const Secret& password = std::get<Secret>(config.kafka.properties.at("sasl.password"));
    QCOMPARE(password.source(), Secret::Source::Env);
    QCOMPARE(q(password.reveal()), QByteArray("example-password"));
}

void TestConfigLoader::shippedExampleNamesMissingPassword()
{
    qunsetenv("KAFKA_PASSWORD");
    const LoadResult result = loadConfigFile(SLATRACK_SOURCE_DIR "/resources/config/example.json");
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), std::size_t(1));
    QCOMPARE(q(result.errors.front().path), QByteArray(R"(kafka.properties["sasl.password"].env)"));
    QVERIFY(q(result.errors.front().message).contains("KAFKA_PASSWORD"));
    QVERIFY(q(result.errors.front().file).endsWith("resources/config/example.json"));
}

void TestConfigLoader::shippedDemoParses()
{
    const LoadResult result = loadConfigFile(SLATRACK_SOURCE_DIR "/resources/config/demo.json");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const PipelineConfig& config = *result.config;
    QCOMPARE(config.idFormat, IdFormat::Composite);
    QCOMPARE(config.stages.size(), std::size_t(2));
    QCOMPARE(config.stages[0].topics, std::vector<std::string>{"incoming"});
    QCOMPARE(config.stages[1].topics, std::vector<std::string>{"processed"});
    for (const StageConfig& stage : config.stages) {
        QCOMPARE(stage.id.kind, IdSource::Kind::Key);
        QCOMPARE(stage.time.kind, TimeSource::Kind::KafkaTimestamp);
    }
    QCOMPARE(q(config.kafka.brokers), QByteArray("127.0.0.1:9092"));
    QCOMPARE(config.sla, Milliseconds(2s));
    QCOMPARE(config.window, Milliseconds(5min));
    QCOMPARE(config.grace, Milliseconds(5s));
    QCOMPARE(q(revealProperty(config.kafka.properties.at("fetch.wait.max.ms"))), QByteArray("20"));
    QCOMPARE(q(revealProperty(config.kafka.properties.at("queued.min.messages"))), QByteArray("1000000"));
}

QTEST_APPLESS_MAIN(TestConfigLoader)
#include "test_config_loader.moc"

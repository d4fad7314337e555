// "Create config" writes a config that loads at once, with the broker the
// operator typed and no secret it would need to resolve.
#include "app/starter_config.hpp"

#include "core/config/config_loader.hpp"

#include <QtTest>

#include <cstdlib>

using namespace slatrack;

class TestStarterConfig : public QObject {
    Q_OBJECT

private slots:
    void loadsWithTheGivenBrokersAndNoSecrets()
    {
        // The example config's secret variable is unset, as on a new machine.
        ::unsetenv("KAFKA_PASSWORD");
        const std::string text = app::starterConfigText("kafka-1.internal:9092,kafka-2.internal:9092");
        const config::LoadResult loaded = config::parseConfig(text, "pipeline.json", ".");
        QVERIFY2(loaded.ok(), config::formatErrors(loaded.errors).c_str());
        QCOMPARE(loaded.config->kafka.brokers, std::string("kafka-1.internal:9092,kafka-2.internal:9092"));
        QCOMPARE(loaded.config->stages.size(), size_t(2));
        QCOMPARE(loaded.config->stages.front().name, std::string("incoming"));
        QCOMPARE(loaded.config->stages.back().name, std::string("processed"));
        QVERIFY(loaded.config->kafka.properties.count("sasl.password") == 0);
        QVERIFY(loaded.config->kafka.properties.count("security.protocol") == 0);
    }

    void brokersAreQuotedNotPasted()
    {
        // A quote in what was typed must not break (or inject into) the JSON.
        const config::LoadResult loaded = config::parseConfig(app::starterConfigText("host\":1"), "pipeline.json", ".");
        QVERIFY2(loaded.ok(), config::formatErrors(loaded.errors).c_str());
        QCOMPARE(loaded.config->kafka.brokers, std::string("host\":1"));
    }
};

QTEST_APPLESS_MAIN(TestStarterConfig)
#include "test_starter_config.moc"

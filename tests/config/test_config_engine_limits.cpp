#include <QtTest>

#include "core/config/config_loader.hpp"
#include "core/config/duration_parse.hpp"
#include "core/config/engine_limits.hpp"
#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor.hpp"
#include "tests/config/config_test_support.hpp"

#include <random>

using namespace slatrack;
using namespace config_test;
using config::LoadResult;
using nlohmann::json;

// Config validation and engine::EngineConfig::validate() must never
// disagree: every config that loads maps (through the monitor's own
// Monitor::engineConfigFor) to an engine config the engine accepts, and the
// engine can be built from it. Issue 8: a window over 7 days, 9 stages or
// max_open_records under 16 loaded fine, then the engine threw and the
// program aborted. The values tried are each bound of the engine, on both
// sides, found by asking the engine itself where that is possible.
class TestConfigEngineLimits : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void eachBoundOnBothSides_data();
    void eachBoundOnBothSides();
    void randomCombinationsAgree();

private:
    LoadResult parse(const json& config) const { return config::parseConfig(config.dump(), kFileName, "/nonexistent"); }
};

namespace {

std::string ms(int64_t value)
{
    return std::to_string(value) + "ms";
}

// The smallest open-record cap the engine accepts, asked of the engine.
uint64_t engineMinOpenRecords()
{
    engine::EngineConfig probe;
    for (size_t cap = 1; cap < 4096; ++cap) {
        probe.maxOpenRecords = cap;
        if (probe.validate().empty())
            return cap;
    }
    return 0;
}

// The largest stage count the engine accepts, asked of the engine.
int engineMaxStages()
{
    engine::EngineConfig probe;
    int largest = 0;
    for (int count = 1; count <= 64; ++count) {
        probe.stageCount = count;
        if (probe.validate().empty())
            largest = count;
    }
    return largest;
}

json stage(int index)
{
    return {{"name", "s" + std::to_string(index)}, {"topics", {"t" + std::to_string(index)}}, {"id", {{"from", "key"}}}};
}

json withStages(json config, int count)
{
    config["stages"] = json::array();
    for (int index = 0; index < count; ++index)
        config["stages"].push_back(stage(index));
    return config;
}

// What the test asserts of one config: it loads and the engine takes it, or
// it is refused with an error on `field` (when one is named).
void checkAgreement(const LoadResult& loaded, const std::string& text, const std::string& field)
{
    if (loaded.ok()) {
        const engine::EngineConfig engineConfig = monitor::Monitor::engineConfigFor(*loaded.config);
        const std::string problem = engineConfig.validate();
        QVERIFY2(problem.empty(), (text + "\nloads, but the engine says: " + problem).c_str());
        try {
            engine::JoinEngine engine(engineConfig);
        } catch (const std::exception& error) {
            QFAIL((text + "\nloads, but the engine throws: " + error.what()).c_str());
        }
        return;
    }
    if (field.empty())
        return;
    bool named = false;
    for (const config::ConfigError& error : loaded.errors)
        named = named || error.path == field;
    QVERIFY2(named, (text + "\nrefused without naming " + field + ":\n" + allErrors(loaded)).c_str());
}

} // namespace

void TestConfigEngineLimits::initTestCase()
{
    qputenv(kPasswordVar, kPassword);
    // The constants config validates with are the engine's: if the engine
    // changes a limit, this says which one before any config can disagree.
    QCOMPARE(config::kMinOpenRecords, engineMinOpenRecords());
    QCOMPARE(int(config::kMaxStageCount), engineMaxStages());
    // Each upper bound: the engine takes the config's maximum and refuses one more.
    const auto probe = [](auto field, auto maximum) {
        engine::EngineConfig at;
        at.windowMs = config::kMaxWindow.count();  // room for the largest horizon and skew
        at.*field = maximum;
        engine::EngineConfig past = at;
        past.*field = maximum + 1;
        return at.validate().empty() && !past.validate().empty();
    };
    QVERIFY(probe(&engine::EngineConfig::windowMs, config::kMaxWindow.count()));
    QVERIFY(probe(&engine::EngineConfig::dedupHorizonMs, config::kMaxDedupHorizon.count()));
    QVERIFY(probe(&engine::EngineConfig::maxClockSkewMs, config::kMaxClockSkew.count()));
    QVERIFY(probe(&engine::EngineConfig::maxOpenRecords, static_cast<size_t>(config::kMaxOpenRecords)));
}

void TestConfigEngineLimits::eachBoundOnBothSides_data()
{
    QTest::addColumn<QByteArray>("field");  // the field varied; named by the error when refused
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<bool>("loads");

    const json base = json::parse(kBaseConfig);
    const auto row = [](const std::string& name, const std::string& field, const json& config, bool loads) {
        QTest::newRow(name.c_str()) << QByteArray::fromStdString(field) << QByteArray::fromStdString(config.dump()) << loads;
    };
    const auto with = [&base](const std::string& key, const json& value) {
        json config = base;
        config[key] = value;
        return config;
    };

    const int maxStages = engineMaxStages();
    for (int count = 0; count <= maxStages + 2; ++count)
        row("stages " + std::to_string(count), "stages", withStages(base, count), count >= 2 && count <= maxStages);

    const int64_t maxWindow = engine::kMaxWindowMs;
    row("window 7d", "window", with("window", ms(maxWindow)), true);
    row("window 7d+1ms", "window", with("window", ms(maxWindow + 1)), false);
    row("window 8d", "window", with("window", "8d"), false);
    row("window a year", "window", with("window", "365d"), false);
    row("window just over sla", "window", with("window", ms(5 * 60 * 1000 + 1)), true);
    row("window equal to sla", "sla", with("window", "5m"), false);

    const uint64_t minOpen = engineMinOpenRecords();
    row("max_open_records min-1", "max_open_records", with("max_open_records", minOpen - 1), false);
    row("max_open_records min", "max_open_records", with("max_open_records", minOpen), true);
    row("max_open_records 1", "max_open_records", with("max_open_records", 1), false);
    row("max_open_records max", "max_open_records", with("max_open_records", config::kMaxOpenRecords), true);
    row("max_open_records max+1", "max_open_records", with("max_open_records", config::kMaxOpenRecords + 1), false);

    row("dedup_horizon 1ms", "dedup_horizon", with("dedup_horizon", "1ms"), true);
    row("dedup_horizon 7d", "dedup_horizon", with("dedup_horizon", ms(maxWindow)), true);
    row("dedup_horizon 7d+1ms", "dedup_horizon", with("dedup_horizon", ms(maxWindow + 1)), false);
    row("dedup_horizon 0", "dedup_horizon", with("dedup_horizon", 0), false);

    row("max_clock_skew 1ms", "max_clock_skew", with("max_clock_skew", "1ms"), true);
    row("max_clock_skew 1d", "max_clock_skew", with("max_clock_skew", "1d"), true);
    row("max_clock_skew 1d+1ms", "max_clock_skew", with("max_clock_skew", ms(config::kMaxClockSkew.count() + 1)), false);
    row("max_clock_skew 0", "max_clock_skew", with("max_clock_skew", "0s"), false);

    row("blind_after min", "blind_after", with("blind_after", ms(config::kMinBlindAfter.count())), true);
    row("blind_after min-1", "blind_after", with("blind_after", ms(config::kMinBlindAfter.count() - 1)), false);
    row("blind_after window-1", "blind_after", with("blind_after", ms(3'600'000 - 1)), true);
    row("blind_after window", "blind_after", with("blind_after", "1h"), false);

    row("behind_threshold 1ms", "behind_threshold", with("behind_threshold", "1ms"), true);
    row("behind_threshold window-1", "behind_threshold", with("behind_threshold", ms(3'600'000 - 1)), true);
    row("behind_threshold window", "behind_threshold", with("behind_threshold", "1h"), false);

    row("sla 1ms", "sla", with("sla", "1ms"), true);
    row("sla window-1", "sla", with("sla", ms(3'600'000 - 1)), true);
    row("grace 1ms", "grace", with("grace", "1ms"), true);
    row("grace window-1", "grace", with("grace", ms(3'600'000 - 1)), true);
    row("grace window", "grace", with("grace", "1h"), false);
}

void TestConfigEngineLimits::eachBoundOnBothSides()
{
    QFETCH(QByteArray, field);
    QFETCH(QByteArray, config);
    QFETCH(bool, loads);

    const LoadResult loaded = parse(json::parse(config.toStdString()));
    QVERIFY2(loaded.ok() == loads, (config.toStdString() + "\n" + (loaded.ok() ? "loaded" : allErrors(loaded))).c_str());
    checkAgreement(loaded, config.toStdString(), field.toStdString());
}

void TestConfigEngineLimits::randomCombinationsAgree()
{
    // Every field at once, each at one of its interesting values: the
    // bounds interact (sla < window, grace < window, blind_after < window),
    // and a combination the single-field rows miss must not slip through.
    const int64_t maxWindow = engine::kMaxWindowMs;
    const std::vector<std::string> durations = {
        "1ms", "499ms", "500ms", "1s", "5s", "30s", "5m", "1h", "1d", "1d1ms", ms(maxWindow - 1), ms(maxWindow), ms(maxWindow + 1), "30d"};
    const std::vector<uint64_t> caps = {1, 15, 16, 17, 1000, config::kMaxOpenRecords, config::kMaxOpenRecords + 1};
    const std::vector<std::string> fields = {"window", "sla", "grace", "dedup_horizon", "max_clock_skew", "blind_after", "behind_threshold"};

    const auto seed = static_cast<uint32_t>(QRandomGenerator::global()->generate());
    qInfo("seed %u", seed);
    std::mt19937 random(seed);
    const json base = json::parse(kBaseConfig);
    int loadedCount = 0;
    constexpr int kSamples = 3000;
    for (int sample = 0; sample < kSamples; ++sample) {
        json config = withStages(base, std::uniform_int_distribution<int>(1, 10)(random));
        for (const std::string& field : fields) {
            if (random() % 2 != 0)  // absent half the time: defaults take part too
                config[field] = durations[random() % durations.size()];
        }
        if (random() % 2 == 0)
            config["max_open_records"] = caps[random() % caps.size()];
        const LoadResult loaded = parse(config);
        loadedCount += loaded.ok() ? 1 : 0;
        checkAgreement(loaded, config.dump(), {});
        if (QTest::currentTestFailed())
            return;
    }
    // Both outcomes must be exercised, or the loop proves nothing.
    qInfo("%d of %d combinations loaded", loadedCount, kSamples);
    QVERIFY(loadedCount > kSamples / 50);
    QVERIFY(loadedCount < kSamples - kSamples / 50);
}

QTEST_APPLESS_MAIN(TestConfigEngineLimits)
#include "test_config_engine_limits.moc"

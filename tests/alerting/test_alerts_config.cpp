// The "alerts" section of a pipeline config (core/config/alerts_parse):
// default rules from the SLA, rules and pagers as written, errors by field
// path, secrets only as references and never printed.

#include "tests/config/config_test_support.hpp"

#include "core/config/alerts_parse.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace slatrack::config;
using namespace config_test;

namespace {

LoadResult parseText(const std::string& text, const std::filesystem::path& baseDir = {})
{
    return parseConfig(text, kFileName, baseDir);
}

LoadResult withAlerts(const std::string& alertsJson, const std::filesystem::path& baseDir = {})
{
    nlohmann::json config = nlohmann::json::parse(kBaseConfig);
    config["sla"] = "30s";
    config["alerts"] = nlohmann::json::parse(alertsJson);
    return parseText(config.dump(), baseDir);
}

bool hasError(const LoadResult& result, const std::string& path, const std::string& words)
{
    for (const ConfigError& error : result.errors) {
        if (error.path == path && error.message.find(words) != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

class TestAlertsConfig : public QObject {
    Q_OBJECT

private slots:
    void init() { qputenv(kPasswordVar, kPassword); }
    void defaultRulesFollowTheSla();
    void shippedExampleShowsTheDefaultRules();
    void rulesAndPagersAsWritten();
    void errorsNameTheField();
    void logShowsReferencesNeverSecretsAndReadsBack();
};

void TestAlertsConfig::defaultRulesFollowTheSla()
{
    nlohmann::json config = nlohmann::json::parse(kBaseConfig);
    config["sla"] = "45s";
    const LoadResult result = parseText(config.dump());
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const AlertsConfig& alerts = result.config->alerts;
    QVERIFY(alerts.rulesAreDefaults);
    QVERIFY(alerts.pagers.empty());
    std::vector<std::string> names;
    for (const AlertRuleConfig& rule : alerts.rules)
        names.push_back(rule.name);
    QCOMPARE(names, (std::vector<std::string>{"latency_p99", "stuck", "lost", "orphans", "throughput_stall", "stage_blind", "store_failing"}));
    QCOMPARE(alerts.rules[0].kind, RuleKind::Latency);
    QCOMPARE(alerts.rules[0].thresholdMs, std::chrono::milliseconds(45'000));
    QCOMPARE(alerts.rules[0].severity, Severity::Critical);
    QCOMPARE(alerts.rules[5].kind, RuleKind::StageBlind);
}

void TestAlertsConfig::shippedExampleShowsTheDefaultRules()
{
    qputenv("KAFKA_PASSWORD", "example-password");
    const LoadResult result = loadConfigFile(SLATRACK_SOURCE_DIR "/resources/config/example.json");
    qunsetenv("KAFKA_PASSWORD");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const std::vector<AlertRuleConfig> defaults = defaultAlertRules(*result.config);
    const std::vector<AlertRuleConfig>& shown = result.config->alerts.rules;
    QCOMPARE(shown.size(), defaults.size());
    for (size_t rule_idx = 0; rule_idx < shown.size(); ++rule_idx) {
        AlertRuleConfig withoutLabels = shown[rule_idx];
        withoutLabels.labels.clear();  // the example adds a label to show how
        QVERIFY2(withoutLabels == defaults[rule_idx], shown[rule_idx].name.c_str());
    }
}

void TestAlertsConfig::rulesAndPagersAsWritten()
{
    QTemporaryDir dir;
    {
        std::ofstream secret(dir.filePath(QStringLiteral("hook.secret")).toStdString());
        secret << "hook-secret-value\n";
    }
    qputenv("SLATRACK_TEST_PD_KEY", "pd-key-value");
    const LoadResult result = withAlerts(R"({
      "rules": [
        {"name": "hop", "kind": "latency", "stage": "processed", "percentile": "p95", "threshold": "10s",
         "for": "30s", "keep_firing_for": "2m", "severity": "warning", "labels": {"team": "orders"}},
        {"name": "lost", "kind": "lost", "threshold": 5, "over": "10m"},
        {"name": "fresh", "kind": "freshness", "stage": "incoming", "threshold": "15m"}
      ],
      "pagers": [
        {"name": "pd", "type": "pagerduty", "routing_key": {"env": "SLATRACK_TEST_PD_KEY"}, "min_severity": "error"},
        {"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": {"file": "hook.secret"}}
      ]
    })", dir.path().toStdString());
    qunsetenv("SLATRACK_TEST_PD_KEY");
    QVERIFY2(result.ok(), allErrors(result).c_str());
    const AlertsConfig& alerts = result.config->alerts;
    QVERIFY(!alerts.rulesAreDefaults);
    QCOMPARE(alerts.rules.size(), size_t(3));
    QCOMPARE(alerts.rules[0].stage.value_or(""), std::string("processed"));
    QCOMPARE(alerts.rules[0].percentile, Percentile::P95);
    QCOMPARE(alerts.rules[0].thresholdMs, std::chrono::milliseconds(10'000));
    QCOMPARE(alerts.rules[0].forDuration, std::chrono::milliseconds(30'000));
    QCOMPARE(alerts.rules[0].keepFiringFor, std::chrono::milliseconds(120'000));
    QCOMPARE(alerts.rules[0].labels.at("team"), std::string("orders"));
    QCOMPARE(alerts.rules[1].thresholdCount, uint64_t(5));
    QCOMPARE(alerts.rules[1].over, std::chrono::milliseconds(600'000));
    QCOMPARE(alerts.pagers.size(), size_t(2));
    QCOMPARE(alerts.pagers[0].url, std::string(kPagerDutyDefaultUrl));
    QCOMPARE(alerts.pagers[0].secret->reveal(), std::string("pd-key-value"));
    QCOMPARE(alerts.pagers[0].minSeverity, Severity::Error);
    QCOMPARE(alerts.pagers[1].secret->reveal(), std::string("hook-secret-value"));
    QCOMPARE(alerts.pagers[1].signatureHeader, std::string(kDefaultSignatureHeader));
}

void TestAlertsConfig::errorsNameTheField()
{
    const LoadResult result = withAlerts(R"({
      "rules": [
        {"name": "a", "kind": "latency", "stage": "nowhere"},
        {"name": "b", "kind": "latency", "stage": "incoming"},
        {"name": "c", "kind": "stage_blind", "threshold": 3},
        {"name": "p", "kind": "stuck"},
        {"name": "d", "kind": "speed"},
        {"name": "e", "kind": "freshness"},
        {"name": "p", "kind": "lost"}
      ],
      "pagers": [
        {"name": "pd", "type": "pagerduty", "routing_key": "written-inline"},
        {"name": "pd2", "type": "pagerduty"},
        {"name": "w", "type": "webhook"}
      ]
    })");
    QVERIFY(!result.ok());
    const std::string all = allErrors(result);
    QVERIFY2(hasError(result, "alerts.rules[0].stage", "expected one of the stages \"incoming\", \"processed\""), all.c_str());
    QVERIFY2(hasError(result, "alerts.rules[1].stage", "where records enter"), all.c_str());
    QVERIFY2(hasError(result, "alerts.rules[2].threshold", "takes no threshold"), all.c_str());
    QVERIFY2(hasError(result, "alerts.rules[6].name", "again"), all.c_str());
    QVERIFY2(hasError(result, "alerts.rules[4].kind", "expected one of"), all.c_str());
    QVERIFY2(hasError(result, "alerts.rules[5].threshold", "missing"), all.c_str());
    QVERIFY2(hasError(result, "alerts.pagers[0].routing_key", "never the key itself"), all.c_str());
    QVERIFY2(all.find("written-inline") == std::string::npos, all.c_str());
    QVERIFY2(hasError(result, "alerts.pagers[1].routing_key", "missing"), all.c_str());
    QVERIFY2(hasError(result, "alerts.pagers[2].url", "missing"), all.c_str());
}

void TestAlertsConfig::logShowsReferencesNeverSecretsAndReadsBack()
{
    qputenv("SLATRACK_TEST_PD_KEY", "pd-key-value-9f1");
    const LoadResult original = withAlerts(R"({
      "rules": [{"name": "p99", "kind": "latency", "for": "1m", "keep_firing_for": "3m", "labels": {"team": "t"}},
                {"name": "stall", "kind": "throughput_stall", "min_rate": 2.5}],
      "pagers": [{"name": "pd", "type": "pagerduty", "url": "http://127.0.0.1:9/v2/enqueue",
                  "routing_key": {"env": "SLATRACK_TEST_PD_KEY"}}]
    })");
    QVERIFY2(original.ok(), allErrors(original).c_str());
    const std::string log = describeForLog(*original.config);
    QVERIFY2(log.find("pd-key-value-9f1") == std::string::npos, log.c_str());
    QVERIFY2(log.find("SLATRACK_TEST_PD_KEY") != std::string::npos, log.c_str());
    const LoadResult reparsed = parseText(log);
    qunsetenv("SLATRACK_TEST_PD_KEY");
    QVERIFY2(reparsed.ok(), (log + "\n" + allErrors(reparsed)).c_str());
    QVERIFY2(reparsed.config->alerts == original.config->alerts, log.c_str());
}

QTEST_APPLESS_MAIN(TestAlertsConfig)
#include "test_alerts_config.moc"

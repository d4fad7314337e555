// The scenario runner (DuckDB's test/sql style): every fixture in
// tests/fixtures/ run through the engine (each read order), the audit and
// the live monitor (each live read order); all must reach the fixture's
// verdicts. One data row per fixture x path x order, named so that one
// row can be run alone:  test_scenarios "scenarios:03_future_incoming live together"
#include "fixture.hpp"
#include "paths.hpp"
#include "verdicts.hpp"

#include <QtTest>

#include <QDir>

#include <chrono>

using namespace slatrack;
using scenario::Path;

namespace {

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

QStringList fixtureFiles()
{
    const QDir dir(QStringLiteral(SLATRACK_FIXTURES_DIR));
    QStringList files;
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        files << dir.filePath(name);
    return files;
}

std::string joinLines(const std::vector<std::string>& lines, const char* indent)
{
    std::string out;
    for (const auto& line : lines)
        out += std::string("\n") + indent + line;
    return out;
}

scenario::Observed runPath(const scenario::Fixture& fixture, Path path, const scenario::ReadOrder& order)
{
    switch (path) {
    case Path::Engine: return scenario::runEnginePath(fixture, order);
    case Path::Audit: return scenario::runAuditPath(fixture);
    case Path::Live: return scenario::runLivePath(fixture, order);
    }
    return {};
}

} // namespace

class TestScenarios : public QObject {
    Q_OBJECT

private slots:
    void scenarios_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("path");
        QTest::addColumn<int>("order");
        const QStringList files = fixtureFiles();
        QVERIFY2(!files.isEmpty(), "no fixtures in " SLATRACK_FIXTURES_DIR);
        for (const QString& file : files) {
            try {
                const scenario::Fixture fixture = scenario::loadFixture(file.toStdString(), wallMs());
                auto addRow = [&](Path path, size_t order_idx, const std::string& orderName) {
                    const std::string row = fixture.name + " " + scenario::pathName(path) + " " + orderName;
                    QTest::newRow(row.c_str()) << file << int(path) << int(order_idx);
                };
                for (size_t order_idx = 0; order_idx < fixture.orders.size(); ++order_idx)
                    addRow(Path::Engine, order_idx, fixture.orders[order_idx].name);
                // The audit reads every topic at once (librdkafka's order):
                // one row, after everything was produced.
                addRow(Path::Audit, 0, "together");
                for (size_t order_idx = 0; order_idx < fixture.liveOrders.size(); ++order_idx)
                    addRow(Path::Live, order_idx, fixture.liveOrders[order_idx].name);
            } catch (const scenario::FixtureError&) {
                // One row that fails with the loader's message.
                QTest::newRow(QFileInfo(file).baseName().toStdString().append(" load").c_str()) << file << -1 << 0;
            }
        }
    }

    void scenarios()
    {
        QFETCH(QString, file);
        QFETCH(int, path);
        QFETCH(int, order);
        scenario::Fixture fixture;
        try {
            // Read again: "now" is when the row runs, since the live and
            // audit paths judge against the wall clock.
            fixture = scenario::loadFixture(file.toStdString(), wallMs());
        } catch (const scenario::FixtureError& error) {
            QFAIL(error.what());
        }
        QVERIFY(path >= 0);
        const Path which = static_cast<Path>(path);
        if (const auto skip = fixture.skipped.find(which); skip != fixture.skipped.end())
            QSKIP(skip->second.c_str());
        const auto& orders = which == Path::Live ? fixture.liveOrders : fixture.orders;
        const scenario::ReadOrder& readOrder = which == Path::Audit ? fixture.orders.front() : orders.at(static_cast<size_t>(order));
        const std::string orderName = which == Path::Audit ? "together" : readOrder.name;

        scenario::Observed observed;
        try {
            observed = runPath(fixture, which, readOrder);
        } catch (const std::exception& error) {
            // The runner's own failure (no broker, ...): this row only.
            QFAIL((fixture.file + ": the runner failed: " + error.what()).c_str());
        }
        std::vector<std::string> notes;
        const std::vector<std::string> mismatches = scenario::compareVerdicts(fixture.expectationFor(which, orderName), observed, notes);
        // Notes (what this path cannot observe) only matter to whoever
        // reads a failure.
        const std::string message = fixture.file + " (" + scenario::pathName(which) + ", " + orderName + "): " + fixture.about +
                                    joinLines(mismatches, "    ") +
                                    (notes.empty() ? std::string() : "\n  not checked:" + joinLines(notes, "    ")) +
                                    (observed.describe.empty() ? std::string() : "\n  the path said: " + observed.describe);
        QVERIFY2(mismatches.empty(), message.c_str());
    }

    // The runner itself can fail: a fixture's verdicts with one count
    // changed, or an ID list changed, must be reported as a difference.
    void comparisonCatchesWrongVerdicts()
    {
        const scenario::Fixture fixture = scenario::loadFixture(SLATRACK_FIXTURES_DIR "/20_duplicates_both_stages.json", wallMs());
        const scenario::Observed observed = scenario::runEnginePath(fixture, fixture.orders.front());
        std::vector<std::string> notes;
        nlohmann::json expected = fixture.expectationFor(Path::Engine, fixture.orders.front().name);
        QVERIFY2(scenario::compareVerdicts(expected, observed, notes).empty(), "the unchanged fixture should pass");
        nlohmann::json wrongCount = expected;
        wrongCount["matched"] = wrongCount.value("matched", 0) + 1;
        QCOMPARE(scenario::compareVerdicts(wrongCount, observed, notes).size(), size_t(1));
        nlohmann::json unlistedCount = expected;
        unlistedCount.erase("duplicates");  // unlisted means 0
        QCOMPARE(scenario::compareVerdicts(unlistedCount, observed, notes).size(), size_t(1));
        nlohmann::json wrongIds = expected;
        wrongIds["stuck_ids"] = nlohmann::json::array({"no-such-id"});
        QCOMPARE(scenario::compareVerdicts(wrongIds, observed, notes).size(), size_t(1));
        nlohmann::json unknownField = expected;
        unknownField["matchd"] = 1;
        QCOMPARE(scenario::compareVerdicts(unknownField, observed, notes).size(), size_t(1));
    }

    // Fixture files are checked as strictly as configs: a typo is an error
    // naming the file and the field, never a silently ignored field.
    void badFixturesAreRefusedNamingTheField()
    {
        QTemporaryDir dir;
        auto refusal = [&](const char* text) -> std::string {
            const QString path = dir.filePath(QStringLiteral("bad.json"));
            QFile out(path);
            out.open(QIODevice::WriteOnly | QIODevice::Truncate);
            out.write(text);
            out.close();
            try {
                scenario::loadFixture(path.toStdString(), 1'000'000'000'000);
            } catch (const scenario::FixtureError& error) {
                return error.what();
            }
            return "accepted";
        };
        const char* base = R"({"about": "x", "config": {"stages": []}, "expect": {}, "messages": [%1]})";
        auto withMessage = [&](const char* message) { return QString::fromLatin1(base).arg(QLatin1String(message)).toStdString(); };
        QVERIFY(refusal(withMessage(R"({"topic": "a", "time": "now-1x"})").c_str()).find("messages[0].time") != std::string::npos);
        QVERIFY(refusal(withMessage(R"({"topic": "a", "time": "now", "kee": "r"})").c_str()).find("messages[0].kee") != std::string::npos);
        QVERIFY(refusal(withMessage(R"({"topic": "a", "time": "now", "key": "${cid:later}"})").c_str()).find("messages[0].key") != std::string::npos);
        QVERIFY(refusal(R"({"about": "x", "config": {}, "messages": [], "expect": {}, "orderz": "all"})").find("orderz") != std::string::npos);
        QCOMPARE(scenario::parseRelativeTime("now-6m50s", 1'000'000), std::optional<int64_t>(1'000'000 - 410'000));
        QCOMPARE(scenario::parseRelativeTime("now+12h", 0), std::optional<int64_t>(12 * 3600 * 1000));
        QCOMPARE(scenario::parseRelativeTime("soon", 0), std::optional<int64_t>());
    }
};

QTEST_APPLESS_MAIN(TestScenarios)
#include "test_scenarios.moc"

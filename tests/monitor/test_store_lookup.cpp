// `slatrack lookup` from the agent's store, without Kafka: the latest
// snapshot (a real engine, encoded as the agent encodes it, in a real
// SQLite file) answers matched / stuck / unknown like the live engine, the
// lost-record log answers what the engine has forgotten, and a store that
// cannot answer says why (the command then replays).
#include "core/monitor/store_lookup.hpp"

#include "core/config/config_loader.hpp"
#include "core/engine/engine_snapshot.hpp"
#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/monitor_store.hpp"
#include "core/store/snapshot_store.hpp"
#include "core/store/store_writer.hpp"

#include <QtTest>

#include <chrono>
#include <future>

using namespace slatrack;
namespace fs = std::filesystem;

namespace {

constexpr char kConfig[] = R"({
  "pipeline": "orders",
  "kafka": {"brokers": "127.0.0.1:1"},
  "id_format": "opaque",
  "stages": [
    {"name": "incoming", "topics": ["in"], "id": {"from": "key"}},
    {"name": "processed", "topics": ["out"], "id": {"from": "key"}}
  ],
  "sla": "2s", "window": "5m", "grace": "5s"
})";

// `id`: a literal (the event borrows its text).
engine::Event makeEvent(const char* id, int stage, int64_t timeMs, int64_t offset)
{
    engine::Event out;
    out.id = engine::RecordId::opaque(id);
    out.stage = static_cast<uint8_t>(stage);
    out.eventTimeMs = timeMs;
    out.offset = offset;
    return out;
}

// Writes `engine` as the agent's snapshot of `config` into `path`, and
// `lost` into its lost-record log, through the store's own writer.
void writeStore(const fs::path& path, const config::PipelineConfig& config, const engine::JoinEngine& engine, int64_t takenAtMs,
                std::vector<store::StoredLostRecord> lost, const std::string& source)
{
    store::StoreWriterOptions options;
    options.path = path;
    options.pipeline = config.pipeline;
    options.stageCount = static_cast<int>(config.stages.size());
    store::StoreWriter writer(options);
    writer.start();
    writer.submitLost(lost);
    const std::string state = engine::encodeEngineStateToString(engine);
    store::SnapshotMeta meta;
    meta.takenAtMs = takenAtMs;
    meta.scopeStartMs = takenAtMs - 300'000;
    meta.source = source;
    meta.positions = {store::StoredPosition{"in", 4, 0, 0, 12}, store::StoredPosition{"out", 4, 1, 0, 7}};
    writer.submitTask([state, meta](store::Database& db) {
        bool given = false;
        store::writeEngineSnapshot(db, meta, [&](std::string& chunk) {
            if (given)
                return false;
            chunk = state;
            given = true;
            return true;
        });
    });
    QVERIFY(writer.flush(10'000));
}

} // namespace

class TestStoreLookup : public QObject {
    Q_OBJECT

private slots:
    void answersFromTheSnapshotAndTheLostLog()
    {
        QTemporaryDir dir;
        const config::LoadResult loaded = config::parseConfig(kConfig, "test.json", dir.path().toStdString());
        QVERIFY(loaded.ok());
        const config::PipelineConfig& config = *loaded.config;
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        engine::JoinEngine live(monitor::Monitor::engineConfigFor(config));
        const std::vector<engine::Event> events = {makeEvent("order-1", 0, now - 60'000, 10), makeEvent("order-1", 1, now - 59'700, 6),
                                                   makeEvent("order-2", 0, now - 60'000, 11)};
        live.ingest(events, now);
        live.setCaughtUp(0, 0, true);
        live.setCaughtUp(1, 0, true);
        live.advance(now, true);
        std::vector<store::StoredLostRecord> lost(1);
        lost[0].record.id = "order-0";
        lost[0].record.t0Ms = now - 7'200'000;
        lost[0].record.awaitingStage = 1;
        lost[0].record.partition = 4;
        lost[0].record.offset = 3;
        lost[0].record.lostAtMs = now - 6'900'000;
        lost[0].topic = "in";
        const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
        writeStore(path, config, live, now, lost, monitor::MonitorStore::sourceOf(config));

        const monitor::StoreLookupOutcome outcome = monitor::lookupInStore(config, path, {"order-1", "order-2", "order-0", "order-9"});
        QVERIFY2(outcome.ok, outcome.why.c_str());
        QCOMPARE(outcome.snapshotAtMs, now);
        QCOMPARE(QByteArray::fromStdString(outcome.report.source), QByteArray("store"));
        const auto& answers = outcome.report.answers;
        QCOMPARE(answers.size(), size_t{4});
        QCOMPARE(answers[0].state, monitor::LookupState::Matched);
        QCOMPARE(answers[0].latencyMs, int64_t{300});
        QCOMPARE(answers[1].state, monitor::LookupState::Stuck);
        QCOMPARE(answers[1].awaitingStage, 1);
        QVERIFY(!answers[1].sightings.empty());
        QCOMPARE(QByteArray::fromStdString(answers[1].sightings.front().topic), QByteArray("in"));
        QCOMPARE(answers[1].sightings.front().partition, 4);
        QCOMPARE(answers[1].sightings.front().offset, int64_t{11});
        // Forgotten by the engine long ago; the store kept it.
        QCOMPARE(answers[2].state, monitor::LookupState::Lost);
        QCOMPARE(answers[2].lostAtMs.value_or(0), now - 6'900'000);
        QVERIFY2(answers[2].detail.find("from the store's lost records") != std::string::npos, answers[2].detail.c_str());
        QCOMPARE(answers[3].state, monitor::LookupState::Unknown);
        for (const auto& answer : answers)
            QVERIFY2(answer.detail.find("as of the agent's snapshot of ") != std::string::npos, answer.detail.c_str());
        QVERIFY(monitor::lookupReportText(outcome.report).find(": the agent's store, as of its snapshot of ") != std::string::npos);
    }

    void aStoreThatCannotAnswerSaysWhy()
    {
        QTemporaryDir dir;
        const config::LoadResult loaded = config::parseConfig(kConfig, "test.json", dir.path().toStdString());
        const config::PipelineConfig& config = *loaded.config;
        const fs::path missing = fs::path(dir.path().toStdString()) / "none.db";
        monitor::StoreLookupOutcome outcome = monitor::lookupInStore(config, missing, {"x"});
        QVERIFY(!outcome.ok);
        QCOMPARE(QByteArray::fromStdString(outcome.why), QByteArray::fromStdString("no store at " + missing.string()));

        // A snapshot of another cluster is not this pipeline's state.
        engine::JoinEngine other(monitor::Monitor::engineConfigFor(config));
        const fs::path path = fs::path(dir.path().toStdString()) / "other.db";
        writeStore(path, config, other, 1'000, {}, "brokers 10.0.0.9:9092; incoming: in; processed: out");
        outcome = monitor::lookupInStore(config, path, {"x"});
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.why.find("has no usable snapshot") != std::string::npos, outcome.why.c_str());

        // Not SQLite at all.
        const fs::path garbage = fs::path(dir.path().toStdString()) / "garbage.db";
        QFile file(QString::fromStdString(garbage.string()));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        outcome = monitor::lookupInStore(config, garbage, {"x"});
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.why.find("cannot be read") != std::string::npos, outcome.why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestStoreLookup)
#include "test_store_lookup.moc"

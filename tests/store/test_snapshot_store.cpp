// Engine snapshots in the store: written in one transaction (a failure
// half-way leaves the previous snapshot the latest and nothing of the new
// one), the newest two kept, positions and meta read back as written; and
// ForkedCapture: the bytes a forked child writes are exactly the engine's
// encoding at the moment of the fork, however the engine changes after.
#include "core/engine/engine_snapshot.hpp"
#include "core/store/forked_capture.hpp"
#include "core/store/snapshot_store.hpp"
#include "store_test_support.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

using namespace slatrack;
using namespace slatrack::store;

namespace {

engine::EngineConfig smallConfig()
{
    engine::EngineConfig config;
    config.slaMs = 2000;
    config.windowMs = 60'000;
    return config;
}

// An engine with open and done records, opaque and composite.
void feed(engine::JoinEngine& engine, int from, int count)
{
    std::vector<std::string> texts;
    texts.reserve(static_cast<size_t>(count));
    std::vector<engine::Event> events;
    for (int idx = from; idx < from + count; ++idx) {
        engine::Event event;
        if (idx % 3 == 0) {
            texts.push_back("order-" + std::to_string(idx) + std::string(idx % 30, 'x'));
            event.id = engine::RecordId::opaque(texts.back());
        } else {
            event.id = engine::RecordId::composite(engine::composite_id::make(1'700'000'000 + static_cast<uint32_t>(idx / 100), static_cast<uint32_t>(idx) + 1));
        }
        event.eventTimeMs = 1'700'000'000'000 + idx * 10;
        events.push_back(event);
        if (idx % 2 == 0) {
            event.stage = 1;
            event.eventTimeMs += 150;
            events.push_back(event);
        }
    }
    engine.ingest(events, 1'700'000'000'000 + (from + count) * 10);
}

// Chunks of a string, as a capture would hand them.
std::function<bool(std::string&)> chunksOf(const std::string& bytes, size_t size, int failAfter = -1)
{
    auto pos = std::make_shared<size_t>(0);
    auto calls = std::make_shared<int>(0);
    return [=](std::string& chunk) {
        if (failAfter >= 0 && (*calls)++ == failAfter)
            throw std::runtime_error("the capture died");
        if (*pos >= bytes.size())
            return false;
        chunk = bytes.substr(*pos, size);
        *pos += chunk.size();
        return true;
    };
}

SnapshotMeta metaAt(int64_t takenAtMs)
{
    SnapshotMeta meta;
    meta.takenAtMs = takenAtMs;
    meta.scopeStartMs = takenAtMs - 3'600'000;
    meta.source = "brokers b:1; incoming: in";
    meta.positions = {{"in", 0, 0, 0, 41}, {"in", 1, 0, 1, 7}, {"out", 0, 1, 0, -2}};
    return meta;
}

int64_t rows(Database& db, const char* sql)
{
    Statement query = db.prepare(sql);
    query.step();
    return query.int64At(0);
}

} // namespace

class TestSnapshotStore : public QObject {
    Q_OBJECT

private slots:
    void writtenReadBackAndRestored()
    {
        store_test::FreshStore fresh;
        QVERIFY(fresh.store.ok());
        engine::JoinEngine engine(smallConfig());
        feed(engine, 0, 5000);
        const std::string bytes = engine::encodeEngineStateToString(engine);
        const int64_t id = writeEngineSnapshot(fresh.db(), metaAt(1000), chunksOf(bytes, 4096));
        const auto latest = latestEngineSnapshot(fresh.db());
        QVERIFY(latest);
        QCOMPARE(latest->id, id);
        QCOMPARE(latest->stateBytes, int64_t(bytes.size()));
        QCOMPARE(latest->meta.takenAtMs, int64_t{1000});
        QCOMPARE(latest->meta.scopeStartMs, int64_t{1000 - 3'600'000});
        QCOMPARE(latest->meta.source, metaAt(1000).source);
        QCOMPARE(latest->meta.positions.size(), size_t{3});
        QCOMPARE(latest->meta.positions[2].topic, std::string("out"));
        QCOMPARE(latest->meta.positions[2].stage, 1);
        QCOMPARE(latest->meta.positions[2].nextOffset, int64_t{-2});
        QCOMPARE(latest->meta.positions[1].index, uint16_t{1});
        QCOMPARE(latest->meta.positions[1].nextOffset, int64_t{7});

        const RestoredEngine restored = restoreLatestEngine(fresh.db(), smallConfig(), metaAt(0).source);
        QVERIFY2(restored.engine, restored.why.c_str());
        QVERIFY(engine::encodeEngineStateToString(*restored.engine).size() == bytes.size());
        QCOMPARE(restored.engine->gauges().open, engine.gauges().open);
        QCOMPARE(restored.engine->memoryUse().doneSetEntries, engine.memoryUse().doneSetEntries);
        QCOMPARE(restored.engine->openRecords().size(), engine.openRecords().size());
        QCOMPARE(restored.engine->openRecords().front().id, engine.openRecords().front().id);
    }

    void failureHalfWayKeepsThePreviousAndNothingOfTheNew()
    {
        store_test::FreshStore fresh;
        engine::JoinEngine engine(smallConfig());
        feed(engine, 0, 3000);
        const std::string bytes = engine::encodeEngineStateToString(engine);
        const int64_t first = writeEngineSnapshot(fresh.db(), metaAt(1000), chunksOf(bytes, 1000));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeEngineSnapshot(fresh.db(), metaAt(2000), chunksOf(bytes, 1000, 5)));
        QCOMPARE(latestEngineSnapshot(fresh.db())->id, first);
        QCOMPARE(rows(fresh.db(), "SELECT count(*) FROM snapshot"), int64_t{1});
        QCOMPARE(rows(fresh.db(), "SELECT count(*) FROM snapshot_position"), int64_t{3});
        QCOMPARE(rows(fresh.db(), "SELECT count(*) FROM snapshot_chunk"), int64_t((bytes.size() + 999) / 1000));
        // A truncated state (the capture ended early without saying so) is
        // stored but refused on restore: the trailer is missing.
        writeEngineSnapshot(fresh.db(), metaAt(3000), chunksOf(bytes.substr(0, bytes.size() / 2), 1000));
        const RestoredEngine restored = restoreLatestEngine(fresh.db(), smallConfig(), metaAt(0).source);
        QVERIFY(!restored.engine);
        QVERIFY2(restored.why.find("ends early") != std::string::npos, restored.why.c_str());
    }

    void keepsTheNewestTwo()
    {
        store_test::FreshStore fresh;
        engine::JoinEngine engine(smallConfig());
        feed(engine, 0, 1000);
        const std::string bytes = engine::encodeEngineStateToString(engine);
        std::vector<int64_t> ids;
        for (int run = 0; run < 5; ++run)
            ids.push_back(writeEngineSnapshot(fresh.db(), metaAt(1000 + run), chunksOf(bytes, 700)));
        QCOMPARE(rows(fresh.db(), "SELECT count(*) FROM snapshot"), int64_t{2});
        QCOMPARE(rows(fresh.db(), "SELECT min(snapshot_id) FROM snapshot"), ids[3]);
        QCOMPARE(rows(fresh.db(), "SELECT count(DISTINCT snapshot_id) FROM snapshot_chunk"), int64_t{2});
        QCOMPARE(rows(fresh.db(), "SELECT count(*) FROM snapshot_position"), int64_t{6});
        QCOMPARE(latestEngineSnapshot(fresh.db())->meta.takenAtMs, int64_t{1004});
    }

    void forkedCaptureIsTheEngineAtTheFork()
    {
        engine::JoinEngine engine(smallConfig());
        feed(engine, 0, 20'000);
        const std::string atFork = engine::encodeEngineStateToString(engine);
        ForkedCapture capture(engine);
        // The engine goes on; the child must not see it.
        feed(engine, 20'000, 20'000);
        QVERIFY(engine::encodeEngineStateToString(engine) != atFork);
        std::string got, chunk;
        while (capture.next(chunk, 3000))
            got += chunk;
        QCOMPARE(QString::fromStdString(capture.finish()), QString());
        QVERIFY(got == atFork);
        QVERIFY(capture.pauseMicros() >= 0);
    }

    void captureAbandonedMidWayIsKilledAndReaped()
    {
        engine::JoinEngine engine(smallConfig());
        feed(engine, 0, 50'000);
        pid_t child = 0;
        {
            ForkedCapture capture(engine);
            std::string chunk;
            QVERIFY(capture.next(chunk, 1000));
            std::ifstream in("/proc/self/task/" + std::to_string(getpid()) + "/children");
            in >> child;
            QVERIFY(child > 0);
        }
        // Reaped: no such process (not even a zombie) any more.
        QVERIFY(kill(child, 0) != 0);
    }
};

QTEST_APPLESS_MAIN(TestSnapshotStore)
#include "test_snapshot_store.moc"

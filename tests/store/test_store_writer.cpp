// The store's writer thread against real files: what is submitted is
// written; while the store cannot be opened (a folder that cannot be
// created, another instance) or written (disk full, as SQLITE_FULL), the
// work waits in memory, the status says why and since when, and once the
// store is back everything is written exactly once.

#include "core/store/store_writer.hpp"
#include "store_test_support.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>

using namespace slatrack;
using namespace slatrack::store;
namespace fs = std::filesystem;

namespace {
using State = StoreWriterStatus::State;

StoredLostRecord lostRecord(int index)
{
    StoredLostRecord stored;
    stored.record.id = "order-" + std::to_string(index) + std::string(200, 'p');  // fills pages fast
    stored.record.t0Ms = 1'764'574'500'000 + index;
    stored.record.awaitingStage = 1;
    stored.topic = "orders.in";
    return stored;
}

std::vector<StoredLostRecord> lostRange(int from, int count)
{
    std::vector<StoredLostRecord> out;
    for (int index = from; index < from + count; ++index)
        out.push_back(lostRecord(index));
    return out;
}

int64_t count(const fs::path& path, const std::string& sql)
{
    Database db(path.string(), Database::Mode::ReadOnly);
    Statement query = db.prepare(sql);
    query.step();
    return query.int64At(0);
}

StoreWriterOptions optionsFor(const fs::path& path)
{
    StoreWriterOptions options;
    options.path = path;
    options.pipeline = "orders";
    options.stageCount = 3;
    options.retryFirstMs = 20;
    options.retryMaxMs = 100;
    return options;
}

bool waitFor(const std::function<bool()>& condition, int timeoutMs = 10'000)
{
    for (int waited = 0; waited < timeoutMs; waited += 10) {
        if (condition())
            return true;
        QTest::qWait(10);
    }
    return condition();
}
} // namespace

class TestStoreWriter : public QObject {
    Q_OBJECT

private slots:
    void writesWhatIsSubmitted();
    void folderThatCannotBeCreatedKeepsWorkUntilItCan();
    void diskFullKeepsWorkAndWritesItOnce();
    void anotherInstanceIsNamedAndWaitedFor();
    void pendingLostIsBoundedAndCounted();
};

void TestStoreWriter::writesWhatIsSubmitted()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    StoreWriter writer(optionsFor(path));
    writer.start();
    // Recent seconds: older ones would be rolled up into minutes at once.
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    writer.submitSeconds({store_test::makeBucket(now - 2, 3, 1), store_test::makeBucket(now - 1, 3, 2)});
    writer.submitSeconds({store_test::makeBucket(now - 1, 3, 3)});  // replaces the queued one
    writer.submitLost(lostRange(0, 100));
    QVERIFY(writer.flush(10'000));
    const StoreWriterStatus status = writer.status();
    QCOMPARE(int(status.state), int(State::Ok));
    QCOMPARE(status.lostWritten, uint64_t{100});
    QCOMPARE(count(path, "SELECT count(*) FROM metric_second"), int64_t{2});
    QCOMPARE(count(path, "SELECT count(*) FROM lost_record"), int64_t{100});
    writer.stop();
    QCOMPARE(int(writer.status().state), int(State::Stopped));
}

void TestStoreWriter::folderThatCannotBeCreatedKeepsWorkUntilItCan()
{
    QTemporaryDir dir;
    const fs::path blocker = fs::path(dir.path().toStdString()) / "data";
    std::ofstream(blocker) << "a file where the folder should be";
    const fs::path path = blocker / "orders.db";
    StoreWriter writer(optionsFor(path));
    writer.start();
    writer.submitLost(lostRange(0, 50));
    QVERIFY(!writer.flush(2'000));
    StoreWriterStatus status = writer.status();
    QCOMPARE(int(status.state), int(State::Unavailable));
    QVERIFY2(status.error.find("cannot create the store folder " + blocker.string()) != std::string::npos, status.error.c_str());
    QVERIFY(status.failingSinceMs > 0);
    QCOMPARE(status.pendingLost, size_t{50});
    writer.submitLost(lostRange(50, 25));  // the engine goes on meanwhile

    fs::remove(blocker);  // the operator fixes it
    QVERIFY(waitFor([&] { return writer.status().state == State::Ok; }));
    QVERIFY(writer.flush(10'000));
    QCOMPARE(count(path, "SELECT count(*) FROM lost_record"), int64_t{75});
    QCOMPARE(count(path, "SELECT count(DISTINCT record_id) FROM lost_record"), int64_t{75});
    QCOMPARE(writer.status().failingSinceMs, int64_t{0});
}

void TestStoreWriter::diskFullKeepsWorkAndWritesItOnce()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    StoreWriter writer(optionsFor(path));
    writer.start();
    writer.submitLost(lostRange(0, 10));
    QVERIFY(writer.flush(10'000));
    // A full disk as SQLite sees it: the file may not grow past its current
    // pages on this connection (SQLITE_FULL on the next big write). The cap
    // lives on the connection, so the writer's reopen after the failure is
    // the disk having room again.
    writer.submitTask([](Database& db) {
        const int64_t pages = db.pragmaInt("page_count").value_or(0);
        db.exec("PRAGMA max_page_count = " + std::to_string(pages + 1));
    });
    QVERIFY(writer.flush(10'000));
    writer.submitLost(lostRange(10, 2000));
    QVERIFY(waitFor([&] { return writer.status().writeFailures >= 1; }));
    QVERIFY(waitFor([&] { return writer.status().state == State::Ok && writer.status().pendingLost == 0; }));
    QVERIFY(writer.flush(10'000));
    const StoreWriterStatus status = writer.status();
    QCOMPARE(status.writeFailures, uint64_t{1});
    QCOMPARE(status.lostNotPersisted, uint64_t{0});
    // The failed transaction rolled back whole; the retry wrote each once.
    QCOMPARE(count(path, "SELECT count(*) FROM lost_record"), int64_t{2010});
    QCOMPARE(count(path, "SELECT count(DISTINCT record_id) FROM lost_record"), int64_t{2010});
}

void TestStoreWriter::anotherInstanceIsNamedAndWaitedFor()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    std::optional<StoreOpenResult> other = openStore(path, "orders", store_test::kNowMs);
    QVERIFY(other->ok());
    StoreWriter writer(optionsFor(path));
    writer.start();
    writer.submitLost(lostRange(0, 5));
    QVERIFY(waitFor([&] { return writer.status().state == State::InUse; }));
    const std::string error = writer.status().error;
    QVERIFY2(error.find("PID " + std::to_string(getpid())) != std::string::npos, error.c_str());
    other.reset();
    QVERIFY(waitFor([&] { return writer.status().state == State::Ok; }));
    QVERIFY(writer.flush(10'000));
    QCOMPARE(count(path, "SELECT count(*) FROM lost_record"), int64_t{5});
}

void TestStoreWriter::pendingLostIsBoundedAndCounted()
{
    QTemporaryDir dir;
    const fs::path blocker = fs::path(dir.path().toStdString()) / "data";
    std::ofstream(blocker) << "x";
    StoreWriterOptions options = optionsFor(blocker / "orders.db");
    options.maxPendingLost = 10;
    StoreWriter writer(options);
    writer.start();
    writer.submitLost(lostRange(0, 25));
    const StoreWriterStatus status = writer.status();
    QCOMPARE(status.pendingLost, size_t{10});
    QCOMPARE(status.lostNotPersisted, uint64_t{15});
    fs::remove(blocker);
    QVERIFY(waitFor([&] { return writer.status().state == State::Ok; }));
    QVERIFY(writer.flush(10'000));
    // The newest ten were kept.
    QCOMPARE(count(blocker / "orders.db", "SELECT min(t0_ms) FROM lost_record"), int64_t{1'764'574'500'000 + 15});
}

QTEST_MAIN(TestStoreWriter)
#include "test_store_writer.moc"

// The store file's life: created in WAL mode at the current schema, reopened
// as it was, and every way it can be unusable (not SQLite, corrupt pages,
// newer schema, another pipeline's, in use, unwritable folder, a crashed
// owner) ending in a clear state that loses nothing. Real files on disk.

#include "core/store/store_file.hpp"
#include "core/store/store_schema.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace slatrack::store;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kNowMs = 1'764'574'500'000;  // 2025-12-01T07:35:00Z
constexpr char kPipeline[] = "orders";

std::string readAll(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    std::ostringstream out;
    out << file.rdbuf();
    return out.str();
}

void writeAll(const fs::path& path, const std::string& bytes)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << bytes;
}

int64_t countRows(Database& db, const std::string& table)
{
    Statement count = db.prepare("SELECT count(*) FROM " + table);
    count.step();
    return count.int64At(0);
}

void insertLost(Database& db, int rows)
{
    Transaction transaction(db);
    Statement insert = db.prepare(
        "INSERT INTO lost_record (record_id, t0_ms, last_stage, awaiting_stage, topic, partition, offset, lost_at_ms, reason) "
        "VALUES (?1, ?2, 0, 1, 'orders.out', 3, ?3, ?4, 'window')");
    for (int row = 0; row < rows; ++row) {
        insert.bind(1, "record-" + std::to_string(row) + std::string(40, 'x')).bind(2, int64_t{row}).bind(3, int64_t{row} * 7).bind(4, int64_t{row} + 1000);
        insert.run();
    }
    transaction.commit();
}

} // namespace

class TestStoreFile : public QObject {
    Q_OBJECT

private slots:
    void freshFileIsWalAtCurrentVersion();
    void reopenKeepsWhatWasWritten();
    void notSqliteIsMovedAsideNeverOverwritten();
    void corruptPagesAreMovedAside();
    void asidePathNeverReusesAName();
    void newerSchemaIsRefusedUntouched();
    void otherPipelinesStoreIsRefused();
    void secondInstanceIsRefusedNamingTheFirst();
    void killedOwnerLeavesNoStaleLockAndLosesNoCommit();
    void unwritableFolderIsUnavailable();
    void defaultPathStaysInItsFolder();
};

void TestStoreFile::freshFileIsWalAtCurrentVersion()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "sub" / "orders.db";
    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QVERIFY2(store.ok(), store.error.c_str());
    QVERIFY(store.notices.empty());
    QCOMPARE(store.schemaFrom, int64_t{0});
    QCOMPARE(store.schemaTo, currentSchemaVersion());
    Statement journal = store.db->prepare("PRAGMA journal_mode");
    QVERIFY(journal.step());
    QCOMPARE(QByteArray::fromStdString(journal.textAt(0)), QByteArray("wal"));
    QCOMPARE(store.db->pragmaInt("user_version").value_or(-1), currentSchemaVersion());
    for (const char* table : {"metric_second", "metric_minute", "lost_record", "rejected_sample", "snapshot",
                              "snapshot_position", "alert_transition", "incident", "page_outbox", "silence"})
        QCOMPARE(countRows(*store.db, table), int64_t{0});
    QCOMPARE(readAll(path.string() + ".lock"), std::to_string(getpid()) + "\n");
}

void TestStoreFile::reopenKeepsWhatWasWritten()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    {
        StoreOpenResult store = openStore(path, kPipeline, kNowMs);
        QVERIFY2(store.ok(), store.error.c_str());
        insertLost(*store.db, 25);
    }
    StoreOpenResult again = openStore(path, kPipeline, kNowMs);
    QVERIFY2(again.ok(), again.error.c_str());
    QCOMPARE(again.schemaFrom, currentSchemaVersion());
    QVERIFY(!again.movedAsideTo);
    QCOMPARE(countRows(*again.db, "lost_record"), int64_t{25});
}

void TestStoreFile::notSqliteIsMovedAsideNeverOverwritten()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    const std::string garbage = "this was somebody's notes, not a database\n" + std::string(5000, 'z');
    writeAll(path, garbage);
    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QVERIFY2(store.ok(), store.error.c_str());
    QVERIFY(store.movedAsideTo);
    QCOMPARE(QByteArray::fromStdString(store.movedAsideTo->string()), QByteArray::fromStdString(path.string() + ".corrupt-20251201T073500Z"));
    QCOMPARE(readAll(*store.movedAsideTo), garbage);  // every byte kept
    QCOMPARE(store.notices.size(), size_t{1});
    QVERIFY2(store.notices[0].find("not a SQLite file") != std::string::npos, store.notices[0].c_str());
    QVERIFY2(store.notices[0].find(store.movedAsideTo->string()) != std::string::npos, store.notices[0].c_str());
    insertLost(*store.db, 3);  // the fresh store works
    QCOMPARE(countRows(*store.db, "lost_record"), int64_t{3});
}

void TestStoreFile::corruptPagesAreMovedAside()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    {
        StoreOpenResult store = openStore(path, kPipeline, kNowMs);
        QVERIFY2(store.ok(), store.error.c_str());
        insertLost(*store.db, 2000);
        store.db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    // Keep SQLite's 100-byte header, scribble over every page after the first.
    std::string bytes = readAll(path);
    QVERIFY(bytes.size() > 8 * 4096);
    for (size_t at = 4096; at < bytes.size(); ++at)
        bytes[at] = static_cast<char>(0xA5 ^ (at * 31));
    writeAll(path, bytes);

    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QVERIFY2(store.ok(), store.error.c_str());
    QVERIFY(store.movedAsideTo);
    QCOMPARE(readAll(*store.movedAsideTo), bytes);
    QVERIFY2(store.notices.size() == 1 && store.notices[0].find("is corrupt") != std::string::npos,
             store.notices.empty() ? "no notice" : store.notices[0].c_str());
    QCOMPARE(countRows(*store.db, "lost_record"), int64_t{0});
}

void TestStoreFile::asidePathNeverReusesAName()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    const fs::path first = corruptAsidePath(path, kNowMs);
    writeAll(first, "one");
    const fs::path second = corruptAsidePath(path, kNowMs);
    QCOMPARE(QByteArray::fromStdString(second.string()), QByteArray::fromStdString(first.string() + "-2"));
    writeAll(second, "two");
    QCOMPARE(QByteArray::fromStdString(corruptAsidePath(path, kNowMs).string()), QByteArray::fromStdString(first.string() + "-3"));
}

void TestStoreFile::newerSchemaIsRefusedUntouched()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    {
        StoreOpenResult store = openStore(path, kPipeline, kNowMs);
        QVERIFY2(store.ok(), store.error.c_str());
        store.db->exec("PRAGMA user_version = 99");
        store.db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const std::string before = readAll(path);
    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QCOMPARE(int(store.status), int(StoreOpenResult::Status::Refused));
    QVERIFY(!store.db);
    QVERIFY2(store.error.find("schema version 99") != std::string::npos, store.error.c_str());
    QVERIFY2(store.error.find("up to version " + std::to_string(currentSchemaVersion())) != std::string::npos, store.error.c_str());
    QVERIFY(!store.movedAsideTo);
    QCOMPARE(readAll(path), before);
}

void TestStoreFile::otherPipelinesStoreIsRefused()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "shared.db";
    {
        StoreOpenResult store = openStore(path, "payments", kNowMs);
        QVERIFY2(store.ok(), store.error.c_str());
    }
    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QCOMPARE(int(store.status), int(StoreOpenResult::Status::Refused));
    QVERIFY2(store.error.find("pipeline \"payments\", not \"orders\"") != std::string::npos, store.error.c_str());
}

void TestStoreFile::secondInstanceIsRefusedNamingTheFirst()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    StoreOpenResult first = openStore(path, kPipeline, kNowMs);
    QVERIFY2(first.ok(), first.error.c_str());
    // flock locks belong to the open file description, so a second open in
    // this same process conflicts exactly as another process would.
    StoreOpenResult second = openStore(path, kPipeline, kNowMs);
    QCOMPARE(int(second.status), int(StoreOpenResult::Status::InUse));
    QVERIFY(!second.db);
    QVERIFY2(second.error.find("in use by another slatrack (PID " + std::to_string(getpid())) != std::string::npos, second.error.c_str());
    QVERIFY2(second.error.find("test_store_file") != std::string::npos, second.error.c_str());  // its command line
    first = StoreOpenResult{};
    StoreOpenResult third = openStore(path, kPipeline, kNowMs);
    QVERIFY2(third.ok(), third.error.c_str());
}

void TestStoreFile::killedOwnerLeavesNoStaleLockAndLosesNoCommit()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
    int ready[2];
    QCOMPARE(pipe(ready), 0);
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        // The child: open, commit 500 rows, say so, start another
        // transaction it never commits, and wait to be killed.
        StoreOpenResult store = openStore(path, kPipeline, kNowMs);
        if (!store.ok())
            _exit(3);
        insertLost(*store.db, 500);
        store.db->exec("BEGIN IMMEDIATE");
        store.db->exec("DELETE FROM lost_record");
        const char byte = 1;
        if (write(ready[1], &byte, 1) != 1)
            _exit(4);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char byte = 0;
    QCOMPARE(read(ready[0], &byte, 1), ssize_t{1});
    close(ready[0]);
    StoreOpenResult whileAlive = openStore(path, kPipeline, kNowMs);
    QCOMPARE(int(whileAlive.status), int(StoreOpenResult::Status::InUse));
    QVERIFY2(whileAlive.error.find("PID " + std::to_string(child)) != std::string::npos, whileAlive.error.c_str());

    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    QVERIFY(WIFSIGNALED(status));

    StoreOpenResult store = openStore(path, kPipeline, kNowMs);
    QVERIFY2(store.ok(), store.error.c_str());
    QVERIFY(!store.movedAsideTo);
    QCOMPARE(countRows(*store.db, "lost_record"), int64_t{500});  // committed kept, uncommitted gone
}

void TestStoreFile::unwritableFolderIsUnavailable()
{
    QTemporaryDir dir;
    // A folder that cannot be created (its parent is a file): the same path
    // through the code as a read-only mount, and it holds for root too.
    const fs::path blocker = fs::path(dir.path().toStdString()) / "not-a-folder";
    writeAll(blocker, "x");
    StoreOpenResult store = openStore(blocker / "orders.db", kPipeline, kNowMs);
    QCOMPARE(int(store.status), int(StoreOpenResult::Status::Unavailable));
    QVERIFY2(store.error.find("cannot create the store folder " + blocker.string()) != std::string::npos, store.error.c_str());
    // /proc is read-only for everyone, root included.
    StoreOpenResult readOnly = openStore("/proc/slatrack-test/orders.db", kPipeline, kNowMs);
    QCOMPARE(int(readOnly.status), int(StoreOpenResult::Status::Unavailable));
    QVERIFY2(readOnly.error.find("/proc/slatrack-test") != std::string::npos, readOnly.error.c_str());
}

void TestStoreFile::defaultPathStaysInItsFolder()
{
    qputenv("XDG_DATA_HOME", "/var/tmp/xdg");
    QCOMPARE(QByteArray::fromStdString(defaultStorePath("orders").string()), QByteArray("/var/tmp/xdg/slatrack/orders.db"));
    QCOMPARE(QByteArray::fromStdString(defaultStorePath("../../etc/passwd").string()), QByteArray("/var/tmp/xdg/slatrack/_.._.._etc_passwd.db"));
    qputenv("XDG_DATA_HOME", "relative/is/ignored");
    qputenv("HOME", "/home/op");
    QCOMPARE(QByteArray::fromStdString(defaultStorePath("orders").string()), QByteArray("/home/op/.local/share/slatrack/orders.db"));
}

QTEST_APPLESS_MAIN(TestStoreFile)
#include "test_store_file.moc"

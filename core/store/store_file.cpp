#include "store_file.hpp"

#include "store_schema.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

namespace slatrack::store {

namespace fs = std::filesystem;

namespace {

constexpr char kSqliteMagic[] = "SQLite format 3";  // plus its NUL: 16 bytes

// An existing, non-empty file whose first 16 bytes are not SQLite's magic
// is not ours to open: SQLite would fail later with NOTADB, or (for a file
// shorter than a page) silently treat it as empty and overwrite it.
bool looksLikeSqlite(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    char header[16] = {};
    file.read(header, sizeof header);
    return file.gcount() == static_cast<std::streamsize>(sizeof header) && std::equal(header, header + 16, kSqliteMagic);
}

bool isCorruption(int code)
{
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

std::string utcStamp(int64_t nowMs)
{
    const std::time_t seconds = static_cast<std::time_t>(nowMs / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &parts);
    return text;
}

// Moves the file and its WAL companions aside; returns where the main file went.
fs::path moveAside(const fs::path& path, int64_t nowMs)
{
    const fs::path aside = corruptAsidePath(path, nowMs);
    fs::rename(path, aside);
    for (const char* suffix : {"-wal", "-shm"}) {
        const fs::path companion = path.string() + suffix;
        std::error_code error;
        if (fs::exists(companion, error))
            fs::rename(companion, aside.string() + suffix, error);
    }
    return aside;
}

// Opens, checks and migrates; throws SqliteError / SchemaTooNewError.
std::unique_ptr<Database> openChecked(const fs::path& path, StoreOpenResult& result)
{
    auto db = std::make_unique<Database>(path.string(), Database::Mode::ReadWriteCreate);
    // quick_check reads every page once (not the index cross-checks of
    // integrity_check): the cost of knowing the file is whole before we
    // resume from it.
    {
        Statement check = db->prepare("PRAGMA quick_check(1)");
        if (check.step() && check.textAt(0) != "ok")
            throw SqliteError(SQLITE_CORRUPT, "quick_check: " + check.textAt(0));
    }
    {
        Statement journal = db->prepare("PRAGMA journal_mode = WAL");
        if (!journal.step() || journal.textAt(0) != "wal")
            throw SqliteError(SQLITE_CANTOPEN, "cannot switch " + path.string() + " to WAL mode");
    }
    // NORMAL is durable against a process crash (kill -9) in WAL mode; only
    // a power cut may lose the last transactions, never consistency.
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    // A snapshot is one transaction of 100+ MB, so the WAL grows that big;
    // once checkpointed it is cut back to this instead of staying at its
    // largest for good.
    {
        Statement limit = db->prepare("PRAGMA journal_size_limit = 67108864");
        limit.step();
    }
    const MigrationResult migrated = migrate(*db);
    result.schemaFrom = migrated.fromVersion;
    result.schemaTo = migrated.toVersion;
    return db;
}

} // namespace

fs::path corruptAsidePath(const fs::path& path, int64_t nowMs)
{
    const std::string base = path.string() + ".corrupt-" + utcStamp(nowMs);
    fs::path candidate = base;
    std::error_code error;
    for (int attempt = 2; fs::exists(candidate, error); ++attempt)
        candidate = base + "-" + std::to_string(attempt);
    return candidate;
}

fs::path defaultStorePath(const std::string& pipeline)
{
    std::string name;
    for (const char c : pipeline) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        name += safe ? c : '_';
    }
    if (name.empty() || name.front() == '.')
        name = "_" + name;
    fs::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/')
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
        base = fs::path(home) / ".local" / "share";
    else
        base = fs::current_path();
    return base / "slatrack" / (name + ".db");
}

StoreOpenResult openStore(const fs::path& path, const std::string& pipeline, int64_t nowMs)
{
    StoreOpenResult result;
    std::error_code error;
    if (const fs::path parent = path.parent_path(); !parent.empty()) {
        fs::create_directories(parent, error);
        if (error) {
            result.error = "cannot create the store folder " + parent.string() + ": " + error.message();
            return result;
        }
    }

    InstanceLock::Result locked = InstanceLock::acquire(path.string());
    if (!locked.lock) {
        result.status = locked.error.find("in use by another") != std::string::npos ? StoreOpenResult::Status::InUse
                                                                                     : StoreOpenResult::Status::Unavailable;
        result.error = std::move(locked.error);
        return result;
    }
    result.lock = std::move(*locked.lock);

    try {
        const bool exists = fs::exists(path, error) && fs::file_size(path, error) > 0;
        if (exists && !looksLikeSqlite(path)) {
            result.movedAsideTo = moveAside(path, nowMs);
            result.notices.push_back(path.string() + " is not a SQLite file: moved it aside to " + result.movedAsideTo->string() +
                                     " and started a fresh store");
        }
        try {
            result.db = openChecked(path, result);
        } catch (const SqliteError& failure) {
            if (!isCorruption(failure.code()))
                throw;
            result.db.reset();
            result.movedAsideTo = moveAside(path, nowMs);
            result.notices.push_back(path.string() + " is corrupt (" + failure.what() + "): moved it aside to " +
                                     result.movedAsideTo->string() + " and started a fresh store");
            result.db = openChecked(path, result);
        }

        std::optional<std::string> owner;
        {
            Statement select = result.db->prepare("SELECT value FROM meta WHERE key = 'pipeline'");
            if (select.step())
                owner = select.textAt(0);
        }
        if (owner) {
            if (const std::string& found = *owner; found != pipeline) {
                result.db.reset();
                result.status = StoreOpenResult::Status::Refused;
                result.error = path.string() + " holds the store of pipeline \"" + found + "\", not \"" + pipeline +
                               "\"; give this pipeline its own store path";
                return result;
            }
        } else {
            result.db->prepare("INSERT INTO meta (key, value) VALUES ('pipeline', ?1)").bind(1, pipeline).run();
        }
        result.status = StoreOpenResult::Status::Opened;
    } catch (const SchemaTooNewError& tooNew) {
        result.db.reset();
        result.status = StoreOpenResult::Status::Refused;
        result.error = path.string() + ": " + tooNew.what();
    } catch (const SqliteError& failure) {
        result.db.reset();
        result.status = StoreOpenResult::Status::Unavailable;
        result.error = path.string() + ": " + failure.what();
    } catch (const fs::filesystem_error& failure) {
        result.db.reset();
        result.status = StoreOpenResult::Status::Unavailable;
        result.error = std::string("moving the damaged store aside failed: ") + failure.what();
    }
    return result;
}

} // namespace slatrack::store

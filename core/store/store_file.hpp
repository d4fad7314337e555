#pragma once

#include "instance_lock.hpp"
#include "sqlite_db.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::store {

// Opening the store file of one pipeline (DESIGN.md "Store"), with every
// failure turned into a state the caller can show and act on:
// - a file that is not SQLite, or fails SQLite's quick_check, is moved aside
//   to "NAME.corrupt-<UTC time>" (never overwritten; its -wal and -shm with
//   it) and a fresh store is started, with a notice saying where it went;
// - a file with a newer schema than this binary is refused, untouched;
// - a file of another pipeline is refused, untouched;
// - a second slatrack on the same file is refused, naming the other process;
// - a directory that cannot be created or written (read-only, full disk)
//   is an error: the caller keeps the engine running in memory and retries.
//
// Blocking I/O: call on the store's own thread, never the UI thread.

struct StoreOpenResult {
    enum class Status {
        Opened,       // db is ready (fresh, upgraded, or as it was)
        InUse,        // another instance holds the file: do not retry blindly
        Refused,      // newer schema or another pipeline's file: the operator must act
        Unavailable,  // I/O: directory, permissions, disk full; retry later
    };
    Status status = Status::Unavailable;
    std::unique_ptr<Database> db;
    InstanceLock lock;
    std::string error;                 // !Opened: what and where
    std::vector<std::string> notices;  // Opened: e.g. "moved the corrupt store aside to ..."
    std::optional<std::filesystem::path> movedAsideTo;
    int64_t schemaFrom = 0;            // schema version found (0 = new file)
    int64_t schemaTo = 0;

    bool ok() const { return status == Status::Opened; }
};

StoreOpenResult openStore(const std::filesystem::path& path, const std::string& pipeline, int64_t nowMs);

// Default location: $XDG_DATA_HOME/slatrack/<pipeline>.db, else
// ~/.local/share/slatrack/<pipeline>.db. Characters outside [A-Za-z0-9._-]
// in the pipeline name become '_' so a name never escapes the folder.
std::filesystem::path defaultStorePath(const std::string& pipeline);

// "NAME.corrupt-20261201T071500Z", with "-2", "-3", ... appended if taken.
std::filesystem::path corruptAsidePath(const std::filesystem::path& path, int64_t nowMs);

} // namespace slatrack::store

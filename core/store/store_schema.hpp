#pragma once

#include "sqlite_db.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace slatrack::store {

// The store's schema as an ordered list of migrations. The schema version
// is SQLite's `PRAGMA user_version`: version N means migrations 1..N have
// been applied. A migration is only ever appended, never edited, so a file
// written by any older slatrack upgrades step by step.
struct Migration {
    int64_t version;
    std::string_view sql;  // DDL only
};

// Every migration this binary knows, ascending.
std::span<const Migration> migrations();
int64_t currentSchemaVersion();

struct MigrationResult {
    int64_t fromVersion = 0;
    int64_t toVersion = 0;
};

// Brings `db` to currentSchemaVersion() in one transaction per migration.
// Throws SchemaTooNewError if the file was written by a newer slatrack
// (its version is above ours): we never downgrade a file we do not
// understand. Throws SqliteError on I/O or corruption.
MigrationResult migrate(Database& db);

class SchemaTooNewError : public std::runtime_error {
public:
    SchemaTooNewError(int64_t fileVersion, int64_t ourVersion, const std::string& what)
        : std::runtime_error(what), fileVersion(fileVersion), ourVersion(ourVersion) {}
    int64_t fileVersion;
    int64_t ourVersion;
};

} // namespace slatrack::store

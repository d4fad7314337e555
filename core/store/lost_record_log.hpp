#pragma once

#include "sqlite_db.hpp"

#include "core/engine/engine_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

// A record the engine evicted (DESIGN.md "Lost"), with the topic its
// partition index maps to, as kept in the store. Nothing an operator may
// need is dropped: the ID's bytes are stored as read, even when not UTF-8.
struct StoredLostRecord {
    int64_t rowId = 0;  // set when read back; the keyset cursor
    engine::LostRecord record;
    std::string topic;
};

// The lost_record table. Threading: the owning connection's thread.
class LostRecordLog {
public:
    explicit LostRecordLog(Database& db);

    // One transaction for the whole batch. A record already stored (same
    // ID, t0 and awaiting stage: evicted again after a restart from a
    // snapshot taken before its first eviction) is skipped.
    void append(const std::vector<StoredLostRecord>& records);

    // Records with t0 in [fromMs, toMs), oldest first, at most `limit`,
    // after the keyset cursor (t0, rowId) when given: pages of a large
    // range without OFFSET scans.
    struct Cursor {
        int64_t t0Ms = 0;
        int64_t rowId = 0;
    };
    std::vector<StoredLostRecord> between(int64_t fromMs, int64_t toMs, size_t limit, std::optional<Cursor> after = std::nullopt);
    uint64_t countBetween(int64_t fromMs, int64_t toMs);
    // Every time this ID was lost (a redelivered record can be lost twice).
    std::vector<StoredLostRecord> byId(std::string_view id);

private:
    std::vector<StoredLostRecord> readAll(Statement& query);

    Database& m_db;
    Statement m_insert;
};

} // namespace slatrack::store

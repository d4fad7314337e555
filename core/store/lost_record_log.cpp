#include "lost_record_log.hpp"

namespace slatrack::store {

namespace {
constexpr std::string_view kColumns = "rowid, record_id, t0_ms, last_stage, awaiting_stage, topic, partition, offset, lost_at_ms, reason";

std::string_view reasonText(engine::LostReason reason)
{
    return reason == engine::LostReason::Overflow ? "overflow" : "window";
}
} // namespace

LostRecordLog::LostRecordLog(Database& db)
    : m_db(db),
      m_insert(db.prepare("INSERT OR IGNORE INTO lost_record (record_id, t0_ms, last_stage, awaiting_stage, topic, partition, offset, lost_at_ms, reason) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"))
{
}

void LostRecordLog::append(const std::vector<StoredLostRecord>& records)
{
    if (records.empty())
        return;
    Transaction transaction(m_db);
    for (const StoredLostRecord& stored : records) {
        const engine::LostRecord& record = stored.record;
        m_insert.bind(1, record.id)
            .bind(2, record.t0Ms)
            .bind(3, int64_t{record.lastStage})
            .bind(4, int64_t{record.awaitingStage})
            .bind(5, stored.topic)
            .bind(6, int64_t{record.partition})
            .bind(7, record.offset)
            .bind(8, record.lostAtMs)
            .bind(9, reasonText(record.reason));
        m_insert.run();
    }
    transaction.commit();
}

std::vector<StoredLostRecord> LostRecordLog::readAll(Statement& query)
{
    std::vector<StoredLostRecord> out;
    while (query.step()) {
        StoredLostRecord stored;
        stored.rowId = query.int64At(0);
        stored.record.id = query.textAt(1);
        stored.record.t0Ms = query.int64At(2);
        stored.record.lastStage = static_cast<int>(query.int64At(3));
        stored.record.awaitingStage = static_cast<int>(query.int64At(4));
        stored.topic = query.textAt(5);
        stored.record.partition = static_cast<uint16_t>(query.int64At(6));
        stored.record.offset = query.int64At(7);
        stored.record.lostAtMs = query.int64At(8);
        stored.record.reason = query.textAt(9) == "overflow" ? engine::LostReason::Overflow : engine::LostReason::Window;
        out.push_back(std::move(stored));
    }
    return out;
}

std::vector<StoredLostRecord> LostRecordLog::between(int64_t fromMs, int64_t toMs, size_t limit, std::optional<Cursor> after)
{
    Statement query = m_db.prepare("SELECT " + std::string(kColumns) +
                                   " FROM lost_record WHERE t0_ms >= ?1 AND t0_ms < ?2 AND (t0_ms, rowid) > (?3, ?4)"
                                   " ORDER BY t0_ms, rowid LIMIT ?5");
    query.bind(1, fromMs).bind(2, toMs);
    query.bind(3, after ? after->t0Ms : INT64_MIN).bind(4, after ? after->rowId : INT64_MIN);
    query.bind(5, static_cast<int64_t>(limit));
    return readAll(query);
}

uint64_t LostRecordLog::countBetween(int64_t fromMs, int64_t toMs)
{
    Statement query = m_db.prepare("SELECT count(*) FROM lost_record WHERE t0_ms >= ?1 AND t0_ms < ?2");
    query.bind(1, fromMs).bind(2, toMs);
    query.step();
    return static_cast<uint64_t>(query.int64At(0));
}

std::vector<StoredLostRecord> LostRecordLog::byId(std::string_view id)
{
    Statement query = m_db.prepare("SELECT " + std::string(kColumns) + " FROM lost_record WHERE record_id = ?1 ORDER BY t0_ms, rowid");
    query.bind(1, id);
    return readAll(query);
}

} // namespace slatrack::store

#include "snapshot_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace slatrack::store {

namespace {

// The kill -9 test needs a kill at the worst moment: inside the open
// transaction of a snapshot write.
bool killHere()
{
    static const int target = [] {
        const char* text = std::getenv("SLATRACK_TEST_KILL_IN_SNAPSHOT");
        return text ? std::atoi(text) : 0;
    }();
    static std::atomic<int> written{0};
    return target > 0 && ++written == target;
}

} // namespace

int64_t writeEngineSnapshot(Database& db, const SnapshotMeta& meta, const std::function<bool(std::string&)>& nextChunk, int keep)
{
    const bool kill = killHere();
    Transaction transaction(db);
    db.prepare("INSERT INTO snapshot (taken_at_ms, complete, engine_state, scope_start_ms, state_bytes, format, source) VALUES (?1, 0, x'', ?2, 0, ?3, ?4)")
        .bind(1, meta.takenAtMs)
        .bind(2, meta.scopeStartMs)
        .bind(3, int64_t{engine::kEngineSnapshotVersion})
        .bind(4, meta.source)
        .run();
    Statement lastId = db.prepare("SELECT last_insert_rowid()");
    if (!lastId.step())
        throw SqliteError(1, "snapshot: no id for the new row");
    const int64_t id = lastId.int64At(0);
    Statement position = db.prepare("INSERT INTO snapshot_position (snapshot_id, topic, partition, next_offset, stage, part_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const StoredPosition& pos : meta.positions) {
        position.bind(1, id).bind(2, pos.topic).bind(3, int64_t{pos.partition}).bind(4, pos.nextOffset).bind(5, int64_t{pos.stage}).bind(6, int64_t{pos.index});
        position.run();
        position.reset();
    }
    Statement chunkInsert = db.prepare("INSERT INTO snapshot_chunk (snapshot_id, seq, data) VALUES (?1, ?2, ?3)");
    std::string chunk;
    int64_t seq = 0;
    int64_t bytes = 0;
    while (nextChunk(chunk)) {
        chunkInsert.bind(1, id).bind(2, seq++).bindBlob(3, chunk);
        chunkInsert.run();
        chunkInsert.reset();
        bytes += static_cast<int64_t>(chunk.size());
        if (kill && seq == 1)
            std::raise(SIGKILL);
    }
    db.prepare("UPDATE snapshot SET complete = 1, state_bytes = ?2 WHERE snapshot_id = ?1").bind(1, id).bind(2, bytes).run();
    // Keep the newest `keep` complete ones (incomplete ones cannot exist
    // outside a transaction, but a file of an older slatrack might hold some).
    Statement old = db.prepare("SELECT snapshot_id FROM snapshot WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot WHERE complete = 1 "
                               "ORDER BY snapshot_id DESC LIMIT ?1)");
    old.bind(1, int64_t{keep});
    std::vector<int64_t> drop;
    while (old.step())
        drop.push_back(old.int64At(0));
    for (const int64_t dropId : drop) {
        db.prepare("DELETE FROM snapshot_chunk WHERE snapshot_id = ?1").bind(1, dropId).run();
        db.prepare("DELETE FROM snapshot_position WHERE snapshot_id = ?1").bind(1, dropId).run();
        db.prepare("DELETE FROM snapshot WHERE snapshot_id = ?1").bind(1, dropId).run();
    }
    transaction.commit();
    return id;
}

std::optional<SnapshotInfo> latestEngineSnapshot(Database& db)
{
    Statement latest = db.prepare("SELECT snapshot_id, taken_at_ms, scope_start_ms, state_bytes, source FROM snapshot WHERE complete = 1 AND format = ?1 "
                                  "ORDER BY snapshot_id DESC LIMIT 1");
    latest.bind(1, int64_t{engine::kEngineSnapshotVersion});
    if (!latest.step())
        return std::nullopt;
    SnapshotInfo info;
    info.id = latest.int64At(0);
    info.meta.takenAtMs = latest.int64At(1);
    info.meta.scopeStartMs = latest.int64At(2);
    info.stateBytes = latest.int64At(3);
    info.meta.source = latest.textAt(4);
    Statement positions = db.prepare("SELECT topic, partition, next_offset, stage, part_index FROM snapshot_position WHERE snapshot_id = ?1 ORDER BY stage, part_index");
    positions.bind(1, info.id);
    while (positions.step()) {
        StoredPosition pos;
        pos.topic = positions.textAt(0);
        pos.partition = static_cast<int32_t>(positions.int64At(1));
        pos.nextOffset = positions.int64At(2);
        pos.stage = static_cast<int>(positions.int64At(3));
        pos.index = static_cast<uint16_t>(positions.int64At(4));
        info.meta.positions.push_back(std::move(pos));
    }
    return info;
}

StoredSnapshotSource::StoredSnapshotSource(Database& db, int64_t id)
    : m_chunks(db.prepare("SELECT data FROM snapshot_chunk WHERE snapshot_id = ?1 ORDER BY seq"))
{
    m_chunks.bind(1, id);
}

bool StoredSnapshotSource::read(char* data, size_t size)
{
    while (size > 0) {
        if (m_pos == m_chunk.size()) {
            if (m_done || !m_chunks.step()) {
                m_done = true;
                return false;
            }
            m_chunk = m_chunks.blobAt(0);
            m_pos = 0;
            continue;
        }
        const size_t take = std::min(size, m_chunk.size() - m_pos);
        std::memcpy(data, m_chunk.data() + m_pos, take);
        m_pos += take;
        data += take;
        size -= take;
    }
    return true;
}

RestoredEngine restoreLatestEngine(Database& db, const engine::EngineConfig& config, const std::string& source)
{
    const auto start = std::chrono::steady_clock::now();
    RestoredEngine out;
    out.info = latestEngineSnapshot(db);
    if (!out.info) {
        out.why = "the store holds no snapshot";
        return out;
    }
    if (out.info->meta.source != source) {
        out.why = "the latest snapshot was taken reading " + out.info->meta.source + "; the config now reads " + source;
        return out;
    }
    auto restored = std::make_unique<engine::JoinEngine>(config);
    StoredSnapshotSource chunks(db, out.info->id);
    if (std::string error = engine::decodeEngineState(*restored, chunks); !error.empty()) {
        out.why = "snapshot " + std::to_string(out.info->id) + " is not usable: " + error;
    } else {
        out.engine = std::move(restored);
    }
    out.loadMillis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace slatrack::store

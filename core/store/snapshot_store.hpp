#pragma once

#include "sqlite_db.hpp"

#include "core/engine/engine_snapshot.hpp"
#include "core/engine/join_engine.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::store {

// Where reading stood in one partition at the cut (ingest's
// PartitionPosition without the dependency on core/ingest).
struct StoredPosition {
    std::string topic;
    int32_t partition = 0;
    int stage = 0;
    uint16_t index = 0;      // stage-local, as the engine knows it
    int64_t nextOffset = 0;
};

struct SnapshotMeta {
    int64_t takenAtMs = 0;     // wall clock at the cut
    int64_t scopeStartMs = 0;  // the monitor's replay start: a resumed run keeps it
    std::string source;        // what was read (brokers, topics): another source cannot resume from it
    std::vector<StoredPosition> positions;
};

struct SnapshotInfo {
    int64_t id = 0;
    int64_t stateBytes = 0;
    SnapshotMeta meta;
};

// Writes one engine snapshot: the meta, the positions and the engine state
// pulled chunk by chunk from `nextChunk` (false: no more), all in one
// transaction, so a crash or kill at any point leaves the previous
// snapshot the latest complete one. Then only the newest `keep` remain.
// Returns the new snapshot's id. Throws SqliteError (disk full, ...) or
// std::runtime_error from nextChunk; either way nothing of it is kept.
//
// Test hook: SLATRACK_TEST_KILL_IN_SNAPSHOT=N makes the process kill itself
// (SIGKILL) in the middle of its N-th snapshot write, after the first chunk
// went into the open transaction.
int64_t writeEngineSnapshot(Database& db, const SnapshotMeta& meta, const std::function<bool(std::string&)>& nextChunk, int keep = 2);

// The newest complete snapshot, if any.
std::optional<SnapshotInfo> latestEngineSnapshot(Database& db);

// The state bytes of snapshot `id`, chunk after chunk (for
// engine::decodeEngineState). Threading: the connection's thread.
class StoredSnapshotSource final : public engine::SnapshotSource {
public:
    StoredSnapshotSource(Database& db, int64_t id);
    bool read(char* data, size_t size) override;

private:
    Statement m_chunks;
    std::string m_chunk;
    size_t m_pos = 0;
    bool m_done = false;
};

// Restart: the latest complete snapshot decoded into a new engine of
// `config`. No engine and `why` set when there is none or it cannot be
// used (another config, corrupt): the caller replays from Kafka and says so.
struct RestoredEngine {
    std::unique_ptr<engine::JoinEngine> engine;
    std::optional<SnapshotInfo> info;
    std::string why;        // no engine: why not
    int64_t loadMillis = 0;
};
RestoredEngine restoreLatestEngine(Database& db, const engine::EngineConfig& config, const std::string& source);

inline constexpr size_t kSnapshotChunkBytes = size_t{1} << 20;

} // namespace slatrack::store

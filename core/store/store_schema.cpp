#include "store_schema.hpp"

#include <array>
#include <string>

namespace slatrack::store {

namespace {

// Version 1: everything DESIGN.md "Store" lists. Times are Unix ms (or s
// where the column says so); blobs are versioned by their first byte, so
// their encoding can evolve without a migration.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Metric history: one row per second of event time (kept for the last
-- hour), rolled up into one row per minute (kept for the retention).
-- `data` is the mergeable bucket (counts per stage, latency histograms end
-- to end and per hop, gauges, lag).
CREATE TABLE metric_second (
    second INTEGER PRIMARY KEY,
    data   BLOB NOT NULL
);
CREATE TABLE metric_minute (
    minute INTEGER PRIMARY KEY,  -- Unix seconds / 60
    data   BLOB NOT NULL
);

-- Records evicted from memory: nothing an operator may need is dropped.
CREATE TABLE lost_record (
    rowid          INTEGER PRIMARY KEY,
    record_id      TEXT NOT NULL,  -- the ID's bytes as read (may not be UTF-8)
    t0_ms          INTEGER NOT NULL,
    last_stage     INTEGER NOT NULL,
    awaiting_stage INTEGER NOT NULL,
    topic          TEXT NOT NULL,
    partition      INTEGER NOT NULL,  -- Kafka partition of topic
    offset         INTEGER NOT NULL,
    lost_at_ms     INTEGER NOT NULL,
    reason         TEXT NOT NULL   -- window | overflow
);
CREATE INDEX lost_record_by_t0 ON lost_record (t0_ms);
CREATE INDEX lost_record_by_id ON lost_record (record_id);

CREATE TABLE rejected_sample (
    rowid  INTEGER PRIMARY KEY,
    at_ms  INTEGER NOT NULL,
    stage  INTEGER NOT NULL,
    reason TEXT NOT NULL,
    sample TEXT NOT NULL
);
CREATE INDEX rejected_sample_by_time ON rejected_sample (at_ms);

-- Engine state at one consistent cut (DESIGN.md "Consistent cut"). A
-- snapshot is usable only once `complete` is 1: it is written in one
-- transaction, so a crash mid-write leaves the previous one the latest.
CREATE TABLE snapshot (
    snapshot_id  INTEGER PRIMARY KEY,
    taken_at_ms  INTEGER NOT NULL,
    complete     INTEGER NOT NULL DEFAULT 0,
    engine_state BLOB NOT NULL
);
CREATE TABLE snapshot_position (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot (snapshot_id) ON DELETE CASCADE,
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, topic, partition)
) WITHOUT ROWID;

-- Alerting (filled by core/alerting): transitions of each rule, the page
-- outbox, silences. An incident is one firing episode of one rule; its
-- dedup_key lives here so a restart resolves the same incident.
CREATE TABLE alert_transition (
    rowid      INTEGER PRIMARY KEY,
    at_ms      INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    dedup_key  TEXT,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_transition_by_time ON alert_transition (at_ms);
CREATE TABLE incident (
    dedup_key   TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    opened_ms   INTEGER NOT NULL,
    resolved_ms INTEGER
) WITHOUT ROWID;
CREATE TABLE page_outbox (
    rowid         INTEGER PRIMARY KEY,
    created_ms    INTEGER NOT NULL,
    pager         TEXT NOT NULL,
    dedup_key     TEXT NOT NULL,
    action        TEXT NOT NULL,   -- trigger | resolve
    payload       TEXT NOT NULL,   -- never holds a secret: keys are added at send time
    state         TEXT NOT NULL,   -- queued | sent | retrying | failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_try_ms   INTEGER NOT NULL,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX page_outbox_due ON page_outbox (state, next_try_ms);
CREATE TABLE silence (
    rowid      INTEGER PRIMARY KEY,
    matcher    TEXT NOT NULL,      -- a rule name, a record ID or an ID pattern
    kind       TEXT NOT NULL,      -- rule | record_id | id_pattern
    reason     TEXT NOT NULL,
    author     TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
)sql";

// Version 2: engine snapshots in chunks. A big engine's state is 100+ MB:
// it is written as it is encoded (snapshot_chunk rows of about 1 MB, in
// the snapshot's one transaction), never held whole in memory;
// snapshot.engine_state stays empty for these. `source` names what was
// read (brokers, topics per stage): offsets of another cluster mean nothing. The positions carry the
// stage and the stage-local index the engine knows a partition by. A lost
// record is stored once (a restart from a snapshot evicts again what was
// evicted after it): duplicates of v1 are dropped before the index.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE snapshot_chunk (
    rowid       INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    data        BLOB NOT NULL
);
CREATE UNIQUE INDEX snapshot_chunk_order ON snapshot_chunk (snapshot_id, seq);
ALTER TABLE snapshot ADD COLUMN scope_start_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot ADD COLUMN state_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot ADD COLUMN format INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshot_position ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot_position ADD COLUMN part_index INTEGER NOT NULL DEFAULT 0;
DELETE FROM lost_record WHERE rowid NOT IN (SELECT min(rowid) FROM lost_record GROUP BY record_id, t0_ms, awaiting_stage);
CREATE UNIQUE INDEX lost_record_once ON lost_record (record_id, t0_ms, awaiting_stage);
)sql";

constexpr std::array kMigrations{
    Migration{1, kVersion1},
    Migration{2, kVersion2},
};

} // namespace

std::span<const Migration> migrations()
{
    return kMigrations;
}

int64_t currentSchemaVersion()
{
    return kMigrations.back().version;
}

MigrationResult migrate(Database& db)
{
    MigrationResult result;
    result.fromVersion = db.pragmaInt("user_version").value_or(0);
    result.toVersion = result.fromVersion;
    if (result.fromVersion > currentSchemaVersion()) {
        throw SchemaTooNewError(result.fromVersion, currentSchemaVersion(),
                                "the store has schema version " + std::to_string(result.fromVersion) +
                                    ", written by a newer slatrack; this one understands up to version " +
                                    std::to_string(currentSchemaVersion()) + " and will not downgrade it");
    }
    for (const Migration& migration : kMigrations) {
        if (migration.version <= result.toVersion)
            continue;
        Transaction transaction(db);
        db.exec(migration.sql);
        // user_version takes no bound parameter; the value is ours, not input.
        db.exec("PRAGMA user_version = " + std::to_string(migration.version));
        transaction.commit();
        result.toVersion = migration.version;
    }
    return result;
}

} // namespace slatrack::store

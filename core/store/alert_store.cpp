#include "alert_store.hpp"

namespace slatrack::store {

namespace {

constexpr std::string_view kPageColumns =
    "rowid, created_ms, pager, dedup_key, action, payload, state, attempts, next_try_ms, last_error";

std::string pagesWhere(std::string_view where)
{
    return "SELECT " + std::string(kPageColumns) + " FROM page_outbox " + std::string(where) + " ORDER BY rowid";
}

std::vector<StoredIncident> readIncidents(Statement& statement)
{
    std::vector<StoredIncident> out;
    statement.reset();
    while (statement.step()) {
        StoredIncident incident{statement.textAt(0), statement.textAt(1), statement.int64At(2), std::nullopt};
        if (!statement.isNullAt(3))
            incident.resolvedMs = statement.int64At(3);
        out.push_back(std::move(incident));
    }
    statement.reset();
    return out;
}

} // namespace

AlertStore::AlertStore(Database& db)
    : m_db(db),
      m_insertTransition(db.prepare(
          "INSERT INTO alert_transition (at_ms, rule, from_state, to_state, dedup_key, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
      m_openIncident(db.prepare("INSERT OR IGNORE INTO incident (dedup_key, rule, opened_ms) VALUES (?1, ?2, ?3)")),
      m_resolveIncident(db.prepare("UPDATE incident SET resolved_ms = ?2 WHERE dedup_key = ?1 AND resolved_ms IS NULL")),
      m_openIncidents(db.prepare("SELECT dedup_key, rule, opened_ms, resolved_ms FROM incident WHERE resolved_ms IS NULL ORDER BY opened_ms")),
      m_allIncidents(db.prepare("SELECT dedup_key, rule, opened_ms, resolved_ms FROM incident ORDER BY opened_ms")),
      m_insertPage(db.prepare("INSERT INTO page_outbox (created_ms, pager, dedup_key, action, payload, state, attempts, next_try_ms, "
                              "last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")),
      m_updatePage(db.prepare("UPDATE page_outbox SET state = ?2, attempts = ?3, next_try_ms = ?4, last_error = ?5 WHERE rowid = ?1")),
      m_undelivered(db.prepare(pagesWhere("WHERE state IN ('queued', 'retrying')"))),
      m_allPages(db.prepare(pagesWhere(""))),
      m_insertSilence(db.prepare(
          "INSERT INTO silence (matcher, kind, reason, author, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
      m_endSilence(db.prepare("UPDATE silence SET expires_ms = MIN(expires_ms, ?2) WHERE rowid = ?1")),
      m_silences(db.prepare("SELECT rowid, matcher, kind, reason, author, created_ms, expires_ms FROM silence ORDER BY rowid"))
{
}

void AlertStore::recordTransition(int64_t atMs, const std::string& rule, const std::string& from, const std::string& to,
                                  const std::string& dedupKey, const std::string& detail)
{
    m_insertTransition.reset();
    m_insertTransition.bind(1, atMs).bind(2, rule).bind(3, from).bind(4, to);
    if (dedupKey.empty())
        m_insertTransition.bindNull(5);
    else
        m_insertTransition.bind(5, dedupKey);
    m_insertTransition.bind(6, detail).run();
}

void AlertStore::openIncident(const std::string& dedupKey, const std::string& rule, int64_t openedMs)
{
    m_openIncident.reset();
    m_openIncident.bind(1, dedupKey).bind(2, rule).bind(3, openedMs).run();
}

void AlertStore::resolveIncident(const std::string& dedupKey, int64_t resolvedMs)
{
    m_resolveIncident.reset();
    m_resolveIncident.bind(1, dedupKey).bind(2, resolvedMs).run();
}

std::vector<StoredIncident> AlertStore::openIncidents()
{
    return readIncidents(m_openIncidents);
}

std::vector<StoredIncident> AlertStore::incidents()
{
    return readIncidents(m_allIncidents);
}

int64_t AlertStore::enqueuePage(const StoredPage& page)
{
    m_insertPage.reset();
    m_insertPage.bind(1, page.createdMs)
        .bind(2, page.pager)
        .bind(3, page.dedupKey)
        .bind(4, page.action)
        .bind(5, page.payload)
        .bind(6, page.state)
        .bind(7, page.attempts)
        .bind(8, page.nextTryMs)
        .bind(9, page.lastError)
        .run();
    Statement last = m_db.prepare("SELECT last_insert_rowid()");
    last.step();
    return last.int64At(0);
}

void AlertStore::updatePage(int64_t id, const std::string& state, int64_t attempts, int64_t nextTryMs, const std::string& lastError)
{
    m_updatePage.reset();
    m_updatePage.bind(1, id).bind(2, state).bind(3, attempts).bind(4, nextTryMs).bind(5, lastError).run();
}

StoredPage AlertStore::pageAt(const Statement& row)
{
    return StoredPage{row.int64At(0), row.int64At(1), row.textAt(2), row.textAt(3), row.textAt(4),
                      row.textAt(5),  row.textAt(6),  row.int64At(7), row.int64At(8), row.textAt(9)};
}

std::vector<StoredPage> AlertStore::undeliveredPages()
{
    std::vector<StoredPage> out;
    m_undelivered.reset();
    while (m_undelivered.step())
        out.push_back(pageAt(m_undelivered));
    m_undelivered.reset();
    return out;
}

std::vector<StoredPage> AlertStore::pages()
{
    std::vector<StoredPage> out;
    m_allPages.reset();
    while (m_allPages.step())
        out.push_back(pageAt(m_allPages));
    m_allPages.reset();
    return out;
}

int64_t AlertStore::addSilence(const StoredSilence& silence)
{
    m_insertSilence.reset();
    m_insertSilence.bind(1, silence.matcher)
        .bind(2, silence.kind)
        .bind(3, silence.reason)
        .bind(4, silence.author)
        .bind(5, silence.createdMs)
        .bind(6, silence.expiresMs)
        .run();
    Statement last = m_db.prepare("SELECT last_insert_rowid()");
    last.step();
    return last.int64At(0);
}

void AlertStore::endSilence(int64_t id, int64_t nowMs)
{
    m_endSilence.reset();
    m_endSilence.bind(1, id).bind(2, nowMs).run();
}

std::vector<StoredSilence> AlertStore::silences()
{
    std::vector<StoredSilence> out;
    m_silences.reset();
    while (m_silences.step()) {
        out.push_back(StoredSilence{m_silences.int64At(0), m_silences.textAt(1), m_silences.textAt(2), m_silences.textAt(3),
                                    m_silences.textAt(4), m_silences.int64At(5), m_silences.int64At(6)});
    }
    m_silences.reset();
    return out;
}

} // namespace slatrack::store

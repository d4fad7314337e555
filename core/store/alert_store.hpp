#pragma once

#include "sqlite_db.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::store {

// The alerting tables of schema v1 (alert_transition, incident,
// page_outbox, silence), as plain rows: core/store does not know the
// alerting types, core/alerting converts. Prepared statements only.
//
// A page row names its pager and never holds a secret: routing keys and
// webhook secrets are added by the sender at send time.
//
// Threading: the thread that owns `db` (the page outbox's thread).

struct StoredIncident {
    std::string dedupKey;
    std::string rule;
    int64_t openedMs = 0;
    std::optional<int64_t> resolvedMs;
};

struct StoredPage {
    int64_t id = 0;  // rowid
    int64_t createdMs = 0;
    std::string pager;
    std::string dedupKey;
    std::string action;   // trigger | resolve
    std::string payload;
    std::string state;    // queued | sent | retrying | failed
    int64_t attempts = 0;
    int64_t nextTryMs = 0;
    std::string lastError;
};

struct StoredSilence {
    int64_t id = 0;
    std::string matcher;
    std::string kind;     // rule | record_id | id_pattern
    std::string reason;
    std::string author;
    int64_t createdMs = 0;
    int64_t expiresMs = 0;
};

class AlertStore {
public:
    explicit AlertStore(Database& db);

    void recordTransition(int64_t atMs, const std::string& rule, const std::string& from, const std::string& to,
                          const std::string& dedupKey, const std::string& detail);
    // Idempotent: opening a key already stored keeps the first row.
    void openIncident(const std::string& dedupKey, const std::string& rule, int64_t openedMs);
    void resolveIncident(const std::string& dedupKey, int64_t resolvedMs);
    std::vector<StoredIncident> openIncidents();
    std::vector<StoredIncident> incidents();

    // Returns the new row's id.
    int64_t enqueuePage(const StoredPage& page);
    void updatePage(int64_t id, const std::string& state, int64_t attempts, int64_t nextTryMs, const std::string& lastError);
    // queued or retrying, oldest first: what a restart must still send.
    std::vector<StoredPage> undeliveredPages();
    std::vector<StoredPage> pages();

    int64_t addSilence(const StoredSilence& silence);
    // Ends a silence now (expires_ms = nowMs), keeping it as history.
    void endSilence(int64_t id, int64_t nowMs);
    std::vector<StoredSilence> silences();

private:
    static StoredPage pageAt(const Statement& row);

    Database& m_db;
    Statement m_insertTransition;
    Statement m_openIncident;
    Statement m_resolveIncident;
    Statement m_openIncidents;
    Statement m_allIncidents;
    Statement m_insertPage;
    Statement m_updatePage;
    Statement m_undelivered;
    Statement m_allPages;
    Statement m_insertSilence;
    Statement m_endSilence;
    Statement m_silences;
};

} // namespace slatrack::store

#pragma once

#include "alert_events.hpp"
#include "delivery_policy.hpp"
#include "silence.hpp"

#include "core/config/alerts_config.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class QThread;

// The persistent page outbox (DESIGN.md "Alerting"): every evaluation's
// transitions, incidents and pages are written to the store's alerting
// tables, then each page is POSTed to its pager from this outbox's own
// thread and event loop:
//   2xx (PagerDuty: 202) -> sent
//   400 and other 4xx    -> failed, never retried, the answer kept as the error
//   429, 408, 5xx, no answer -> retrying: exponential backoff with jitter,
//                           never sooner than Retry-After
//   at most ~120 sends a minute per pager (PagerDuty's per-routing-key limit)
//   a page waits while an earlier page of the same incident to the same
//   pager is undelivered, so a resolve never overtakes its trigger
//   pages still queued or retrying in the store are sent after a restart.
// Delivery is at least once: a page in flight when the process dies is
// sent again (PagerDuty folds it into the same incident by dedup_key).
//
// The store file is opened with a connection of this thread (SQLite WAL
// lets it write beside the StoreWriter; busy_timeout serialises the two).
// Rows hold the pager's name, never its routing key or secret: those are
// taken from the config at send time. While the store cannot be opened the
// outbox keeps pages in memory and still sends them ("fail open").
//
// Threading: the public functions from any thread; start()/stop() from the owner.
namespace slatrack::alerting {

struct OutboxOptions {
    std::filesystem::path storePath;  // empty: memory only
    std::vector<config::PagerConfig> pagers;
    BackoffPolicy backoff;
    size_t ratePerPeriod = 120;
    int64_t ratePeriodMs = 60'000;
    int64_t requestTimeoutMs = 10'000;
    int64_t pumpIntervalMs = 100;
    std::function<void(const std::string&)> log;  // the outbox thread; never given a secret
    std::function<int64_t()> clockMs;             // wall clock; default the system's
};

struct OutboxEntry {
    int64_t id = 0;  // store rowid; negative while only in memory
    int64_t createdMs = 0;
    std::string pager;
    std::string dedupKey;
    std::string action;  // trigger | resolve
    std::string state;   // queued | sent | retrying | failed
    int64_t attempts = 0;
    int64_t nextTryMs = 0;
    std::string lastError;
    int lastHttpStatus = 0;
    std::string payload;  // empty in entries(): the store has it
};

// What a restart reads back before the first evaluation (blocking; call at
// startup, off the UI thread).
struct AlertReadBack {
    std::vector<IncidentRecord> openIncidents;
    std::vector<Silence> silences;
    std::string error;  // empty: read (a missing file reads as empty)
};
AlertReadBack readAlertState(const std::filesystem::path& storePath);

class PageOutbox {
public:
    explicit PageOutbox(OutboxOptions options);
    ~PageOutbox();
    PageOutbox(const PageOutbox&) = delete;
    PageOutbox& operator=(const PageOutbox&) = delete;

    void start();
    // Stops sending; pages not yet sent stay in the store for the next start.
    void stop();

    // After start(); an update submitted before is dropped.
    void submit(AlertUpdate update);
    // Stored with the id the store gives it; the caller keeps the evaluator's list.
    void addSilence(Silence silence);

    std::vector<OutboxEntry> entries() const;  // oldest first
    std::string storeError() const;           // empty while the store is written

private:
    class Worker;
    OutboxOptions m_options;
    std::unique_ptr<QThread> m_thread;
    // Lives on m_thread. Guarded: submit() runs on the engine thread while
    // the owner may be stopping the outbox.
    std::mutex m_workerMutex;
    Worker* m_worker = nullptr;

    struct Published {
        std::vector<OutboxEntry> entries;
        std::string storeError;
    };
    mutable std::mutex m_mutex;
    std::shared_ptr<Published> m_published;
};

} // namespace slatrack::alerting

#include "page_outbox.hpp"

#include "page_payload.hpp"
#include "page_sender.hpp"

#include "core/store/alert_store.hpp"
#include "core/store/sqlite_db.hpp"
#include "core/store/store_schema.hpp"

#include <QDateTime>
#include <QObject>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <exception>
#include <optional>
#include <set>

namespace slatrack::alerting {

namespace {

constexpr int64_t kStoreRetryMs = 5000;
// Finished entries kept for the status (the store keeps them all).
constexpr size_t kKeepFinished = 500;

bool undelivered(const OutboxEntry& entry)
{
    return entry.state == "queued" || entry.state == "retrying";
}

// Critical is the most severe; a pager with min_severity warning takes
// critical, error and warning.
bool pagerTakes(const config::PagerConfig& pager, config::Severity severity)
{
    return static_cast<int>(severity) <= static_cast<int>(pager.minSeverity);
}

std::unique_ptr<store::Database> openAlertDatabase(const std::filesystem::path& path, store::Database::Mode mode)
{
    auto db = std::make_unique<store::Database>(path.string(), mode);
    if (mode == store::Database::Mode::ReadWriteCreate) {
        // The StoreWriter normally created the file; alone (test-page, a
        // store helper not yet started) the outbox brings it to the schema.
        if (db->pragmaInt("user_version").value_or(0) < store::currentSchemaVersion())
            store::migrate(*db);
        store::Statement journal = db->prepare("PRAGMA journal_mode = WAL");
        journal.step();
    }
    return db;
}

} // namespace

AlertReadBack readAlertState(const std::filesystem::path& storePath)
{
    AlertReadBack out;
    std::error_code error;
    if (storePath.empty() || !std::filesystem::exists(storePath, error))
        return out;
    try {
        auto db = openAlertDatabase(storePath, store::Database::Mode::ReadOnly);
        if (db->pragmaInt("user_version").value_or(0) < 1)
            return out;
        store::AlertStore alerts(*db);
        for (const store::StoredIncident& incident : alerts.openIncidents())
            out.openIncidents.push_back({incident.dedupKey, incident.rule, incident.openedMs});
        for (const store::StoredSilence& stored : alerts.silences()) {
            const std::optional<Silence::Kind> kind = silenceKindFromName(stored.kind);
            if (!kind)
                continue;
            out.silences.push_back(Silence{stored.id, *kind, stored.matcher, stored.reason, stored.author, stored.createdMs, stored.expiresMs});
        }
    } catch (const std::exception& failure) {
        out.error = "reading the alert state from " + storePath.string() + ": " + failure.what();
    }
    return out;
}

// Lives on the outbox thread: every member is touched there only.
class PageOutbox::Worker : public QObject {
public:
    Worker(const OutboxOptions& options, PageOutbox& owner) : m_options(options), m_owner(owner), m_limiter(options.ratePerPeriod, options.ratePeriodMs) {}

    void init()
    {
        m_sender = std::make_unique<PageSender>(this, m_options.requestTimeoutMs);
        m_timer = new QTimer(this);
        QObject::connect(m_timer, &QTimer::timeout, this, [this] { pump(); });
        m_timer->start(static_cast<int>(m_options.pumpIntervalMs));
        ensureStore();
        publish();
    }

    void shutdown()
    {
        if (m_timer)
            m_timer->stop();
        if (m_sender)
            m_sender->abortAll();
        m_sender.reset();
        m_alerts.reset();
        m_db.reset();
    }

    void apply(const AlertUpdate& update)
    {
        const int64_t now = nowMs();
        std::vector<OutboxEntry> added;
        for (const PageEvent& page : update.pages) {
            for (const config::PagerConfig& pager : m_options.pagers) {
                if (!pagerTakes(pager, page.severity))
                    continue;
                OutboxEntry entry;
                entry.id = --m_memoryIds;
                entry.createdMs = now;
                entry.pager = pager.name;
                entry.dedupKey = page.dedupKey;
                entry.action = pageActionName(page.action);
                entry.state = "queued";
                entry.nextTryMs = now;
                entry.payload = payloadFor(pager.kind, page);
                added.push_back(std::move(entry));
            }
        }
        if (ensureStore()) {
            try {
                store::Transaction transaction(*m_db);
                for (const TransitionRecord& record : update.transitions)
                    m_alerts->recordTransition(record.atMs, record.rule, alertStateName(record.from), alertStateName(record.to),
                                               record.dedupKey, record.detail);
                for (const IncidentRecord& incident : update.opened)
                    m_alerts->openIncident(incident.dedupKey, incident.rule, incident.openedMs);
                for (const auto& [key, at] : update.resolved)
                    m_alerts->resolveIncident(key, at);
                for (OutboxEntry& entry : added)
                    entry.id = m_alerts->enqueuePage(toStored(entry));
                transaction.commit();
            } catch (const std::exception& failure) {
                // Rolled back: the pages still go out from memory.
                for (OutboxEntry& entry : added)
                    entry.id = --m_memoryIds;
                storeFailed(std::string("writing alerts: ") + failure.what());
            }
        }
        for (OutboxEntry& entry : added) {
            log("page " + std::to_string(entry.id) + " " + entry.action + " " + entry.dedupKey + " to " + entry.pager + ": queued");
            m_entries.push_back(std::move(entry));
        }
        pump();
    }

    void addSilence(const Silence& silence)
    {
        if (!ensureStore()) {
            log("silence of " + silence.matcher + " not stored: " + m_storeError);
            return;
        }
        try {
            m_alerts->addSilence({0, silence.matcher, silenceKindName(silence.kind), silence.reason, silence.author, silence.createdMs,
                                  silence.expiresMs});
        } catch (const std::exception& failure) {
            storeFailed(std::string("writing a silence: ") + failure.what());
        }
    }

private:
    int64_t nowMs() const { return m_options.clockMs ? m_options.clockMs() : QDateTime::currentMSecsSinceEpoch(); }

    void log(const std::string& line) const
    {
        if (m_options.log)
            m_options.log(line);
    }

    static store::StoredPage toStored(const OutboxEntry& entry)
    {
        return {0, entry.createdMs, entry.pager, entry.dedupKey, entry.action, entry.payload, entry.state, entry.attempts, entry.nextTryMs,
                entry.lastError};
    }

    void storeFailed(const std::string& error)
    {
        m_storeError = error;
        m_alerts.reset();
        m_db.reset();
        m_nextStoreTryMs = nowMs() + kStoreRetryMs;
        log("alert store: " + error + "; pages are kept in memory and still sent");
    }

    bool ensureStore()
    {
        if (m_options.storePath.empty())
            return false;
        if (m_alerts)
            return true;
        if (nowMs() < m_nextStoreTryMs)
            return false;
        try {
            m_db = openAlertDatabase(m_options.storePath, store::Database::Mode::ReadWriteCreate);
            m_alerts = std::make_unique<store::AlertStore>(*m_db);
            if (!m_loaded) {
                // A restart: what the last run did not deliver goes first.
                for (const store::StoredPage& page : m_alerts->undeliveredPages()) {
                    m_entries.push_back(OutboxEntry{page.id, page.createdMs, page.pager, page.dedupKey, page.action, page.state, page.attempts,
                                                    page.nextTryMs, page.lastError, 0, page.payload});
                    log("page " + std::to_string(page.id) + " " + page.action + " " + page.dedupKey + " to " + page.pager +
                        ": still " + page.state + " from the last run");
                }
                m_loaded = true;
            }
            // Pages that went out from memory while the store was failing.
            for (OutboxEntry& entry : m_entries) {
                if (entry.id < 0)
                    entry.id = m_alerts->enqueuePage(toStored(entry));
            }
            m_storeError.clear();
            return true;
        } catch (const std::exception& failure) {
            storeFailed(std::string("opening ") + m_options.storePath.string() + ": " + failure.what());
            return false;
        }
    }

    void persist(const OutboxEntry& entry)
    {
        if (entry.id < 0 || !ensureStore())
            return;
        try {
            m_alerts->updatePage(entry.id, entry.state, entry.attempts, entry.nextTryMs, entry.lastError);
        } catch (const std::exception& failure) {
            storeFailed(std::string("updating page ") + std::to_string(entry.id) + ": " + failure.what());
        }
    }

    // PagerDuty limits events per routing key, not per pager entry: two
    // pagers of one config (e.g. "critical" and "everything") that share a
    // key share its budget. The key stays in this thread's memory, inside
    // a map the limiter never prints.
    static std::string rateKey(const config::PagerConfig& pager)
    {
        if (pager.kind == config::PagerKind::PagerDuty && pager.secret)
            return pager.url + '\n' + pager.secret->reveal();
        return "pager:" + pager.name;
    }

    const config::PagerConfig* pager(const std::string& name) const
    {
        for (const config::PagerConfig& candidate : m_options.pagers) {
            if (candidate.name == name)
                return &candidate;
        }
        return nullptr;
    }

    // An earlier undelivered page of the same incident to the same pager.
    bool waitsForEarlier(size_t index) const
    {
        for (size_t earlier = 0; earlier < index; ++earlier) {
            const OutboxEntry& other = m_entries[earlier];
            if (other.pager == m_entries[index].pager && other.dedupKey == m_entries[index].dedupKey && undelivered(other))
                return true;
        }
        return false;
    }

    void finish(OutboxEntry& entry, const std::string& state, const std::string& error)
    {
        entry.state = state;
        entry.lastError = error;
        persist(entry);
        log("page " + std::to_string(entry.id) + " " + entry.action + " " + entry.dedupKey + " to " + entry.pager + ": " + state +
            (error.empty() ? "" : " (" + error + ")"));
    }

    void pump()
    {
        if (!m_sender)
            return;
        if (!m_storeError.empty())
            ensureStore();
        const int64_t now = nowMs();
        for (size_t index = 0; index < m_entries.size(); ++index) {
            OutboxEntry& entry = m_entries[index];
            if (!undelivered(entry) || entry.nextTryMs > now || m_inFlight.count(entry.id) > 0 || waitsForEarlier(index))
                continue;
            const config::PagerConfig* target = pager(entry.pager);
            if (target == nullptr) {
                finish(entry, "failed", "pager \"" + entry.pager + "\" is not configured any more");
                continue;
            }
            const PreparedRequest request = preparePageRequest(*target, entry.payload);
            if (!request.error.empty()) {
                finish(entry, "failed", request.error);
                continue;
            }
            if (const int64_t wait = m_limiter.acquire(rateKey(*target), now); wait > 0) {
                entry.nextTryMs = now + wait;  // not persisted: a restart starts a new window
                continue;
            }
            m_inFlight.insert(entry.id);
            const int64_t id = entry.id;
            m_sender->send(request, [this, id](HttpOutcome outcome) { answered(id, std::move(outcome)); });
        }
        publish();
    }

    void answered(int64_t id, HttpOutcome outcome)
    {
        m_inFlight.erase(id);
        auto found = std::find_if(m_entries.begin(), m_entries.end(), [&](const OutboxEntry& entry) { return entry.id == id; });
        if (found == m_entries.end())
            return;
        OutboxEntry& entry = *found;
        ++entry.attempts;
        entry.lastHttpStatus = outcome.httpStatus;
        std::string error = outcome.httpStatus == 0 ? outcome.networkError
                                                    : "HTTP " + std::to_string(outcome.httpStatus) + (outcome.body.empty() ? "" : ": " + outcome.body);
        // Every pager's secret, not only this one's: an answer (or a proxy's
        // error page) must never carry any key into the store or the log.
        for (const config::PagerConfig& anyPager : m_options.pagers)
            error = scrubSecret(anyPager, std::move(error));
        switch (classify(outcome)) {
        case DeliveryVerdict::Sent:
            finish(entry, "sent", "");
            break;
        case DeliveryVerdict::Failed:
            finish(entry, "failed", error);
            break;
        case DeliveryVerdict::Retry: {
            const int64_t delay = retryDelayMs(m_options.backoff, entry.attempts, QRandomGenerator::global()->generateDouble(), outcome.retryAfterMs);
            entry.nextTryMs = nowMs() + delay;
            finish(entry, "retrying", error + ", attempt " + std::to_string(entry.attempts) + ", next in " + std::to_string(delay) + " ms");
            break;
        }
        }
        prune();
        publish();
        pump();
    }

    void prune()
    {
        size_t finished = static_cast<size_t>(std::count_if(m_entries.begin(), m_entries.end(), [](const OutboxEntry& e) { return !undelivered(e); }));
        for (auto it = m_entries.begin(); finished > kKeepFinished && it != m_entries.end();) {
            if (!undelivered(*it)) {
                it = m_entries.erase(it);
                --finished;
            } else {
                ++it;
            }
        }
    }

    void publish()
    {
        auto published = std::make_shared<Published>();
        // Without payloads: up to 500 entries of up to 512 KB each would be
        // copied on every pump for a status nobody reads them from.
        published->entries.reserve(m_entries.size());
        for (const OutboxEntry& entry : m_entries) {
            published->entries.push_back(OutboxEntry{entry.id, entry.createdMs, entry.pager, entry.dedupKey, entry.action, entry.state,
                                                     entry.attempts, entry.nextTryMs, entry.lastError, entry.lastHttpStatus, {}});
        }
        published->storeError = m_storeError;
        std::lock_guard lock(m_owner.m_mutex);
        m_owner.m_published = std::move(published);
    }

    const OutboxOptions& m_options;
    PageOutbox& m_owner;
    SendRateLimiter m_limiter;
    std::unique_ptr<PageSender> m_sender;
    QTimer* m_timer = nullptr;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::AlertStore> m_alerts;
    std::string m_storeError;
    int64_t m_nextStoreTryMs = 0;
    bool m_loaded = false;
    int64_t m_memoryIds = 0;
    std::vector<OutboxEntry> m_entries;
    std::set<int64_t> m_inFlight;
};

PageOutbox::PageOutbox(OutboxOptions options) : m_options(std::move(options)), m_published(std::make_shared<Published>()) {}

PageOutbox::~PageOutbox()
{
    stop();
}

void PageOutbox::start()
{
    if (m_thread)
        return;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("page-outbox"));
    auto* worker = new Worker(m_options, *this);
    worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start();
    QMetaObject::invokeMethod(worker, [worker] { worker->init(); }, Qt::QueuedConnection);
    std::lock_guard lock(m_workerMutex);
    m_worker = worker;
}

void PageOutbox::stop()
{
    if (!m_thread)
        return;
    Worker* worker = nullptr;
    {
        // From here on submit() and addSilence() post nothing: what they
        // posted before is queued ahead of the shutdown, so it is written.
        std::lock_guard lock(m_workerMutex);
        worker = m_worker;
        m_worker = nullptr;
    }
    QMetaObject::invokeMethod(worker, [worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
    // The worker is deleted on its own thread as that thread finishes
    // (deleteLater, connected in start()), with its timer and replies.
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

void PageOutbox::submit(AlertUpdate update)
{
    std::lock_guard lock(m_workerMutex);
    if (!m_worker || update.empty())
        return;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, update = std::move(update)] { worker->apply(update); }, Qt::QueuedConnection);
}

void PageOutbox::addSilence(Silence silence)
{
    std::lock_guard lock(m_workerMutex);
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, silence = std::move(silence)] { worker->addSilence(silence); }, Qt::QueuedConnection);
}

std::vector<OutboxEntry> PageOutbox::entries() const
{
    std::lock_guard lock(m_mutex);
    return m_published->entries;
}

std::string PageOutbox::storeError() const
{
    std::lock_guard lock(m_mutex);
    return m_published->storeError;
}

} // namespace slatrack::alerting

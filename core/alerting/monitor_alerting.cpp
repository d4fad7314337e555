#include "monitor_alerting.hpp"

#include <QDateTime>

#include <mutex>

namespace slatrack::alerting {

struct MonitorAlerting::Shared {
    std::mutex mutex;
    std::shared_ptr<AlertingService> service;
    std::string where;
};

MonitorAlerting::MonitorAlerting(std::function<void(const std::string&)> log) : m_shared(std::make_shared<Shared>()), m_log(std::move(log)) {}

MonitorAlerting::~MonitorAlerting()
{
    detach();
}

std::function<void(monitor::SnapshotPtr)> MonitorAlerting::snapshotHook(std::function<void(monitor::SnapshotPtr)> next)
{
    // The closure holds the shared state, not `this`: the Monitor may
    // publish a last snapshot while its owner is being torn down.
    return [shared = m_shared, next = std::move(next)](monitor::SnapshotPtr snapshot) {
        std::shared_ptr<AlertingService> service;
        {
            std::lock_guard lock(shared->mutex);
            service = shared->service;
        }
        if (service && snapshot)
            service->onSnapshot(*snapshot, {}, snapshot->takenAtMs);
        if (next)
            next(std::move(snapshot));
    };
}

std::filesystem::path outboxStorePath(const std::optional<monitor::StoreSummary>& store, std::string* why)
{
    if (!store || !store->enabled) {
        *why = "no store (--store none): pages are kept in memory only";
        return {};
    }
    // Only a store this process opened may be written: "in_use" is another
    // slatrack's file, "refused" another pipeline's, "unavailable" broken.
    if (store->state != "ok" && store->state != "opening") {
        *why = "store " + store->state + (store->error.empty() ? "" : ": " + store->error) + ": pages are kept in memory only";
        return {};
    }
    why->clear();
    return store->path;
}

monitor::StuckSilencer stuckSilencerFor(const std::vector<Silence>& silences, int64_t nowMs)
{
    std::vector<Silence> records = recordSilences(silences, nowMs);
    if (records.empty())
        return {};
    // Expiry is checked at each call, so a silence that runs out brings its
    // records back on the next snapshot without anyone telling the monitor.
    return [records = std::move(records)](std::string_view id, int64_t atMs) { return recordSilenced(records, id, atMs); };
}

std::string MonitorAlerting::attach(const config::PipelineConfig& config, monitor::Monitor& monitor, std::string host, OutboxOptions tuning)
{
    detach();
    std::string why;
    const std::filesystem::path path = outboxStorePath(monitor.storeSummary(), &why);
    auto service = std::make_shared<AlertingService>(config, path, std::move(host), m_log, std::move(tuning));
    monitor::Monitor* watched = &monitor;
    service->setSilencesListener([watched](const std::vector<Silence>& silences) {
        watched->setStuckSilencer(stuckSilencerFor(silences, QDateTime::currentMSecsSinceEpoch()));
    });
    std::string error = service->start();
    const std::string where = path.empty() ? why : "pages kept in " + path.string();
    if (m_log) {
        m_log("alerting: " + std::to_string(config.alerts.rules.size()) + " rules" + (config.alerts.rulesAreDefaults ? " (defaults from the SLA)" : "") +
              ", " + std::to_string(config.alerts.pagers.size()) + " pagers; " + where);
        if (!error.empty())
            m_log("alerting: could not read back open incidents and silences: " + error);
    }
    std::lock_guard lock(m_shared->mutex);
    m_shared->service = std::move(service);
    m_shared->where = where;
    return error;
}

void MonitorAlerting::detach()
{
    std::shared_ptr<AlertingService> service;
    {
        std::lock_guard lock(m_shared->mutex);
        service = std::move(m_shared->service);
        m_shared->service.reset();
    }
    if (service) {
        service->setSilencesListener({});
        service->stop();
    }
}

std::shared_ptr<AlertingService> MonitorAlerting::service() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->service;
}

std::string MonitorAlerting::outboxWhere() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->where;
}

} // namespace slatrack::alerting

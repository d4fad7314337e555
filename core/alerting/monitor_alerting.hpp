#pragma once

#include "alerting_service.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

// Connects a Monitor's published snapshots to the AlertingService, the same
// way for the headless agent and the GUI, so both judge and page alike:
//
//   MonitorAlerting alerting(log);
//   options.onSnapshot = alerting.snapshotHook(next);   // before the Monitor is made
//   monitor.start();                                     // restores the store, takes its lock
//   alerting.attach(config, monitor, host);
//
// Why attach after start(): the outbox writes the same SQLite file as the
// monitor's store, and only once start() has run is it known whether this
// process holds that store (a second slatrack on it is refused). If it does
// not (in use, unavailable, --store none) the outbox keeps pages in memory
// and still sends them; attach() says so. Snapshots published before
// attach() are not evaluated: the next one (250 ms later) is.
//
// Threading: the hook runs on the engine thread (evaluation is a few rules,
// no I/O); attach()/detach() from the owner; service() from any thread.
namespace slatrack::alerting {

class MonitorAlerting {
public:
    explicit MonitorAlerting(std::function<void(const std::string&)> log);
    ~MonitorAlerting();
    MonitorAlerting(const MonitorAlerting&) = delete;
    MonitorAlerting& operator=(const MonitorAlerting&) = delete;

    // For MonitorOptions::onSnapshot: evaluates every snapshot (once
    // attached), then hands it to `next` (may be empty).
    std::function<void(monitor::SnapshotPtr)> snapshotHook(std::function<void(monitor::SnapshotPtr)> next);

    // Blocking (reads the store's open incidents and silences): not on a UI
    // thread. Returns what went wrong reading them back, empty when fine.
    // The monitor's stuck counts leave out the records silenced by ID or
    // pattern from then on (Monitor::setStuckSilencer); `monitor` must
    // outlive detach().
    std::string attach(const config::PipelineConfig& config, monitor::Monitor& monitor, std::string host, OutboxOptions tuning = {});
    void detach();

    std::shared_ptr<AlertingService> service() const;
    // Where pages are kept: the store's file, or why only in memory.
    std::string outboxWhere() const;

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;
    std::function<void(const std::string&)> m_log;
};

// The outbox's file: the monitor's store when this process holds it.
// Otherwise empty, with `why` set ("store in use by pid 123: ...").
std::filesystem::path outboxStorePath(const std::optional<monitor::StoreSummary>& store, std::string* why);
// The monitor's predicate for these silences: none when no record silence is in force.
monitor::StuckSilencer stuckSilencerFor(const std::vector<Silence>& silences, int64_t nowMs);

} // namespace slatrack::alerting

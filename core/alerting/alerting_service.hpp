#pragma once

#include "alert_evaluator.hpp"
#include "page_outbox.hpp"
#include "rule_measure.hpp"
#include "silence.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

// The evaluator and the outbox together, as the wiring (headless, GUI) is
// meant to use them once the store is wired into the Monitor:
//   AlertingService alerts(config, storePath, host, log);
//   alerts.start();                              // reads back open incidents, silences
//   monitor.onSnapshot -> alerts.onSnapshot(*snapshot, context);
//   status line: alerts.statusJson(now)
//
// Threading: onSnapshot() from one thread at a time (the engine thread or
// the snapshot callback); statusJson() and addSilence() from any thread.
// Evaluation is cheap (a few rules per snapshot) and does no I/O: the
// outbox's thread writes the store and sends.
namespace slatrack::alerting {

class AlertingService {
public:
    AlertingService(const config::PipelineConfig& config, std::filesystem::path storePath, std::string host,
                    std::function<void(const std::string&)> log, OutboxOptions tuning = {});
    ~AlertingService();

    // Blocking read of the store's open incidents and silences, then the
    // outbox starts (it sends what the last run left undelivered).
    // Returns the read-back error, empty when fine (a missing file is fine).
    std::string start();
    void stop();

    void onSnapshot(const monitor::MonitorSnapshot& snapshot, const AlertContext& context, int64_t nowMs);
    void addSilence(Silence silence);
    // Called (on the caller's thread of start()/addSilence()) with every
    // silence list in force, so the monitor can take silenced records out
    // of its stuck counts (Monitor::setStuckSilencer).
    void setSilencesListener(std::function<void(const std::vector<Silence>&)> listener);
    std::vector<Silence> silences() const;

    nlohmann::ordered_json statusJson(int64_t nowMs) const;
    std::vector<RuleStatus> rules() const;
    std::vector<OutboxEntry> pages() const { return m_outbox.entries(); }  // oldest first
    AlertState worstState() const;

private:
    void notifySilences();

    std::filesystem::path m_storePath;
    mutable std::mutex m_mutex;  // the evaluator
    AlertEvaluator m_evaluator;
    PageOutbox m_outbox;
    std::function<void(const std::vector<Silence>&)> m_silencesListener;  // guarded by m_mutex
};

} // namespace slatrack::alerting

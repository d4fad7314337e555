#pragma once

#include "alert_state.hpp"
#include "silence.hpp"

#include "core/config/alerts_config.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// What one rule sees in one snapshot: breached, fine, or can't judge (and
// why). The judgement the UI's tiles make today (ui/kpi_values, ui/verdict)
// in one place in core, so the UI, the headless status and the pages can
// agree once they all read it. Plain C++; the evaluator's thread.
namespace slatrack::alerting {

// Overrides of what the snapshot says, for wiring that knows better (or
// tests): when a field is nullopt the rule reads the snapshot
// (MonitorSnapshot::store, MonitorSnapshot::pipelineLag).
struct AlertContext {
    // The store's state (StoreWriter::status()); nullopt: snapshot.store.
    struct Store {
        bool failing = false;
        std::string error;
        int64_t failingSinceMs = 0;
    };
    std::optional<Store> store;
    // Per stage: the pipeline's consumer-group lag in messages, -1 when not
    // measured for that stage. nullopt: snapshot.pipelineLag.
    std::optional<std::vector<int64_t>> consumerLag;
};

struct Measurement {
    Verdict verdict = Verdict::CantJudge;
    double value = 0;        // in the rule's unit: ms, records, records/s, messages
    std::string text;        // the numbers: "p99 41.2 s > SLA 30 s on orders"
    std::string why;         // CantJudge: "processed blind: no answer from broker 1 for 6 s"
    std::string component;   // the stage it is about, or "pipeline"
};

// Counts that only grow (lost, orphans) judged over a look-back: the
// increase between the oldest sample inside `over` and now. After a restart
// the first sample is the baseline, so old losses do not page again.
class IncreaseWindow {
public:
    // Returns the increase over the last `overMs` including this sample.
    uint64_t add(int64_t atMs, uint64_t total, int64_t overMs);

private:
    std::deque<std::pair<int64_t, uint64_t>> m_samples;
};

struct MeasureInputs {
    const monitor::MonitorSnapshot* snapshot = nullptr;
    const AlertContext* context = nullptr;
    const std::vector<Silence>* silences = nullptr;
    int64_t nowMs = 0;
    uint64_t increase = 0;  // Lost, Orphans: from the rule's IncreaseWindow
};

Measurement measureRule(const config::AlertRuleConfig& rule, const MeasureInputs& inputs);

// The stuck records that remain once silenced IDs are taken out (oldest
// first, as in the snapshot), and how many of the sample were silenced.
struct StuckView {
    std::vector<const engine::StuckRecord*> records;
    uint64_t silencedInSample = 0;
};
StuckView unsilencedStuck(const monitor::MonitorSnapshot& snapshot, const std::vector<Silence>& silences, int64_t nowMs);

// "41.2 s", "850 ms", "2.5 min": three significant digits, as the tiles write it.
std::string latencyWords(int64_t ms);

} // namespace slatrack::alerting

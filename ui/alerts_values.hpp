#pragma once

#include "kpi_values.hpp"

#include "core/alerting/alert_evaluator.hpp"
#include "core/alerting/alerting_service.hpp"
#include "core/alerting/page_outbox.hpp"

#include <vector>

namespace slatrack::ui {

// What the Alerts tile shows: the worst rule state the core evaluator holds
// (the same states the headless status line and the pages carry), never a
// judgement of its own. Firing is red, pending and recovering amber,
// can't judge grey with its reason, normal green; a page that could not be
// delivered turns the tile amber at least, since a page nobody receives is
// an alert that did not happen.
//
// Pure: any thread.
struct AlertsView {
    bool running = false;       // alerting attached to the monitor
    QString notRunningWhy;      // !running: why ("starting", "no monitor")
    std::vector<alerting::RuleStatus> rules;
    alerting::AlertState worst = alerting::AlertState::Normal;
    std::vector<alerting::OutboxEntry> pages;
    size_t pagers = 0;          // configured pagers
};

KpiValue alertsTileValue(const AlertsView& view);
// The service's in-memory state (null service: not running, `why`).
AlertsView alertsViewOf(const alerting::AlertingService* service, size_t pagers, const QString& why);

// "firing", "can't judge", ... as the operator reads them.
QString alertStateWords(alerting::AlertState state);
Tone alertStateTone(alerting::AlertState state);

} // namespace slatrack::ui

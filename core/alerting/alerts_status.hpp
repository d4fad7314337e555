#pragma once

#include "alert_evaluator.hpp"
#include "page_outbox.hpp"
#include "rule_measure.hpp"

#include "core/store/store_writer.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

// The alerts as the headless status line and the GUI's alerts tile and
// panel are to show them (issue #11: "status of every page ... in the
// headless status"): every rule's state with its numbers or why it cannot
// judge, and each page's delivery (queued, sent, retrying, failed + reason).
// Page payloads are left out; errors were scrubbed of secrets by the outbox.
//
// Pure functions; any thread.
namespace slatrack::alerting {

// At most `maxPages` pages are listed, undelivered first, then the newest.
nlohmann::ordered_json alertsStatusJson(const std::vector<RuleStatus>& rules, AlertState worst, const std::vector<OutboxEntry>& pages,
                                        const std::string& outboxStoreError, int64_t nowMs, size_t maxPages = 20);

// The store_failing rule's input from the StoreWriter's status: failing
// while it cannot open or write the file (unavailable, in use, refused).
AlertContext::Store storeHealthFrom(const store::StoreWriterStatus& status);

} // namespace slatrack::alerting

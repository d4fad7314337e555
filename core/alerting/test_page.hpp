#pragma once

#include "delivery_policy.hpp"

#include "core/config/pipeline_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

// `slatrack test-page`: one trigger and its resolve to every configured
// pager (or the one named), straight over HTTP (not through the outbox or
// the store), so an operator sees at once whether the URL, the routing key
// and the network work, and what the pager answered.
//
// Threading: blocks the calling thread on a local event loop; needs a
// QCoreApplication. Not for the UI thread.
namespace slatrack::alerting {

struct TestPageResult {
    std::string pager;
    std::string action;    // trigger | resolve
    std::string dedupKey;
    HttpOutcome outcome;
    DeliveryVerdict verdict = DeliveryVerdict::Failed;
    std::string error;     // the request could not be built
};

std::vector<TestPageResult> sendTestPages(const config::PipelineConfig& config, const std::string& onlyPager, const std::string& host,
                                          int64_t nowMs, int64_t timeoutMs);

// "pd: trigger -> HTTP 202 sent: {...}", secrets scrubbed.
std::string describeTestPage(const config::PipelineConfig& config, const TestPageResult& result);

} // namespace slatrack::alerting

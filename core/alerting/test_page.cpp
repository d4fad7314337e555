#include "test_page.hpp"

#include "alert_events.hpp"
#include "page_payload.hpp"
#include "page_sender.hpp"

#include <QEventLoop>
#include <QObject>

namespace slatrack::alerting {

namespace {

PageEvent testEvent(const config::PipelineConfig& config, PageEvent::Action action, const std::string& key, const std::string& host,
                    int64_t nowMs)
{
    PageEvent event;
    event.action = action;
    event.dedupKey = key;
    event.rule = "test_page";
    event.ruleKind = "test";
    event.severity = config::Severity::Info;
    event.summary = "slatrack test page for " + config.pipeline + " from " + host + ": no action needed, a resolve follows";
    event.pipeline = config.pipeline;
    event.component = "slatrack";
    event.source = host;
    event.timestampMs = nowMs;
    event.fromMs = nowMs - config.alerts.linkLeadIn.count();
    event.toMs = nowMs;
    event.details = {{"test", true}, {"sla_ms", config.sla.count()}};
    return event;
}

const char* verdictName(DeliveryVerdict verdict)
{
    switch (verdict) {
    case DeliveryVerdict::Sent: return "sent";
    case DeliveryVerdict::Failed: return "failed (would not be retried)";
    case DeliveryVerdict::Retry: return "not delivered (the outbox would retry)";
    }
    return "?";
}

} // namespace

std::vector<TestPageResult> sendTestPages(const config::PipelineConfig& config, const std::string& onlyPager, const std::string& host,
                                          int64_t nowMs, int64_t timeoutMs)
{
    std::vector<TestPageResult> results;
    QObject context;
    PageSender sender(&context, timeoutMs);
    const std::string key = "slatrack-test:" + config.pipeline.substr(0, 120) + ":" + std::to_string(nowMs);
    for (const config::PagerConfig& pager : config.alerts.pagers) {
        if (!onlyPager.empty() && pager.name != onlyPager)
            continue;
        for (PageEvent::Action action : {PageEvent::Action::Trigger, PageEvent::Action::Resolve}) {
            TestPageResult result;
            result.pager = pager.name;
            result.action = pageActionName(action);
            result.dedupKey = key;
            const PreparedRequest request = preparePageRequest(pager, payloadFor(pager.kind, testEvent(config, action, key, host, nowMs)));
            if (!request.error.empty()) {
                result.error = request.error;
                results.push_back(std::move(result));
                break;
            }
            QEventLoop loop;
            sender.send(request, [&](HttpOutcome outcome) {
                result.outcome = std::move(outcome);
                loop.quit();
            });
            loop.exec();
            result.verdict = classify(result.outcome);
            const bool sent = result.verdict == DeliveryVerdict::Sent;
            results.push_back(std::move(result));
            if (!sent)
                break;  // no resolve for a trigger that did not arrive
        }
    }
    return results;
}

std::string describeTestPage(const config::PipelineConfig& config, const TestPageResult& result)
{
    std::string line = result.pager + ": " + result.action + " " + result.dedupKey + " -> ";
    if (!result.error.empty()) {
        line += "not sent: " + result.error;
    } else {
        line += result.outcome.httpStatus == 0 ? "no answer (" + result.outcome.networkError + ")"
                                               : "HTTP " + std::to_string(result.outcome.httpStatus);
        line += std::string(" ") + verdictName(result.verdict);
        if (!result.outcome.body.empty())
            line += ": " + result.outcome.body;
    }
    for (const config::PagerConfig& pager : config.alerts.pagers)
        line = scrubSecret(pager, std::move(line));
    return line;
}

} // namespace slatrack::alerting

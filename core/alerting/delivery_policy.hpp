#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

// How the outbox treats one HTTP answer, when it tries again, and how fast
// it may send (DESIGN.md "Alerting"). Pure values; the outbox thread.
namespace slatrack::alerting {

struct HttpOutcome {
    int httpStatus = 0;         // 0: no HTTP answer (connection refused, timeout, DNS)
    std::string body;           // the answer's body, cut
    std::string networkError;   // set when httpStatus is 0
    int64_t retryAfterMs = -1;  // from a Retry-After header; -1 none
};

enum class DeliveryVerdict {
    Sent,    // 2xx (PagerDuty answers 202)
    Failed,  // the event itself is refused (400 and other 4xx): retrying cannot help
    Retry,   // 429, 408, 5xx, no answer: the same event may succeed later
};
DeliveryVerdict classify(const HttpOutcome& outcome);

struct BackoffPolicy {
    int64_t firstMs = 1000;
    int64_t maxMs = 5 * 60'000;
    double jitter = 0.2;  // the delay is spread over +-20 % so a fleet does not retry in step
};

// The delay before attempt `attempts` + 1, given that `attempts` (>= 1)
// failed: first * 2^(attempts-1), capped, spread by jitter (`unit` in
// [0, 1) supplies the randomness), and never less than Retry-After.
int64_t retryDelayMs(const BackoffPolicy& policy, int64_t attempts, double unit, int64_t retryAfterMs);

// Retry-After as seconds ("120") or an HTTP date; -1 when absent or unreadable.
int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs);

// At most `limit` sends per `periodMs` per key (PagerDuty documents about
// 120 events a minute per routing key); a sliding window of send times.
class SendRateLimiter {
public:
    SendRateLimiter(size_t limit, int64_t periodMs) : m_limit(limit), m_periodMs(periodMs) {}
    // 0 when a send may go now (and it is counted), else how long to wait.
    int64_t acquire(const std::string& key, int64_t nowMs);

private:
    size_t m_limit;
    int64_t m_periodMs;
    std::map<std::string, std::deque<int64_t>> m_sent;
};

} // namespace slatrack::alerting

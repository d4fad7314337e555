#include "delivery_policy.hpp"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <cmath>
#include <charconv>

namespace slatrack::alerting {

DeliveryVerdict classify(const HttpOutcome& outcome)
{
    const int status = outcome.httpStatus;
    if (status >= 200 && status < 300)
        return DeliveryVerdict::Sent;
    if (status == 0 || status == 408 || status == 429 || status >= 500)
        return DeliveryVerdict::Retry;
    return DeliveryVerdict::Failed;
}

int64_t retryDelayMs(const BackoffPolicy& policy, int64_t attempts, double unit, int64_t retryAfterMs)
{
    const int64_t exponent = std::clamp<int64_t>(attempts - 1, 0, 30);
    double delay = static_cast<double>(policy.firstMs) * std::pow(2.0, static_cast<double>(exponent));
    delay = std::min(delay, static_cast<double>(policy.maxMs));
    delay *= 1.0 + policy.jitter * (2.0 * std::clamp(unit, 0.0, 1.0) - 1.0);
    return std::max(static_cast<int64_t>(delay), retryAfterMs);
}

int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs)
{
    if (value.empty())
        return -1;
    int64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc() && end == value.data() + value.size() && seconds >= 0)
        return seconds * 1000;
    // HTTP dates end in "GMT", which Qt's RFC 2822 reader does not take;
    // it takes the numeric zone.
    QString text = QString::fromStdString(value).trimmed();
    if (text.endsWith(QLatin1String(" GMT")))
        text = text.chopped(4) + QLatin1String(" +0000");
    const QDateTime date = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!date.isValid())
        return -1;
    return std::max<int64_t>(date.toMSecsSinceEpoch() - nowMs, 0);
}

int64_t SendRateLimiter::acquire(const std::string& key, int64_t nowMs)
{
    std::deque<int64_t>& sent = m_sent[key];
    while (!sent.empty() && sent.front() <= nowMs - m_periodMs)
        sent.pop_front();
    if (sent.size() >= m_limit)
        return sent.front() + m_periodMs - nowMs;
    sent.push_back(nowMs);
    return 0;
}

} // namespace slatrack::alerting

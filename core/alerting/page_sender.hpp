#pragma once

#include "delivery_policy.hpp"

#include "core/config/alerts_config.hpp"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <functional>
#include <memory>
#include <string>

class QNetworkAccessManager;
class QObject;

// One HTTP POST of one page to one pager, with the secret added at the last
// moment: PagerDuty's routing_key into the body, the webhook's HMAC-SHA256
// signature into a header. Nothing here logs or keeps the request.
//
// Why Qt Network: Debian 12's Qt 6.4 is already linked (QtCore), verifies
// TLS against the system store, honours the proxy environment through
// QNetworkProxyFactory, and runs on an event loop of its own thread; the
// alternative, libcurl, would add a second event model and a dependency for
// the same four features.
//
// Threading: a PageSender and its QNetworkAccessManager live on one thread
// with an event loop (the outbox's, or the test-page command's main thread);
// callbacks run there.
namespace slatrack::alerting {

struct PreparedRequest {
    QByteArray url;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    std::string error;  // set when the request could not be built (then nothing is sent)
};

// Adds the routing key (PagerDuty) or the signature (webhook, when a secret
// is configured). The only place Secret::reveal() is called for pagers.
PreparedRequest preparePageRequest(const config::PagerConfig& pager, const std::string& payload);

// "sha256=<hex of HMAC-SHA256(secret, body)>": what a receiver recomputes.
QByteArray webhookSignature(const QByteArray& secret, const QByteArray& body);

// Removes every occurrence of the pager's secret from `text` (an answer's
// body may echo the request), so errors can be stored and logged.
std::string scrubSecret(const config::PagerConfig& pager, std::string text);

class PageSender {
public:
    // `context` owns the replies (the outbox's worker object).
    PageSender(QObject* context, int64_t timeoutMs);
    ~PageSender();
    PageSender(const PageSender&) = delete;
    PageSender& operator=(const PageSender&) = delete;

    using Done = std::function<void(HttpOutcome)>;
    void send(const PreparedRequest& request, Done done);
    // Stops every request in flight; their callbacks are not called.
    void abortAll();

private:
    QObject* m_context;
    int64_t m_timeoutMs;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::shared_ptr<bool> m_alive;  // callbacks check it after abortAll()
};

} // namespace slatrack::alerting

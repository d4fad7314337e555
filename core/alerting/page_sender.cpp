#include "page_sender.hpp"

#include "page_payload.hpp"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace slatrack::alerting {

namespace {

// An answer's body kept for the operator: enough to read PagerDuty's
// error list, not a whole HTML error page.
constexpr qint64 kMaxAnswerBytes = 2000;

// The system's proxy settings (http_proxy / https_proxy / no_proxy), but
// never for loopback: a local receiver (and every test) must be reached
// directly even when a proxy is configured.
class LoopbackDirectProxyFactory : public QNetworkProxyFactory {
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override
    {
        const QString host = query.peerHostName();
        if (host == u"127.0.0.1" || host == u"localhost" || host == u"::1" || host == u"[::1]")
            return {QNetworkProxy(QNetworkProxy::NoProxy)};
        return QNetworkProxyFactory::systemProxyForQuery(query);
    }
};

} // namespace

QByteArray webhookSignature(const QByteArray& secret, const QByteArray& body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

PreparedRequest preparePageRequest(const config::PagerConfig& pager, const std::string& payload)
{
    PreparedRequest request;
    request.url = QByteArray::fromStdString(pager.url);
    request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    request.headers.append(qMakePair(QByteArray("User-Agent"), QByteArray("slatrack")));
    if (pager.kind == config::PagerKind::PagerDuty) {
        if (!pager.secret) {
            request.error = "pager \"" + pager.name + "\" has no routing key";
            return request;
        }
        const std::string body = withRoutingKey(payload, pager.secret->reveal());
        if (body.empty()) {
            request.error = "the stored event of pager \"" + pager.name + "\" is not a JSON object";
            return request;
        }
        request.body = QByteArray::fromStdString(body);
        return request;
    }
    request.body = QByteArray::fromStdString(payload);
    if (pager.secret) {
        request.headers.append(qMakePair(QByteArray::fromStdString(pager.signatureHeader),
                                         webhookSignature(QByteArray::fromStdString(pager.secret->reveal()), request.body)));
    }
    return request;
}

std::string scrubSecret(const config::PagerConfig& pager, std::string text)
{
    if (!pager.secret || pager.secret->reveal().empty())
        return text;
    const std::string& secret = pager.secret->reveal();
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), config::Secret::kMask);
    return text;
}

PageSender::PageSender(QObject* context, int64_t timeoutMs)
    : m_context(context), m_timeoutMs(timeoutMs), m_manager(std::make_unique<QNetworkAccessManager>()), m_alive(std::make_shared<bool>(true))
{
    m_manager->setProxy(QNetworkProxy(QNetworkProxy::DefaultProxy));
    // Owned by the manager (Qt takes ownership of the factory).
    m_manager->setProxyFactory(new LoopbackDirectProxyFactory);
}

PageSender::~PageSender()
{
    abortAll();
}

void PageSender::abortAll()
{
    *m_alive = false;
    m_alive = std::make_shared<bool>(true);
    // Replies are children of the manager: cut them off from our callbacks,
    // then abort them; deleting the manager frees them.
    for (QNetworkReply* reply : m_manager->findChildren<QNetworkReply*>()) {
        QObject::disconnect(reply, nullptr, m_context, nullptr);
        reply->abort();
    }
    m_manager = std::make_unique<QNetworkAccessManager>();
    m_manager->setProxyFactory(new LoopbackDirectProxyFactory);
}

void PageSender::send(const PreparedRequest& request, Done done)
{
    QNetworkRequest http{QUrl(QString::fromUtf8(request.url))};
    for (const auto& [name, value] : request.headers)
        http.setRawHeader(name, value);
    http.setTransferTimeout(static_cast<int>(m_timeoutMs));
    // PagerDuty answers 202 to a POST; a redirect would mean the wrong URL.
    http.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = m_manager->post(http, request.body);
    std::shared_ptr<bool> alive = m_alive;
    QObject::connect(reply, &QNetworkReply::finished, m_context, [reply, alive, done = std::move(done)] {
        if (!*alive)
            return;
        reply->deleteLater();
        HttpOutcome outcome;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        outcome.httpStatus = status.isValid() ? status.toInt() : 0;
        outcome.body = reply->read(kMaxAnswerBytes).toStdString();
        if (outcome.httpStatus == 0)
            outcome.networkError = reply->errorString().toStdString();
        if (reply->hasRawHeader("Retry-After"))
            outcome.retryAfterMs = parseRetryAfterMs(reply->rawHeader("Retry-After").toStdString(), QDateTime::currentMSecsSinceEpoch());
        done(std::move(outcome));
    });
}

} // namespace slatrack::alerting

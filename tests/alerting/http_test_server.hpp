#pragma once

// A minimal HTTP/1.1 server on 127.0.0.1 for the pager tests: it reads one
// request per connection (headers + Content-Length body), records it, and
// answers with the next scripted response (default 202), then closes.
// Runs on the test's thread: the test spins the event loop (QTRY_*).

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QTcpServer>
#include <QTcpSocket>

#include <deque>
#include <memory>

namespace alerting_test {

struct RecordedRequest {
    QByteArray method;
    QByteArray path;
    QMap<QByteArray, QByteArray> headers;  // names lower-cased
    QByteArray body;
    qint64 atMs = 0;  // since the server was made
};

struct ScriptedResponse {
    int status = 202;
    QByteArray body = R"({"status":"success","message":"Event processed"})";
    QList<QPair<QByteArray, QByteArray>> headers;
};

class HttpTestServer {
public:
    HttpTestServer() { m_clock.start(); }

    bool listen(quint16 port = 0)
    {
        m_server = std::make_unique<QTcpServer>();
        QObject::connect(m_server.get(), &QTcpServer::newConnection, m_server.get(), [this] { accept(); });
        if (!m_server->listen(QHostAddress(QHostAddress::LocalHost), port))
            return false;
        m_port = m_server->serverPort();
        return true;
    }
    // Down: connections are refused until listen(port()) again.
    void close() { m_server.reset(); }

    quint16 port() const { return m_port; }
    std::string url(const char* path = "/v2/enqueue") const
    {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    void script(ScriptedResponse response) { m_script.push_back(std::move(response)); }
    const QList<RecordedRequest>& requests() const { return m_requests; }

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                buffer->append(socket->readAll());
                const qsizetype headerEnd = buffer->indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                RecordedRequest request;
                const QList<QByteArray> lines = buffer->left(headerEnd).split('\n');
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                request.method = first.value(0);
                request.path = first.value(1);
                for (qsizetype line = 1; line < lines.size(); ++line) {
                    const qsizetype colon = lines[line].indexOf(':');
                    if (colon > 0)
                        request.headers.insert(lines[line].left(colon).trimmed().toLower(), lines[line].mid(colon + 1).trimmed());
                }
                const qsizetype length = request.headers.value("content-length", "0").toLongLong();
                if (buffer->size() - (headerEnd + 4) < length)
                    return;
                request.body = buffer->mid(headerEnd + 4, length);
                request.atMs = m_clock.elapsed();
                m_requests.append(request);
                ScriptedResponse response;
                if (!m_script.empty()) {
                    response = m_script.front();
                    m_script.pop_front();
                }
                QByteArray answer = "HTTP/1.1 " + QByteArray::number(response.status) + " Scripted\r\n";
                answer += "Content-Type: application/json\r\nConnection: close\r\n";
                for (const auto& [name, value] : response.headers)
                    answer += name + ": " + value + "\r\n";
                answer += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n" + response.body;
                socket->write(answer);
                socket->disconnectFromHost();
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    std::unique_ptr<QTcpServer> m_server;
    quint16 m_port = 0;
    std::deque<ScriptedResponse> m_script;
    QList<RecordedRequest> m_requests;
    QElapsedTimer m_clock;
};

} // namespace alerting_test

#include "single_instance.hpp"

#include "core/monitor/deep_link.hpp"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTimer>

#include <unistd.h>

namespace slatrack::app {

namespace {

// A link of the longest accepted size and its '\n'; anything longer is not
// a link and the connection is dropped.
constexpr qint64 kMaxMessageBytes = static_cast<qint64>(monitor::kMaxDeepLinkBytes) + 1;
// A client that connects and never finishes its line is dropped after this.
constexpr int kClientTimeoutMs = 5000;

} // namespace

QString SingleInstance::socketPathFor(const std::string& pipeline)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    const QByteArray hash = QCryptographicHash::hash(QByteArray::fromStdString(pipeline), QCryptographicHash::Sha256).toHex().left(16);
    return QDir(folder.isEmpty() ? QDir::tempPath() : folder)
        .filePath(QStringLiteral("slatrack-%1-%2.socket").arg(::getuid()).arg(QString::fromLatin1(hash)));
}

SingleInstance::HandOff SingleInstance::handOff(const QString& socketPath, const QByteArray& link, int answerTimeoutMs)
{
    HandOff out;
    QLocalSocket socket;
    socket.connectToServer(socketPath);
    if (!socket.waitForConnected(kConnectTimeoutMs))
        return out;  // no file, or nobody listening: start normally
    socket.write(link + '\n');
    socket.waitForBytesWritten(kConnectTimeoutMs);
    QByteArray answer;
    // waitForReadyRead returns as bytes arrive: read until the line ends,
    // the server closes, or the time is up.
    QElapsedTimer waited;
    waited.start();
    while (!answer.contains('\n') && waited.elapsed() < answerTimeoutMs) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(static_cast<int>(answerTimeoutMs - waited.elapsed())))
            break;
        answer += socket.readAll();
    }
    if (!answer.contains('\n')) {
        out.outcome = Outcome::NoAnswer;
        out.reply = QStringLiteral("the slatrack running on %1 did not answer within %2 s").arg(socketPath).arg(answerTimeoutMs / 1000.0);
        return out;
    }
    out.outcome = Outcome::Delivered;
    out.reply = QString::fromUtf8(answer.left(answer.indexOf('\n')));
    return out;
}

SingleInstance::SingleInstance(QString socketPath, Handler handler, QObject* parent)
    : QObject(parent), m_path(std::move(socketPath)), m_handler(std::move(handler)), m_server(new QLocalServer(this))
{
    // No socket options on purpose: with any (e.g. UserAccessOption) Qt 6.4
    // binds in a temporary folder and renames the socket into place, which
    // silently replaces a live instance's socket (tried: a second listen()
    // on a live path succeeded). A plain bind() fails on an existing path,
    // so two instances cannot both own one. Access is the folder's: the
    // runtime folder is 0700.
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::accept);
}

SingleInstance::~SingleInstance() = default;  // QLocalServer::close() removes the socket file

bool SingleInstance::listen()
{
    if (m_server->listen(m_path))
        return true;
    if (m_server->serverError() == QAbstractSocket::AddressInUseError) {
        // A file is there: a live instance answers on it, or a killed one
        // left it behind (nothing unlinks a socket file on SIGKILL).
        QLocalSocket probe;
        probe.connectToServer(m_path);
        if (probe.waitForConnected(kConnectTimeoutMs)) {
            probe.abort();
            m_error = QStringLiteral("another slatrack answers on %1").arg(m_path);
            return false;
        }
        QLocalServer::removeServer(m_path);
        if (m_server->listen(m_path))
            return true;
    }
    m_error = QStringLiteral("cannot listen on %1: %2").arg(m_path, m_server->errorString());
    return false;
}

void SingleInstance::accept()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { read(socket); });
        QTimer::singleShot(kClientTimeoutMs, socket, [socket] { socket->abort(); });
    }
}

void SingleInstance::read(QLocalSocket* socket)
{
    if (socket->property("answered").toBool())
        return;
    QByteArray buffered = socket->property("buffered").toByteArray() + socket->readAll();
    const qsizetype end = buffered.indexOf('\n');
    if (end < 0) {
        if (buffered.size() > kMaxMessageBytes)
            socket->abort();
        else
            socket->setProperty("buffered", buffered);
        return;
    }
    socket->setProperty("answered", true);
    QString answer = m_handler ? m_handler(buffered.left(end)) : QStringLiteral("this slatrack takes no links");
    answer.replace(u'\n', u' ');
    socket->write(answer.toUtf8() + '\n');
    socket->disconnectFromServer();  // after the answer is written
}

} // namespace slatrack::app

#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <string>

class QLocalServer;
class QLocalSocket;

namespace slatrack::app {

// One dashboard per user and pipeline: the GUI showing a pipeline listens
// on that pipeline's local socket, and a later `slatrack
// 'slatrack://open?pipeline=X...'` hands its link to the window showing X
// instead of starting a second one (a page's link is clicked while the
// operator already watches the pipeline). A link for a pipeline no window
// shows finds no socket and starts a window of its own: a running window,
// maybe a war-room wall, never switches pipeline because of a click.
//
// Protocol, one exchange per connection: the client writes the link and
// '\n'; the server answers one UTF-8 line saying what it did and closes.
// Links are ASCII without control characters (parseDeepLink refuses
// others), so a line is a whole message.
//
// Threading: UI thread only (the server's handler runs there).
class SingleInstance : public QObject {
    Q_OBJECT

public:
    // How long the second process waits: to connect, and for the answer
    // (the running window answers at once; a hung or stopped one does not).
    static constexpr int kConnectTimeoutMs = 1000;
    static constexpr int kAnswerTimeoutMs = 3000;

    // $XDG_RUNTIME_DIR/slatrack-<uid>-<hash of the pipeline>.socket: the
    // runtime folder is the user's own (0700; QStandardPaths::RuntimeLocation
    // checks it and, without XDG_RUNTIME_DIR, makes one in /tmp), the uid
    // keeps two users apart even where they share a folder, and the hash
    // (16 hex digits of SHA-256) fits any pipeline name into the 107 bytes
    // a socket path may have.
    static QString socketPathFor(const std::string& pipeline);

    enum class Outcome {
        Delivered,   // `reply` says what the running instance did
        NoInstance,  // no socket, or a file nobody listens on (a killed instance's)
        NoAnswer,    // connected, but no answer within the timeout; `reply` says so
    };
    struct HandOff {
        Outcome outcome = Outcome::NoInstance;
        QString reply;
    };
    // Client side: sends `link` to the instance listening on `socketPath`.
    // Blocks up to kConnectTimeoutMs + answerTimeoutMs.
    static HandOff handOff(const QString& socketPath, const QByteArray& link, int answerTimeoutMs = kAnswerTimeoutMs);

    // Server side. `handler` gets each link as received (the receiver parses
    // it again: anything may connect to the socket) and returns the answer.
    using Handler = std::function<QString(const QByteArray& link)>;
    SingleInstance(QString socketPath, Handler handler, QObject* parent = nullptr);
    ~SingleInstance() override;

    // Listens on the socket path (in the user's 0700 runtime folder). A socket file there that
    // nobody answers on (left by a killed instance) is removed first. false:
    // error() says why (another instance answers there, or the folder is not
    // writable); the GUI then runs without taking links.
    bool listen();
    QString error() const { return m_error; }
    QString socketPath() const { return m_path; }

private:
    void accept();
    void read(QLocalSocket* socket);

    QString m_path;
    Handler m_handler;
    QLocalServer* m_server;
    QString m_error;
};

} // namespace slatrack::app

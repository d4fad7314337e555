// One window per pipeline: a real `slatrack LINK` process hands its link to
// the running dashboard (here the GUI wiring in-process on the embedded demo,
// listening like the app does), which then shows exactly that range from its
// store and looks the record up; the second process says so and exits 0. A
// socket file left by a killed slatrack is taken over; a running instance
// that does not answer, a pipeline with no config and a bad link are each
// said clearly.
#include "app/gui_controller.hpp"
#include "app/single_instance.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/stuck_view_window.hpp"

#include "core/monitor/deep_link.hpp"
#include "core/time/rfc3339.hpp"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMessageBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>

using namespace slatrack;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool answersOn(const QString& path)
{
    QLocalSocket probe;
    probe.connectToServer(path);
    return probe.waitForConnected(500);
}

QMessageBox* visibleBox(const QString& name)
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible() && box->objectName() == name)
            return box;
    return nullptr;
}

} // namespace

class TestDeepLinkInstance : public QObject {
    Q_OBJECT

    QTemporaryDir m_runtime;   // XDG_RUNTIME_DIR: where the sockets are
    QTemporaryDir m_config;    // XDG_CONFIG_HOME/_DIRS: no configs at all
    QTemporaryDir m_home;      // the controller's default config and settings
    QTemporaryDir m_killedData;  // the killed instance's store
    std::unique_ptr<app::GuiController> m_controller;
    bool m_staleFileWasLeft = false;

    // Runs the real binary with `args`, keeping this event loop turning (the
    // in-process instance answers on it). Returns false on a timeout.
    bool run(QProcess& process, const QStringList& args, int timeoutMs = 30'000)
    {
        process.start(QStringLiteral(SLATRACK_BINARY), args);
        if (!process.waitForStarted(10'000))
            return false;
        QElapsedTimer waited;
        waited.start();
        while (process.state() != QProcess::NotRunning && waited.elapsed() < timeoutMs)
            QTest::qWait(20);
        return process.state() == QProcess::NotRunning;
    }

    // A GUI process that keeps running: waits for `text` on its stderr, then kills it.
    QString stderrUntil(QProcess& process, const QStringList& args, const QString& text, int timeoutMs = 30'000)
    {
        process.start(QStringLiteral(SLATRACK_BINARY), args);
        QString seen;
        QElapsedTimer waited;
        waited.start();
        while (!seen.contains(text) && waited.elapsed() < timeoutMs && process.state() != QProcess::NotRunning) {
            QTest::qWait(20);
            seen += QString::fromUtf8(process.readAllStandardError());
        }
        seen += QString::fromUtf8(process.readAllStandardError());
        process.kill();
        process.waitForFinished(10'000);
        return seen;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_runtime.isValid() && m_config.isValid() && m_home.isValid() && m_killedData.isValid());
        qputenv("XDG_RUNTIME_DIR", m_runtime.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        qputenv("XDG_CONFIG_DIRS", m_config.filePath(QStringLiteral("system")).toUtf8());
        const QString socket = app::SingleInstance::socketPathFor("demo");
        QVERIFY2(socket.startsWith(m_runtime.path()), qPrintable(socket));

        // A real slatrack for the demo pipeline, killed once it listens:
        // SIGKILL leaves its socket file behind, with nobody on it.
        QProcess killed;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_DATA_HOME"), m_killedData.path());
        killed.setProcessEnvironment(environment);
        killed.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("slatrack://open?pipeline=demo")});
        QVERIFY(killed.waitForStarted(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(answersOn(socket), 20'000);
        killed.kill();
        QVERIFY(killed.waitForFinished(10'000));
        m_staleFileWasLeft = QFileInfo::exists(socket) && !answersOn(socket);

        app::GuiOptions options;
        options.demo = true;
        options.singleInstance = true;
        options.defaultConfigPath = m_home.filePath(QStringLiteral("pipeline.json"));
        options.settingsPath = m_home.filePath(QStringLiteral("dashboard.ini"));
        m_controller = std::make_unique<app::GuiController>(options);
        m_controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->dashboard() && m_controller->dashboard()->shownSnapshot(), 30'000);
    }

    void cleanupTestCase()
    {
        m_controller.reset();
    }

    void takesOverTheSocketOfAKilledInstance()
    {
        QVERIFY2(m_staleFileWasLeft, "the killed instance left no socket file, or something still answers on it");
        QCOMPARE(m_controller->linkSocket(), app::SingleInstance::socketPathFor("demo"));
        QVERIFY(answersOn(m_controller->linkSocket()));
    }

    void aLiveInstanceKeepsItsSocket()
    {
        // A second GUI for the same pipeline (started without a link, or
        // after a silent one) must not take the socket from the live one.
        app::SingleInstance second(m_controller->linkSocket(), [](const QByteArray&) { return QStringLiteral("stolen"); });
        QVERIFY(!second.listen());
        QCOMPARE(second.error(), QStringLiteral("another slatrack answers on ") + m_controller->linkSocket());
        QVERIFY(answersOn(m_controller->linkSocket()));
    }

    void secondProcessHandsTheLinkToTheRunningWindow()
    {
        ui::DashboardWindow* window = m_controller->dashboard();
        QCOMPARE(window->timeRange(), ui::TimeRange::Live5Min);
        // Twenty to ten minutes ago, at odd milliseconds: nothing rounds.
        const int64_t fromMs = nowMs() - 1'200'000 + 123, toMs = nowMs() - 600'000 + 457;
        const QString id = QStringLiteral("0x00c0ffee12345678");
        const QString link = QString::fromStdString(monitor::formatDeepLink(monitor::DeepLink{"demo", fromMs, toMs, id.toStdString()}));

        QProcess second;
        QVERIFY(run(second, {link}));
        const QString out = QString::fromUtf8(second.readAllStandardOutput());
        const QString err = QString::fromUtf8(second.readAllStandardError());
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QVERIFY2(second.exitCode() == 0, qPrintable(out + err));
        QVERIFY2(out.contains(QStringLiteral("handed the link to the running slatrack for pipeline \"demo\": opened pipeline \"demo\" at "))
                     && out.contains(QString::fromStdString(rfc3339::formatMs(fromMs))),
                 qPrintable(out + err));

        QCOMPARE(window->timeRange(), ui::TimeRange::Custom);
        QTRY_VERIFY_WITH_TIMEOUT(window->historyShown(), 10'000);
        QCOMPARE(window->historyShown()->fromMs, fromMs);
        QCOMPARE(window->historyShown()->toMs, toMs);
        QVERIFY(window->stuckView() && window->stuckView()->isVisible());
        QCOMPARE(window->stuckView()->lookupBox()->text(), id);
        QTRY_VERIFY_WITH_TIMEOUT(window->stuckView()->lookups() >= 1, 15'000);
    }

    void badLinksOverTheSocketAreRefusedNamingThePart()
    {
        // Anything may connect: the running window parses again. (Not
        // handOff(): it blocks, and the server runs on this very thread.)
        QLocalSocket client;
        client.connectToServer(m_controller->linkSocket());
        QVERIFY(client.waitForConnected(2000));
        client.write("slatrack://open?pipeline=demo&from=soon\n");
        QByteArray reply;
        QTRY_VERIFY_WITH_TIMEOUT((reply += client.readAll()).contains('\n'), 5000);
        QVERIFY2(reply.startsWith("not opened: slatrack://open: from \"soon\" is not an RFC 3339 time"), reply.constData());
        QCOMPARE(m_controller->dashboard()->timeRange(), ui::TimeRange::Custom);  // still the earlier link's
    }

    void anOversizedMessageIsDropped()
    {
        // More than any link can be, and no line end: not kept growing.
        QLocalSocket client;
        client.connectToServer(m_controller->linkSocket());
        QVERIFY(client.waitForConnected(2000));
        client.write(QByteArray(static_cast<qsizetype>(monitor::kMaxDeepLinkBytes) + 10, 'x'));
        QTRY_VERIFY_WITH_TIMEOUT(client.state() == QLocalSocket::UnconnectedState, 4000);  // before the 5 s idle drop
        QCOMPARE(client.readAll(), QByteArray());
        QVERIFY(answersOn(m_controller->linkSocket()));  // the server goes on
    }

    void linkForAnotherPipelineIsNotOpenedHere()
    {
        ui::DashboardWindow* window = m_controller->dashboard();
        window->setTimeRange(ui::TimeRange::Hour);
        const QString said = m_controller->openLink(monitor::DeepLink{"orders", nowMs() - 60'000, nowMs(), std::nullopt});
        QVERIFY2(said.contains(QStringLiteral("not opened: the running slatrack shows pipeline \"demo\", not \"orders\"")), qPrintable(said));
        QCOMPARE(window->timeRange(), ui::TimeRange::Hour);
        QMessageBox* note = visibleBox(QStringLiteral("slatrackLinkNote"));
        QVERIFY(note);
        QVERIFY2(note->text().contains(QStringLiteral("\"orders\"")), qPrintable(note->text()));
        note->close();
    }

    void pipelineWithoutConfigSaysWhereItLooked()
    {
        // No window shows "orders" (the sockets are per pipeline), and no
        // config names it: the new window says so.
        QProcess other;
        const QString err = stderrUntil(other, {QStringLiteral("slatrack://open?pipeline=orders&from=1796120400000")}, QStringLiteral("-c FILE"));
        QVERIFY2(err.contains(QStringLiteral("no config for pipeline \"orders\" in ") + m_config.filePath(QStringLiteral("slatrack/*.json")))
                     && err.contains(QStringLiteral("/etc/slatrack/*.json")),
                 qPrintable(err));
        QCOMPARE(m_controller->dashboard()->timeRange(), ui::TimeRange::Hour);  // untouched by that link
    }

    void pipelineConfigIsFoundByName()
    {
        // Without -c, the user's config whose "pipeline" is the link's.
        const QString path = m_config.filePath(QStringLiteral("slatrack/payments-prod.json"));
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"pipeline": "payments", "kafka": {"brokers": "127.0.0.1:1"},
                       "stages": [{"name": "in", "topics": ["a"]}, {"name": "out", "topics": ["b"]}]})");
        file.close();
        QProcess other;
        const QString err = stderrUntil(other, {QStringLiteral("slatrack://open?pipeline=payments")}, QStringLiteral(".json"));
        QVERIFY2(err.contains(QStringLiteral("slatrack: pipeline \"payments\": ") + path), qPrintable(err));
        QFile::remove(path);
    }

    void silentInstanceMeansStartingNormally()
    {
        // Something listens on the pipeline's socket and never answers (a
        // hung slatrack): the new process waits a bounded time, says so, starts.
        QLocalServer hung;
        QVERIFY(hung.listen(app::SingleInstance::socketPathFor("hung")));
        QProcess other;
        const QString err = stderrUntil(other, {QStringLiteral("slatrack://open?pipeline=hung")}, QStringLiteral("-c FILE"));
        QVERIFY2(err.contains(QStringLiteral("did not answer within 3 s; starting a new window")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("no config for pipeline \"hung\"")), qPrintable(err));
    }

    void badLinkOnTheCommandLineExits2()
    {
        QProcess bad;
        QVERIFY(run(bad, {QStringLiteral("slatrack://open?pipeline=demo&to=1000")}));
        const QString err = QString::fromUtf8(bad.readAllStandardError());
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY2(err.contains(QStringLiteral("slatrack: slatrack://open: to \"1000\" without from")), qPrintable(err));
    }
};

QTEST_MAIN(TestDeepLinkInstance)
#include "test_deep_link_instance.moc"

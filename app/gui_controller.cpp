#include "gui_controller.hpp"

#include "single_instance.hpp"
#include "starter_config.hpp"
#include "thread_priority.hpp"

#include "core/alerting/monitor_alerting.hpp"
#include "core/config/config_loader.hpp"
#include "core/monitor/history_query.hpp"
#include "core/monitor/monitor.hpp"
#include "core/store/store_file.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/first_run_widget.hpp"
#include "ui/snapshot_receiver.hpp"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QScreen>
#include <QSysInfo>
#include <QSettings>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace slatrack::app {

namespace {

void reportUnexpected(const char* where, const char* what)
{
    std::fprintf(stderr, "slatrack: internal error %s: %s\n", where, what);
    auto* box = new QMessageBox(QMessageBox::Critical, QStringLiteral("slatrack: internal error"),
                                QStringLiteral("Internal error %1").arg(QString::fromUtf8(where)), QMessageBox::Ok);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(QString::fromUtf8(what));
    box->open();
}

// Runs `work` on the thread pool and `done(result)` back on `context`'s
// thread, unless `context` is gone by then. Neither may let an exception
// out: on a pool thread it would be std::terminate, in the event loop
// undefined behaviour. On the pool it is logged (work() reports its own
// expected errors in its result); on the UI thread it is shown.
template <typename Work, typename Done>
void offUiThread(QObject* context, Work work, Done done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)]() mutable {
        std::shared_ptr<decltype(work())> result;
        try {
            result = std::make_shared<decltype(work())>(work());
        } catch (const std::exception& error) {
            std::fprintf(stderr, "slatrack: internal error in background work: %s\n", error.what());
            return;
        } catch (...) {
            std::fprintf(stderr, "slatrack: internal error in background work (unknown exception)\n");
            return;
        }
        if (guard)
            QMetaObject::invokeMethod(guard, [guard, result, done = std::move(done)]() mutable {
                if (!guard)
                    return;
                try {
                    done(std::move(*result));
                } catch (const std::exception& error) {
                    reportUnexpected("after background work", error.what());
                } catch (...) {
                    reportUnexpected("after background work", "unknown exception");
                }
            }, Qt::QueuedConnection);
    });
}

struct DemoStart {
    std::unique_ptr<DemoEnvironment> environment;
    QString error;
};

} // namespace

GuiController::GuiController(GuiOptions options, QObject* parent) : QObject(parent), m_options(std::move(options)) {}

GuiController::~GuiController()
{
    // The monitor posts into the window's receiver: stop it first.
    m_instance.reset();
    joinStarter();
    if (m_alerting)
        m_alerting->detach();
    m_monitor.reset();
    m_demo.reset();
}

void GuiController::start()
{
    m_pendingLink = m_options.link;
    if (!m_options.startupError.isEmpty()) {
        std::fprintf(stderr, "slatrack: %s\n", m_options.startupError.toLocal8Bit().constData());
        showError(QStringLiteral("Cannot open the link"), m_options.startupError);
        showFirstRun({});
        return;
    }
    // Known now: take later links for it while the config loads or the
    // demo starts, rather than let them start a second window.
    if (m_options.link)
        listenForLinks(m_options.link->pipeline);
    if (m_options.demo) {
        startDemo();
        return;
    }
    const QString path = m_options.configPath.isEmpty() ? m_options.defaultConfigPath : m_options.configPath;
    if (m_options.configPath.isEmpty() && !QFileInfo::exists(path)) {
        showFirstRun(path);
        return;
    }
    loadConfig(path);
}

void GuiController::showFirstRun(const QString& missingConfigPath)
{
    if (!m_firstRun) {
        m_firstRun = std::make_unique<ui::FirstRunWidget>(missingConfigPath);
        connect(m_firstRun.get(), &ui::FirstRunWidget::demoRequested, this, &GuiController::startDemo);
        connect(m_firstRun.get(), &ui::FirstRunWidget::openConfigRequested, this, &GuiController::openConfig);
        connect(m_firstRun.get(), &ui::FirstRunWidget::createConfigRequested, this, &GuiController::createConfig);
    }
    m_firstRun->show();
    m_firstRun->raise();
}

void GuiController::startDemo()
{
    if (m_firstRun)
        m_firstRun->setEnabled(false);
    const DemoSettings settings = m_options.demoSettings;
    offUiThread(this, [settings] {
        DemoStart started;
        try {
            started.environment = std::make_unique<DemoEnvironment>(settings);
        } catch (const std::exception& error) {
            started.error = QString::fromStdString(error.what());
        }
        return started;
    }, [this](DemoStart started) {
        if (m_firstRun)
            m_firstRun->setEnabled(true);
        if (!started.environment) {
            showError(QStringLiteral("The demo could not start"), started.error);
            showFirstRun({});
            return;
        }
        m_demo = std::move(started.environment);
        std::fprintf(stderr, "slatrack: demo broker on %s\n", m_demo->brokers().c_str());
        startMonitor(m_demo->pipelineConfig());
    });
}

void GuiController::loadConfig(const QString& path)
{
    const std::string file = QDir::toNativeSeparators(path).toStdString();
    offUiThread(this, [file] { return config::loadConfigFile(file); }, [this, path](config::LoadResult loaded) {
        if (!loaded.ok()) {
            const std::string errors = config::formatErrors(loaded.errors);
            std::fprintf(stderr, "slatrack: invalid config:\n%s\n", errors.c_str());
            showError(QStringLiteral("The config %1 is not valid").arg(path), QString::fromStdString(errors));
            showFirstRun({});
            return;
        }
        startMonitor(*loaded.config);
    });
}

void GuiController::openConfig()
{
    const QString path = QFileDialog::getOpenFileName(m_firstRun.get(), QStringLiteral("Open a slatrack config"),
                                                      QFileInfo(m_options.defaultConfigPath).absolutePath(),
                                                      QStringLiteral("slatrack config (*.json);;All files (*)"));
    if (!path.isEmpty())
        loadConfig(path);
}

void GuiController::createConfig(const QString& brokers)
{
    const QString target = m_options.defaultConfigPath;
    const std::string text = starterConfigText(brokers.toStdString());
    offUiThread(this, [target, text] {
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (QFileInfo::exists(target))
            return QStringLiteral("exists");
        QFile file(target);
        // Owner only: the operator may add credentials to it later.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)
            || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()))
            return QStringLiteral("could not write %1: %2").arg(target, file.errorString());
        return QString();
    }, [this, target](QString problem) {
        if (!problem.isEmpty() && problem != QStringLiteral("exists")) {
            showError(QStringLiteral("Could not create a config"), problem);
            return;
        }
        if (problem.isEmpty()) {
            // It runs as written: start monitoring right away; the operator
            // edits topics and SLA once they see it connect.
            QMessageBox::information(m_firstRun.get(), QStringLiteral("Config created"),
                                     QStringLiteral("A config for your brokers was written to %1.\n\nslatrack starts monitoring "
                                                    "the topics \"incoming\" and \"processed\" now; edit the topics and SLA in "
                                                    "that file and start slatrack again.").arg(target));
            loadConfig(target);
            return;
        }
        QMessageBox::information(m_firstRun.get(), QStringLiteral("Config exists"),
                                 QStringLiteral("A config already exists at %1; it was left as it is. Use \"Open config\u2026\" "
                                                "or start slatrack again to use it.").arg(target));
    });
}

void GuiController::startMonitor(const config::PipelineConfig& config)
{
    if (m_firstRun)
        m_firstRun->hide();
    if (!m_window) {
        m_window = std::make_unique<ui::DashboardWindow>();
        // Fill a war-room-sized screen; leave a margin on bigger desktops.
        const QSize available = m_window->screen()->availableGeometry().size();
        m_window->resize(available.width() <= 1920 ? available : QSize(1600, 950));
        // Restores the theme, the war room's screen and the last geometry.
        m_window->useSettings(m_options.settingsPath.isEmpty()
                                  ? std::make_unique<QSettings>(QSettings::UserScope, QStringLiteral("slatrack"), QStringLiteral("dashboard"))
                                  : std::make_unique<QSettings>(m_options.settingsPath, QSettings::IniFormat));
        m_window->setWarRoom(m_options.warRoom);
    }
    m_window->show();
    ui::SnapshotReceiver* receiver = m_window->receiver();
    monitor::MonitorOptions options;
    options.log = [](const std::string& line) { std::fprintf(stderr, "slatrack: %s\n", line.c_str()); };
    joinStarter();
    if (m_alerting)
        m_alerting->detach();
    m_alerting = std::make_unique<alerting::MonitorAlerting>(options.log);
    // The snapshot is judged on the engine thread before the window gets it.
    options.onSnapshot = m_alerting->snapshotHook([receiver](monitor::SnapshotPtr snapshot) { receiver->post(std::move(snapshot)); });
    m_window->setAlerting(nullptr, config.alerts.pagers.size(), u"alerting starts with the monitor"_s);
    std::filesystem::path storePath;
    // --store wins over the config's "store"; neither: the default file.
    const QString chosen = !m_options.storePath.isEmpty() ? m_options.storePath : QString::fromStdString(config.storePath);
    if (chosen != u"none"_s) {
        storePath = chosen.isEmpty() ? store::defaultStorePath(config.pipeline) : std::filesystem::path(chosen.toStdString());
        monitor::MonitorStoreOptions storeOptions;
        storeOptions.path = storePath;
        options.store = storeOptions;
    }
    m_monitor.reset();
    try {
        m_monitor = std::make_unique<monitor::Monitor>(config, options);
    } catch (const std::exception& error) {
        // e.g. an engine that cannot hold the config: say so, offer the
        // first-run screen again instead of aborting.
        m_monitor.reset();
        std::fprintf(stderr, "slatrack: the monitor could not start: %s\n", error.what());
        showError(QStringLiteral("The monitor could not start"), QString::fromStdString(error.what()));
        m_window->hide();
        showFirstRun({});
        return;
    }
    // Restoring a snapshot reads the store: off the UI thread. A failure
    // comes back as a queued call, like every other result.
    monitor::Monitor* starting = m_monitor.get();
    alerting::MonitorAlerting* alerts = m_alerting.get();
    const size_t pagers = config.alerts.pagers.size();
    m_starter = std::thread([this, starting, alerts, config, pagers] {
        try {
            starting->start();
            // Reads the store's open incidents and silences: here, not on the UI thread.
            const std::string readBack = alerts->attach(config, *starting, QSysInfo::machineHostName().toStdString());
            std::shared_ptr<alerting::AlertingService> service = alerts->service();
            const QString why = readBack.empty() ? QString() : QString::fromStdString("open incidents not read back: " + readBack);
            QMetaObject::invokeMethod(this, [this, service, pagers, why] {
                if (m_window)
                    m_window->setAlerting(service, pagers, why);
            }, Qt::QueuedConnection);
        } catch (const std::exception& error) {
            const QString what = QString::fromStdString(error.what());
            QMetaObject::invokeMethod(this, [this, what, pagers] {
                std::fprintf(stderr, "slatrack: the monitor could not start: %s\n", what.toLocal8Bit().constData());
                if (m_window)
                    m_window->setAlerting(nullptr, pagers, u"not running: the monitor could not start"_s);
                showError(QStringLiteral("The monitor could not start"), what);
            }, Qt::QueuedConnection);
        }
    });
    if (storePath.empty())
        m_window->setHistorySource(nullptr, u"started with --store none"_s);
    else
        m_window->setHistorySource(std::make_shared<monitor::HistoryQuery>(storePath, static_cast<int>(config.stages.size())), {});
    // The stuck view and lookups ask the engine on its own thread. Called
    // on the UI thread only (EngineQueries), like every use of m_monitor.
    m_window->setEngineAccess(ui::EngineAccess{
        [this](std::function<void(const engine::JoinEngine&)> task) {
            if (m_monitor)
                m_monitor->post(std::move(task));
        },
        config, std::chrono::seconds(10)});
    // Background threads (consumer, engine, librdkafka, demo) yield to the UI
    // thread; re-applied periodically for threads started later.
    if (!m_priorityTimer) {
        m_priorityTimer = new QTimer(this);
        connect(m_priorityTimer, &QTimer::timeout, this, [] { deprioritizeOtherThreads(kBackgroundNice); });
        m_priorityTimer->start(2000);
    }
    deprioritizeOtherThreads(kBackgroundNice);
    m_pipeline = config.pipeline;
    listenForLinks(config.pipeline);
    if (m_pendingLink) {
        const monitor::DeepLink link = *std::exchange(m_pendingLink, std::nullopt);
        std::fprintf(stderr, "slatrack: %s\n", openLink(link).toLocal8Bit().constData());
    }
}

QString GuiController::openLink(const monitor::DeepLink& link)
{
    const QString wanted = QString::fromStdString(link.pipeline);
    if (!m_window || m_pipeline.empty()) {
        m_pendingLink = link;
        return QStringLiteral("slatrack is starting: it opens the link for pipeline \"%1\" once the dashboard is up").arg(wanted);
    }
    if (link.pipeline != m_pipeline) {
        // Reached only with -c FILE for another pipeline, or a client that
        // ignores the per-pipeline socket: say so where the operator looks.
        const QString text = QStringLiteral("This window shows pipeline \"%1\"; the link is for pipeline \"%2\", so it opened nothing here. "
                                            "Start slatrack with that pipeline's config (-c FILE) to open it.")
                                 .arg(QString::fromStdString(m_pipeline), wanted);
        auto* box = new QMessageBox(QMessageBox::Information, QStringLiteral("Link for another pipeline"), text, QMessageBox::Ok, m_window.get());
        box->setObjectName(QStringLiteral("slatrackLinkNote"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return QStringLiteral("not opened: the running slatrack shows pipeline \"%1\", not \"%2\" (told so in its window)")
            .arg(QString::fromStdString(m_pipeline), wanted);
    }
    return m_window->openLink(link);
}

QString GuiController::linkSocket() const
{
    return m_instance ? m_instance->socketPath() : QString();
}

void GuiController::listenForLinks(const std::string& pipeline)
{
    if (!m_options.singleInstance)
        return;
    const QString path = SingleInstance::socketPathFor(pipeline);
    if (m_instance && m_instance->socketPath() == path)
        return;
    m_instance.reset();
    auto instance = std::make_unique<SingleInstance>(path, [this](const QByteArray& text) { return handleLinkText(text); });
    if (!instance->listen()) {
        std::fprintf(stderr, "slatrack: links for pipeline \"%s\" will not reach this window: %s\n", pipeline.c_str(),
                     instance->error().toLocal8Bit().constData());
        return;
    }
    m_instance = std::move(instance);
}

QString GuiController::handleLinkText(const QByteArray& text)
{
    const monitor::DeepLinkParse parsed = monitor::parseDeepLink(std::string_view(text.constData(), static_cast<size_t>(text.size())));
    if (!parsed.ok())
        return QStringLiteral("not opened: ") + QString::fromStdString(parsed.error);
    const QString done = openLink(*parsed.link);
    std::fprintf(stderr, "slatrack: link from another slatrack: %s\n", done.toLocal8Bit().constData());
    return done;
}

void GuiController::joinStarter()
{
    if (m_starter.joinable())
        m_starter.join();
}

void GuiController::showError(const QString& title, const QString& text)
{
    // Non-blocking: the first-run screen stays usable behind it.
    auto* box = new QMessageBox(QMessageBox::Critical, title, title, QMessageBox::Ok);
    box->setObjectName(QStringLiteral("slatrackError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(text);
    box->open();
}

} // namespace slatrack::app

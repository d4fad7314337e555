#pragma once

#include "demo_environment.hpp"

#include "core/config/pipeline_config.hpp"
#include "core/monitor/deep_link.hpp"

#include <QObject>
#include <QString>

class QTimer;

#include <memory>
#include <optional>
#include <thread>

namespace slatrack::monitor {
class Monitor;
}
namespace slatrack::alerting {
class MonitorAlerting;
}
namespace slatrack::ui {
class DashboardWindow;
class FirstRunWidget;
} // namespace slatrack::ui

namespace slatrack::app {

class SingleInstance;

struct GuiOptions {
    bool demo = false;
    bool warRoom = false;
    QString configPath;         // empty: the default path, if it exists
    QString defaultConfigPath;  // ~/.config/slatrack/pipeline.json
    // Where the dashboard remembers theme, war-room screen and geometry (INI);
    // empty: the user's QSettings for "slatrack"/"dashboard".
    QString settingsPath;
    DemoSettings demoSettings;
    // History, lost records and snapshots: "none" runs without a store;
    // empty: the pipeline's default file (store::defaultStorePath).
    QString storePath;
    // `slatrack 'slatrack://open?...'`: opened once the dashboard is up.
    std::optional<monitor::DeepLink> link;
    // Found before starting (e.g. no config for the link's pipeline): shown
    // as an error beside the first-run screen instead of starting.
    QString startupError;
    // Take links for the shown pipeline over its local socket
    // (SingleInstance); the app turns it on, most tests leave it off.
    bool singleInstance = false;
};

// Wires core to the widgets for the GUI modes: the demo, a config file, or
// the first-run screen when there is neither. Everything that touches disk
// or sockets (reading a config, starting the embedded broker) runs on the
// thread pool; the results come back to the UI thread as queued calls.
//
// Threading: UI thread only.
class GuiController : public QObject {
    Q_OBJECT

public:
    explicit GuiController(GuiOptions options, QObject* parent = nullptr);
    ~GuiController() override;

    void start();
    ui::DashboardWindow* dashboard() const { return m_window.get(); }
    ui::FirstRunWidget* firstRun() const { return m_firstRun.get(); }
    // A link from the command line or from a later `slatrack LINK` (through
    // SingleInstance): opened in the dashboard when it shows that pipeline;
    // kept until the dashboard is up while starting. Returns what was done,
    // for the process that sent it. A link for another pipeline opens
    // nothing: the window says so (another window is that pipeline's; see
    // single_instance.hpp).
    QString openLink(const monitor::DeepLink& link);
    // Where this instance takes links (empty: it does not).
    QString linkSocket() const;

private:
    void startDemo();
    void openConfig();
    void createConfig(const QString& brokers);
    void loadConfig(const QString& path);
    void startMonitor(const config::PipelineConfig& config);
    void showFirstRun(const QString& missingConfigPath);
    void showError(const QString& title, const QString& text);
    void listenForLinks(const std::string& pipeline);
    QString handleLinkText(const QByteArray& text);

    // Nice value of the non-UI threads; see deprioritizeOtherThreads().
    static constexpr int kBackgroundNice = 5;

    GuiOptions m_options;
    QTimer* m_priorityTimer = nullptr;
    std::unique_ptr<ui::DashboardWindow> m_window;
    std::unique_ptr<ui::FirstRunWidget> m_firstRun;
    std::unique_ptr<DemoEnvironment> m_demo;
    std::unique_ptr<monitor::Monitor> m_monitor;
    // Evaluates every snapshot and pages (attached on the starter thread
    // once the monitor holds its store). Detached before the monitor goes.
    std::unique_ptr<alerting::MonitorAlerting> m_alerting;
    std::unique_ptr<SingleInstance> m_instance;
    std::string m_pipeline;  // the one the dashboard shows; empty before
    std::optional<monitor::DeepLink> m_pendingLink;
    // Monitor::start() reads and decodes the latest snapshot (~0.7 s at a
    // million open records): never on the UI thread. Joined before the
    // monitor is replaced or destroyed.
    std::thread m_starter;
    void joinStarter();
};

} // namespace slatrack::app

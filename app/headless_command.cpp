#include "headless_command.hpp"

#include "command_args.hpp"
#include "metrics_option.hpp"
#include "stop_signals.hpp"
#include "time_argument.hpp"

#include "core/alerting/monitor_alerting.hpp"
#include "core/config/config_loader.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/status_json.hpp"
#include "core/store/store_file.hpp"

#include <QCoreApplication>
#include <QSysInfo>

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace slatrack::app {

namespace {
constexpr int kExitOk = 0;
constexpr int kExitError = 2;
constexpr int64_t kDefaultIntervalMs = 1000;

// The status line's "alerts": every rule's state and each page's delivery.
nlohmann::ordered_json alertsBlock(const alerting::MonitorAlerting& alerts)
{
    const std::shared_ptr<alerting::AlertingService> service = alerts.service();
    if (!service)
        return nullptr;
    nlohmann::ordered_json block = service->statusJson(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    block["outbox"] = alerts.outboxWhere();
    return block;
}

int fail(const std::string& message)
{
    std::fprintf(stderr, "slatrack --headless: %s\n", message.c_str());
    return kExitError;
}
} // namespace

int runHeadlessCommand(int argc, char* argv[])
{
    const ParsedArgs args = parseArgs(argc, argv, {"-c|--config", "--interval-ms", "--from", "--store", "--snapshot-interval-ms", "--metrics"}, {"--headless", "-h|--help"});
    if (args.flag("--help")) {
        std::puts("usage: slatrack --headless -c FILE [--interval-ms N] [--from T] [--store FILE|none] [--snapshot-interval-ms N]\n"
                  "                        [--metrics ADDR|none]\n"
                  "  one JSON status line per interval on stdout, logs on stderr;\n"
                  "  SIGINT/SIGTERM stop it (exit 0)\n"
                  "  --store: history, lost records and snapshots (default\n"
                  "    $XDG_DATA_HOME/slatrack/<pipeline>.db); a restart resumes from the\n"
                  "    latest snapshot instead of replaying the window; none: memory only\n"
                  "  --snapshot-interval-ms: how often a snapshot is taken (default 10000)\n"
                  "  --metrics: serve Prometheus /metrics and /healthz on ADDR (127.0.0.1:9464,\n"
                  "    a port alone is 127.0.0.1 only, 0 picks a free port); wins over the\n"
                  "    config's \"metrics\"; none: off (the default without either)");
        return kExitOk;
    }
    if (!args.error.empty())
        return fail(args.error + "; see slatrack --headless --help");
    const auto configPath = args.value("--config");
    if (!configPath)
        return fail("-c FILE is required (the pipeline config)");
    int64_t intervalMs = kDefaultIntervalMs;
    if (const auto interval = args.value("--interval-ms")) {
        const TimeArgument parsed = parseTimeArgument(*interval, 0);
        if (!parsed.ok || parsed.unixMs < 100)
            return fail("--interval-ms expects milliseconds >= 100, got \"" + *interval + "\"");
        intervalMs = parsed.unixMs;
    }
    const config::LoadResult loaded = config::loadConfigFile(*configPath);
    if (!loaded.ok())
        return fail("invalid config:\n" + config::formatErrors(loaded.errors));
    const MetricsChoice metricsChoice = chooseMetricsAddress(args.value("--metrics"), *loaded.config);
    if (!metricsChoice.error.empty())
        return fail(metricsChoice.error);

    monitor::MonitorOptions options;
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (const auto from = args.value("--from")) {
        const TimeArgument parsed = parseTimeArgument(*from, nowMs);
        if (!parsed.ok)
            return fail("--from " + parsed.error);
        options.fromMs = parsed.unixMs;
    }
    options.log = [](const std::string& line) { std::fprintf(stderr, "slatrack: %s\n", line.c_str()); };
    std::optional<std::string> storeArg = args.value("--store");
    if (!storeArg && !loaded.config->storePath.empty())
        storeArg = loaded.config->storePath;  // the config's "store"; --store wins
    if (!storeArg || *storeArg != "none") {
        monitor::MonitorStoreOptions storeOptions;
        storeOptions.path = storeArg ? std::filesystem::path(*storeArg) : store::defaultStorePath(loaded.config->pipeline);
        if (const auto interval = args.value("--snapshot-interval-ms")) {
            const TimeArgument parsed = parseTimeArgument(*interval, 0);
            if (!parsed.ok || parsed.unixMs < 100)
                return fail("--snapshot-interval-ms expects milliseconds >= 100, got \"" + *interval + "\"");
            storeOptions.snapshotIntervalMs = parsed.unixMs;
        }
        options.store = storeOptions;
    }
    std::fprintf(stderr, "slatrack: config %s\n", config::describeForLog(*loaded.config).c_str());

    blockStopSignals();  // before any thread starts, so they all inherit it
    // The page outbox runs Qt Network on a thread of its own; Qt wants an
    // application object for that, not an event loop on this thread.
    int qtArgc = 1;
    QCoreApplication application(qtArgc, argv);
    alerting::MonitorAlerting alerts(options.log);
    options.onSnapshot = alerts.snapshotHook({});
    monitor::Monitor monitor(*loaded.config, options);
    monitor.start();
    // A second slatrack on the same store would interleave snapshots:
    // refused, naming the other process (the store says who).
    // A store in use by another slatrack is refused (naming it, in the log
    // and the status); this one then runs in memory, as with any store failure.
    if (const auto store = monitor.storeSummary())
        std::fprintf(stderr, "slatrack: store %s (%s%s%s)\n", store->path.c_str(), store->state.c_str(), store->error.empty() ? "" : ": ", store->error.c_str());
    alerts.attach(*loaded.config, monitor, QSysInfo::machineHostName().toStdString());
    // Held here so it outlives the metrics server, which reads its states.
    const std::shared_ptr<alerting::AlertingService> alertService = alerts.service();
    // Prometheus /metrics and /healthz; a bind failure is logged and said in the status line, never fatal.
    const auto metricsServer = startMetricsServer(metricsChoice.listen, monitor, *loaded.config, alertService.get());
    for (;;) {
        const int signal = waitForStopSignal(std::chrono::milliseconds(intervalMs));
        if (const monitor::SnapshotPtr snapshot = monitor.latest()) {
            std::fputs((withMetricsStatus(monitor::statusLineJson(*snapshot, alertsBlock(alerts)), metricsServer.get()) + "\n").c_str(), stdout);
            std::fflush(stdout);
            if (!snapshot->fatalError.empty()) {
                monitor.stop();
                return fail("the monitor stopped: " + snapshot->fatalError);
            }
        }
        if (signal != 0) {
            std::fprintf(stderr, "slatrack: stopping (signal %d)\n", signal);
            break;
        }
    }
    monitor.stop();
    alerts.detach();  // after the monitor: its last snapshot is judged too
    return kExitOk;
}

} // namespace slatrack::app

#include "headless_command.hpp"

#include "command_args.hpp"
#include "stop_signals.hpp"
#include "time_argument.hpp"

#include "core/config/config_loader.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/status_json.hpp"

#include <chrono>
#include <cstdio>

namespace slatrack::app {

namespace {
constexpr int kExitOk = 0;
constexpr int kExitError = 2;
constexpr int64_t kDefaultIntervalMs = 1000;

int fail(const std::string& message)
{
    std::fprintf(stderr, "slatrack --headless: %s\n", message.c_str());
    return kExitError;
}
} // namespace

int runHeadlessCommand(int argc, char* argv[])
{
    const ParsedArgs args = parseArgs(argc, argv, {"-c|--config", "--interval-ms", "--from"}, {"--headless", "-h|--help"});
    if (args.flag("--help")) {
        std::puts("usage: slatrack --headless -c FILE [--interval-ms N] [--from T]\n"
                  "  one JSON status line per interval on stdout, logs on stderr;\n"
                  "  SIGINT/SIGTERM stop it (exit 0)");
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

    monitor::MonitorOptions options;
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (const auto from = args.value("--from")) {
        const TimeArgument parsed = parseTimeArgument(*from, nowMs);
        if (!parsed.ok)
            return fail("--from " + parsed.error);
        options.fromMs = parsed.unixMs;
    }
    options.log = [](const std::string& line) { std::fprintf(stderr, "slatrack: %s\n", line.c_str()); };
    std::fprintf(stderr, "slatrack: config %s\n", config::describeForLog(*loaded.config).c_str());

    blockStopSignals();  // before any thread starts, so they all inherit it
    monitor::Monitor monitor(*loaded.config, options);
    monitor.start();
    for (;;) {
        const int signal = waitForStopSignal(std::chrono::milliseconds(intervalMs));
        if (const monitor::SnapshotPtr snapshot = monitor.latest()) {
            std::fputs((monitor::statusLineJson(*snapshot) + "\n").c_str(), stdout);
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
    return kExitOk;
}

} // namespace slatrack::app

#include "audit_command.hpp"

#include "command_args.hpp"
#include "replay_range.hpp"

#include "core/config/config_loader.hpp"
#include "core/monitor/audit.hpp"

#include <chrono>
#include <cstdio>

namespace slatrack::app {

namespace {
constexpr int kExitWithinSla = 0;
constexpr int kExitBreached = 1;
constexpr int kExitError = 2;
constexpr int kExitNoData = 3;

int fail(const std::string& message)
{
    std::fprintf(stderr, "slatrack audit: %s\n", message.c_str());
    return kExitError;
}
} // namespace

int runAuditCommand(int argc, char* argv[])
{
    const ParsedArgs args = parseArgs(argc, argv, {"-c|--config", "--from", "--to", "--connect-timeout-ms"}, {"--json", "-h|--help"});
    if (args.flag("--help")) {
        std::puts("usage: slatrack audit -c FILE [--from T] [--to T] [--json]\n"
                  "  T: now, -DURATION (-30m), RFC 3339 (2026-11-21T02:10:00Z) or Unix ms\n"
                  "  default range: the config's window ending now\n"
                  "  a --to after now is clamped to now (the report says so)\n"
                  "  IDs that are not valid UTF-8 are written as \"hex:<bytes in hex>\" in --json\n"
                  "  exit status: 0 within SLA, 1 breached, 2 on error (e.g. a topic that does not exist),\n"
                  "               3 no data (not one record in range was read)");
        return kExitWithinSla;
    }
    if (!args.error.empty())
        return fail(args.error + "; see slatrack audit --help");
    const auto configPath = args.value("--config");
    if (!configPath)
        return fail("-c FILE is required (the pipeline config)");
    const config::LoadResult loaded = config::loadConfigFile(*configPath);
    if (!loaded.ok())
        return fail("invalid config:\n" + config::formatErrors(loaded.errors));
    const config::PipelineConfig& config = *loaded.config;

    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    monitor::AuditRange range;
    if (const std::string problem = readReplayRange(args, config.window.count(), nowMs, range); !problem.empty())
        return fail(problem);

    const monitor::AuditOutcome outcome = monitor::runAudit(config, range, [](const std::string& line) {
        std::fprintf(stderr, "slatrack audit: %s\n", line.c_str());
    });
    if (!outcome.ok)
        return fail(outcome.error);
    const std::string text = args.flag("--json") ? monitor::auditReportJson(outcome.report) + "\n" : monitor::auditReportText(outcome.report);
    std::fputs(text.c_str(), stdout);
    if (outcome.report.noData) {
        std::fprintf(stderr, "slatrack audit: no data: not one record in range was read\n");
        return kExitNoData;
    }
    return outcome.report.withinSla() ? kExitWithinSla : kExitBreached;
}

} // namespace slatrack::app

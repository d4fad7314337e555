#include "test_page_command.hpp"

#include "command_args.hpp"

#include "core/alerting/test_page.hpp"
#include "core/config/config_loader.hpp"

#include <QCoreApplication>
#include <QSysInfo>

#include <chrono>
#include <cstdio>

namespace slatrack::app {

namespace {

constexpr int kExitAllSent = 0;
constexpr int kExitNotSent = 1;
constexpr int kExitError = 2;
constexpr int64_t kTimeoutMs = 10'000;

int fail(const std::string& message)
{
    std::fprintf(stderr, "slatrack test-page: %s\n", message.c_str());
    return kExitError;
}

} // namespace

int runTestPageCommand(int argc, char* argv[])
{
    const ParsedArgs args = parseArgs(argc, argv, {"-c|--config", "--pager"}, {"-h|--help"});
    if (args.flag("--help")) {
        std::puts("usage: slatrack test-page -c FILE [--pager NAME]\n"
                  "  sends a test trigger, then its resolve, to every pager in the config's\n"
                  "  alerts.pagers (or only NAME) and prints each answer; the pages go straight\n"
                  "  over HTTP, not through the store's outbox\n"
                  "  exit status: 0 every page accepted, 1 one was not, 2 on error");
        return kExitAllSent;
    }
    if (!args.error.empty())
        return fail(args.error + "; see slatrack test-page --help");
    const auto configPath = args.value("--config");
    if (!configPath)
        return fail("-c FILE is required (the pipeline config)");
    const config::LoadResult loaded = config::loadConfigFile(*configPath);
    if (!loaded.ok())
        return fail("invalid config:\n" + config::formatErrors(loaded.errors));
    const config::PipelineConfig& config = *loaded.config;
    const std::string only = args.value("--pager").value_or("");
    if (config.alerts.pagers.empty())
        return fail(*configPath + ": alerts.pagers is empty: nothing to test");
    bool known = only.empty();
    for (const config::PagerConfig& pager : config.alerts.pagers)
        known = known || pager.name == only;
    if (!known)
        return fail("--pager " + only + ": no such pager in alerts.pagers");

    int qtArgc = 1;
    QCoreApplication app(qtArgc, argv);
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto results = alerting::sendTestPages(config, only, QSysInfo::machineHostName().toStdString(), nowMs, kTimeoutMs);
    bool allSent = true;
    for (const alerting::TestPageResult& result : results) {
        std::printf("%s\n", alerting::describeTestPage(config, result).c_str());
        allSent = allSent && result.error.empty() && result.verdict == alerting::DeliveryVerdict::Sent;
    }
    return allSent ? kExitAllSent : kExitNotSent;
}

} // namespace slatrack::app

#include "lookup_command.hpp"

#include "command_args.hpp"
#include "replay_range.hpp"

#include "core/config/config_loader.hpp"
#include "core/monitor/record_lookup.hpp"
#include "core/monitor/store_lookup.hpp"
#include "core/monitor/time_text.hpp"
#include "core/store/store_file.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace slatrack::app {

namespace {
constexpr int kExitAllFound = 0;
constexpr int kExitSomeUnknown = 1;
constexpr int kExitError = 2;

int fail(const std::string& message)
{
    std::fprintf(stderr, "slatrack lookup: %s\n", message.c_str());
    return kExitError;
}

constexpr const char* kHelp =
    "usage: slatrack lookup -c FILE [--store FILE|none] [--from T] [--to T] [--json] ID...\n"
    "  where is each record? asks the running agent's store (its latest snapshot and\n"
    "  its lost records: --store, default the pipeline's file in the XDG data dir)\n"
    "  when there is one and no range is given; otherwise replays every stage over\n"
    "  the range (as audit does). Answers per ID: open, stuck, matched (with latency),\n"
    "  lost, stale (replay only), orphan, early\n"
    "  or unknown, with its journey (time on each stage, hop latencies, topic,\n"
    "  partition and offset of each message)\n"
    "  ID: as the config's id_format reads it: composite as 16 hex digits, 0x + hex\n"
    "      or decimal; opaque as the exact text, or hex:<bytes> as --json writes IDs\n"
    "      that are not valid UTF-8; after -- every argument is an ID (IDs starting with -)\n"
    "  T: now, -DURATION (-30m), RFC 3339 (2026-11-21T02:10:00Z) or Unix ms\n"
    "  default range: the config's window ending now\n"
    "  IDs that are not valid UTF-8 are written as \"hex:<bytes in hex>\" in --json\n"
    "  exit status: 0 every ID found, 1 some unknown, 2 on error";

bool takesValue(std::string_view arg)
{
    return arg == "-c" || arg == "--config" || arg == "--store" || arg == "--from" || arg == "--to" || arg == "--connect-timeout-ms";
}

} // namespace

int runLookupCommand(int argc, char* argv[])
{
    // Options go to parseArgs; everything else (and all after "--") is an ID.
    std::vector<char*> optionArgs{argv[0]};
    std::vector<std::string> ids;
    bool onlyIds = false;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string_view arg = argv[arg_idx];
        if (onlyIds || arg.empty() || arg.front() != '-') {
            ids.emplace_back(arg);
        } else if (arg == "--") {
            onlyIds = true;
        } else {
            optionArgs.push_back(argv[arg_idx]);
            if (takesValue(arg) && arg_idx + 1 < argc)
                optionArgs.push_back(argv[++arg_idx]);
        }
    }
    const ParsedArgs args = parseArgs(int(optionArgs.size()), optionArgs.data(), {"-c|--config", "--store", "--from", "--to", "--connect-timeout-ms"},
                                      {"--json", "-h|--help"});
    if (args.flag("--help")) {
        std::puts(kHelp);
        return kExitAllFound;
    }
    if (!args.error.empty())
        return fail(args.error + "; see slatrack lookup --help");
    const auto configPath = args.value("--config");
    if (!configPath)
        return fail("-c FILE is required (the pipeline config)");
    if (ids.empty())
        return fail("no ID given; usage: slatrack lookup -c FILE [--from T] ID...");
    const config::LoadResult loaded = config::loadConfigFile(*configPath);
    if (!loaded.ok())
        return fail("invalid config:\n" + config::formatErrors(loaded.errors));
    const config::PipelineConfig& config = *loaded.config;

    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    monitor::AuditRange range;
    if (const std::string problem = readReplayRange(args, config.window.count(), nowMs, range); !problem.empty())
        return fail(problem);

    // The running agent's store answers at once, as of its latest snapshot,
    // unless a range was asked for (that is a replay's question).
    monitor::LookupOutcome outcome;
    std::optional<std::string> storeArg = args.value("--store");
    const bool storeNamed = storeArg.has_value();
    if (!storeArg && !config.storePath.empty())
        storeArg = config.storePath;  // the config's "store"; --store wins
    const bool rangeAsked = args.value("--from") || args.value("--to");
    if (!rangeAsked && (!storeArg || *storeArg != "none")) {
        const std::filesystem::path storePath = storeArg ? std::filesystem::path(*storeArg) : store::defaultStorePath(config.pipeline);
        monitor::StoreLookupOutcome fromStore = monitor::lookupInStore(config, storePath, ids);
        if (fromStore.ok) {
            std::fprintf(stderr, "slatrack lookup: answered from the store %s, as of its snapshot of %s (no replay)\n", storePath.c_str(),
                         monitor::formatRfc3339(fromStore.snapshotAtMs).c_str());
            outcome.ok = true;
            outcome.report = std::move(fromStore.report);
        } else if (storeNamed) {
            return fail(fromStore.why);  // a store named on the command line must answer
        } else {
            std::fprintf(stderr, "slatrack lookup: %s; replaying the topics instead\n", fromStore.why.c_str());
        }
    }
    if (!outcome.ok) {
        outcome = monitor::runLookup(config, range, ids, [](const std::string& line) {
            std::fprintf(stderr, "slatrack lookup: %s\n", line.c_str());
        });
        if (!outcome.ok)
            return fail(outcome.error);
    }
    const std::string text = args.flag("--json") ? monitor::lookupReportJson(outcome.report) + "\n" : monitor::lookupReportText(outcome.report);
    std::fputs(text.c_str(), stdout);
    const bool allFound = std::all_of(outcome.report.answers.begin(), outcome.report.answers.end(),
                                      [](const monitor::LookupAnswer& answer) { return answer.found(); });
    return allFound ? kExitAllFound : kExitSomeUnknown;
}

} // namespace slatrack::app

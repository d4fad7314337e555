// Entry point: picks a mode from the command line and wires core to the
// matching front end.
#include "audit_command.hpp"
#include "broker_command.hpp"
#include "gui_command.hpp"
#include "headless_command.hpp"
#include "lookup_command.hpp"
#include "simulate_command.hpp"
#include "test_page_command.hpp"
#include "usage.hpp"

#include <cstdio>
#include <exception>
#include <string_view>

namespace {

constexpr int kExitError = 2;

// Every mode's entry point: whatever a mode did not handle becomes a message
// naming the mode and exit status 2, never an abort.
template <typename Mode>
int guarded(const char* mode, Mode run)
{
    try {
        return run();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "slatrack%s%s: internal error: %s\n", *mode ? " " : "", mode, error.what());
    } catch (...) {
        std::fprintf(stderr, "slatrack%s%s: internal error (unknown exception)\n", *mode ? " " : "", mode);
    }
    return kExitError;
}

int dispatch(int argc, char* argv[]);

} // namespace

int main(int argc, char* argv[])
{
    // The modes guard themselves; this catches what choosing one may throw.
    return guarded("", [&] { return dispatch(argc, argv); });
}

namespace {

int dispatch(int argc, char* argv[])
{
    using namespace slatrack::app;
    if (argc > 1 && std::string_view(argv[1]) == "broker") return guarded("broker", [&] { return runBrokerCommand(argc - 1, argv + 1); });
    if (argc > 1 && std::string_view(argv[1]) == "simulate") return guarded("simulate", [&] { return runSimulateCommand(argc - 1, argv + 1); });
    if (argc > 1 && std::string_view(argv[1]) == "audit") return guarded("audit", [&] { return runAuditCommand(argc - 1, argv + 1); });
    if (argc > 1 && std::string_view(argv[1]) == "test-page") return guarded("test-page", [&] { return runTestPageCommand(argc - 1, argv + 1); });
    if (argc > 1 && std::string_view(argv[1]) == "lookup") return guarded("lookup", [&] { return runLookupCommand(argc - 1, argv + 1); });
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx)
        if (std::string_view(argv[arg_idx]) == "--headless")
            return guarded("--headless", [&] { return runHeadlessCommand(argc, argv); });
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string_view arg = argv[arg_idx];
        if (arg == "-h" || arg == "--help") {
            std::fputs(usageText().c_str(), stdout);
            return 0;
        }
        if (arg == "-V" || arg == "--version") {
            std::fputs(versionText().c_str(), stdout);
            return 0;
        }
    }
    return guarded("gui", [&] { return runGuiCommand(argc, argv); });
}

} // namespace

// Entry point: picks a mode from the command line and wires core to the
// matching front end.
#include "audit_command.hpp"
#include "broker_command.hpp"
#include "gui_command.hpp"
#include "headless_command.hpp"
#include "simulate_command.hpp"
#include "usage.hpp"

#include <cstdio>
#include <string_view>

int main(int argc, char* argv[])
{
    if (argc > 1 && std::string_view(argv[1]) == "broker") return slatrack::app::runBrokerCommand(argc - 1, argv + 1);
    if (argc > 1 && std::string_view(argv[1]) == "simulate") return slatrack::app::runSimulateCommand(argc - 1, argv + 1);
    if (argc > 1 && std::string_view(argv[1]) == "audit") return slatrack::app::runAuditCommand(argc - 1, argv + 1);
    using namespace slatrack::app;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx)
        if (std::string_view(argv[arg_idx]) == "--headless")
            return runHeadlessCommand(argc, argv);
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
    return runGuiCommand(argc, argv);
}

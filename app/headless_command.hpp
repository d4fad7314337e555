#pragma once

namespace slatrack::app {

// `slatrack --headless -c FILE [--interval-ms N]`: the monitor without a
// GUI; one JSON status line per interval on stdout, logs on stderr, exit 0
// on SIGINT/SIGTERM, 2 on a bad config or arguments.
int runHeadlessCommand(int argc, char* argv[]);

} // namespace slatrack::app

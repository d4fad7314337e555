#pragma once

namespace slatrack::app {

// `slatrack broker [--port P] [--partitions N] [--topics a,b]`: runs the
// embedded mock broker on 127.0.0.1, creates the topics, prints the
// bootstrap address as the first line of stdout, then serves until SIGINT
// or SIGTERM. argv[0] is the subcommand name ("broker").
// Exit codes: 0 after a signal, 2 on bad arguments, 1 if the broker cannot
// start. Main thread only: it blocks SIGINT/SIGTERM for the whole process
// (before any thread starts, so every thread inherits the mask) and waits
// for them with sigtimedwait.
int runBrokerCommand(int argc, char* argv[]);

} // namespace slatrack::app

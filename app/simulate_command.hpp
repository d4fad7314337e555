#pragma once

namespace slatrack::app {

// `slatrack simulate -b BROKERS [options]`: runs the synthetic pipeline
// (incoming -> processed) until SIGINT/SIGTERM or --duration, then drains
// and prints a one-line summary to stderr. argv[0] is the subcommand name
// ("simulate"). Exit codes: 0 done, 2 on bad arguments, 1 if the brokers
// cannot be reached or a client cannot be created. Main thread only: it
// blocks SIGINT/SIGTERM for the whole process before any thread starts and
// waits for them with sigtimedwait.
int runSimulateCommand(int argc, char* argv[]);

} // namespace slatrack::app

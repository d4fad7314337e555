#pragma once

namespace slatrack::app {

// `slatrack audit -c FILE [--from T] [--to T] [--json]`: replays the topics
// over a range, prints the report; exit 0 within SLA, 1 breached, 2 on error.
int runAuditCommand(int argc, char* argv[]);

} // namespace slatrack::app

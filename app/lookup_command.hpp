#pragma once

namespace slatrack::app {

// `slatrack lookup -c FILE [--from T] [--to T] [--json] ID...`: replays the
// stages over the range (as audit does) and says, per ID, where the record
// is: open, stuck, matched (latency), lost, stale, orphan, early or unknown,
// with its journey. Exit 0 when every ID was found, 1 when some are
// unknown, 2 on error (bad config, bad ID, unreachable brokers, ...).
int runLookupCommand(int argc, char* argv[]);

} // namespace slatrack::app

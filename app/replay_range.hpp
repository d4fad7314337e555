#pragma once

#include "command_args.hpp"

#include "core/monitor/audit.hpp"

#include <cstdint>
#include <string>

namespace slatrack::app {

// The range a replay mode (audit, lookup) reads: --from / --to (absolute or
// relative to now), defaulting to the window ending now, and
// --connect-timeout-ms. Returns the error to print ("" when `range` is
// filled): one reading of these options for every mode that replays.
std::string readReplayRange(const ParsedArgs& args, int64_t windowMs, int64_t nowMs, monitor::AuditRange& range);

} // namespace slatrack::app

#pragma once

#include <cstdint>
#include <string>

namespace slatrack::monitor {

// Unix milliseconds as RFC 3339 UTC with milliseconds, e.g.
// "2026-11-21T02:10:00.000Z": reports and command lines show times this way.
// Kept for the monitor's callers; the one implementation is
// core/time/rfc3339.hpp (rfc3339::formatMs).
std::string formatRfc3339(int64_t unixMs);

} // namespace slatrack::monitor

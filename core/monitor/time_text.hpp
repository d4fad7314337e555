#pragma once

#include <cstdint>
#include <string>

namespace slatrack::monitor {

// Unix milliseconds as RFC 3339 UTC with milliseconds, e.g.
// "2026-11-21T02:10:00.000Z": reports and command lines show times this way.
std::string formatRfc3339(int64_t unixMs);

} // namespace slatrack::monitor

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slatrack::app {

struct TimeArgument {
    bool ok = false;
    int64_t unixMs = 0;
    std::string error;  // !ok: what was wrong
};

// A point in time on the command line: "now", a relative "-30m" / "-1h30m"
// (before `nowMs`), an RFC 3339 time ("2026-11-21T02:10:00Z"), or Unix
// milliseconds ("1763691000000").
TimeArgument parseTimeArgument(std::string_view text, int64_t nowMs);

} // namespace slatrack::app

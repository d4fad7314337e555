#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Durations as written in config files: "500ms", "30s", "5m", "1h", "2d",
// combinations like "1h30m", decimals like "1.5s", or (in JSON) a plain
// number of seconds. Pure functions; any thread.
namespace slatrack::config {

// Nothing slatrack keeps or waits for is longer than a year; a bigger value is
// a typo ("5000d", a timestamp pasted into the wrong field), and the bound
// keeps every arithmetic on durations far from int64 overflow.
inline constexpr std::chrono::milliseconds kMaxDuration = std::chrono::hours(24 * 365);

struct DurationParseResult {
    std::optional<std::chrono::milliseconds> value;
    std::string error;  // set when !value: what is wrong with the text
};

// Text form: one or more <number><unit> parts, no spaces; number is digits
// with an optional decimal fraction; unit is ms, s, m, h or d. The result
// must be a whole number of milliseconds in [0, kMaxDuration]. A bare number
// is rejected in text ("5": seconds or minutes?); only JSON numbers mean
// seconds, see durationFromSeconds().
DurationParseResult parseDuration(std::string_view text);

// A JSON number of seconds (may be fractional). Same range and millisecond
// resolution as parseDuration().
DurationParseResult durationFromSeconds(double seconds);

// Canonical text that parseDuration() reads back to the same value, largest
// units first: 90'000 ms -> "1m30s", 1'500 ms -> "1s500ms", 0 -> "0s".
std::string formatDuration(std::chrono::milliseconds duration);

} // namespace slatrack::config

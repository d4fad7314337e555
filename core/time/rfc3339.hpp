#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// RFC 3339 date-times (section 5.6) <-> Unix milliseconds: the only place
// slatrack reads or writes a time as text (event times in JSON, --from/--to
// on the command line, reports, composite ID creation times). Pure
// functions, no locale or time zone database: any thread.
namespace slatrack::rfc3339 {

// "2019-08-29T21:15:00Z", "2019-08-29t21:15:00.123456z",
// "2019-08-29T23:15:00+02:00" -> Unix ms, or nullopt. Strict, as the RFC's
// grammar says:
//  - full-date "YYYY-MM-DD" with a day that exists in that month and year
//    (no 31 April, no 29 February outside leap years);
//  - 'T' or 't' (or, as RFC 3339's note on readability allows, one space);
//  - "hh:mm:ss" with hour 00..23, minute 00..59, second 00..60; second 60
//    (a leap second) reads as the next second, as POSIX timegm does, since
//    Unix time has no leap seconds;
//  - an optional fraction "." 1*DIGIT: any number of digits, truncated to
//    whole milliseconds (toward the past);
//  - 'Z', 'z' or a numeric offset "+hh:mm"/"-hh:mm" with hour 00..23 and
//    minute 00..59 ("-00:00", an unknown local offset, is UTC);
//  - nothing before or after (no whitespace, no second value).
std::optional<int64_t> parseMs(std::string_view text);

// Unix ms as UTC with exactly three fraction digits:
// "2019-08-29T21:15:00.000Z". Times before 1970 floor toward the past
// (-1 -> "1969-12-31T23:59:59.999Z"). Defined for every int64: a year
// outside 0000..9999 (only reachable from absurd input) is written with as
// many digits as it needs and a '-' when negative, which is readable but no
// longer RFC 3339, so parseMs() does not read it back.
std::string formatMs(int64_t unixMs);

// Unix seconds as UTC without a fraction: "2019-08-29T21:15:00Z" (the
// creation time of a composite record ID). Same range rules as formatMs().
std::string formatSeconds(int64_t unixSeconds);

} // namespace slatrack::rfc3339

#include "time_text.hpp"

#include <cstdio>
#include <ctime>

namespace slatrack::monitor {

std::string formatRfc3339(int64_t unixMs)
{
    const int64_t seconds = unixMs >= 0 ? unixMs / 1000 : (unixMs - 999) / 1000;
    const auto millis = static_cast<int>(unixMs - seconds * 1000);
    const time_t clock = static_cast<time_t>(seconds);
    std::tm utc{};
    gmtime_r(&clock, &utc);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                  utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return text;
}

} // namespace slatrack::monitor

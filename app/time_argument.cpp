#include "time_argument.hpp"

#include "core/config/duration_parse.hpp"
#include "core/time/rfc3339.hpp"

#include <charconv>
#include <optional>

namespace slatrack::app {

TimeArgument parseTimeArgument(std::string_view text, int64_t nowMs)
{
    TimeArgument out;
    if (text == "now") {
        out.ok = true;
        out.unixMs = nowMs;
        return out;
    }
    if (!text.empty() && text.front() == '-') {
        const auto duration = config::parseDuration(text.substr(1));
        if (!duration.value) {
            out.error = "\"" + std::string(text) + "\": " + duration.error;
            return out;
        }
        out.ok = true;
        out.unixMs = nowMs - duration.value->count();
        return out;
    }
    int64_t millis = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), millis);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) {
        out.ok = true;
        out.unixMs = millis;
        return out;
    }
    if (const std::optional<int64_t> parsed = rfc3339::parseMs(text)) {
        out.ok = true;
        out.unixMs = *parsed;
        return out;
    }
    out.error = "\"" + std::string(text) + "\": expected now, -DURATION (e.g. -30m), an RFC 3339 time (e.g. 2026-11-21T02:10:00Z) or Unix milliseconds";
    return out;
}

} // namespace slatrack::app

#include "replay_range.hpp"

#include "time_argument.hpp"

#include "core/monitor/time_text.hpp"

#include <algorithm>

namespace slatrack::app {

std::string readReplayRange(const ParsedArgs& args, int64_t windowMs, int64_t nowMs, monitor::AuditRange& range)
{
    range.nowMs = nowMs;
    range.toMs = nowMs;
    if (const auto to = args.value("--to")) {
        const TimeArgument parsed = parseTimeArgument(*to, nowMs);
        if (!parsed.ok)
            return "--to " + parsed.error;
        range.toMs = parsed.unixMs;
    }
    // The default range ends where a replay can judge: now at the latest.
    range.fromMs = std::min(range.toMs, nowMs) - windowMs;
    if (const auto from = args.value("--from")) {
        const TimeArgument parsed = parseTimeArgument(*from, nowMs);
        if (!parsed.ok)
            return "--from " + parsed.error;
        range.fromMs = parsed.unixMs;
    }
    if (const auto timeout = args.value("--connect-timeout-ms")) {
        const TimeArgument parsed = parseTimeArgument(*timeout, 0);
        if (!parsed.ok || parsed.unixMs <= 0)
            return "--connect-timeout-ms expects a positive number of milliseconds, got \"" + *timeout + "\"";
        range.connectTimeoutMs = parsed.unixMs;
    }
    if (range.toMs <= range.fromMs)
        return "--to (" + monitor::formatRfc3339(range.toMs) + ") must be after --from (" + monitor::formatRfc3339(range.fromMs) + ")";
    return {};
}

} // namespace slatrack::app

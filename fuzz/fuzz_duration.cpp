// Fuzz target: config durations (core/config/duration_parse).
// Invariants: an accepted duration is in [0, kMaxDuration], a rejection
// says why, and formatDuration's canonical text parses back to the value.

#include "fuzz/fuzz_input.hpp"

#include "core/config/duration_parse.hpp"

#include <cmath>
#include <string>

using slatrack::config::DurationParseResult;

namespace {

void checkResult(const DurationParseResult& result, const char* what)
{
    if (!result.value) {
        FUZZ_ASSERT(!result.error.empty(), "%s rejected without saying why", what);
        return;
    }
    const int64_t ms = result.value->count();
    FUZZ_ASSERT(ms >= 0 && ms <= slatrack::config::kMaxDuration.count(), "%s gave %lld ms", what, static_cast<long long>(ms));
    const std::string canonical = slatrack::config::formatDuration(*result.value);
    const DurationParseResult back = slatrack::config::parseDuration(canonical);
    FUZZ_ASSERT(back.value && *back.value == *result.value, "%lld ms formats as \"%s\", which does not read back",
                static_cast<long long>(ms), canonical.c_str());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    checkResult(slatrack::config::parseDuration(text), "parseDuration");

    // The first 8 bytes as a JSON number of seconds: NaN, infinities,
    // negative zero, subnormals and huge values all come by.
    slatrack::fuzz::FuzzInput input(data, size);
    const double seconds = input.integer<double>();
    const DurationParseResult fromSeconds = slatrack::config::durationFromSeconds(seconds);
    checkResult(fromSeconds, "durationFromSeconds");
    if (fromSeconds.value) {
        FUZZ_ASSERT(std::isfinite(seconds) && std::fabs(seconds * 1000.0 - static_cast<double>(fromSeconds.value->count())) <= 1.0,
                    "%.17g s read as %lld ms", seconds, static_cast<long long>(fromSeconds.value->count()));
    }
    return 0;
}

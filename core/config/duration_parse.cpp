#include "core/config/duration_parse.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace slatrack::config {
namespace {

struct Unit {
    std::string_view suffix;
    int64_t ms;
};

constexpr std::array<Unit, 5> kUnits{{
    {"ms", 1},
    {"s", 1'000},
    {"m", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
}};

// Fraction digits beyond this cannot change a whole-millisecond result for
// any unit but would risk overflow in the exactness check below.
constexpr int kMaxFractionDigits = 9;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

DurationParseResult fail(std::string message)
{
    return DurationParseResult{std::nullopt, std::move(message)};
}

std::string tooLarge()
{
    return "longer than the maximum of " + formatDuration(kMaxDuration);
}

} // namespace

DurationParseResult parseDuration(std::string_view text)
{
    if (text.empty())
        return fail("empty duration");

    const int64_t maxMs = kMaxDuration.count();
    int64_t totalMs = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t partStart = pos;
        int64_t whole = 0;
        bool anyDigit = false;
        while (pos < text.size() && isDigit(text[pos])) {
            anyDigit = true;
            whole = whole * 10 + (text[pos] - '0');
            if (whole > maxMs)
                return fail(tooLarge());
            ++pos;
        }
        int64_t fraction = 0;
        int64_t fractionScale = 1;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            int fractionDigits = 0;
            while (pos < text.size() && isDigit(text[pos])) {
                if (fractionDigits == kMaxFractionDigits)
                    return fail("too many decimal digits; the resolution is 1ms");
                fraction = fraction * 10 + (text[pos] - '0');
                fractionScale *= 10;
                ++fractionDigits;
                anyDigit = true;
                ++pos;
            }
        }
        if (!anyDigit) {
            if (text[partStart] == '-')
                return fail("negative duration");
            return fail("expected a number at \"" + std::string(text.substr(partStart)) + "\"");
        }

        // The unit is the whole run of letters, so "5sec" is an unknown unit
        // rather than 5s followed by garbage.
        const std::size_t unitStart = pos;
        while (pos < text.size() && isLetter(text[pos]))
            ++pos;
        const std::string_view unitText = text.substr(unitStart, pos - unitStart);
        if (unitText.empty()) {
            const std::string number(text.substr(partStart, unitStart - partStart));
            if (unitStart == text.size())
                return fail("missing unit after \"" + number + "\" (one of ms, s, m, h, d)");
            return fail("expected a unit (ms, s, m, h, d) after \"" + number + "\", got \"" +
                        std::string(text.substr(unitStart)) + "\"");
        }
        const Unit* unit = nullptr;
        for (const Unit& candidate : kUnits) {
            if (unitText == candidate.suffix)
                unit = &candidate;
        }
        if (unit == nullptr)
            return fail("unknown unit \"" + std::string(unitText) + "\" (expected one of ms, s, m, h, d)");

        if (whole > maxMs / unit->ms)
            return fail(tooLarge());
        // fraction < 10^9 and unit->ms < 10^8, so the product fits in int64.
        const int64_t fractionNumerator = fraction * unit->ms;
        if (fractionNumerator % fractionScale != 0)
            return fail("finer than the resolution of 1ms");
        totalMs += whole * unit->ms + fractionNumerator / fractionScale;
        if (totalMs > maxMs)
            return fail(tooLarge());
    }
    return DurationParseResult{std::chrono::milliseconds(totalMs), {}};
}

DurationParseResult durationFromSeconds(double seconds)
{
    if (!std::isfinite(seconds))
        return fail("not a finite number");
    if (seconds < 0)
        return fail("negative duration");
    const double ms = seconds * 1000.0;
    if (ms > static_cast<double>(kMaxDuration.count()))
        return fail(tooLarge());
    const double rounded = std::round(ms);
    // Tolerance for binary floating point: 0.001 s * 1000 is not exactly 1.
    if (std::fabs(ms - rounded) > 1e-6)
        return fail("finer than the resolution of 1ms");
    return DurationParseResult{std::chrono::milliseconds(static_cast<int64_t>(rounded)), {}};
}

std::string formatDuration(std::chrono::milliseconds duration)
{
    int64_t remaining = duration.count();
    if (remaining == 0)
        return "0s";
    std::string text;
    if (remaining < 0) {
        // Not produced by the parser; formatted anyway for messages about
        // computed differences.
        text = "-";
        remaining = -remaining;
    }
    for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
        const int64_t count = remaining / unit->ms;
        if (count == 0)
            continue;
        text += std::to_string(count);
        text += unit->suffix;
        remaining -= count * unit->ms;
    }
    return text;
}

} // namespace slatrack::config

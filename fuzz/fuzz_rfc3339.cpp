// Fuzz target: the RFC 3339 parser and formatters (core/time/rfc3339).
// Invariants: whatever parseMs accepts has the shape RFC 3339 demands, a
// calendar day that exists (checked against the C library's timegm), and
// formats back to text that parses to the same instant; formatting never
// fails for any int64.

#include "fuzz/fuzz_input.hpp"

#include "core/time/rfc3339.hpp"

#include <ctime>
#include <string>

namespace {

constexpr int64_t kYear0Ms = -62167219200000;       // 0000-01-01T00:00:00Z
constexpr int64_t kYear10000Ms = 253402300800000;   // 10000-01-01T00:00:00Z
constexpr int64_t kDayMs = 86'400'000;

int digitsAt(std::string_view text, size_t pos, size_t count)
{
    int value = 0;
    for (size_t digitIdx = 0; digitIdx < count; ++digitIdx)
        value = value * 10 + (text[pos + digitIdx] - '0');
    return value;
}

// An independent reading of text parseMs accepted: fixed positions for the
// date and clock, timegm for the calendar, the tail scanned for the
// fraction and the offset.
int64_t referenceMs(std::string_view text)
{
    std::tm fields{};
    fields.tm_year = digitsAt(text, 0, 4) - 1900;
    fields.tm_mon = digitsAt(text, 5, 2) - 1;
    fields.tm_mday = digitsAt(text, 8, 2);
    fields.tm_hour = digitsAt(text, 11, 2);
    fields.tm_min = digitsAt(text, 14, 2);
    fields.tm_sec = digitsAt(text, 17, 2);
    const int day = fields.tm_mday;
    const int64_t seconds = timegm(&fields);
    // timegm rolls 31 February into March: an accepted day must not roll.
    // (Second 60 may roll the day over legitimately.)
    if (digitsAt(text, 17, 2) < 60)
        FUZZ_ASSERT(fields.tm_mday == day, "accepted a day that does not exist: %.*s", int(text.size()), text.data());
    int64_t millis = 0;
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        int64_t scale = 100;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            millis += (text[pos] - '0') * scale;
            scale /= 10;
        }
    }
    int64_t offsetMinutes = 0;
    if (text[pos] == '+' || text[pos] == '-') {
        offsetMinutes = digitsAt(text, pos + 1, 2) * 60 + digitsAt(text, pos + 4, 2);
        if (text[pos] == '-')
            offsetMinutes = -offsetMinutes;
    }
    return (seconds - offsetMinutes * 60) * 1000 + millis;
}

void checkAccepted(std::string_view text, int64_t unixMs)
{
    FUZZ_ASSERT(text.size() >= 20, "accepted %zu bytes, shorter than any RFC 3339 date-time", text.size());
    for (size_t pos : {4u, 7u})
        FUZZ_ASSERT(text[pos] == '-', "accepted without '-' at %zu: %.*s", pos, int(text.size()), text.data());
    for (size_t pos : {13u, 16u})
        FUZZ_ASSERT(text[pos] == ':', "accepted without ':' at %zu: %.*s", pos, int(text.size()), text.data());
    FUZZ_ASSERT(text[10] == 'T' || text[10] == 't' || text[10] == ' ', "accepted separator '%c'", text[10]);
    FUZZ_ASSERT(digitsAt(text, 11, 2) < 24 && digitsAt(text, 14, 2) < 60 && digitsAt(text, 17, 2) <= 60,
                "accepted an impossible clock: %.*s", int(text.size()), text.data());
    const char last = text.back();
    FUZZ_ASSERT(last == 'Z' || last == 'z' || (last >= '0' && last <= '9'), "accepted trailing '%c'", last);

    const int64_t reference = referenceMs(text);
    FUZZ_ASSERT(unixMs == reference, "%.*s: parsed %lld, reference %lld", int(text.size()), text.data(),
                static_cast<long long>(unixMs), static_cast<long long>(reference));
    FUZZ_ASSERT(unixMs >= kYear0Ms - kDayMs && unixMs < kYear10000Ms + kDayMs, "out of range: %lld", static_cast<long long>(unixMs));
}

void checkFormat(int64_t unixMs)
{
    const std::string text = slatrack::rfc3339::formatMs(unixMs);
    FUZZ_ASSERT(!text.empty() && text.back() == 'Z', "formatMs(%lld) = %s", static_cast<long long>(unixMs), text.c_str());
    FUZZ_ASSERT(!slatrack::rfc3339::formatSeconds(unixMs).empty(), "formatSeconds(%lld) is empty", static_cast<long long>(unixMs));
    if (unixMs >= kYear0Ms && unixMs < kYear10000Ms) {
        const std::optional<int64_t> back = slatrack::rfc3339::parseMs(text);
        FUZZ_ASSERT(back && *back == unixMs, "formatMs(%lld) = %s does not read back", static_cast<long long>(unixMs), text.c_str());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const std::optional<int64_t> parsed = slatrack::rfc3339::parseMs(text)) {
        checkAccepted(text, *parsed);
        checkFormat(*parsed);
    }
    // The same bytes read as a time: every int64 formats.
    slatrack::fuzz::FuzzInput input(data, size);
    checkFormat(input.integer<int64_t>());
    return 0;
}

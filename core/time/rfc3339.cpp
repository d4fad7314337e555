#include "core/time/rfc3339.hpp"

#include "core/time/civil_date.hpp"

#include <cstdio>

namespace slatrack::rfc3339 {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kSecondsPerDay = 86400;

// A cursor over the text; every reader fails (returns false) rather than
// reading past the end, so a truncated value is simply rejected.
class Reader {
public:
    explicit Reader(std::string_view text) : m_text(text) {}

    bool digits(size_t count, int& out)
    {
        if (m_text.size() - m_pos < count)
            return false;
        int value = 0;
        for (size_t digitIdx = 0; digitIdx < count; ++digitIdx) {
            const char ch = m_text[m_pos + digitIdx];
            if (ch < '0' || ch > '9')
                return false;
            value = value * 10 + (ch - '0');
        }
        m_pos += count;
        out = value;
        return true;
    }

    bool literal(char wanted)
    {
        if (atEnd() || m_text[m_pos] != wanted)
            return false;
        ++m_pos;
        return true;
    }

    // Consumes one of the characters in `choices`; returns it, or '\0'.
    char oneOf(std::string_view choices)
    {
        if (atEnd() || choices.find(m_text[m_pos]) == std::string_view::npos)
            return '\0';
        return m_text[m_pos++];
    }

    // "." 1*DIGIT after the seconds, as milliseconds (digits past the third
    // are checked, then dropped). Absent: 0. Malformed: false.
    bool fraction(int64_t& millis)
    {
        millis = 0;
        if (!literal('.'))
            return true;
        const size_t start = m_pos;
        int64_t scale = 100;
        while (!atEnd() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            millis += (m_text[m_pos] - '0') * scale;
            scale /= 10;
            ++m_pos;
        }
        return m_pos > start;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }

private:
    std::string_view m_text;
    size_t m_pos = 0;
};

// Floor division and its non-negative remainder: (-1, 1000) -> (-1, 999),
// so times before 1970 print as the instant before, not after. Written
// without `a - (b - 1)` or `quotient * divisor` so INT64_MIN cannot overflow.
struct Split {
    int64_t quotient;
    int64_t remainder;  // 0..divisor-1
};

Split floorSplit(int64_t value, int64_t divisor)
{
    const int64_t remainder = value % divisor;
    if (remainder < 0)
        return {value / divisor - 1, remainder + divisor};
    return {value / divisor, remainder};
}

// "YYYY-MM-DDThh:mm:ss" of a Unix second count, into `out` (>= 64 bytes).
int formatDateTime(int64_t unixSeconds, char* out, size_t size)
{
    const auto [days, secondOfDay] = floorSplit(unixSeconds, kSecondsPerDay);
    const civil::Date date = civil::civilFromDays(days);
    return std::snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(date.year), date.month,
                         date.day, static_cast<int>(secondOfDay / 3600), static_cast<int>(secondOfDay / 60 % 60),
                         static_cast<int>(secondOfDay % 60));
}

} // namespace

std::optional<int64_t> parseMs(std::string_view text)
{
    Reader in(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!in.digits(4, year) || !in.literal('-') || !in.digits(2, month) || !in.literal('-') || !in.digits(2, day))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > civil::daysInMonth(year, static_cast<unsigned>(month)))
        return std::nullopt;
    if (in.oneOf("Tt ") == '\0')
        return std::nullopt;
    if (!in.digits(2, hour) || !in.literal(':') || !in.digits(2, minute) || !in.literal(':') || !in.digits(2, second))
        return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    int64_t millis = 0;
    if (!in.fraction(millis))
        return std::nullopt;

    int64_t offsetMinutes = 0;
    const char zone = in.oneOf("Zz+-");
    if (zone == '+' || zone == '-') {
        int offsetHours = 0, offsetMins = 0;
        if (!in.digits(2, offsetHours) || !in.literal(':') || !in.digits(2, offsetMins))
            return std::nullopt;
        if (offsetHours > 23 || offsetMins > 59)
            return std::nullopt;
        offsetMinutes = (zone == '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else if (zone == '\0') {
        return std::nullopt;  // RFC 3339 has no local times: the offset is required
    }
    if (!in.atEnd())
        return std::nullopt;

    // Years 0000..9999 keep every term far inside int64.
    const int64_t days = civil::daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
    return seconds * kMsPerSecond + millis;
}

std::string formatMs(int64_t unixMs)
{
    const auto [seconds, millis] = floorSplit(unixMs, kMsPerSecond);
    char text[64];
    const int length = formatDateTime(seconds, text, sizeof text);
    std::snprintf(text + length, sizeof text - static_cast<size_t>(length), ".%03dZ", static_cast<int>(millis));
    return text;
}

std::string formatSeconds(int64_t unixSeconds)
{
    char text[64];
    const int length = formatDateTime(unixSeconds, text, sizeof text);
    std::snprintf(text + length, sizeof text - static_cast<size_t>(length), "Z");
    return text;
}

} // namespace slatrack::rfc3339

#pragma once

#include <cstdint>

// Proleptic Gregorian calendar arithmetic (H. Hinnant, "chrono-Compatible
// Low-Level Date Algorithms"): no timegm/gmtime, so no locale, no time zone
// database, no static buffers, and the same answer on every machine and
// thread. Valid for every day count an int64 of milliseconds can reach.
namespace slatrack::civil {

struct Date {
    int64_t year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
};

constexpr bool isLeapYear(int64_t year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned daysInMonth(int64_t year, unsigned month)
{
    constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01; the caller has checked month and day.
constexpr int64_t daysFromCivil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<int64_t>(dayOfEra) - 719468;
}

// The inverse of daysFromCivil.
constexpr Date civilFromDays(int64_t days)
{
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned shiftedMonth = (5 * dayOfYear + 2) / 153;  // 0 = March
    Date out;
    out.day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    out.month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    out.year = static_cast<int64_t>(yearOfEra) + era * 400 + (out.month <= 2);
    return out;
}

} // namespace slatrack::civil

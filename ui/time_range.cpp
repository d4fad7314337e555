#include "time_range.hpp"

using namespace Qt::StringLiterals;

namespace slatrack::ui {

int64_t rangeSeconds(TimeRange range)
{
    switch (range) {
    case TimeRange::Live5Min: return 5 * 60;
    case TimeRange::Hour: return 3600;
    case TimeRange::Day: return 24 * 3600;
    case TimeRange::Custom: return 0;
    }
    return 5 * 60;
}

QString rangeLabel(TimeRange range)
{
    switch (range) {
    case TimeRange::Live5Min: return u"live 5 min"_s;
    case TimeRange::Hour: return u"1 h"_s;
    case TimeRange::Day: return u"24 h"_s;
    case TimeRange::Custom: return u"custom\u2026"_s;
    }
    return {};
}

} // namespace slatrack::ui

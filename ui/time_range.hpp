#pragma once

#include <QString>

#include <cstdint>

namespace slatrack::ui {

// The span the charts cover, ending at the newest data. The engine keeps
// only the last MonitorSnapshot::kSeriesSeconds in memory; longer ranges
// will come from the store, which does not exist yet, so for them the
// charts show what is held and say so (DashboardWindow's history note).
enum class TimeRange { Live5Min, Hour, Day };

int64_t rangeSeconds(TimeRange range);
QString rangeLabel(TimeRange range);  // "live 5 min", "1 h", "24 h"

} // namespace slatrack::ui

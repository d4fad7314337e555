#pragma once

#include <QString>

#include <cstdint>

namespace slatrack::ui {

// The span the charts cover. Live: the last 5 min the engine holds, sliding
// with the data. 1 h and 24 h end now and, like a custom from-to range,
// are read from the history store (DashboardWindow::setHistorySource);
// without a store they show what is held and say why.
enum class TimeRange { Live5Min, Hour, Day, Custom };

int64_t rangeSeconds(TimeRange range);  // Custom: 0 (its span is its own)
QString rangeLabel(TimeRange range);    // "live 5 min", "1 h", "24 h", "custom…"

} // namespace slatrack::ui

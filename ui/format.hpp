#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <QString>

#include <cstdint>

namespace slatrack::ui {

// Text for numbers on screen. A tile draws `value` big and `unit` small, so
// the split matters: "201.3" + "k rec/s", never "201300 rec/s".
// All functions are pure (any thread) and use the default QLocale for digit
// grouping, so an operator reads numbers the way their desktop writes them.
struct ValueText {
    QString value;
    QString unit;
};

ValueText countText(uint64_t count, const QString& unit);
ValueText rateText(double perSecond);  // unit: rec/s, k rec/s, M rec/s
ValueText latencyText(int64_t ms);     // unit: ms, s, min, h

// Tiles side by side share one unit, chosen from the largest of them, so an
// operator compares digits, never "850 ms" with "1.2 s" or "2.5 min".
enum class LatencyUnit { Ms, S, Min, H };
LatencyUnit latencyUnitFor(int64_t largestMs);
ValueText latencyTextIn(int64_t ms, LatencyUnit unit);
enum class RateUnit { PerS, KPerS, MPerS };
RateUnit rateUnitFor(double largestPerSecond);
ValueText rateTextIn(double perSecond, RateUnit unit);
enum class CountUnit { One, Mega, Giga };
CountUnit countUnitFor(uint64_t largest);
ValueText countTextIn(uint64_t count, CountUnit unit, const QString& unitName);

// Short count for running text: "950", "98k", "1.2M".
QString compactCount(uint64_t count);

// "850 ms", "12.3 s", "5 min 02 s", "10 min", "2 h 05 min", "3 d 04 h".
QString durationText(int64_t ms);
// Digit-grouped integer, e.g. "12,345".
QString groupedCount(uint64_t count);
// Local wall-clock time of a Unix-ms instant, "HH:mm:ss".
QString clockText(int64_t unixMs);

// A stage's configured name, or "stage N" when the snapshot has none.
QString stageName(const monitor::MonitorSnapshot& snapshot, size_t stage);

} // namespace slatrack::ui

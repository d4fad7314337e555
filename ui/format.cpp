#include "format.hpp"

#include <QDateTime>
#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Keep about three significant digits: more is noise at a glance, fewer
// hides a real change (1.2 s vs 1.25 s matters against a 1.5 s SLA).
QString threeDigits(double value)
{
    const QLocale locale;
    if (value >= 100)
        return locale.toString(value, 'f', 0);
    if (value >= 10)
        return locale.toString(value, 'f', 1);
    return locale.toString(value, 'f', 2);
}

QString twoDigits(int64_t value)
{
    return QStringLiteral("%1").arg(value, 2, 10, QLatin1Char('0'));
}

} // namespace

QString groupedCount(uint64_t count)
{
    return QLocale().toString(static_cast<qulonglong>(count));
}

CountUnit countUnitFor(uint64_t largest)
{
    // Up to a million the exact count fits a tile and an operator can
    // compare it with other tools; above it the last digits only flicker.
    if (largest < 1'000'000)
        return CountUnit::One;
    return largest < 1'000'000'000 ? CountUnit::Mega : CountUnit::Giga;
}

ValueText countTextIn(uint64_t count, CountUnit unit, const QString& unitName)
{
    switch (unit) {
    case CountUnit::One: return {groupedCount(count), unitName};
    case CountUnit::Mega: return {threeDigits(static_cast<double>(count) / 1e6), u"M "_s + unitName};
    case CountUnit::Giga: return {threeDigits(static_cast<double>(count) / 1e9), u"G "_s + unitName};
    }
    return {};
}

ValueText countText(uint64_t count, const QString& unit)
{
    return countTextIn(count, countUnitFor(count), unit);
}

namespace {
double saneRate(double perSecond)
{
    return perSecond < 0 || !std::isfinite(perSecond) ? 0 : perSecond;
}
} // namespace

RateUnit rateUnitFor(double largestPerSecond)
{
    const double rate = saneRate(largestPerSecond);
    if (rate < 10'000)
        return RateUnit::PerS;
    return rate < 10'000'000 ? RateUnit::KPerS : RateUnit::MPerS;
}

ValueText rateTextIn(double perSecond, RateUnit unit)
{
    const QLocale locale;
    perSecond = saneRate(perSecond);
    switch (unit) {
    case RateUnit::PerS:
        if (perSecond < 10)
            return {locale.toString(perSecond, 'f', perSecond == std::floor(perSecond) ? 0 : 1), u"rec/s"_s};
        return {locale.toString(std::round(perSecond), 'f', 0), u"rec/s"_s};
    case RateUnit::KPerS: return {threeDigits(perSecond / 1e3), u"k rec/s"_s};
    case RateUnit::MPerS: return {threeDigits(perSecond / 1e6), u"M rec/s"_s};
    }
    return {};
}

ValueText rateText(double perSecond)
{
    return rateTextIn(perSecond, rateUnitFor(perSecond));
}

LatencyUnit latencyUnitFor(int64_t largestMs)
{
    if (largestMs < 1000)
        return LatencyUnit::Ms;
    if (largestMs < 60'000)
        return LatencyUnit::S;
    return largestMs < 3'600'000 ? LatencyUnit::Min : LatencyUnit::H;
}

ValueText latencyTextIn(int64_t ms, LatencyUnit unit)
{
    ms = std::max<int64_t>(ms, 0);
    const double seconds = static_cast<double>(ms) / 1000.0;
    switch (unit) {
    case LatencyUnit::Ms: return {QLocale().toString(static_cast<qlonglong>(ms)), u"ms"_s};
    case LatencyUnit::S: return {threeDigits(seconds), u"s"_s};
    case LatencyUnit::Min: return {threeDigits(seconds / 60), u"min"_s};
    case LatencyUnit::H: return {threeDigits(seconds / 3600), u"h"_s};
    }
    return {};
}

ValueText latencyText(int64_t ms)
{
    return latencyTextIn(ms, latencyUnitFor(ms));
}

QString compactCount(uint64_t count)
{
    if (count < 1000)
        return QString::number(count);
    if (count < 1'000'000)
        return QLocale().toString(static_cast<double>(count) / 1e3, 'f', count < 10'000 ? 1 : 0) + u'k';
    return QLocale().toString(static_cast<double>(count) / 1e6, 'f', count < 10'000'000 ? 1 : 0) + u'M';
}

QString durationText(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QLocale().toString(static_cast<double>(ms) / 1000.0, 'f', 1) + u" s"_s;
    const int64_t seconds = ms / 1000;
    // Whole units drop the zero part: a "10 min" window, not "10 min 00 s".
    if (seconds < 3600) {
        return seconds % 60 == 0 ? QStringLiteral("%1 min").arg(seconds / 60)
                                 : QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(twoDigits(seconds % 60));
    }
    if (seconds < 86400) {
        return seconds % 3600 / 60 == 0 ? QStringLiteral("%1 h").arg(seconds / 3600)
                                        : QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg(twoDigits(seconds % 3600 / 60));
    }
    return seconds % 86400 / 3600 == 0 ? QStringLiteral("%1 d").arg(seconds / 86400)
                                       : QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg(twoDigits(seconds % 86400 / 3600));
}

QString clockText(int64_t unixMs)
{
    return QDateTime::fromMSecsSinceEpoch(unixMs).toString(u"HH:mm:ss"_s);
}

QString stageName(const monitor::MonitorSnapshot& snapshot, size_t stage)
{
    if (stage < snapshot.stageNames.size() && !snapshot.stageNames[stage].empty())
        return QString::fromStdString(snapshot.stageNames[stage]);
    return QStringLiteral("stage %1").arg(stage);
}

} // namespace slatrack::ui

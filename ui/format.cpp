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

ValueText countText(uint64_t count, const QString& unit)
{
    // Up to a million the exact count fits a tile and an operator can
    // compare it with other tools; above it the last digits only flicker.
    if (count < 1'000'000)
        return {groupedCount(count), unit};
    if (count < 1'000'000'000)
        return {threeDigits(static_cast<double>(count) / 1e6), u"M "_s + unit};
    return {threeDigits(static_cast<double>(count) / 1e9), u"G "_s + unit};
}

ValueText rateText(double perSecond)
{
    const QLocale locale;
    if (perSecond < 0 || !std::isfinite(perSecond))
        perSecond = 0;
    if (perSecond < 10)
        return {locale.toString(perSecond, 'f', perSecond == std::floor(perSecond) ? 0 : 1), u"rec/s"_s};
    if (perSecond < 10'000)
        return {locale.toString(std::round(perSecond), 'f', 0), u"rec/s"_s};
    if (perSecond < 10'000'000)
        return {threeDigits(perSecond / 1e3), u"k rec/s"_s};
    return {threeDigits(perSecond / 1e6), u"M rec/s"_s};
}

ValueText latencyText(int64_t ms)
{
    if (ms < 1000)
        return {QLocale().toString(static_cast<qlonglong>(std::max<int64_t>(ms, 0))), u"ms"_s};
    const double seconds = static_cast<double>(ms) / 1000.0;
    if (seconds < 60)
        return {threeDigits(seconds), u"s"_s};
    if (seconds < 3600)
        return {threeDigits(seconds / 60), u"min"_s};
    return {threeDigits(seconds / 3600), u"h"_s};
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

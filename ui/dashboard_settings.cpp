#include "dashboard_settings.hpp"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {
const QString kTheme = u"dashboard/theme"_s;
const QString kWarRoomScreen = u"dashboard/warRoomScreen"_s;
const QString kGeometry = u"dashboard/geometry"_s;
} // namespace

QString themeModeName(ThemeMode mode)
{
    switch (mode) {
    case ThemeMode::System: return u"system"_s;
    case ThemeMode::Light: return u"light"_s;
    case ThemeMode::Dark: return u"dark"_s;
    }
    return u"system"_s;
}

DashboardSettings DashboardSettings::load(const QSettings& settings)
{
    DashboardSettings out;
    const QString theme = settings.value(kTheme).toString();
    for (ThemeMode mode : {ThemeMode::System, ThemeMode::Light, ThemeMode::Dark}) {
        if (theme == themeModeName(mode))
            out.theme = mode;
    }
    out.warRoomScreen = settings.value(kWarRoomScreen).toString();
    out.geometry = settings.value(kGeometry).toByteArray();
    return out;
}

void DashboardSettings::save(QSettings& settings) const
{
    settings.setValue(kTheme, themeModeName(theme));
    settings.setValue(kWarRoomScreen, warRoomScreen);
    settings.setValue(kGeometry, geometry);
}

} // namespace slatrack::ui

#pragma once

#include "theme.hpp"

#include <QByteArray>
#include <QString>

class QSettings;

namespace slatrack::ui {

// What the dashboard remembers between runs. Stored with QSettings under
// "dashboard/": the theme by name ("system", "light", "dark"), the name of
// the screen the war room last ran on, and the desk window's geometry
// (QWidget::saveGeometry). Unknown or missing values read as the defaults.
// Thread: whoever owns the QSettings.
struct DashboardSettings {
    ThemeMode theme = ThemeMode::System;
    QString warRoomScreen;   // QScreen::name(); empty: the window's screen
    QByteArray geometry;     // empty: the app's default size

    static DashboardSettings load(const QSettings& settings);
    void save(QSettings& settings) const;
};

QString themeModeName(ThemeMode mode);

} // namespace slatrack::ui

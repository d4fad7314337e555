#pragma once

#include <QColor>
#include <QPalette>

#include <array>

namespace slatrack::ui {

// How a KPI tile (and a few header items) should be coloured. Neutral means
// "nothing to judge": informational numbers, or data that cannot be judged
// yet; it must never be drawn green.
enum class Tone { Neutral, Good, Warn, Bad };

enum class ThemeMode { System, Light, Dark };

// The war room's readability rule: no text smaller than 1/40 of the screen
// height (27 px on a 1080-line screen, 54 px on 2160). On a 55" 1080p
// display (68.5 cm high) that is 17 mm per line, about 12 mm capitals:
// readable from 5 m, where ~1/400 of the viewing distance is the usual
// lower bound for legible type. War-room font sizes are given at 1080 lines
// and scaled with the height, so the rule holds at every height.
inline constexpr int kWarRoomMinTextPx = 27;

// Colours and font sizes of one look (light, dark or war-room). A plain
// value: widgets take it in applyTheme() and keep nothing global.
// Every function here is pure: any thread, though only the UI thread uses it.
struct Theme {
    bool isDark = false;
    bool highContrast = false;  // war room: black background, bright tones, thick lines
    double scale = 1.0;         // font scale; war room sets it from the screen height

    QColor window;     // page background
    QColor surface;    // panels, charts, neutral tiles
    QColor border;
    QColor text;
    QColor mutedText;  // captions, units, axis titles
    QColor grid;       // chart grid lines
    QColor good, warn, bad;
    QColor onTone;     // text drawn on a good/warn/bad tile
    QColor sla;        // SLA threshold line
    std::array<QColor, 8> series{};  // line colours, in order of use

    QColor toneColor(Tone tone) const;
    QColor toneTextColor(Tone tone) const;  // readable on toneColor(tone)
    // The tone as a text colour on `window` (tile fills are too dark to
    // read as text on a dark background).
    QColor toneInk(Tone tone) const;
    QPalette palette() const;
    int px(int basePixels) const;  // basePixels at scale 1, scaled and rounded

    static Theme light();
    static Theme dark();
    // High contrast for a wall display; `scale` from the screen height.
    static Theme warRoom(double scale);
};

// Qt 6.4 has no QStyleHints::colorScheme (6.5+), so the desktop's preference
// is read from its palette: a dark window colour means a dark desktop.
bool systemPrefersDark(const QPalette& systemPalette);

Theme themeFor(ThemeMode mode, bool systemDark);

} // namespace slatrack::ui

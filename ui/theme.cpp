#include "theme.hpp"

#include <cmath>

namespace slatrack::ui {

namespace {

// Lightness below this (0..255) reads as a dark desktop theme: Breeze Dark,
// Adwaita-dark and Windows dark all sit far below, their light variants
// far above, so the exact threshold is not delicate.
constexpr int kDarkWindowLightness = 128;

// Series colours chosen to stay distinguishable for the common forms of
// colour blindness (Okabe-Ito based). No red and no green: red is the SLA
// and stuck, green reads as "healthy".
constexpr std::array<QRgb, 8> kLightSeries{0x0072b2, 0xe69f00, 0x7b3fa0, 0xcc79a7,
                                           0x56b4e9, 0x8c564b, 0x009e9e, 0x7f7f7f};
constexpr std::array<QRgb, 8> kDarkSeries{0x56b4e9, 0xf0c419, 0xc39bd3, 0xf49ac1,
                                          0xa0a0ff, 0xd8a47f, 0x3fd0d0, 0xbdbdbd};

std::array<QColor, 8> colours(const std::array<QRgb, 8>& rgb)
{
    std::array<QColor, 8> out;
    for (size_t colour_idx = 0; colour_idx < rgb.size(); ++colour_idx)
        out[colour_idx] = QColor::fromRgb(rgb[colour_idx]);
    return out;
}

} // namespace

QColor Theme::toneColor(Tone tone) const
{
    switch (tone) {
    case Tone::Good: return good;
    case Tone::Warn: return warn;
    case Tone::Bad: return bad;
    case Tone::Neutral: break;
    }
    return surface;
}

QColor Theme::toneTextColor(Tone tone) const
{
    return tone == Tone::Neutral ? text : onTone;
}

QColor Theme::toneInk(Tone tone) const
{
    if (tone == Tone::Neutral)
        return text;
    return isDark ? toneColor(tone).lighter(150) : toneColor(tone);
}

QPalette Theme::palette() const
{
    QPalette out;
    out.setColor(QPalette::Window, window);
    out.setColor(QPalette::WindowText, text);
    out.setColor(QPalette::Base, surface);
    out.setColor(QPalette::AlternateBase, isDark ? surface.lighter(115) : surface.darker(104));
    out.setColor(QPalette::Text, text);
    out.setColor(QPalette::PlaceholderText, mutedText);
    out.setColor(QPalette::Button, surface);
    out.setColor(QPalette::ButtonText, text);
    out.setColor(QPalette::ToolTipBase, surface);
    out.setColor(QPalette::ToolTipText, text);
    out.setColor(QPalette::Highlight, series[0]);
    out.setColor(QPalette::HighlightedText, isDark ? QColor(Qt::black) : QColor(Qt::white));
    out.setColor(QPalette::Mid, border);
    out.setColor(QPalette::Dark, border.darker(130));
    out.setColor(QPalette::Light, surface.lighter(110));
    out.setColor(QPalette::BrightText, bad);
    out.setColor(QPalette::Link, series[0]);
    out.setColor(QPalette::Disabled, QPalette::Text, mutedText);
    out.setColor(QPalette::Disabled, QPalette::WindowText, mutedText);
    out.setColor(QPalette::Disabled, QPalette::ButtonText, mutedText);
    return out;
}

int Theme::px(int basePixels) const
{
    return static_cast<int>(std::lround(basePixels * scale));
}

Theme Theme::light()
{
    Theme theme;
    theme.window = QColor(0xf3, 0xf4, 0xf6);
    theme.surface = QColor(0xff, 0xff, 0xff);
    theme.border = QColor(0xd0, 0xd4, 0xda);
    theme.text = QColor(0x1a, 0x1d, 0x21);
    theme.mutedText = QColor(0x5b, 0x63, 0x6e);
    theme.grid = QColor(0xe3, 0xe6, 0xea);
    // Tile fills: dark enough that white text on them passes WCAG AA.
    theme.good = QColor(0x1e, 0x7e, 0x34);
    theme.warn = QColor(0xb3, 0x5c, 0x00);
    theme.bad = QColor(0xc6, 0x28, 0x28);
    theme.onTone = QColor(Qt::white);
    theme.sla = QColor(0xc6, 0x28, 0x28);
    theme.series = colours(kLightSeries);
    return theme;
}

Theme Theme::dark()
{
    Theme theme;
    theme.isDark = true;
    theme.window = QColor(0x16, 0x18, 0x1c);
    theme.surface = QColor(0x22, 0x25, 0x2b);
    theme.border = QColor(0x3a, 0x3f, 0x47);
    theme.text = QColor(0xe8, 0xea, 0xed);
    theme.mutedText = QColor(0x9a, 0xa3, 0xad);
    theme.grid = QColor(0x33, 0x37, 0x3e);
    theme.good = QColor(0x1f, 0x8a, 0x3c);
    theme.warn = QColor(0xc2, 0x6a, 0x00);
    theme.bad = QColor(0xd3, 0x2f, 0x2f);
    theme.onTone = QColor(Qt::white);
    theme.sla = QColor(0xff, 0x55, 0x4d);
    theme.series = colours(kDarkSeries);
    return theme;
}

Theme Theme::warRoom(double scale)
{
    Theme theme = dark();
    theme.highContrast = true;
    theme.scale = scale;
    // Pure black and white, saturated fills: read across a room and through
    // a projector that washes out mid-tones.
    theme.window = QColor(Qt::black);
    theme.surface = QColor(0x12, 0x12, 0x12);
    theme.border = QColor(0x60, 0x60, 0x60);
    theme.text = QColor(Qt::white);
    theme.mutedText = QColor(0xd0, 0xd0, 0xd0);
    theme.grid = QColor(0x3c, 0x3c, 0x3c);
    theme.good = QColor(0x00, 0x96, 0x3c);
    theme.warn = QColor(0xe0, 0x8a, 0x00);
    theme.bad = QColor(0xe5, 0x1c, 0x23);
    theme.sla = QColor(0xff, 0x3b, 0x30);
    return theme;
}

bool systemPrefersDark(const QPalette& systemPalette)
{
    return systemPalette.color(QPalette::Window).lightness() < kDarkWindowLightness;
}

Theme themeFor(ThemeMode mode, bool systemDark)
{
    switch (mode) {
    case ThemeMode::Light: return Theme::light();
    case ThemeMode::Dark: return Theme::dark();
    case ThemeMode::System: break;
    }
    return systemDark ? Theme::dark() : Theme::light();
}

} // namespace slatrack::ui

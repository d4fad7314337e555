#include "kpi_tile.hpp"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Font sizes in pixels at scale 1. The war room's are sized for reading
// from about 5 m on a 1080p wall screen (a 96 px digit is ~5 cm tall on a
// 55" screen; nothing below kWarRoomMinTextPx) while leaving the charts
// most of the height.
struct TileFonts {
    int title, value, detail;
};
constexpr TileFonts kDeskFonts{15, 46, 12};
constexpr TileFonts kWarRoomFonts{kWarRoomMinTextPx + 3, 96, kWarRoomMinTextPx};

constexpr int kPadding = 10;
constexpr int kRadius = 6;
// The unit is drawn at this fraction of the value's size: small enough to
// read as secondary, large enough to read at all.
constexpr double kUnitFraction = 0.40;
// Text (not a number, e.g. "no alerting configured") starts smaller.
constexpr double kTextValueFraction = 0.45;

QFont pixelFont(int px, QFont::Weight weight)
{
    QFont font;
    font.setPixelSize(std::max(px, 6));
    font.setWeight(weight);
    return font;
}

bool isNumeric(const QString& value)
{
    return !value.isEmpty() && (value.front().isDigit() || value == u"\u2014"_s);
}

} // namespace

KpiTile::KpiTile(const QString& title, QWidget* parent)
    : QFrame(parent)
    , m_title(title)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAccessibleName(title);
    applyTheme(m_theme);
}

void KpiTile::setValue(const ValueText& text, Tone tone, const QString& detail, const QString& breakdown)
{
    if (text.value == m_text.value && text.unit == m_text.unit && tone == m_tone && detail == m_detail && breakdown == m_breakdown)
        return;  // 4 updates a second of unchanged numbers cost nothing
    m_text = text;
    m_tone = tone;
    m_detail = detail;
    m_breakdown = breakdown;
    setAccessibleDescription(m_text.value + u' ' + m_text.unit + u" \u2014 "_s + m_detail);
    setToolTip(m_breakdown.isEmpty() ? m_detail : m_detail + u'\n' + m_breakdown);  // the detail line elides on a narrow tile
    refit();  // the detail line's presence changes the room for the number
    update();
}

void KpiTile::applyTheme(const Theme& theme)
{
    m_theme = theme;
    const TileFonts fonts = theme.highContrast ? kWarRoomFonts : kDeskFonts;
    m_titleFont = pixelFont(theme.px(fonts.title), QFont::DemiBold);
    m_detailFont = pixelFont(theme.px(fonts.detail), QFont::Normal);
    m_maxValuePx = theme.px(fonts.value);
    updateGeometry();
    refit();
    update();
}

QSize KpiTile::sizeHint() const
{
    const int pad = m_theme.px(kPadding);
    const int height = QFontMetrics(m_titleFont).height() + QFontMetrics(m_detailFont).height()
                       + QFontMetrics(pixelFont(m_maxValuePx, QFont::Bold)).height() + 3 * pad;
    return {m_maxValuePx * 4, height};
}

QSize KpiTile::minimumSizeHint() const
{
    QSize hint = sizeHint();
    hint.setWidth(m_maxValuePx * 2);
    return hint;
}

KpiTile::Geometry KpiTile::geometry() const
{
    const int pad = m_theme.px(kPadding);
    const QRect inner = rect().adjusted(pad, pad / 2 + pad / 4, -pad, -pad / 2 - pad / 4);
    const int titleHeight = QFontMetrics(m_titleFont).height();
    const int detailHeight = m_detail.isEmpty() ? 0 : QFontMetrics(m_detailFont).height();
    Geometry out;
    out.title = QRect(inner.left(), inner.top(), inner.width(), titleHeight);
    out.detail = QRect(inner.left(), inner.bottom() - detailHeight + 1, inner.width(), detailHeight);
    out.value = QRect(inner.left(), out.title.bottom() + 1, inner.width(), out.detail.top() - out.title.bottom() - 1);
    return out;
}

void KpiTile::refit()
{
    // Largest size (down from the theme's) at which the number and its unit
    // fit the tile, so nothing is clipped on a narrow window and text values
    // wrap onto two lines instead.
    const QRect box = geometry().value;
    const bool numeric = isNumeric(m_text.value);
    int px = numeric ? m_maxValuePx : static_cast<int>(m_maxValuePx * kTextValueFraction);
    constexpr int kMinPx = 9;
    for (; px > kMinPx; px = std::min(px - 1, static_cast<int>(px * 0.92))) {
        const QFont valueFont = pixelFont(px, numeric ? QFont::Bold : QFont::DemiBold);
        const QFontMetrics valueMetrics(valueFont);
        if (numeric) {
            const QFontMetrics unitMetrics(pixelFont(static_cast<int>(px * kUnitFraction), QFont::Normal));
            const int gap = m_text.unit.isEmpty() ? 0 : unitMetrics.horizontalAdvance(u' ');
            const int width = valueMetrics.horizontalAdvance(m_text.value) + gap + unitMetrics.horizontalAdvance(m_text.unit);
            if (width <= box.width() && valueMetrics.ascent() <= box.height())
                break;
        } else {
            const QRect needed = valueMetrics.boundingRect(box, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignVCenter, m_text.value);
            if (needed.width() <= box.width() && needed.height() <= box.height())
                break;
        }
    }
    m_fittedValuePx = std::max(px, kMinPx);
    m_valueFont = pixelFont(m_fittedValuePx, numeric ? QFont::Bold : QFont::DemiBold);
    m_unitFont = pixelFont(static_cast<int>(m_fittedValuePx * kUnitFraction), QFont::Normal);
}

void KpiTile::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    refit();
}

void KpiTile::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);

    const QColor fill = m_theme.toneColor(m_tone);
    const QColor ink = m_theme.toneTextColor(m_tone);
    QColor soft = m_tone == Tone::Neutral ? m_theme.mutedText : ink;
    if (m_tone != Tone::Neutral)
        soft.setAlphaF(0.88f);

    QPainterPath outline;
    outline.addRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), kRadius, kRadius);
    painter.fillPath(outline, fill);
    if (m_tone == Tone::Neutral) {
        painter.setPen(QPen(m_theme.border, 1));
        painter.drawPath(outline);
    }

    const Geometry box = geometry();
    painter.setFont(m_titleFont);
    painter.setPen(soft);
    painter.drawText(box.title, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetrics(m_titleFont).elidedText(m_title.toUpper(), Qt::ElideRight, box.title.width()));

    painter.setPen(ink);
    if (isNumeric(m_text.value)) {
        const QFontMetrics valueMetrics(m_valueFont);
        const QFontMetrics unitMetrics(m_unitFont);
        // Baseline a little below the middle, so the digits' optical centre
        // sits in the middle of the free band.
        const int baseline = box.value.center().y() + valueMetrics.capHeight() / 2;
        painter.setFont(m_valueFont);
        painter.drawText(QPoint(box.value.left(), baseline), m_text.value);
        if (!m_text.unit.isEmpty()) {
            painter.setFont(m_unitFont);
            painter.setPen(soft);
            const int unitX = box.value.left() + valueMetrics.horizontalAdvance(m_text.value) + unitMetrics.horizontalAdvance(u' ');
            painter.drawText(QPoint(unitX, baseline), m_text.unit);
        }
    } else {
        // Words, not a measurement (e.g. "no alerting configured"): drawn
        // muted on a neutral tile so they do not compete with the numbers.
        painter.setFont(m_valueFont);
        painter.setPen(m_tone == Tone::Neutral ? m_theme.mutedText : ink);
        painter.drawText(box.value, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignVCenter, m_text.value);
    }

    if (!m_detail.isEmpty()) {
        painter.setFont(m_detailFont);
        painter.setPen(soft);
        painter.drawText(box.detail, Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetrics(m_detailFont).elidedText(m_detail, Qt::ElideRight, box.detail.width()));
    }
}

} // namespace slatrack::ui

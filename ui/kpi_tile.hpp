#pragma once

#include "format.hpp"
#include "theme.hpp"

#include <QFont>
#include <QFrame>
#include <QString>

namespace slatrack::ui {

// One KPI: a title, the number big with its unit small, and one line of
// detail, on a background coloured by its tone. Painted by hand rather than
// with labels so the number can shrink to fit the tile (never clipped) and
// the unit can sit on the number's baseline.
//
// Thread: UI thread only (it is a widget).
class KpiTile : public QFrame {
    Q_OBJECT

public:
    explicit KpiTile(const QString& title, QWidget* parent = nullptr);

    // toolTip: the detail line (it elides on a narrow tile), then `breakdown`.
    void setValue(const ValueText& text, Tone tone, const QString& detail, const QString& breakdown = {});
    void applyTheme(const Theme& theme);

    QString title() const { return m_title; }
    QString valueText() const { return m_text.value; }
    QString unitText() const { return m_text.unit; }
    QString detailText() const { return m_detail; }
    Tone tone() const { return m_tone; }
    // Pixel size the value is drawn at after fitting (tests, screenshots).
    int fittedValuePixelSize() const { return m_fittedValuePx; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Geometry {
        QRect title, value, detail;
    };
    Geometry geometry() const;
    void refit();

    QString m_title;
    ValueText m_text;
    QString m_detail;
    QString m_breakdown;
    Tone m_tone = Tone::Neutral;
    Theme m_theme = Theme::light();
    QFont m_titleFont, m_valueFont, m_unitFont, m_detailFont;
    int m_maxValuePx = 46;
    int m_fittedValuePx = 46;
};

} // namespace slatrack::ui

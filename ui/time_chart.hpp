#pragma once

#include "theme.hpp"
#include "time_range.hpp"

#include <QChartView>
#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>

#include <cstdint>
#include <vector>

class QCategoryAxis;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QValueAxis;

namespace slatrack::ui {

// Peak-preserving decimation: if `points` (ascending x) holds more than
// `maxPoints`, replaces each run of consecutive points by its minimum and
// maximum, in x order, so a one-second spike survives. Pure: any thread.
void boundPoints(QList<QPointF>& points, qsizetype maxPoints);

// How raw values map to a chart's value axis: displayed = raw / divisor.
struct ValueScale {
    double divisor = 1;
    QString unit;  // axis title, e.g. "ms", "k rec/s"
};
// Scales shared by several charts. Pure: any thread.
ValueScale latencyScale(double maxMs);
ValueScale countScale(double maxRaw, const QString& unit);

// A line chart over wall-clock or event time: the shared part of the four
// dashboard charts (axes, theme, value scaling, hover tooltips, bounded
// series, the visible time window, a "waiting for data" note).
//
// Memory is bounded: every series holds at most kMaxPointsPerSeries points
// whatever the update rate or run time.
//
// Thread: UI thread only.
class TimeChart : public QChartView {
    Q_OBJECT

public:
    // About one point per horizontal pixel of a chart on a 1920-wide
    // screen (two charts side by side in two thirds of the width): more
    // could not be drawn apart, and each point costs stroking time.
    static constexpr qsizetype kMaxPointsPerSeries = 600;

    explicit TimeChart(const QString& title, QWidget* parent = nullptr);

    void applyTheme(const Theme& theme);
    // Takes effect at the next update; DashboardWindow re-renders the
    // shown snapshot right after switching.
    void setTimeRange(TimeRange range);
    TimeRange timeRange() const { return m_range; }
    // History from the store: the axis spans exactly [fromMs, toMs] (a
    // range in the past does not slide with the data); clear to go live.
    void setFixedWindow(int64_t fromMs, int64_t toMs);
    void clearFixedWindow();
    bool hasFixedWindow() const { return m_fixedToMs > m_fixedFromMs; }

    // Inspection, for tests and screenshots.
    QList<QLineSeries*> lineSeries() const;
    QLineSeries* seriesNamed(const QString& name) const;  // null if absent
    // x values are Unix ms; labels are local clock times at round steps.
    QCategoryAxis* timeAxis() const { return m_timeAxis; }
    QValueAxis* valueAxis() const { return m_valueAxis; }
    QString unitTitle() const { return m_scale.unit; }
    bool showsEmptyNote() const;
    // "p99 · 14:02:31 · 1.23 s": one series' sample as text.
    QString tooltipText(const QLineSeries* series, const QPointF& point) const;
    // The crosshair: a vertical line at `atMs` and a box with every visible
    // series' sample nearest that time ("14:02:31", "p50 120 ms", ...).
    // The dashboard moves it on every chart together; atMs < 0 hides it.
    void showCrosshairAt(int64_t atMs);
    QStringList crosshairLines(int64_t atMs) const;
    bool showsCrosshair() const;
    // The band's label when one is shown (tests), else empty.
    QString windowBandLabel() const;
    // Aligned time axes: the plot's left edge sits `leftPx` from the
    // chart's, whatever width the value labels need (the dashboard gives
    // every chart the widest one's). naturalPlotLeft() is the edge without.
    void setPlotLeft(qreal leftPx);
    qreal naturalPlotLeft() const;
    // Likewise the right edge's distance from the chart's right (a legend
    // beside the plot takes room there).
    void setPlotRightInset(qreal insetPx);
    qreal naturalPlotRightInset() const { return m_naturalRightInset; }

signals:
    // The cursor is over the plot at this time (-1: it left).
    void crosshairMoved(qint64 atMs);
    // The value labels' width changed, so did naturalPlotLeft().
    void naturalPlotLeftChanged();

protected:
    enum class LineRole { Normal, Alarm, Threshold, Summary };

    // A series coloured by theme.series[colourIndex] (Normal), the bad
    // colour (Alarm), the dashed SLA colour (Threshold) or dotted in
    // theme.series[colourIndex] (Summary: a value over a span, e.g. a tile's).
    QLineSeries* addLine(const QString& name, int colourIndex, LineRole role = LineRole::Normal);
    void removeLine(QLineSeries* series);
    // A Normal line's colour: theme.series[colourIndex % 8].
    void setLineColour(QLineSeries* series, int colourIndex);

    struct Update {
        QLineSeries* series = nullptr;
        QList<QPointF> points;  // x: Unix ms, y: raw value; ascending x
    };
    // Replaces every given series' points with those inside the visible
    // window (bounded), scales values and sets both axes. `newestMs` ends
    // the window; `oldestHeldMs` is the oldest data held (used when the
    // range asks for more than exists). `floorMax` keeps the y axis at
    // least that high (raw units), e.g. above the SLA line.
    void applyUpdate(std::vector<Update> updates, int64_t oldestHeldMs, int64_t newestMs, double floorMax = 0);
    void setEmptyNote(const QString& note);  // empty: hide
    // A shaded band from `fromMs` to the window's end with `label` at its
    // top, e.g. the span the KPI tiles summarise. fromMs < 0: none.
    void setWindowBand(int64_t fromMs, const QString& label);
    // Legend beside the plot: for long series names, and in the war room,
    // where a legend row above would cost a fifth of the plot's height.
    void setLegendBesidePlot(bool beside);

    virtual ValueScale chooseScale(double maxRaw) const;
    virtual QString formatRaw(double raw) const;

    const ValueScale& scale() const { return m_scale; }
    int64_t windowFromMs() const { return m_fromMs; }
    int64_t windowToMs() const { return m_toMs; }
    const Theme& theme() const { return m_theme; }

    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct LineStyle {
        int colourIndex = 0;
        LineRole role = LineRole::Normal;
    };
    void styleSeries(QLineSeries* series) const;
    void placeEmptyNote();

    void setTimeTicks();
    void onPlotAreaChanged(const QRectF& plot);

    QCategoryAxis* m_timeAxis = nullptr;
    int64_t m_tickFirstMs = 0;  // the ticks last laid out, to skip relabelling
    int64_t m_tickStepMs = 0;
    int64_t m_tickLastMs = 0;
    QValueAxis* m_valueAxis = nullptr;
    QGraphicsSimpleTextItem* m_emptyNote = nullptr;
    void placeWindowBand();
    QGraphicsRectItem* m_band = nullptr;
    QGraphicsSimpleTextItem* m_bandLabel = nullptr;
    int64_t m_bandFromMs = -1;
    QGraphicsLineItem* m_crosshair = nullptr;
    QGraphicsRectItem* m_crosshairBox = nullptr;
    QGraphicsSimpleTextItem* m_crosshairText = nullptr;
    int64_t m_crosshairMs = -1;
    qreal m_naturalLeft = 0;
    qreal m_naturalRightInset = 0;
    bool m_legendBeside = false;
    QHash<const QLineSeries*, LineStyle> m_styles;
    Theme m_theme = Theme::light();
    TimeRange m_range = TimeRange::Live5Min;
    int64_t m_fixedFromMs = 0, m_fixedToMs = 0;  // equal: none
    ValueScale m_scale;
    int64_t m_fromMs = 0;
    int64_t m_toMs = 0;
};

} // namespace slatrack::ui

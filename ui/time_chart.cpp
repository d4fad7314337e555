#include "time_chart.hpp"

#include "format.hpp"

#include <QChart>
#include <QCursor>
#include <QDateTime>
#include <QCategoryAxis>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QMouseEvent>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr int kChartMargin = 2;

struct ChartFonts {
    int title, labels, legend;
    qreal line;
};
constexpr ChartFonts kDeskFonts{15, 13, 13, 2.0};
constexpr ChartFonts kWarRoomFonts{kWarRoomMinTextPx + 5, kWarRoomMinTextPx, kWarRoomMinTextPx, 4.0};

// Steps between time labels, so labels fall on round clock times (09:31,
// not 09:31:17). The first that yields at most the wanted label count wins.
constexpr int64_t kTickStepsMs[] = {5'000, 10'000, 15'000, 30'000, 60'000, 120'000, 300'000, 600'000, 900'000,
                                    1'800'000, 3'600'000, 7'200'000, 10'800'000, 21'600'000, 43'200'000};

QFont pixelFont(int px, QFont::Weight weight = QFont::Normal)
{
    QFont font;
    font.setPixelSize(std::max(px, 6));
    font.setWeight(weight);
    return font;
}

struct NiceRange {
    double max = 1;
    double step = 1;
    int ticks = 2;
};

// 0..max in at most `maxSteps` (1..5) steps of 1, 2 or 5 times a power of
// ten (not 2.5: its labels would need a decimal that integer-formatted
// labels round away).
NiceRange niceRange(double max, int maxSteps)
{
    if (!(max > 0) || !std::isfinite(max))
        max = 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(max / std::max(1, maxSteps - 1))));
    for (double factor : {1.0, 2.0, 5.0, 10.0}) {
        const double step = factor * magnitude;
        const double steps = std::ceil(max / step - 1e-9);
        if (steps <= maxSteps)
            return {steps * step, step, static_cast<int>(steps) + 1};
    }
    return {std::ceil(max / (10 * magnitude)) * 10 * magnitude, 10 * magnitude, 2};
}

} // namespace

void boundPoints(QList<QPointF>& points, qsizetype maxPoints)
{
    if (points.size() <= maxPoints || maxPoints < 2)
        return;
    // Each run of `run` points contributes its min and max, so the output
    // holds at most 2 * ceil(n / run) <= maxPoints points.
    const qsizetype pairs = maxPoints / 2;
    const qsizetype run = (points.size() + pairs - 1) / pairs;
    QList<QPointF> out;
    out.reserve(maxPoints);
    for (qsizetype start = 0; start < points.size(); start += run) {
        const qsizetype end = std::min(points.size(), start + run);
        qsizetype low = start, high = start;
        for (qsizetype point_idx = start; point_idx < end; ++point_idx) {
            if (points[point_idx].y() < points[low].y())
                low = point_idx;
            if (points[point_idx].y() > points[high].y())
                high = point_idx;
        }
        out.append(points[std::min(low, high)]);
        if (low != high)
            out.append(points[std::max(low, high)]);
    }
    points = std::move(out);
}

ValueScale latencyScale(double maxMs)
{
    if (maxMs < 2'000)
        return {1, u"ms"_s};
    if (maxMs < 120'000)
        return {1'000, u"s"_s};
    if (maxMs < 2 * 3'600'000.0)
        return {60'000, u"min"_s};
    return {3'600'000, u"h"_s};
}

ValueScale countScale(double maxRaw, const QString& unit)
{
    if (maxRaw < 10'000)
        return {1, unit};
    if (maxRaw < 10'000'000)
        return {1'000, u"k "_s + unit};
    return {1'000'000, u"M "_s + unit};
}

TimeChart::TimeChart(const QString& title, QWidget* parent)
    // The chart goes in at construction: QChartView(parent) would make a
    // default chart that setChart() later releases without deleting.
    : QChartView(new QChart, parent)
    , m_timeAxis(new QCategoryAxis)
    , m_valueAxis(new QValueAxis)
{
    QChart* chart = this->chart();
    chart->setTitle(title);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(kChartMargin, kChartMargin, kChartMargin, kChartMargin));
    connect(chart, &QChart::plotAreaChanged, this, &TimeChart::onPlotAreaChanged);
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->legend()->setShowToolTips(true);
    // Animations would make a 4 Hz live chart permanently in motion.
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_valueAxis->setMin(0);
    m_valueAxis->setTickCount(5);
    m_valueAxis->setLabelFormat(u"%.0f"_s);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(280, 150);
    setMouseTracking(true);  // the crosshair follows the cursor without a click

    m_emptyNote = new QGraphicsSimpleTextItem(chart);
    m_emptyNote->setZValue(10);
    setEmptyNote(u"waiting for data"_s);
}

QList<QLineSeries*> TimeChart::lineSeries() const
{
    QList<QLineSeries*> out;
    for (QAbstractSeries* series : chart()->series()) {
        if (auto* line = qobject_cast<QLineSeries*>(series))
            out.append(line);
    }
    return out;
}

QLineSeries* TimeChart::seriesNamed(const QString& name) const
{
    for (QLineSeries* series : lineSeries()) {
        if (series->name() == name)
            return series;
    }
    return nullptr;
}

bool TimeChart::showsEmptyNote() const
{
    return m_emptyNote->isVisible();
}

QLineSeries* TimeChart::addLine(const QString& name, int colourIndex, LineRole role)
{
    auto* series = new QLineSeries(this);
    series->setName(name);
    chart()->addSeries(series);  // the chart takes ownership
    series->attachAxis(m_timeAxis);
    series->attachAxis(m_valueAxis);
    m_styles.insert(series, LineStyle{colourIndex, role});
    styleSeries(series);
    return series;
}

void TimeChart::removeLine(QLineSeries* series)
{
    m_styles.remove(series);
    chart()->removeSeries(series);
    delete series;
}

void TimeChart::styleSeries(QLineSeries* series) const
{
    const LineStyle style = m_styles.value(series);
    const ChartFonts fonts = m_theme.highContrast ? kWarRoomFonts : kDeskFonts;
    QPen pen;
    pen.setWidthF(fonts.line * (m_theme.highContrast ? m_theme.scale : 1.0));
    // Bevel joins: QtCharts strokes every line again for its hover shape on
    // each update, and round joins (atan2 per vertex) made that the biggest
    // cost of a render.
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
    switch (style.role) {
    case LineRole::Normal:
        pen.setColor(m_theme.series[static_cast<size_t>(style.colourIndex) % m_theme.series.size()]);
        break;
    case LineRole::Alarm:
        pen.setColor(m_theme.bad);
        break;
    case LineRole::Threshold:
        pen.setColor(m_theme.sla);
        pen.setStyle(Qt::DashLine);
        break;
    case LineRole::Summary:
        pen.setColor(m_theme.series[static_cast<size_t>(style.colourIndex) % m_theme.series.size()]);
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(pen.widthF() * 1.5);
        break;
    }
    series->setPen(pen);
}

void TimeChart::applyTheme(const Theme& theme)
{
    m_theme = theme;
    const ChartFonts fonts = theme.highContrast ? kWarRoomFonts : kDeskFonts;
    QChart* chart = this->chart();
    chart->setBackgroundBrush(theme.surface);
    chart->setBackgroundPen(QPen(theme.border, 1));
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(theme.text);
    chart->setTitleFont(pixelFont(theme.px(fonts.title), QFont::DemiBold));
    chart->legend()->setLabelColor(theme.text);
    chart->legend()->setFont(pixelFont(theme.px(fonts.legend)));
    chart->legend()->setAlignment(m_legendBeside || theme.highContrast ? Qt::AlignRight : Qt::AlignTop);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_timeAxis), static_cast<QAbstractAxis*>(m_valueAxis)}) {
        axis->setLabelsBrush(theme.text);
        axis->setLabelsFont(pixelFont(theme.px(fonts.labels)));
        axis->setTitleBrush(theme.mutedText);
        axis->setTitleFont(pixelFont(theme.px(fonts.labels)));
        axis->setGridLinePen(QPen(theme.grid, 1));
        axis->setLinePen(QPen(theme.border, 1));
    }
    m_tickStepMs = 0;  // label widths changed: lay the ticks out again
    setTimeTicks();
    setBackgroundBrush(theme.surface);
    m_emptyNote->setBrush(theme.mutedText);
    m_emptyNote->setFont(pixelFont(theme.px(fonts.title)));
    for (QLineSeries* series : lineSeries())
        styleSeries(series);
    placeEmptyNote();
}

void TimeChart::setTimeRange(TimeRange range)
{
    m_range = range;
}

void TimeChart::setFixedWindow(int64_t fromMs, int64_t toMs)
{
    m_fixedFromMs = fromMs;
    m_fixedToMs = toMs;
}

void TimeChart::clearFixedWindow()
{
    m_fixedFromMs = m_fixedToMs = 0;
}

void TimeChart::setLegendBesidePlot(bool beside)
{
    m_legendBeside = beside;
    chart()->legend()->setAlignment(beside || m_theme.highContrast ? Qt::AlignRight : Qt::AlignTop);
}

void TimeChart::setEmptyNote(const QString& note)
{
    m_emptyNote->setText(note);
    m_emptyNote->setVisible(!note.isEmpty());
    placeEmptyNote();
}

void TimeChart::setWindowBand(int64_t fromMs, const QString& label)
{
    if (!m_band) {
        m_band = new QGraphicsRectItem(chart());
        m_band->setZValue(-1);  // under the lines
        m_band->setPen(Qt::NoPen);
        m_bandLabel = new QGraphicsSimpleTextItem(chart());
        m_bandLabel->setZValue(5);
    }
    m_bandFromMs = fromMs;
    m_bandLabel->setText(label);
    placeWindowBand();
}

QString TimeChart::windowBandLabel() const
{
    return m_band && m_band->isVisible() ? m_bandLabel->text() : QString();
}

void TimeChart::placeWindowBand()
{
    if (!m_band)
        return;
    const QRectF plot = chart()->plotArea();
    const bool shown = m_bandFromMs >= 0 && m_toMs > m_fromMs && m_bandFromMs < m_toMs && plot.width() > 0;
    m_band->setVisible(shown);
    m_bandLabel->setVisible(shown);
    if (!shown)
        return;
    const int64_t from = std::max(m_bandFromMs, m_fromMs);
    const qreal left = plot.left() + plot.width() * static_cast<qreal>(from - m_fromMs) / static_cast<qreal>(m_toMs - m_fromMs);
    m_band->setRect(QRectF(QPointF(left, plot.top()), QPointF(plot.right(), plot.bottom())));
    QColor fill = m_theme.series[0];
    fill.setAlphaF(m_theme.isDark ? 0.18f : 0.10f);
    m_band->setBrush(fill);
    const ChartFonts fonts = m_theme.highContrast ? kWarRoomFonts : kDeskFonts;
    m_bandLabel->setFont(pixelFont(m_theme.px(fonts.labels)));
    m_bandLabel->setBrush(m_theme.mutedText);
    const QRectF text = m_bandLabel->boundingRect();
    m_bandLabel->setPos(std::max(plot.left(), plot.right() - text.width() - 2), plot.top() + 2);
}

void TimeChart::placeEmptyNote()
{
    const QRectF plot = chart()->plotArea();
    const QRectF text = m_emptyNote->boundingRect();
    m_emptyNote->setPos(plot.center() - QPointF(text.width() / 2, text.height() / 2));
}

void TimeChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    placeEmptyNote();
    setTimeTicks();  // the room for labels changed
}

ValueScale TimeChart::chooseScale(double maxRaw) const
{
    return countScale(maxRaw, {});
}

QString TimeChart::formatRaw(double raw) const
{
    return QLocale().toString(raw, 'f', raw < 10 && raw != std::floor(raw) ? 2 : 0);
}

void TimeChart::applyUpdate(std::vector<Update> updates, int64_t oldestHeldMs, int64_t newestMs, double floorMax)
{
    // The live range is a fixed window sliding with the data. Longer ranges
    // show what is held (the store will supply the rest), rather than a
    // mostly empty axis with the data squeezed into its right edge.
    const int64_t rangeMs = rangeSeconds(m_range) * 1000;
    m_toMs = newestMs;
    m_fromMs = newestMs - rangeMs;
    if (m_range != TimeRange::Live5Min)
        m_fromMs = std::max(m_fromMs, std::min(oldestHeldMs, newestMs - 60'000));
    if (hasFixedWindow()) {
        m_fromMs = m_fixedFromMs;
        newestMs = m_fixedToMs;
    }

    double maxRaw = floorMax;
    bool any = false;
    for (Update& update : updates) {
        auto first = std::lower_bound(update.points.begin(), update.points.end(), static_cast<qreal>(m_fromMs),
                                      [](const QPointF& point, qreal x) { return point.x() < x; });
        update.points.erase(update.points.begin(), first);
        for (const QPointF& point : update.points) {
            maxRaw = std::max(maxRaw, point.y());
            any = true;
        }
    }
    m_scale = chooseScale(maxRaw);
    for (Update& update : updates) {
        for (QPointF& point : update.points)
            point.setY(point.y() / m_scale.divisor);
        boundPoints(update.points, kMaxPointsPerSeries);
        update.series->replace(update.points);
    }

    m_toMs = std::max(newestMs, m_fromMs + 1000);
    setTimeTicks();
    // Each axis change makes QtCharts re-lay out and re-stroke every series,
    // so the axes are touched only when their values really change (the
    // y range rarely does), and nice numbers are computed here rather than
    // with applyNiceNumbers(), which sets the range a second time.
    // As many value labels as fit the plot's height with a line between
    // them: a short war-room chart with five labels got "..." for each.
    const qreal plotHeight = chart()->plotArea().height() > 0 ? chart()->plotArea().height() : height() / 2.0;
    const int labelHeight = QFontMetrics(m_valueAxis->labelsFont()).height();
    const int maxSteps = std::clamp(static_cast<int>(plotHeight / (2.0 * labelHeight)), 1, 5);
    const NiceRange nice = niceRange(maxRaw / m_scale.divisor * 1.05, maxSteps);
    if (m_valueAxis->max() != nice.max || m_valueAxis->min() != 0)
        m_valueAxis->setRange(0, nice.max);
    if (m_valueAxis->tickCount() != nice.ticks)
        m_valueAxis->setTickCount(nice.ticks);
    const QString labelFormat = nice.step < 1 ? u"%.1f"_s : u"%.0f"_s;
    if (m_valueAxis->labelFormat() != labelFormat)
        m_valueAxis->setLabelFormat(labelFormat);
    if (m_valueAxis->titleText() != m_scale.unit)
        m_valueAxis->setTitleText(m_scale.unit);
    if (any == showsEmptyNote())
        setEmptyNote(any ? QString() : u"waiting for data"_s);
    placeWindowBand();
    if (m_crosshairMs >= 0)
        showCrosshairAt(m_crosshairMs);  // the window moved under it
}

void TimeChart::setLineColour(QLineSeries* series, int colourIndex)
{
    auto style = m_styles.find(series);
    if (style == m_styles.end() || style->colourIndex == colourIndex)
        return;
    style->colourIndex = colourIndex;
    styleSeries(series);
}

void TimeChart::setTimeTicks()
{
    if (m_toMs <= m_fromMs)
        return;
    // The finest round step whose labels, with room between them, fit.
    const QFontMetrics metrics(m_timeAxis->labelsFont());
    const int secondsWidth = metrics.horizontalAdvance(u"00:00:00"_s);
    const int minutesWidth = metrics.horizontalAdvance(u"00:00"_s);
    const double plotWidth = std::max(100.0, chart()->plotArea().width() > 0 ? chart()->plotArea().width() : width() - 80.0);
    const int64_t spanMs = m_toMs - m_fromMs;
    int64_t stepMs = kTickStepsMs[std::size(kTickStepsMs) - 1];
    for (int64_t candidate : kTickStepsMs) {
        const int labelWidth = candidate < 60'000 ? secondsWidth : minutesWidth;
        const double labels = static_cast<double>(spanMs) / static_cast<double>(candidate);
        if (labels * labelWidth * 1.8 <= plotWidth) {
            stepMs = candidate;
            break;
        }
    }
    // Round in local time, so "every hour" means on the local hour.
    const int64_t offsetMs = QDateTime::fromMSecsSinceEpoch(m_fromMs).offsetFromUtc() * 1000LL;
    const int64_t firstMs = ((m_fromMs + offsetMs + stepMs - 1) / stepMs) * stepMs - offsetMs;
    // A label centred on the right edge would be cut in half: keep the
    // last one at least a third of a step inside.
    const int64_t lastMs = firstMs + std::max<int64_t>(0, m_toMs - stepMs / 3 - firstMs) / stepMs * stepMs;
    m_timeAxis->setRange(static_cast<qreal>(m_fromMs), static_cast<qreal>(m_toMs));
    if (firstMs == m_tickFirstMs && stepMs == m_tickStepMs && lastMs == m_tickLastMs)
        return;
    m_tickFirstMs = firstMs;
    m_tickStepMs = stepMs;
    m_tickLastMs = lastMs;
    for (const QString& label : m_timeAxis->categoriesLabels())
        m_timeAxis->remove(label);
    m_timeAxis->setStartValue(static_cast<qreal>(m_fromMs));
    const QString format = stepMs < 60'000 ? u"HH:mm:ss"_s : u"HH:mm"_s;
    for (int64_t tickMs = firstMs; tickMs <= lastMs; tickMs += stepMs)
        m_timeAxis->append(QDateTime::fromMSecsSinceEpoch(tickMs).toString(format), static_cast<qreal>(tickMs));
}

QString TimeChart::tooltipText(const QLineSeries* series, const QPointF& point) const
{
    const int64_t atMs = static_cast<int64_t>(point.x());
    return series->name() + u" \u00b7 "_s + clockText(atMs) + u" \u00b7 "_s + formatRaw(point.y() * m_scale.divisor);
}

namespace {

// The sample of `points` (ascending x) nearest `x`; null when empty.
const QPointF* nearestSample(const QList<QPointF>& points, qreal x)
{
    if (points.isEmpty())
        return nullptr;
    auto next = std::lower_bound(points.begin(), points.end(), x, [](const QPointF& sample, qreal at) { return sample.x() < at; });
    if (next == points.end())
        return &points.back();
    if (next != points.begin() && x - (next - 1)->x() < next->x() - x)
        --next;
    return &*next;
}

} // namespace

QStringList TimeChart::crosshairLines(int64_t atMs) const
{
    // Qt's hover reports only the line under the cursor; an operator asks
    // "what was everything at 14:02", so every visible series answers with
    // its real sample nearest that time (not an interpolation).
    QStringList lines{clockText(atMs)};
    const qreal x = static_cast<qreal>(atMs);
    for (const QLineSeries* series : lineSeries()) {
        if (!series->isVisible() || series->name().isEmpty())
            continue;
        const QList<QPointF> points = series->points();
        const QPointF* sample = nearestSample(points, x);
        // A sample more than a few seconds away is not "at that time".
        if (!sample || std::abs(sample->x() - x) > 5'000)
            continue;
        lines.append(series->name() + u"  "_s + formatRaw(sample->y() * m_scale.divisor));
    }
    return lines;
}

bool TimeChart::showsCrosshair() const
{
    return m_crosshair && m_crosshair->isVisible();
}

void TimeChart::showCrosshairAt(int64_t atMs)
{
    QChart* chart = this->chart();
    if (!m_crosshair) {
        m_crosshair = new QGraphicsLineItem(chart);
        m_crosshair->setZValue(20);
        m_crosshairBox = new QGraphicsRectItem(chart);
        m_crosshairBox->setZValue(21);
        m_crosshairText = new QGraphicsSimpleTextItem(m_crosshairBox);
    }
    m_crosshairMs = atMs;
    const QRectF plot = chart->plotArea();
    const bool inside = atMs >= m_fromMs && atMs <= m_toMs && m_toMs > m_fromMs && plot.width() > 0;
    m_crosshair->setVisible(inside);
    m_crosshairBox->setVisible(inside);
    if (!inside)
        return;
    const ChartFonts fonts = m_theme.highContrast ? kWarRoomFonts : kDeskFonts;
    const qreal xPx = plot.left() + plot.width() * static_cast<qreal>(atMs - m_fromMs) / static_cast<qreal>(m_toMs - m_fromMs);
    m_crosshair->setPen(QPen(m_theme.mutedText, 1, Qt::DashLine));
    m_crosshair->setLine(xPx, plot.top(), xPx, plot.bottom());
    m_crosshairText->setFont(pixelFont(m_theme.px(fonts.labels)));
    m_crosshairText->setBrush(m_theme.text);
    m_crosshairText->setText(crosshairLines(atMs).join(u'\n'));
    const QRectF text = m_crosshairText->boundingRect();
    const qreal pad = 4;
    m_crosshairBox->setRect(0, 0, text.width() + 2 * pad, text.height() + 2 * pad);
    m_crosshairBox->setBrush(m_theme.surface);
    m_crosshairBox->setPen(QPen(m_theme.border, 1));
    m_crosshairText->setPos(pad, pad);
    // Beside the line, on whichever side has room.
    qreal boxX = xPx + 8;
    if (boxX + m_crosshairBox->rect().width() > plot.right())
        boxX = xPx - 8 - m_crosshairBox->rect().width();
    m_crosshairBox->setPos(std::max(plot.left(), boxX), plot.top() + 4);
}

void TimeChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const QRectF plot = chart()->plotArea();
    const QPointF scenePos = mapToScene(event->position().toPoint());
    const QPointF chartPos = chart()->mapFromScene(scenePos);
    if (!plot.contains(chartPos) || m_toMs <= m_fromMs) {
        emit crosshairMoved(-1);
        return;
    }
    const auto atMs = static_cast<int64_t>(static_cast<double>(m_fromMs) + (chartPos.x() - plot.left()) / plot.width() * static_cast<double>(m_toMs - m_fromMs));
    emit crosshairMoved(atMs);
}

void TimeChart::leaveEvent(QEvent* event)
{
    QChartView::leaveEvent(event);
    emit crosshairMoved(-1);
}

void TimeChart::setPlotLeft(qreal leftPx)
{
    // The chart's left margin absorbs the difference between this chart's
    // value labels and the widest: every plot then starts at leftPx. Set
    // only when it changes: each change re-lays out the chart.
    const QMargins margins = chart()->margins();
    const int left = kChartMargin + static_cast<int>(std::lround(std::max<qreal>(0, leftPx - m_naturalLeft)));
    if (left != margins.left())
        chart()->setMargins(QMargins(left, margins.top(), margins.right(), margins.bottom()));
}

void TimeChart::setPlotRightInset(qreal insetPx)
{
    const QMargins margins = chart()->margins();
    const int right = kChartMargin + static_cast<int>(std::lround(std::max<qreal>(0, insetPx - m_naturalRightInset)));
    if (right != margins.right())
        chart()->setMargins(QMargins(margins.left(), margins.top(), right, margins.bottom()));
}

qreal TimeChart::naturalPlotLeft() const
{
    return m_naturalLeft;
}

void TimeChart::onPlotAreaChanged(const QRectF& plot)
{
    // Measured right after a layout, so plot and margins agree: what the
    // left edge would be with the base margin alone.
    const qreal natural = plot.left() - (chart()->margins().left() - kChartMargin);
    const qreal naturalRight = chart()->size().width() - plot.right() - (chart()->margins().right() - kChartMargin);
    placeEmptyNote();
    placeWindowBand();
    if (std::abs(natural - m_naturalLeft) < 0.5 && std::abs(naturalRight - m_naturalRightInset) < 0.5)
        return;
    m_naturalLeft = natural;
    m_naturalRightInset = naturalRight;
    emit naturalPlotLeftChanged();
}

} // namespace slatrack::ui

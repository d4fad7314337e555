#include "header_bar.hpp"

#include "format.hpp"

#include <QHBoxLayout>
#include <QLabel>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

QLabel* makeLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    return label;
}

} // namespace

HeaderBar::HeaderBar(QWidget* parent)
    : QWidget(parent)
    , m_pipeline(makeLabel(this))
    , m_phase(makeLabel(this))
    , m_connection(makeLabel(this))
    , m_freshness(new QLabel(this))
    , m_lag(makeLabel(this))
    , m_asOf(makeLabel(this))
{
    m_freshness->setTextFormat(Qt::RichText);
    m_connection->setTextFormat(Qt::RichText);
    m_phase->setAlignment(Qt::AlignCenter);
    m_phase->setAutoFillBackground(true);
    m_pipeline->setObjectName(u"header.pipeline"_s);
    m_phase->setObjectName(u"header.phase"_s);
    m_connection->setObjectName(u"header.connection"_s);
    m_freshness->setObjectName(u"header.freshness"_s);
    m_lag->setObjectName(u"header.lag"_s);
    m_asOf->setObjectName(u"header.asOf"_s);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(18);
    layout->addWidget(m_pipeline);
    layout->addWidget(m_phase);
    layout->addWidget(m_connection);
    layout->addWidget(m_freshness);
    layout->addWidget(m_lag);
    layout->addStretch(1);
    layout->addWidget(m_asOf);

    m_pipeline->setText(u"slatrack"_s);
    m_phase->setText(u" STARTING "_s);
    m_connectionPlain = u"waiting for the monitor"_s;
    m_connection->setText(m_connectionPlain);
}

QString HeaderBar::coloured(const QString& text, Tone tone) const
{
    const QColor colour = m_theme.toneInk(tone);
    return u"<span style=\"color:"_s + colour.name() + u"\"><b>"_s + text.toHtmlEscaped() + u"</b></span>"_s;
}

void HeaderBar::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    m_pipeline->setText(snapshot.pipeline.empty() ? u"(unnamed pipeline)"_s : QString::fromStdString(snapshot.pipeline));

    QString phase;
    switch (snapshot.phase) {
    case monitor::Phase::Starting:
        phase = u"STARTING"_s;
        m_phaseTone = Tone::Neutral;
        break;
    case monitor::Phase::Replaying:
        phase = QStringLiteral("REPLAYING %1%").arg(snapshot.replayPercent, 0, 'f', 0);
        m_phaseTone = Tone::Warn;
        break;
    case monitor::Phase::Live:
        phase = u"LIVE"_s;
        m_phaseTone = Tone::Good;
        break;
    }
    m_phase->setText(u' ' + phase + u' ');
    QPalette badge = m_phase->palette();
    badge.setColor(QPalette::Window, m_theme.toneColor(m_phaseTone));
    badge.setColor(QPalette::WindowText, m_theme.toneTextColor(m_phaseTone));
    m_phase->setPalette(badge);

    QString connection = snapshot.connected ? u"\u25cf connected"_s : u"\u25cf disconnected"_s;
    if (!snapshot.connectionDetail.empty())
        connection += u": "_s + QString::fromStdString(snapshot.connectionDetail);
    if (snapshot.consumerRestarts > 0)
        connection += QStringLiteral(" \u00b7 %1 consumer restarts").arg(snapshot.consumerRestarts);
    m_connectionPlain = connection;
    m_connection->setText(coloured(connection, snapshot.connected ? Tone::Good : Tone::Bad));
    m_connection->setToolTip(QString::fromStdString(snapshot.connectionDetail));

    QString rich = u"data age "_s;
    m_freshnessPlain = u"data age "_s;
    for (size_t stage_idx = 0; stage_idx < snapshot.freshnessMs.size(); ++stage_idx) {
        const int64_t ageMs = snapshot.freshnessMs[stage_idx];
        const QString name = stageName(snapshot, stage_idx);
        const QString value = ageMs < 0 ? u"no data"_s : durationText(ageMs);
        Tone tone = Tone::Neutral;
        if (ageMs < 0 || ageMs > kFreshnessWarnMs)
            tone = Tone::Warn;
        if (ageMs > snapshot.slaMs)
            tone = Tone::Bad;
        const QString separator = stage_idx == 0 ? QString() : u" \u00b7 "_s;
        rich += separator + name.toHtmlEscaped() + u' ' + coloured(value, tone);
        m_freshnessPlain += separator + name + u' ' + value;
    }
    m_freshness->setText(rich);
    m_freshness->setToolTip(u"How far behind now each stage's stream has been read (now minus the stage's watermark)."_s);

    m_lag->setText(u"lag "_s + groupedCount(static_cast<uint64_t>(std::max<int64_t>(snapshot.totalLag, 0))) + u" msgs"_s);
    m_shownAtMs = snapshot.takenAtMs;
    refreshAsOf();
}

void HeaderBar::setPaused(bool paused)
{
    m_paused = paused;
    refreshAsOf();
}

void HeaderBar::refreshAsOf()
{
    if (m_shownAtMs == 0) {
        m_asOf->setText(m_paused ? u"PAUSED"_s : QString());
        return;
    }
    m_asOf->setText(m_paused ? u"PAUSED \u00b7 showing "_s + clockText(m_shownAtMs)
                             : u"as of "_s + clockText(m_shownAtMs));
    QPalette palette = m_asOf->palette();
    palette.setColor(QPalette::WindowText, m_paused ? m_theme.toneInk(Tone::Warn) : m_theme.mutedText);
    m_asOf->setPalette(palette);
}

void HeaderBar::applyTheme(const Theme& theme)
{
    m_theme = theme;
    QFont nameFont = font();
    nameFont.setPixelSize(theme.px(22));
    nameFont.setWeight(QFont::Bold);
    m_pipeline->setFont(nameFont);
    QFont badgeFont = font();
    badgeFont.setPixelSize(theme.px(14));
    badgeFont.setWeight(QFont::Bold);
    m_phase->setFont(badgeFont);
    QFont textFont = font();
    textFont.setPixelSize(theme.px(14));
    for (QLabel* label : {m_connection, m_freshness, m_lag, m_asOf})
        label->setFont(textFont);
    QPalette badge = m_phase->palette();
    badge.setColor(QPalette::Window, theme.toneColor(m_phaseTone));
    badge.setColor(QPalette::WindowText, theme.toneTextColor(m_phaseTone));
    m_phase->setPalette(badge);
    refreshAsOf();
}

QString HeaderBar::pipelineText() const { return m_pipeline->text(); }
QString HeaderBar::phaseText() const { return m_phase->text().trimmed(); }
QString HeaderBar::connectionText() const { return m_connectionPlain; }
QString HeaderBar::freshnessText() const { return m_freshnessPlain; }
QString HeaderBar::lagText() const { return m_lag->text(); }
QString HeaderBar::asOfText() const { return m_asOf->text(); }

} // namespace slatrack::ui

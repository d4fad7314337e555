#include "header_bar.hpp"

#include "elided_label.hpp"
#include "format.hpp"

#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

int toneRank(Tone tone)
{
    switch (tone) {
    case Tone::Good: return 0;
    case Tone::Neutral: return 1;
    case Tone::Warn: return 2;
    case Tone::Bad: return 3;
    }
    return 1;
}

} // namespace

HeaderBar::HeaderBar(QWidget* parent)
    : QWidget(parent)
    , m_pipeline(new ElidedLabel(this))
    , m_phase(new QLabel(this))
    , m_connection(new ElidedLabel(this))
    , m_freshness(new ElidedLabel(this))
    , m_lag(new ElidedLabel(this))
    , m_asOf(new ElidedLabel(this))
{
    m_phase->setTextFormat(Qt::PlainText);
    m_phase->setAlignment(Qt::AlignCenter);
    m_phase->setAutoFillBackground(true);
    m_pipeline->setObjectName(u"header.pipeline"_s);
    m_phase->setObjectName(u"header.phase"_s);
    m_connection->setObjectName(u"header.connection"_s);
    m_freshness->setObjectName(u"header.freshness"_s);
    m_lag->setObjectName(u"header.lag"_s);
    m_asOf->setObjectName(u"header.asOf"_s);

    // Two lines: name, state and connection; then what was read (data age
    // per stage, slatrack's own position, time of the data). In one line
    // at 1366 px beside the controls each was cut to a few letters.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* top = new QHBoxLayout;
    top->setSpacing(18);
    top->addWidget(m_pipeline);
    top->addWidget(m_phase);
    top->addWidget(m_connection, 1);
    auto* bottom = new QHBoxLayout;
    bottom->setSpacing(18);
    // Stretch by how long each text tends to be; all of them may shrink.
    bottom->addWidget(m_freshness, 3);
    bottom->addWidget(m_lag, 2);
    bottom->addWidget(m_asOf, 1);
    layout->addLayout(top);
    layout->addLayout(bottom);

    m_pipeline->setText(u"slatrack"_s);
    m_connection->setText(u"waiting for the monitor"_s);
    paintBadge();
}

void HeaderBar::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    m_pipeline->setText(snapshot.pipeline.empty() ? u"(unnamed pipeline)"_s : QString::fromStdString(snapshot.pipeline));

    switch (snapshot.phase) {
    case monitor::Phase::Starting:
        m_phaseText = u"STARTING"_s;
        m_phaseTone = Tone::Neutral;
        break;
    case monitor::Phase::Replaying:
        m_phaseText = QStringLiteral("REPLAYING %1%").arg(snapshot.replayPercent, 0, 'f', 0);
        m_phaseTone = Tone::Warn;
        break;
    case monitor::Phase::Live:
        m_phaseText = u"LIVE"_s;
        m_phaseTone = Tone::Good;
        break;
    }

    // Connected to the cluster is not "seeing the pipeline": one blind
    // stage (its broker down, a topic gone) leaves the others green while
    // nothing awaiting that stage can be judged. Never green then.
    QStringList blindStages;
    for (size_t stage_idx = 0; stage_idx < snapshot.health.size(); ++stage_idx)
        if (snapshot.health[stage_idx].state == monitor::StageHealthState::Blind)
            blindStages.append(stageName(snapshot, stage_idx));
    const qsizetype stageCount = static_cast<qsizetype>(snapshot.health.size());
    if (!blindStages.isEmpty() && snapshot.phase != monitor::Phase::Starting) {
        m_phaseText = blindStages.size() == stageCount ? u"BLIND"_s : u"PARTLY BLIND"_s;
        m_phaseTone = Tone::Warn;
    }
    paintBadge();

    QString connection = snapshot.connected ? u"\u25cf connected"_s : u"\u25cf disconnected"_s;
    if (!blindStages.isEmpty())
        connection += QStringLiteral(" \u00b7 %1 of %2 stages blind (%3)").arg(blindStages.size()).arg(stageCount).arg(blindStages.join(u", "_s));
    if (!snapshot.connectionDetail.empty())
        connection += u": "_s + QString::fromStdString(snapshot.connectionDetail);
    if (snapshot.consumerRestarts > 0)
        connection += QStringLiteral(" \u00b7 %1 consumer restarts").arg(snapshot.consumerRestarts);
    // A failing store costs history, not judgement: the engine runs on in
    // memory, and the header says so rather than staying silent.
    const monitor::StoreSummary& store = snapshot.store;
    const bool storeFailing = store.enabled && !store.state.empty() && store.state != "ok" && store.state != "opening" && store.state != "stopped";
    if (storeFailing)
        connection += u" \u00b7 store "_s + QString::fromStdString(store.state) + u": "_s + QString::fromStdString(store.error)
                      + u" (judging in memory, no history kept)"_s;
    m_connection->setText(connection);
    m_connection->setToolTip(connection);
    m_connectionTone = !snapshot.connected ? Tone::Bad : (blindStages.isEmpty() && !storeFailing ? Tone::Good : Tone::Warn);

    QString freshness = u"data age "_s;
    m_freshnessTone = Tone::Neutral;
    for (size_t stage_idx = 0; stage_idx < snapshot.freshnessMs.size(); ++stage_idx) {
        const int64_t ageMs = snapshot.freshnessMs[stage_idx];
        Tone tone = Tone::Neutral;
        if (ageMs < 0 || ageMs > kFreshnessWarnMs)
            tone = Tone::Warn;
        if (ageMs > snapshot.slaMs)
            tone = Tone::Bad;
        if (toneRank(tone) > toneRank(m_freshnessTone))
            m_freshnessTone = tone;
        freshness += (stage_idx == 0 ? QString() : u" \u00b7 "_s) + stageName(snapshot, stage_idx) + u' '
                     + (ageMs < 0 ? u"no data"_s : durationText(ageMs));
    }
    m_freshness->setText(freshness);

    // slatrack's own consumer: messages between its position and the high
    // watermarks. Not the pipeline's consumer lag (its groups' commits).
    m_lag->setText(u"slatrack behind by "_s + groupedCount(static_cast<uint64_t>(std::max<int64_t>(snapshot.totalLag, 0))) + u" msgs"_s);
    m_shownAtMs = snapshot.takenAtMs;
    applyTheme(m_theme);
}

void HeaderBar::setPaused(bool paused)
{
    m_paused = paused;
    paintBadge();
    refreshAsOf();
}

void HeaderBar::paintBadge()
{
    // Paused is not live: the badge must not stay green over frozen data.
    const Tone tone = m_paused ? Tone::Neutral : m_phaseTone;
    m_phase->setText(u' ' + (m_paused ? u"PAUSED"_s : m_phaseText) + u' ');
    QPalette badge = m_phase->palette();
    badge.setColor(QPalette::Window, tone == Tone::Neutral ? m_theme.mutedText : m_theme.toneColor(tone));
    badge.setColor(QPalette::WindowText, tone == Tone::Neutral ? m_theme.window : m_theme.toneTextColor(tone));
    m_phase->setPalette(badge);
}

void HeaderBar::refreshAsOf()
{
    if (m_shownAtMs == 0) {
        m_asOf->setText(m_paused ? u"PAUSED"_s : QString());
        return;
    }
    m_asOf->setText(m_paused ? u"PAUSED \u00b7 showing "_s + clockText(m_shownAtMs)
                             : u"as of "_s + clockText(m_shownAtMs));
    m_asOf->setColor(m_paused ? m_theme.toneInk(Tone::Warn) : m_theme.mutedText);
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
    for (ElidedLabel* label : {m_connection, m_freshness, m_lag, m_asOf})
        label->setFont(textFont);
    m_connection->setColor(m_theme.toneInk(m_connectionTone));
    m_freshness->setColor(m_freshnessTone == Tone::Neutral ? m_theme.text : m_theme.toneInk(m_freshnessTone));
    m_lag->setColor(m_theme.text);
    paintBadge();
    refreshAsOf();
}

QString HeaderBar::pipelineText() const { return m_pipeline->text(); }
QString HeaderBar::phaseText() const { return m_phase->text().trimmed(); }
QString HeaderBar::connectionText() const { return m_connection->text(); }
QString HeaderBar::freshnessText() const { return m_freshness->text(); }
QString HeaderBar::lagText() const { return m_lag->text(); }
QString HeaderBar::asOfText() const { return m_asOf->text(); }
Tone HeaderBar::phaseTone() const { return m_paused ? Tone::Neutral : m_phaseTone; }

} // namespace slatrack::ui

#include "verdict_banner.hpp"

#include "elided_label.hpp"
#include "format.hpp"

#include <QDateTime>
#include <QHBoxLayout>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Sizes at scale 1: the desk's headline is the largest text on screen
// after the tile numbers; the war room's follow kWarRoomMinTextPx.
constexpr int kDeskHeadlinePx = 26;
constexpr int kDeskTextPx = 15;
constexpr int kWarRoomHeadlinePx = 44;
constexpr int kWarRoomTextPx = kWarRoomMinTextPx + 3;

int64_t nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

VerdictBanner::VerdictBanner(QWidget* parent)
    : QFrame(parent)
    , m_headline(new ElidedLabel(this))
    , m_reason(new ElidedLabel(this))
    , m_pipeline(new ElidedLabel(this))
    , m_clock(new ElidedLabel(this))
    , m_age(new ElidedLabel(this))
    , m_clockTimer(new QTimer(this))
{
    setObjectName(u"verdictBanner"_s);
    setAutoFillBackground(true);
    m_headline->setObjectName(u"verdict.headline"_s);
    m_reason->setObjectName(u"verdict.reason"_s);
    m_pipeline->setObjectName(u"verdict.pipeline"_s);
    m_clock->setObjectName(u"verdict.clock"_s);
    m_age->setObjectName(u"verdict.age"_s);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_reason, 1);
    layout->addWidget(m_pipeline);
    layout->addWidget(m_clock);
    layout->addWidget(m_age);
    // The headline never elides before the reason does.
    m_headline->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Fixed);
    m_reason->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    for (ElidedLabel* label : {m_pipeline, m_clock, m_age})
        label->hide();
    // Once a second: the clock, and the data's age growing when nothing new
    // arrives. Only runs in the war room.
    m_clockTimer->setInterval(1000);
    connect(m_clockTimer, &QTimer::timeout, this, &VerdictBanner::refreshContext);
    m_verdict = judgeVerdict(nullptr, false);
    m_headline->setText(m_verdict.headline);
    m_reason->setText(m_verdict.reason);
    applyTheme(m_theme);
}

void VerdictBanner::showSnapshot(const monitor::SnapshotPtr& snapshot, bool paused)
{
    m_snapshot = snapshot;
    m_verdict = judgeVerdict(snapshot.get(), paused);
    m_headline->setText(m_verdict.headline);
    m_reason->setText(m_verdict.reason);
    if (snapshot)
        m_pipeline->setText(snapshot->pipeline.empty() ? u"(unnamed pipeline)"_s : QString::fromStdString(snapshot->pipeline));
    refreshContext();
    recolour();
}

void VerdictBanner::setWarRoom(bool warRoom)
{
    m_warRoom = warRoom;
    for (ElidedLabel* label : {m_pipeline, m_clock, m_age})
        label->setVisible(warRoom);
    if (warRoom)
        m_clockTimer->start();
    else
        m_clockTimer->stop();
    refreshContext();
}

void VerdictBanner::refreshContext()
{
    const int64_t now = nowMs();
    m_clock->setText(clockText(now));
    if (!m_snapshot) {
        m_age->setText(u"no data yet"_s);
        m_ageStale = true;
        recolour();
        return;
    }
    // The slowest stage's data age when the snapshot was taken, plus how
    // long ago that was: grows by itself when the monitor stops publishing.
    int64_t ageMs = -1;
    for (int64_t freshness : m_snapshot->freshnessMs)
        ageMs = std::max(ageMs, freshness);
    const int64_t sinceSnapshot = std::max<int64_t>(0, now - m_snapshot->takenAtMs);
    if (ageMs < 0) {
        m_age->setText(u"no data read"_s);
        m_ageStale = true;
    } else {
        ageMs += sinceSnapshot;
        m_age->setText(u"data age "_s + durationText(ageMs));
        m_ageStale = ageMs > kStaleDataMs;
    }
    recolour();
}

void VerdictBanner::recolour()
{
    QPalette palette = this->palette();
    const Tone tone = m_verdict.tone;
    palette.setColor(QPalette::Window, tone == Tone::Neutral ? m_theme.surface : m_theme.toneColor(tone));
    setPalette(palette);
    const QColor ink = tone == Tone::Neutral ? m_theme.text : m_theme.toneTextColor(tone);
    for (ElidedLabel* label : {m_headline, m_reason, m_pipeline, m_clock})
        label->setColor(ink);
    // The age is red on any fill but red: then white and bold.
    const bool redFill = tone == Tone::Bad;
    m_age->setColor(m_ageStale && !redFill ? m_theme.toneInk(Tone::Bad) : ink);
    QFont ageFont = m_age->font();
    ageFont.setBold(m_ageStale);
    m_age->setFont(ageFont);
    setFrameShape(tone == Tone::Neutral ? QFrame::Box : QFrame::NoFrame);
}

void VerdictBanner::applyTheme(const Theme& theme)
{
    m_theme = theme;
    QFont headlineFont = font();
    headlineFont.setPixelSize(theme.px(theme.highContrast ? kWarRoomHeadlinePx : kDeskHeadlinePx));
    headlineFont.setWeight(QFont::Black);
    m_headline->setFont(headlineFont);
    QFont textFont = font();
    textFont.setPixelSize(theme.px(theme.highContrast ? kWarRoomTextPx : kDeskTextPx));
    for (ElidedLabel* label : {m_reason, m_clock, m_age})
        label->setFont(textFont);
    QFont nameFont = textFont;
    nameFont.setBold(true);
    m_pipeline->setFont(nameFont);
    const int pad = theme.px(theme.highContrast ? 14 : 8);
    layout()->setContentsMargins(pad * 2, pad, pad * 2, pad);
    layout()->setSpacing(pad * 2);
    recolour();
}

QString VerdictBanner::headlineText() const { return m_headline->text(); }
QString VerdictBanner::reasonText() const { return m_reason->text(); }

QString VerdictBanner::contextText() const
{
    if (!m_warRoom)
        return {};
    return m_pipeline->text() + u" \u00b7 "_s + m_clock->text() + u" \u00b7 "_s + m_age->text();
}

} // namespace slatrack::ui

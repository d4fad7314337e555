#include "replay_progress.hpp"

#include "format.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// The bar counts in tenths of a percent so a long replay visibly moves.
constexpr int kBarSteps = 1000;

} // namespace

ReplayProgress::ReplayProgress(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar, 1);
    m_bar->setRange(0, kBarSteps);
    m_bar->setTextVisible(true);
    m_label->setText(u"Rebuilding state from Kafka"_s);
}

void ReplayProgress::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    const double percent = std::clamp(snapshot.replayPercent, 0.0, 100.0);
    m_bar->setValue(static_cast<int>(std::lround(percent * kBarSteps / 100.0)));
    const QString eta = snapshot.replayEtaMs < 0 ? u"ETA unknown"_s : u"ETA "_s + durationText(snapshot.replayEtaMs);
    m_bar->setFormat(QStringLiteral("%1% \u00b7 %2").arg(percent, 0, 'f', 1).arg(eta));

    uint64_t consumed = 0, target = 0;
    QStringList perStage;
    for (size_t stage_idx = 0; stage_idx < snapshot.replay.size(); ++stage_idx) {
        consumed += snapshot.replay[stage_idx].consumed;
        target += snapshot.replay[stage_idx].target;
        const QString name = stage_idx < snapshot.stageNames.size() ? QString::fromStdString(snapshot.stageNames[stage_idx])
                                                                    : QStringLiteral("stage %1").arg(stage_idx);
        perStage.append(QStringLiteral("%1: %2 of %3").arg(name, groupedCount(snapshot.replay[stage_idx].consumed),
                                                            groupedCount(snapshot.replay[stage_idx].target)));
    }
    m_label->setText(QStringLiteral("Rebuilding state from Kafka: %1 of %2 records \u2014 numbers can't be judged until live")
                         .arg(groupedCount(consumed), groupedCount(target)));
    m_bar->setToolTip(perStage.join(u'\n'));
}

void ReplayProgress::applyTheme(const Theme& theme)
{
    QFont textFont = font();
    textFont.setPixelSize(theme.px(14));
    m_label->setFont(textFont);
    m_bar->setFont(textFont);
}

int ReplayProgress::percent() const
{
    return static_cast<int>(std::lround(m_bar->value() * 100.0 / kBarSteps));
}

QString ReplayProgress::text() const
{
    return m_label->text() + u" \u2014 "_s + m_bar->text();
}

} // namespace slatrack::ui

#pragma once

#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

class QLabel;

namespace slatrack::ui {

class ElidedLabel;

// One line of status above the tiles: pipeline name, phase, broker
// connection, data freshness per stage, slatrack's own consumer position
// (how far its reading is behind the high watermarks: the monitor's lag,
// not the pipeline's), and the time of the data shown. Every text elides
// with a tooltip: a long broker error must not widen the window. The badge
// says PAUSED while the view is frozen, never LIVE; PARTLY BLIND (amber)
// while some stages are blind, and the connection says which ("1 of 3
// stages blind"), never a green "connected" then.
//
// Thread: UI thread only.
class HeaderBar : public QWidget {
    Q_OBJECT

public:
    // Freshness (now - a stage's watermark) above this is amber: the
    // consumer is behind or the stage went quiet. Above the SLA it is red:
    // stuck records could be hiding there unseen.
    static constexpr int64_t kFreshnessWarnMs = 10'000;

    explicit HeaderBar(QWidget* parent = nullptr);

    void showSnapshot(const monitor::MonitorSnapshot& snapshot);
    void applyTheme(const Theme& theme);
    // While paused the time of the frozen data is shown as such.
    void setPaused(bool paused);

    // Plain text of each part, for tests.
    QString pipelineText() const;
    QString phaseText() const;
    QString connectionText() const;
    QString freshnessText() const;
    QString lagText() const;
    QString asOfText() const;
    Tone phaseTone() const;       // of the badge as painted (Neutral while paused)
    Tone connectionTone() const { return m_connectionTone; }

private:
    void refreshAsOf();
    void paintBadge();

    ElidedLabel* m_pipeline;
    QLabel* m_phase;
    ElidedLabel* m_connection;
    ElidedLabel* m_freshness;
    ElidedLabel* m_lag;
    ElidedLabel* m_asOf;
    Theme m_theme = Theme::light();
    Tone m_phaseTone = Tone::Neutral;
    Tone m_connectionTone = Tone::Neutral;
    Tone m_freshnessTone = Tone::Neutral;
    QString m_phaseText = QStringLiteral("STARTING");
    int64_t m_shownAtMs = 0;
    bool m_paused = false;
};

} // namespace slatrack::ui

#pragma once

#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

class QLabel;

namespace slatrack::ui {

// One line of status above the tiles: pipeline name, phase, broker
// connection, data freshness per stage, total consumer lag, and the time of
// the data shown (which also says "paused" while the view is frozen).
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

private:
    void refreshAsOf();
    QString coloured(const QString& text, Tone tone) const;  // rich text

    QLabel* m_pipeline;
    QLabel* m_phase;
    QLabel* m_connection;
    QLabel* m_freshness;
    QLabel* m_lag;
    QLabel* m_asOf;
    Theme m_theme = Theme::light();
    Tone m_phaseTone = Tone::Neutral;
    int64_t m_shownAtMs = 0;
    bool m_paused = false;
    QString m_freshnessPlain;   // m_freshness holds rich text
    QString m_connectionPlain;  // so does m_connection
};

} // namespace slatrack::ui

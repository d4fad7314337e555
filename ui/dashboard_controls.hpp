#pragma once

#include "theme.hpp"
#include "time_range.hpp"

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QPushButton;

namespace slatrack::ui {

// The dashboard's few controls: time range, pause/resume, theme, war room.
// It only reports intent; DashboardWindow owns the state and reflects it
// back with the setters (which do not emit).
//
// Thread: UI thread only.
class DashboardControls : public QWidget {
    Q_OBJECT

public:
    explicit DashboardControls(QWidget* parent = nullptr);

    void setTimeRange(TimeRange range);
    void setPaused(bool paused);
    void setThemeMode(ThemeMode mode);
    void applyTheme(const Theme& theme);

    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* rangeButton(TimeRange range) const;

signals:
    void timeRangeRequested(slatrack::ui::TimeRange range);
    void pauseRequested(bool paused);
    void themeModeRequested(slatrack::ui::ThemeMode mode);
    void warRoomRequested();

private:
    QButtonGroup* m_ranges;
    QPushButton* m_pause;
    QComboBox* m_theme;
    QPushButton* m_warRoom;
};

} // namespace slatrack::ui

#include "dashboard_controls.hpp"

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr TimeRange kRanges[] = {TimeRange::Live5Min, TimeRange::Hour, TimeRange::Day, TimeRange::Custom};

} // namespace

DashboardControls::DashboardControls(QWidget* parent)
    : QWidget(parent)
    , m_ranges(new QButtonGroup(this))
    , m_pause(new QPushButton(u"Pause"_s, this))
    , m_theme(new QComboBox(this))
    , m_warRoom(new QPushButton(u"War room (F11)"_s, this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_ranges->setExclusive(true);
    for (TimeRange range : kRanges) {
        auto* button = new QPushButton(rangeLabel(range), this);
        button->setCheckable(true);
        button->setObjectName(range == TimeRange::Custom ? u"range.custom"_s : u"range."_s + QString::number(rangeSeconds(range)));
        button->setToolTip(range == TimeRange::Custom ? u"Charts and lost records of a from-to range, from the history store"_s : u"Chart time range"_s);
        m_ranges->addButton(button, static_cast<int>(range));
        layout->addWidget(button);
    }
    m_ranges->button(static_cast<int>(TimeRange::Live5Min))->setChecked(true);
    layout->addSpacing(12);

    m_pause->setCheckable(true);
    m_pause->setObjectName(u"pause"_s);
    m_pause->setToolTip(u"Freeze the view; data keeps being collected"_s);
    layout->addWidget(m_pause);

    m_theme->setObjectName(u"themeMode"_s);
    m_theme->addItem(u"Theme: system"_s, static_cast<int>(ThemeMode::System));
    m_theme->addItem(u"Theme: light"_s, static_cast<int>(ThemeMode::Light));
    m_theme->addItem(u"Theme: dark"_s, static_cast<int>(ThemeMode::Dark));
    layout->addWidget(m_theme);

    m_warRoom->setObjectName(u"warRoom"_s);
    m_warRoom->setToolTip(u"Full screen, tiles and charts only, large type (F11 or Esc to leave)"_s);
    layout->addWidget(m_warRoom);

    connect(m_ranges, &QButtonGroup::idClicked, this,
            [this](int id) { emit timeRangeRequested(static_cast<TimeRange>(id)); });
    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_pause->setText(paused ? u"Resume"_s : u"Pause"_s);
        emit pauseRequested(paused);
    });
    connect(m_theme, &QComboBox::currentIndexChanged, this,
            [this](int index) { emit themeModeRequested(static_cast<ThemeMode>(m_theme->itemData(index).toInt())); });
    connect(m_warRoom, &QPushButton::clicked, this, &DashboardControls::warRoomRequested);
}

QPushButton* DashboardControls::rangeButton(TimeRange range) const
{
    return qobject_cast<QPushButton*>(m_ranges->button(static_cast<int>(range)));
}

void DashboardControls::setTimeRange(TimeRange range)
{
    const QSignalBlocker blocker(m_ranges);
    m_ranges->button(static_cast<int>(range))->setChecked(true);
}

void DashboardControls::setPaused(bool paused)
{
    const QSignalBlocker blocker(m_pause);
    m_pause->setChecked(paused);
    m_pause->setText(paused ? u"Resume"_s : u"Pause"_s);
}

void DashboardControls::setThemeMode(ThemeMode mode)
{
    const QSignalBlocker blocker(m_theme);
    m_theme->setCurrentIndex(m_theme->findData(static_cast<int>(mode)));
}

void DashboardControls::applyTheme(const Theme& theme)
{
    QFont controlFont = font();
    controlFont.setPixelSize(theme.px(13));
    for (QWidget* child : findChildren<QWidget*>())
        child->setFont(controlFont);
}

} // namespace slatrack::ui

#include "kpi_panel.hpp"

#include "kpi_tile.hpp"

#include <QGridLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr int kDeskSpacing = 8;
constexpr int kWarRoomSpacing = 14;
// War room: 5 tiles on each of two rows. A 20-column grid lets both rows
// fill the width whatever the split (5 x 4 columns; 4 x 5 for a row of 4).
constexpr int kWarRoomFirstRow = 5;
constexpr int kWarRoomColumns = 20;

} // namespace

KpiPanel::KpiPanel(QWidget* parent)
    : QWidget(parent)
    , m_grid(new QGridLayout(this))
{
    m_grid->setContentsMargins(0, 0, 0, 0);
    for (size_t tile_idx = 0; tile_idx < kKpiCount; ++tile_idx) {
        const auto id = static_cast<KpiId>(tile_idx);
        m_tiles[tile_idx] = new KpiTile(kpiTitle(id), this);
        m_tiles[tile_idx]->setObjectName(u"tile."_s + kpiKey(id));
    }
    // Until the first snapshot: honest placeholders, not zeros that would
    // read as "nothing stuck".
    for (KpiTile* tile : m_tiles)
        tile->setValue({u"\u2014"_s, {}}, Tone::Neutral, u"waiting for data"_s);
    relayout();
}

void KpiPanel::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    for (const KpiValue& value : kpiValues(snapshot)) {
        // The dashboard sets the Alerts tile from the alerting service.
        if (value.id != KpiId::Alerts)
            tile(value.id)->setValue(value.text, value.tone, value.detail, value.breakdown);
    }
}

void KpiPanel::applyTheme(const Theme& theme)
{
    for (KpiTile* tile : m_tiles)
        tile->applyTheme(theme);
    const int spacing = theme.px(theme.highContrast ? kWarRoomSpacing : kDeskSpacing);
    m_grid->setHorizontalSpacing(spacing);
    m_grid->setVerticalSpacing(spacing);
}

void KpiPanel::setWarRoom(bool warRoom)
{
    if (warRoom == m_warRoom)
        return;
    m_warRoom = warRoom;
    relayout();
}

void KpiPanel::relayout()
{
    for (KpiTile* tile : m_tiles)
        m_grid->removeWidget(tile);
    for (int column = 0; column < kWarRoomColumns; ++column)
        m_grid->setColumnStretch(column, 0);
    for (size_t tile_idx = 0; tile_idx < kKpiCount; ++tile_idx) {
        const int index = static_cast<int>(tile_idx);
        if (!m_warRoom) {
            m_grid->addWidget(m_tiles[tile_idx], 0, index);
            m_grid->setColumnStretch(index, 1);
            continue;
        }
        const bool firstRow = index < kWarRoomFirstRow;
        const int span = firstRow ? kWarRoomColumns / kWarRoomFirstRow : kWarRoomColumns / (static_cast<int>(kKpiCount) - kWarRoomFirstRow);
        const int column = (firstRow ? index : index - kWarRoomFirstRow) * span;
        m_grid->addWidget(m_tiles[tile_idx], firstRow ? 0 : 1, column, 1, span);
    }
    if (m_warRoom) {
        for (int column = 0; column < kWarRoomColumns; ++column)
            m_grid->setColumnStretch(column, 1);
    }
}

} // namespace slatrack::ui

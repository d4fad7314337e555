#pragma once

#include "kpi_values.hpp"
#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

#include <array>

class QGridLayout;

namespace slatrack::ui {

class KpiTile;

// The row of KPI tiles. On a desk: one row of ten. In the war room: two
// rows, so each tile is wide enough for a number readable across the room.
//
// Thread: UI thread only.
class KpiPanel : public QWidget {
    Q_OBJECT

public:
    explicit KpiPanel(QWidget* parent = nullptr);

    void showSnapshot(const monitor::MonitorSnapshot& snapshot);
    void applyTheme(const Theme& theme);
    void setWarRoom(bool warRoom);

    KpiTile* tile(KpiId id) const { return m_tiles[static_cast<size_t>(id)]; }

private:
    void relayout();

    std::array<KpiTile*, kKpiCount> m_tiles{};
    QGridLayout* m_grid = nullptr;
    bool m_warRoom = false;
};

} // namespace slatrack::ui

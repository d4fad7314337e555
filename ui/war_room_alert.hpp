#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <QLabel>

namespace slatrack::ui {

// War-room mode hides the header, so a room could watch healthy-looking
// numbers that have stopped updating. This banner says, in letters readable
// across the room, when the numbers cannot be trusted: disconnected from
// the brokers, still catching up, or a stage's data older than a minute.
// Hidden whenever everything is fine.
//
// Threading: UI thread only.
class WarRoomAlert : public QLabel {
    Q_OBJECT

public:
    static constexpr int64_t kStaleAfterMs = 60'000;

    explicit WarRoomAlert(QWidget* parent = nullptr);

    // Updates the text; returns whether there is something to say.
    bool showSnapshot(const monitor::MonitorSnapshot& snapshot);
    // Empty when the snapshot can be trusted.
    static QString problem(const monitor::MonitorSnapshot& snapshot);
};

} // namespace slatrack::ui

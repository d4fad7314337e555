#include "war_room_alert.hpp"

#include "format.hpp"

#include <QFont>

namespace slatrack::ui {

WarRoomAlert::WarRoomAlert(QWidget* parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("warRoomAlert"));
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2.2);
    big.setBold(true);
    setFont(big);
    setAutoFillBackground(true);
    // Same colours in both themes: black on amber is the most legible pair
    // at a distance and reads as "attention", not "healthy" or "breached".
    setStyleSheet(QStringLiteral("QLabel#warRoomAlert { background: #ffb000; color: #000000; padding: 10px; border-radius: 6px; }"));
    hide();
}

QString WarRoomAlert::problem(const monitor::MonitorSnapshot& snapshot)
{
    if (!snapshot.connected)
        return QStringLiteral("DISCONNECTED from the brokers - these numbers are not updating");
    if (snapshot.phase == monitor::Phase::Starting)
        return QStringLiteral("STARTING - no data yet");
    if (snapshot.phase == monitor::Phase::Replaying)
        return QStringLiteral("CATCHING UP %1 % - cannot judge stuck records yet").arg(snapshot.replayPercent, 0, 'f', 0);
    for (size_t stage_idx = 0; stage_idx < snapshot.freshnessMs.size(); ++stage_idx) {
        const int64_t ageMs = snapshot.freshnessMs[stage_idx];
        const QString stage = stageName(snapshot, stage_idx);
        if (ageMs < 0)
            return QStringLiteral("NO DATA on %1 yet - cannot judge").arg(stage);
        if (ageMs > kStaleAfterMs)
            return QStringLiteral("STALE: %1 data is %2 s old").arg(stage).arg(ageMs / 1000);
    }
    return {};
}

bool WarRoomAlert::showSnapshot(const monitor::MonitorSnapshot& snapshot)
{
    const QString text = problem(snapshot);
    setText(text);
    return !text.isEmpty();
}

} // namespace slatrack::ui

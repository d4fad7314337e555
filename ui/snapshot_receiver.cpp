#include "snapshot_receiver.hpp"

#include <algorithm>

namespace slatrack::ui {

SnapshotReceiver::SnapshotReceiver(QObject* parent, std::chrono::milliseconds minInterval)
    : QObject(parent)
    , m_minInterval(minInterval)
    , m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &SnapshotReceiver::deliver);
}

void SnapshotReceiver::post(monitor::SnapshotPtr snapshot)
{
    if (!snapshot)
        return;
    bool wake = false;
    {
        const std::lock_guard lock(m_mutex);
        m_staged = std::move(snapshot);
        wake = !m_wakeQueued;
        m_wakeQueued = true;
    }
    // Outside the lock: posting an event allocates and takes Qt's own lock.
    // A QTimer may only be started from its thread, hence the queued hop.
    if (wake)
        QMetaObject::invokeMethod(this, &SnapshotReceiver::schedule, Qt::QueuedConnection);
}

void SnapshotReceiver::schedule()
{
    using std::chrono::milliseconds;
    const milliseconds elapsed = m_sinceDelivery.isValid() ? milliseconds(m_sinceDelivery.elapsed()) : m_minInterval;
    m_timer.start(std::max(milliseconds(0), m_minInterval - elapsed));
}

void SnapshotReceiver::deliver()
{
    monitor::SnapshotPtr snapshot;
    {
        const std::lock_guard lock(m_mutex);
        snapshot = std::move(m_staged);
        m_staged.reset();
        m_wakeQueued = false;
    }
    if (!snapshot)
        return;
    m_sinceDelivery.start();
    m_latest = snapshot;
    ++m_deliveries;
    emit snapshotReady(std::move(snapshot));
}

} // namespace slatrack::ui

#pragma once

#include "core/monitor/monitor_snapshot.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <mutex>

namespace slatrack::ui {

// Hands published snapshots from the monitor's thread to the UI thread at a
// bounded rate (PlotJuggler's pattern). The producer may publish as fast as
// it likes: post() only swaps a pointer under a mutex; at most one wake-up
// is queued to the UI thread, where a single-shot timer spaces deliveries
// at least `minInterval` apart and delivers only the newest snapshot.
// Intermediate snapshots are dropped on purpose: each one is a complete
// state, so the UI never needs them, and rendering stays at <= 4 Hz
// however fast the engine publishes.
//
// Lifetime: the receiver lives on the UI thread. Producers must stop
// calling post() before it is destroyed (the app stops the monitor first).
class SnapshotReceiver : public QObject {
    Q_OBJECT

public:
    // 250 ms: <= 4 UI updates per second, fast enough that a number an
    // operator is watching feels live, slow enough that charts and the
    // table cost a few percent of one core.
    static constexpr std::chrono::milliseconds kDefaultInterval{250};

    // UI thread.
    explicit SnapshotReceiver(QObject* parent = nullptr, std::chrono::milliseconds minInterval = kDefaultInterval);

    // Any thread. Never blocks on the UI; a null snapshot is ignored.
    void post(monitor::SnapshotPtr snapshot);

    // UI thread. The last snapshot delivered by snapshotReady (null before).
    monitor::SnapshotPtr latest() const { return m_latest; }
    // UI thread. How many times snapshotReady has been emitted.
    quint64 deliveries() const { return m_deliveries; }

signals:
    // Emitted on the UI thread, at most once per interval.
    void snapshotReady(slatrack::monitor::SnapshotPtr snapshot);

private:
    void schedule();  // UI thread: arms the timer for the next allowed instant
    void deliver();   // UI thread: takes the staged snapshot and emits it

    const std::chrono::milliseconds m_minInterval;
    QTimer m_timer;
    QElapsedTimer m_sinceDelivery;
    monitor::SnapshotPtr m_latest;
    quint64 m_deliveries = 0;

    std::mutex m_mutex;  // guards the two members below, nothing else
    monitor::SnapshotPtr m_staged;
    bool m_wakeQueued = false;  // a schedule() is queued or the timer is armed
};

} // namespace slatrack::ui

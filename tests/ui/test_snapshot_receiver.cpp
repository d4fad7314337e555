// SnapshotReceiver: many posts from another thread become few UI updates,
// spaced by the interval, and the newest snapshot is always delivered.
#include "ui/snapshot_receiver.hpp"

#include <QElapsedTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace slatrack;
using namespace std::chrono_literals;

namespace {

monitor::SnapshotPtr numbered(int64_t number)
{
    auto snapshot = std::make_shared<monitor::MonitorSnapshot>();
    snapshot->takenAtMs = number;
    return snapshot;
}

} // namespace

class TestSnapshotReceiver : public QObject {
    Q_OBJECT

private slots:
    void coalescesPostsFromAnotherThread()
    {
        ui::SnapshotReceiver receiver(nullptr, 250ms);
        std::vector<int64_t> delivered;
        std::vector<qint64> deliveredAtMs;
        QElapsedTimer clock;
        clock.start();
        connect(&receiver, &ui::SnapshotReceiver::snapshotReady, this, [&](const monitor::SnapshotPtr& snapshot) {
            QVERIFY2(QThread::currentThread() == thread(), "snapshotReady must be emitted on the receiver's (UI) thread");
            delivered.push_back(snapshot->takenAtMs);
            deliveredAtMs.push_back(clock.elapsed());
        });

        constexpr int64_t kPosts = 20'000;
        std::atomic<bool> done{false};
        std::thread producer([&] {
            for (int64_t post_idx = 0; post_idx < kPosts; ++post_idx) {
                receiver.post(numbered(post_idx));
                if (post_idx % 16 == 0)
                    std::this_thread::sleep_for(1ms);  // ~1.3 s of steady publishing
            }
            done = true;
        });
        while (!done)
            QTest::qWait(5);
        producer.join();
        const qint64 producingMs = clock.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.empty() && delivered.back() == kPosts - 1, 2000);
        QTest::qWait(400);  // nothing more may arrive once the newest is out

        // <= 4 per second: one per started 250 ms of producing, plus the final one.
        const auto maxDeliveries = static_cast<size_t>(producingMs / 250 + 2);
        QVERIFY2(delivered.size() <= maxDeliveries,
                 qPrintable(QStringLiteral("%1 deliveries in %2 ms").arg(delivered.size()).arg(producingMs)));
        QVERIFY2(delivered.size() >= 2, "a steady producer must yield periodic updates, not one at the end");
        QCOMPARE(delivered.back(), kPosts - 1);
        QCOMPARE(receiver.latest()->takenAtMs, kPosts - 1);
        QCOMPARE(receiver.deliveries(), static_cast<quint64>(delivered.size()));
        for (size_t delivery_idx = 1; delivery_idx < delivered.size(); ++delivery_idx) {
            QVERIFY2(delivered[delivery_idx] > delivered[delivery_idx - 1], "deliveries must move forward");
            // The timer may fire a millisecond early by rounding.
            QVERIFY2(deliveredAtMs[delivery_idx] - deliveredAtMs[delivery_idx - 1] >= 245,
                     qPrintable(QStringLiteral("deliveries %1 ms apart").arg(deliveredAtMs[delivery_idx] - deliveredAtMs[delivery_idx - 1])));
        }
    }

    void singlePostIsDeliveredPromptly()
    {
        ui::SnapshotReceiver receiver(nullptr, 250ms);
        QSignalSpy spy(&receiver, &ui::SnapshotReceiver::snapshotReady);
        receiver.post(numbered(7));
        // The first post after a quiet period is not held back a full interval.
        QVERIFY(spy.wait(100));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<monitor::SnapshotPtr>()->takenAtMs, 7);
    }

    void nullIsIgnored()
    {
        ui::SnapshotReceiver receiver(nullptr, 50ms);
        QSignalSpy spy(&receiver, &ui::SnapshotReceiver::snapshotReady);
        receiver.post(nullptr);
        QTest::qWait(150);
        QCOMPARE(spy.count(), 0);
        QVERIFY(!receiver.latest());
    }
};

QTEST_MAIN(TestSnapshotReceiver)
#include "test_snapshot_receiver.moc"

// Nothing escapes the monitor's engine thread: a failing task posted to it
// (a query from the UI) is logged and the monitor carries on publishing.
// No broker is needed: 127.0.0.1:1 refuses, the engine thread runs anyway.
#include "core/monitor/monitor.hpp"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace slatrack;

class TestMonitorSafety : public QObject {
    Q_OBJECT

private slots:
    void throwingTaskIsLoggedAndMonitorCarriesOn()
    {
        config::PipelineConfig config;
        config.pipeline = "safety";
        config.kafka.brokers = "127.0.0.1:1";
        config.kafka.groupId = "slatrack-safety";
        config::StageConfig incoming, processed;
        incoming.name = "incoming";
        incoming.topics = {"incoming"};
        processed.name = "processed";
        processed.topics = {"processed"};
        config.stages = {incoming, processed};
        config.sla = std::chrono::seconds(2);
        config.window = std::chrono::minutes(1);
        config.dedupHorizon = config.window;

        std::mutex mutex;
        std::vector<std::string> lines;
        monitor::MonitorOptions options;
        options.publishIntervalMs = 50;
        options.log = [&](const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
        };
        monitor::Monitor monitor(config, options);
        monitor.start();
        std::atomic<bool> ranAfter{false};
        monitor.post([](const engine::JoinEngine&) { throw std::runtime_error("query exploded"); });
        monitor.post([&](const engine::JoinEngine&) { ranAfter = true; });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!ranAfter && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        QVERIFY(ranAfter);
        const monitor::SnapshotPtr first = monitor.latest();
        QVERIFY(first);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const monitor::SnapshotPtr later = monitor.latest();
        QVERIFY(later && later->takenAtMs > first->takenAtMs);  // still publishing
        QVERIFY(later->fatalError.empty());
        bool logged = false;
        {
            std::lock_guard lock(mutex);
            for (const auto& line : lines)
                logged = logged || line.find("a query on the engine failed: query exploded") != std::string::npos;
        }
        QVERIFY(logged);
        monitor.stop();
    }
};

QTEST_APPLESS_MAIN(TestMonitorSafety)
#include "test_monitor_safety.moc"

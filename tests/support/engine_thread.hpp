#pragma once

// A JoinEngine on a thread of its own, as the monitor keeps it: the UI under
// test asks it questions through post() (ui::EnginePost) and never touches
// it; the test feeds it and reads it with blocking calls that run on that
// thread too. Header-only; used by the stuck view tests and the benchmark.

#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor_snapshot.hpp"
#include "core/monitor/snapshot_builder.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slatrack::test {

class EngineThread {
public:
    explicit EngineThread(const engine::EngineConfig& config)
        : m_engine(config)
        , m_thread([this] { loop(); })
    {
    }
    ~EngineThread()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    EngineThread(const EngineThread&) = delete;
    EngineThread& operator=(const EngineThread&) = delete;

    // Any thread: queue a read-only task (what the UI may do).
    void post(std::function<void(const engine::JoinEngine&)> task)
    {
        enqueue([task = std::move(task)](engine::JoinEngine& engine) { task(engine); });
    }
    std::function<void(std::function<void(const engine::JoinEngine&)>)> poster()
    {
        return [this](std::function<void(const engine::JoinEngine&)> task) { post(std::move(task)); };
    }

    // Test thread: run `fn` on the engine thread and wait for its result.
    template <class Fn>
    auto call(Fn fn) -> decltype(fn(std::declval<engine::JoinEngine&>()))
    {
        using Result = decltype(fn(std::declval<engine::JoinEngine&>()));
        auto promise = std::make_shared<std::promise<Result>>();
        std::future<Result> future = promise->get_future();
        enqueue([fn = std::move(fn), promise](engine::JoinEngine& engine) mutable {
            if constexpr (std::is_void_v<Result>) {
                fn(engine);
                promise->set_value();
            } else {
                promise->set_value(fn(engine));
            }
        });
        return future.get();
    }

    void feed(std::vector<engine::Event> events)
    {
        call([events = std::move(events)](engine::JoinEngine& engine) {
            engine.ingest(std::span<const engine::Event>(events.data(), events.size()), engine::kMaxEventTimeMs);
        });
    }

    // advance(nowMs, force) and a snapshot as the monitor publishes it.
    monitor::SnapshotPtr snapshot(int64_t nowMs, std::vector<std::string> stageNames, std::vector<monitor::PartitionLag> partitions = {})
    {
        return call([this, nowMs, stageNames = std::move(stageNames), partitions = std::move(partitions)](engine::JoinEngine& engine) {
            engine.advance(nowMs, true);
            monitor::MonitorSnapshot snapshot = monitor::buildEngineSnapshot(engine, nowMs, m_gaugeHistory);
            snapshot.pipeline = "test-pipeline";
            snapshot.stageNames = stageNames;
            snapshot.phase = monitor::Phase::Live;
            snapshot.connected = true;
            snapshot.partitions = partitions;
            snapshot.health.resize(stageNames.size(), monitor::StageHealth{monitor::StageHealthState::Ok, {}, 0});
            return std::make_shared<const monitor::MonitorSnapshot>(std::move(snapshot));
        });
    }

private:
    void enqueue(std::function<void(engine::JoinEngine&)> task)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        m_wake.notify_one();
    }
    void loop()
    {
        for (;;) {
            std::function<void(engine::JoinEngine&)> task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_tasks.empty(); });
                if (m_tasks.empty())
                    return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task(m_engine);
        }
    }

    engine::JoinEngine m_engine;
    std::deque<monitor::GaugeSample> m_gaugeHistory;  // engine thread only
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void(engine::JoinEngine&)>> m_tasks;
    bool m_stop = false;
    std::thread m_thread;  // last: starts once everything above exists
};

} // namespace slatrack::test

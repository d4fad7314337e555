// The live path: a monitor::Monitor (the engine thread --headless runs)
// against an embedded broker. The read order's first step is produced
// before the monitor starts; each later step only once the monitor has read
// everything before it, so a later stage really is read first when the
// order says so. The verdicts are the last snapshot's, taken once
// everything was read and judged.
#include "broker.hpp"
#include "paths.hpp"
#include "producer.hpp"

#include "core/monitor/monitor.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <thread>

namespace slatrack::scenario {

namespace {

constexpr auto kReadLimit = std::chrono::seconds(20);
constexpr auto kErrorLimit = std::chrono::seconds(10);
// After the last message is read: the engine applies the batch within a
// pop timeout (20 ms), sweeps at most every 250 ms and publishes every
// kPublishMs. Three publications after that cover it.
constexpr int64_t kPublishMs = 100;
constexpr int64_t kSettleMs = 250 + 3 * kPublishMs;

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

monitor::SnapshotPtr waitFor(const monitor::Monitor& monitor, const std::function<bool(const monitor::MonitorSnapshot&)>& done,
                             std::chrono::milliseconds limit)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    monitor::SnapshotPtr snapshot;
    while (std::chrono::steady_clock::now() < deadline) {
        snapshot = monitor.latest();
        if (snapshot && done(*snapshot))
            return snapshot;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return nullptr;
}

// Everything the monitor says is wrong: the connection, a fatal error,
// stages it cannot judge (a missing topic blinds its stage, naming it).
std::string monitorSays(const monitor::MonitorSnapshot& snapshot)
{
    std::string out = snapshot.connectionDetail;
    for (const std::string& part : {snapshot.fatalError, snapshot.cantJudge()})
        if (!part.empty())
            out += (out.empty() ? "" : "; ") + part;
    return out;
}

std::string describeSnapshot(const monitor::MonitorSnapshot* snapshot)
{
    if (!snapshot)
        return "no snapshot";
    std::string out = std::string("phase ") + monitor::phaseName(snapshot->phase) + ", connected " + (snapshot->connected ? "yes" : "no");
    if (const std::string says = monitorSays(*snapshot); !says.empty())
        out += " (" + says + ")";
    for (const auto& partition : snapshot->partitions)
        out += ", " + partition.topic + "[" + std::to_string(partition.partition) + "] at " + std::to_string(partition.position) + "/" +
               std::to_string(partition.highWatermark) + (partition.caughtUp ? " caught up" : "");
    if (!snapshot->totals.empty())
        out += ", matched " + std::to_string(snapshot->totals.back().matched) + ", open " + std::to_string(snapshot->gauges.open) +
               ", stuck " + std::to_string(snapshot->gauges.stuck) + ", early " + std::to_string(snapshot->gauges.early);
    return out;
}

} // namespace

Observed runLivePath(const Fixture& fixture, const ReadOrder& order)
{
    Observed observed;
    const auto broker = startBroker(fixture);
    const config::LoadResult loaded = loadFixtureConfig(fixture, broker->bootstrapServers());
    if (noteConfigErrors(loaded, observed))
        return observed;
    const config::PipelineConfig& config = *loaded.config;
    std::set<std::string> readTopics;
    for (const auto& stage : config.stages)
        readTopics.insert(stage.topics.begin(), stage.topics.end());
    // A fixture expecting an error (a topic that does not exist) waits for
    // the monitor to say it, naming what the fixture names.
    const std::string errorExpected = fixture.expectationFor(Path::Live, order.name).value("error", std::string());

    monitor::MonitorOptions options;
    options.publishIntervalMs = kPublishMs;
    options.fromMs = fixture.fromMs;
    std::unique_ptr<monitor::Monitor> monitor;
    try {
        monitor = std::make_unique<monitor::Monitor>(config, options);
    } catch (const std::exception& error) {
        observed.error = std::string("the config loaded, then the monitor refused it (the program aborts here): ") + error.what();
        return observed;
    }

    std::map<std::pair<std::string, int32_t>, int64_t> produced;  // messages per partition so far
    for (const auto& [topic, partitions] : fixture.partitions)
        for (int32_t partition = 0; partition < partitions; ++partition)
            produced[{topic, partition}] = 0;
    monitor::SnapshotPtr snapshot;
    bool started = false;
    for (const ReadRound& round : readRounds(fixture, order)) {
        std::vector<const FixtureMessage*> messages;
        for (const FixtureMessage& message : fixture.messages)
            if (round.holds(message)) {
                messages.push_back(&message);
                ++produced[{message.topic, message.partition}];
            }
        if (const std::string problem = produce(broker->bootstrapServers(), messages); !problem.empty()) {
            observed.error = "the runner could not produce the fixture: " + problem;
            return observed;
        }
        if (!started) {
            monitor->start();
            started = true;
        }
        if (!errorExpected.empty()) {
            snapshot = waitFor(*monitor, [&](const monitor::MonitorSnapshot& s) { return monitorSays(s).find(errorExpected) != std::string::npos; },
                               kErrorLimit);
            if (snapshot) {
                observed.error = monitorSays(*snapshot);
                return observed;
            }
            continue;
        }
        // Read everything: every partition the pipeline reads is at its end
        // (as of a fresh position report), the replay is over and every
        // stage can be judged (health ok or no_data, not catching up).
        snapshot = waitFor(*monitor, [&](const monitor::MonitorSnapshot& s) {
            if (s.phase != monitor::Phase::Live || !s.cantJudge().empty())
                return false;
            for (const auto& [where, count] : produced) {
                if (!readTopics.count(where.first))
                    continue;
                bool atEnd = false;
                for (const auto& partition : s.partitions)
                    if (partition.topic == where.first && partition.partition == where.second)
                        atEnd = partition.caughtUp && partition.position >= count;
                if (!atEnd)
                    return false;
            }
            return true;
        }, kReadLimit);
        if (!snapshot) {
            observed.error = "the monitor did not read " + round.name() + " (" + order.name + ") within " +
                             std::to_string(kReadLimit.count()) + " s: " + describeSnapshot(monitor->latest().get());
            return observed;
        }
        // Judged too, before the next step is produced: the engine path
        // sweeps at the end of every step, and so must this one.
        const int64_t readAtMs = wallMs();
        snapshot = waitFor(*monitor, [&](const monitor::MonitorSnapshot& s) { return s.takenAtMs >= readAtMs + kSettleMs; },
                           std::chrono::milliseconds(kSettleMs * 10));
        if (!snapshot) {
            observed.error = "no snapshot after the monitor read " + round.name();
            return observed;
        }
    }
    if (!errorExpected.empty()) {
        observed.describe = describeSnapshot(monitor->latest().get());
        return observed;  // no error came: the comparison says so
    }
    monitor->stop();
    observed.describe = describeSnapshot(snapshot.get());
    fillCounts(observed, snapshot->totals, snapshot->gauges);
    if (snapshot->gauges.stuck <= monitor::MonitorSnapshot::kStuckSample) {
        std::vector<std::string> stuckIds;
        for (const auto& record : snapshot->oldestStuck)
            stuckIds.push_back(record.id);
        observed.stuckIds = stuckIds;
    }
    // lostIds stay unobserved: the monitor hands lost records to the store
    // (today: drops them); the snapshot only counts them.
    observed.latency = LatencySeen{snapshot->latencySinceStart.count, snapshot->latencySinceStart.max};
    std::map<std::string, LatencySeen> hops;
    for (size_t stage_idx = 1; stage_idx < snapshot->hopLatencySinceStart.size() && stage_idx < config.stages.size(); ++stage_idx)
        hops[config.stages[stage_idx].name] = LatencySeen{snapshot->hopLatencySinceStart[stage_idx].count, snapshot->hopLatencySinceStart[stage_idx].max};
    observed.hops = hops;
    return observed;
}

} // namespace slatrack::scenario

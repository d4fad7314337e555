#pragma once

#include "core/engine/engine_types.hpp"
#include "core/engine/latency_histogram.hpp"
#include "core/ingest/group_lag.hpp"
#include "core/ingest/source_progress.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::monitor {

// What the monitor knows at one instant, as an immutable value. The engine
// thread builds one a few times a second and publishes it as a
// shared_ptr<const MonitorSnapshot>; the UI, the headless status line and
// the alert rules only ever read these, so nobody locks the engine.

enum class Phase : uint8_t {
    Starting,   // connecting, assigning partitions
    Replaying,  // catching up to the high watermarks seen at start
    Live,
};
const char* phaseName(Phase phase);

// Latency percentiles over a span, in ms (0 with count 0 when nothing completed).
struct LatencySummary {
    uint64_t count = 0;
    int64_t p50 = 0;
    int64_t p90 = 0;
    int64_t p95 = 0;
    int64_t p99 = 0;
    int64_t max = 0;
};

// One second of event time, for charts.
struct SecondPoint {
    int64_t second = 0;                // Unix seconds: the start of the point's span
    int64_t spanSeconds = 1;           // 1 live; the store's resolution for history (e.g. 60)
    std::vector<uint64_t> seen;        // per stage, records seen over the span (redeliveries excluded)
    uint64_t matched = 0;              // completed in this second
    int64_t p50 = 0, p95 = 0, p99 = 0; // latency of records completed in this second
};

// Gauges sampled at each publication (wall clock), for the open/stuck chart.
struct GaugeSample {
    int64_t atMs = 0;
    uint64_t open = 0;
    uint64_t stuck = 0;
    uint64_t lost = 0;  // cumulative
};

using ingest::GroupLag;
using ingest::GroupLagState;
using ingest::GroupPartitionLag;
using ingest::LagTrend;
using ingest::PartitionLag;
using ingest::StageHealth;
using ingest::StageHealthState;
using ingest::StageReplay;

// The store (DESIGN.md "Store") as the status shows it.
struct StoreSummary {
    bool enabled = false;
    std::string path;
    std::string state;        // opening | ok | unavailable | in_use | refused | stopped
    std::string error;        // !ok: what and where; the engine runs in memory meanwhile
    int64_t failingSinceMs = 0;
    // How this run started: "restored from snapshot of <time> ..." or
    // "no usable snapshot (<why>): replayed from Kafka".
    std::string start;
    bool restored = false;
    int64_t restoredFromMs = 0;     // the snapshot's cut, wall clock
    int64_t lastSnapshotAtMs = 0;   // the latest written snapshot's cut
    int64_t lastSnapshotBytes = 0;
    int64_t lastSnapshotWriteMs = 0;
    int64_t lastSnapshotPauseUs = 0;  // engine thread stopped for it
    int64_t maxSnapshotPauseUs = 0;
    uint64_t snapshotsWritten = 0;
    uint64_t snapshotFailures = 0;
    std::string lastSnapshotError;
    uint64_t lostWritten = 0;
    uint64_t lostNotPersisted = 0;
    uint64_t secondsWritten = 0;
    std::vector<std::string> notices;  // e.g. a corrupt file moved aside
};

struct MonitorSnapshot {
    int64_t takenAtMs = 0;  // wall clock
    std::string pipeline;
    std::vector<std::string> stageNames;
    int64_t slaMs = 0;
    int64_t windowMs = 0;

    Phase phase = Phase::Starting;
    std::vector<StageReplay> replay;  // per stage
    double replayPercent = 0;         // over all stages, 0..100
    int64_t replayEtaMs = -1;         // -1: unknown

    bool connected = false;
    std::string connectionDetail;     // last broker error, empty when fine
    uint32_t consumerRestarts = 0;
    // Per stage: can what it shows be judged (ok, catching_up, blind,
    // no_data + why + since). While a stage is blind or catching up its
    // watermark is held, so no record awaiting it turns stuck or lost on
    // the wall clock alone.
    std::vector<StageHealth> health;
    // Set when the monitor stopped for good (an engine error): nothing it
    // shows moves any more.
    std::string fatalError;

    StoreSummary store;

    engine::Gauges gauges;
    std::vector<engine::StageCounters> totals;  // since start
    std::vector<double> ratePerSec;             // per stage, over the last kRateSeconds of event time
    LatencySummary latencyLastMinute;           // completed in the last 60 s of event time
    LatencySummary latencySinceStart;
    // Per stage k: latency of the hop from stage k-1 to k (index 0 empty).
    // For two stages the one hop is the end-to-end latency.
    std::vector<LatencySummary> hopLatencyLastMinute;
    std::vector<LatencySummary> hopLatencySinceStart;
    // The since-start histograms themselves (12.5 KiB each once anything
    // completed), for exporters that need buckets rather than percentiles
    // (Prometheus /metrics): end to end, and per hop as above (index 0
    // empty; two stages: the end-to-end one).
    engine::LatencyHistogram endToEndSinceStart;
    std::vector<engine::LatencyHistogram> hopHistogramsSinceStart;
    std::vector<int64_t> freshnessMs;           // per stage: now - watermark; -1 unknown

    std::vector<SecondPoint> series;      // last kSeriesSeconds, ascending
    std::vector<GaugeSample> gaugeSeries; // last kSeriesSeconds of publications
    // slatrack's own position behind the high watermarks (its consumer),
    // not the pipeline's lag.
    std::vector<PartitionLag> partitions;
    int64_t totalLag = 0;
    // The pipeline's lag: each configured consumer group's committed
    // offsets against the ends of its stage's topics, read every few
    // seconds on a helper thread (ingest/consumer_group_lag). Empty when
    // the config names no consumer_group.
    std::vector<GroupLag> pipelineLag;

    std::vector<engine::StuckRecord> oldestStuck;  // up to kStuckSample, oldest first, none silenced
    // Stuck records silenced by ID or pattern (alerting silences): already
    // taken out of gauges.stuck and the stages' stuckAwaiting; a few, oldest
    // first, to list apart. stuckSilencesApplied: the whole stuck set was
    // checked against the silences (false: no record silence was active).
    uint64_t silencedStuck = 0;
    std::vector<engine::StuckRecord> silencedStuckSample;
    bool stuckSilencesApplied = false;
    std::vector<std::string> rejectedSamples;      // "stage topic[p]@offset: reason: detail"

    static constexpr int kRateSeconds = 10;
    static constexpr int kSeriesSeconds = 300;
    static constexpr size_t kStuckSample = 100;
    static constexpr size_t kSilencedSample = 20;

    bool slaBreached() const { return latencyLastMinute.count > 0 && latencyLastMinute.p99 > slaMs; }
    uint64_t lostTotal() const;
    uint64_t orphanTotal() const;
    // Empty when every stage can be judged, else "can't judge: <stage>: <why>; ...".
    std::string cantJudge() const;
};

using SnapshotPtr = std::shared_ptr<const MonitorSnapshot>;

// Whether a stuck record's ID is silenced at `nowMs` (alerting's record and
// pattern silences, handed to the monitor as a plain predicate so core/monitor
// does not depend on core/alerting). Called on the engine thread.
using StuckSilencer = std::function<bool(std::string_view recordId, int64_t nowMs)>;

} // namespace slatrack::monitor

#pragma once

#include "format.hpp"
#include "theme.hpp"
#include "verdict.hpp"

#include "core/monitor/monitor_snapshot.hpp"

#include <QString>

#include <array>

namespace slatrack::ui {

// What each KPI tile shows for a snapshot, and how it is judged. Kept apart
// from the widgets so the rules read in one place and test without pixels.

enum class KpiId { InRate, OutRate, P50, P99, Open, Stuck, Lost, Orphans, PipelineLag, Alerts };
inline constexpr size_t kKpiCount = 10;

struct KpiValue {
    KpiId id = KpiId::InRate;
    QString title;    // "p99 latency"
    ValueText text;   // value big, unit small
    Tone tone = Tone::Neutral;
    QString detail;   // one short line under the number: the SLA, the span
    QString breakdown;  // more lines for the tooltip (e.g. lag per partition); empty: the detail alone
};

// Latency above this fraction of the SLA is amber: there is still room, but
// the trend deserves a look before it turns red.
inline constexpr double kLatencyWarnFraction = 0.8;

// Pure: any thread.
std::array<KpiValue, kKpiCount> kpiValues(const monitor::MonitorSnapshot& snapshot);
// Stable short key, used in widget object names ("tile.p99").
QString kpiKey(KpiId id);
QString kpiTitle(KpiId id);
// True when every later stage has a watermark, i.e. the engine can say
// whether a record is stuck; before that a zero must not read as green.
bool canJudgeStuck(const monitor::MonitorSnapshot& snapshot);
// Whether "stuck now" can be judged: every later stage seen and readable.
// Untrusted: the stuck count and list are held, "at least", and shown as
// such (the tile's "—", the panel's grey reason), never as the whole story.
StageJudgement stuckJudgement(const monitor::MonitorSnapshot& snapshot);
// A consumer group's lag read longer ago than this is not shown as now:
// the poller reads every 5 s and a read against a dead broker ends within
// about 16 s, so an older read means the poller itself is stuck.
inline constexpr int64_t kPipelineLagStaleMs = 30'000;
// The pipeline's lag tile: the consumer group furthest behind (by the age
// of its first uncommitted message), or "—" with why it cannot be told.
KpiValue pipelineLagValue(const monitor::MonitorSnapshot& snapshot);

} // namespace slatrack::ui

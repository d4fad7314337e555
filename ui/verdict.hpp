#pragma once

#include "theme.hpp"

#include "core/monitor/monitor_snapshot.hpp"
#include "core/monitor/stage_trust.hpp"

#include <QString>

#include <cstdint>

namespace slatrack::ui {

// The one answer an operator looks for first: can the numbers be trusted,
// and if so, is the pipeline within its SLA. Worst first; the first rule
// that holds wins:
//   PAUSED           the view is frozen (whatever it shows)
//   MONITOR STOPPED  the monitor hit an error and nothing moves any more
//   CAN'T JUDGE      disconnected, a stage blind, starting, or a later
//                    stage with no record read yet: zeros would be lies
//   MONITOR BEHIND   slatrack's own consumer is catching up: what it shows
//                    is the past, and by how much is said
//   SLA BREACHED     p99 of the last 60 s over the SLA, or records stuck now
//   HEALTHY          within the SLA, nothing stuck, every stage judged
// Pure: any thread.
enum class VerdictKind { Waiting, Paused, Stopped, CantJudge, MonitorBehind, SlaBreached, Healthy };

struct Verdict {
    VerdictKind kind = VerdictKind::Waiting;
    QString headline;  // "MONITOR BEHIND"
    QString reason;    // "slatrack is 12 s / 98k msgs behind the brokers"
    Tone tone = Tone::Neutral;
};

// `snapshot` may be null (nothing received yet).
Verdict judgeVerdict(const monitor::MonitorSnapshot* snapshot, bool paused);

// Whether the numbers that rest on one stage's data can be trusted now:
// core/monitor/stage_trust's judgement (the alert rules read the same), in
// the UI's string type.
using StageTrust = monitor::StageTrust;
struct StageJudgement {
    StageTrust trust = StageTrust::Trusted;
    QString reason;  // empty when trusted: "processed: no answer from broker 1 for 6 s"
};
StageJudgement judgeStage(const monitor::MonitorSnapshot& snapshot, size_t stage);
// The worst judgement over stages [first, last].
StageJudgement judgeStages(const monitor::MonitorSnapshot& snapshot, size_t first, size_t last);

// How far behind slatrack's own reading is: the largest data age among the
// stages it is catching up on, and the messages between its position and
// the high watermarks (its own consumer lag, not the pipeline's).
QString monitorBehindText(const monitor::MonitorSnapshot& snapshot);

} // namespace slatrack::ui

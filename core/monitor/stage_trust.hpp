#pragma once

#include "monitor_snapshot.hpp"

#include <string>

// Whether the numbers that rest on a stage's data can be trusted now: the
// one definition of "can't judge" (DESIGN.md "Judging only what it can
// see") that the dashboard's tiles and verdict (ui/verdict) and the alert
// rules (core/alerting/rule_measure) both read, so a tile never shows a
// verdict the rules call unjudgeable, or the other way round.
//
// Pure: any thread.
namespace slatrack::monitor {

enum class StageTrust {
    Trusted,
    Behind,  // read correctly, but slatrack is behind: the numbers are of the past
    Blind,   // slatrack cannot see the stage (or has not started): no number
};

struct StageTrustJudgement {
    StageTrust trust = StageTrust::Trusted;
    std::string reason;  // empty when trusted: "processed blind: no answer from broker 1 for 6 s"
};

// From the stage's health when the snapshot carries it, else from the
// connection and phase. A stopped monitor is blind on every stage.
StageTrustJudgement judgeStageTrust(const MonitorSnapshot& snapshot, size_t stage);
// The worst judgement over stages [first, last].
StageTrustJudgement judgeStagesTrust(const MonitorSnapshot& snapshot, size_t first, size_t last);

// The stage's configured name, or "stage N".
std::string stageNameOf(const MonitorSnapshot& snapshot, size_t stage);

} // namespace slatrack::monitor

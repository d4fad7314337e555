#include "stage_trust.hpp"

namespace slatrack::monitor {

namespace {

int severity(StageTrust trust)
{
    switch (trust) {
    case StageTrust::Trusted: return 0;
    case StageTrust::Behind: return 1;
    case StageTrust::Blind: return 2;
    }
    return 2;
}

} // namespace

std::string stageNameOf(const MonitorSnapshot& snapshot, size_t stage)
{
    if (stage < snapshot.stageNames.size() && !snapshot.stageNames[stage].empty())
        return snapshot.stageNames[stage];
    return "stage " + std::to_string(stage);
}

StageTrustJudgement judgeStageTrust(const MonitorSnapshot& snapshot, size_t stage)
{
    if (!snapshot.fatalError.empty())
        return {StageTrust::Blind, "the monitor stopped: " + snapshot.fatalError};
    const std::string name = stageNameOf(snapshot, stage);
    if (stage < snapshot.health.size()) {
        const StageHealth& health = snapshot.health[stage];
        const std::string why = health.why.empty() ? std::string() : ": " + health.why;
        switch (health.state) {
        case StageHealthState::Ok:
        case StageHealthState::NoData:
            return {};
        case StageHealthState::CatchingUp:
            return {StageTrust::Behind, name + " catching up" + why};
        case StageHealthState::Blind:
            return {StageTrust::Blind, name + " blind" + why};
        }
    }
    // No per-stage health (before the first statistics): judge by what is known.
    if (!snapshot.connected)
        return {StageTrust::Blind, "disconnected from the brokers"};
    if (snapshot.phase == Phase::Starting)
        return {StageTrust::Blind, "starting: nothing read yet"};
    if (snapshot.phase == Phase::Replaying)
        return {StageTrust::Behind, "replaying the backlog"};
    return {};
}

StageTrustJudgement judgeStagesTrust(const MonitorSnapshot& snapshot, size_t first, size_t last)
{
    StageTrustJudgement worst;
    for (size_t stage = first; stage <= last; ++stage) {
        StageTrustJudgement judged = judgeStageTrust(snapshot, stage);
        if (severity(judged.trust) > severity(worst.trust))
            worst = std::move(judged);
    }
    return worst;
}

} // namespace slatrack::monitor

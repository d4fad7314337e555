#include "stage_health.hpp"

#include <algorithm>
#include <cstdio>

namespace slatrack::ingest {

namespace {

std::string seconds(int64_t ms)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
    return text;
}

std::string leaderText(const PartitionTracker::Partition& part, const std::map<int32_t, BrokerView>* brokers)
{
    if (part.leader < 0)
        return "leader unknown";
    std::string out = "leader broker " + std::to_string(part.leader);
    if (!brokers)
        return out;
    const auto found = brokers->find(part.leader);
    if (found == brokers->end())
        return out;
    const BrokerView& broker = found->second;
    out += " (" + broker.name + ", " + (broker.state.empty() ? std::string("state unknown") : broker.state);
    if (broker.rxIdleMs >= 0)
        out += ", last receive " + seconds(broker.rxIdleMs) + " ago";
    return out + ")";
}

int rank(StageHealthState state)
{
    switch (state) {
    case StageHealthState::Blind: return 3;
    case StageHealthState::CatchingUp: return 2;
    case StageHealthState::NoData: return 1;
    case StageHealthState::Ok: return 0;
    }
    return 0;
}

JudgedHealth judgePartition(const PartitionTracker::Partition& part, const HealthInputs& in, const HealthPolicy& policy)
{
    const std::string name = part.topic + "[" + std::to_string(part.partition) + "]";
    const std::string error = part.lastError.empty() ? std::string() : "; last error: " + part.lastError;
    const int64_t heardMs = part.lastResponseMs >= 0 ? part.lastResponseMs : part.assignedAtMs;
    if (heardMs >= 0 && in.nowMs - heardMs > policy.blindAfterMs)
        return {StageHealthState::Blind, name + ": no response from the brokers about it for " + seconds(in.nowMs - heardMs) + ", " +
                                             leaderText(part, in.brokers) + error};
    const int64_t waiting = part.provenEnd >= 0 && part.nextOffset() >= 0 ? part.provenEnd - part.nextOffset() : 0;
    if (waiting > 0) {
        const int64_t since = std::max({part.lastMessageMs, part.assignedAtMs, in.resumedAtMs});
        if (since >= 0 && in.nowMs - since > policy.blindAfterMs)
            return {StageHealthState::Blind, name + ": " + std::to_string(waiting) + " record(s) waiting but no fetch delivered any for " +
                                                 seconds(in.nowMs - since) + ", " + leaderText(part, in.brokers) + error};
    }
    if (!part.discovered && part.startHighWatermark >= 0 && part.nextOffset() >= 0 && part.nextOffset() < part.startHighWatermark)
        return {StageHealthState::CatchingUp, "replaying " + name + ": " + std::to_string(part.startHighWatermark - part.nextOffset()) +
                                                  " record(s) to the high watermark seen at start"};
    if (!part.caughtUp) {
        const int64_t since = part.lastCaughtUpMs >= 0 ? part.lastCaughtUpMs : part.assignedAtMs;
        if (since >= 0 && in.nowMs - since > policy.behindThresholdMs)
            return {StageHealthState::CatchingUp, name + ": not proven caught up for " + seconds(in.nowMs - since) +
                                                      (waiting > 0 ? ", " + std::to_string(waiting) + " record(s) behind" : std::string())};
    }
    return {StageHealthState::Ok, {}};
}

} // namespace

std::vector<JudgedHealth> judgeStageHealth(const HealthInputs& in, const HealthPolicy& policy)
{
    const size_t stageCount = static_cast<size_t>(in.stageCount);
    std::vector<JudgedHealth> out(stageCount, JudgedHealth{StageHealthState::Ok, {}});
    std::vector<size_t> partitionsOf(stageCount, 0), worstCount(stageCount, 0);
    std::vector<uint64_t> events(stageCount, 0);
    if (in.partitions) {
        for (const auto& part : *in.partitions) {
            const auto stage = static_cast<size_t>(part.stage);
            if (stage >= stageCount)
                continue;
            ++partitionsOf[stage];
            events[stage] += part.events;
            JudgedHealth judged = judgePartition(part, in, policy);
            if (rank(judged.state) > rank(out[stage].state)) {
                out[stage] = std::move(judged);
                worstCount[stage] = 1;
            } else if (judged.state == out[stage].state && judged.state != StageHealthState::Ok) {
                ++worstCount[stage];
            }
        }
    }
    for (size_t stage = 0; stage < stageCount; ++stage) {
        if (worstCount[stage] > 1)
            out[stage].why += " (and " + std::to_string(worstCount[stage] - 1) + " more partition(s))";
        if (stage < in.topicProblems.size() && !in.topicProblems[stage].empty()) {
            std::string why;
            for (const auto& problem : in.topicProblems[stage])
                why += (why.empty() ? "" : "; ") + problem;
            out[stage] = {StageHealthState::Blind, why};
            continue;
        }
        if (partitionsOf[stage] == 0) {
            out[stage] = {StageHealthState::Blind, "no partition assigned yet"};
            continue;
        }
        if (out[stage].state == StageHealthState::Ok && events[stage] == 0)
            out[stage] = {StageHealthState::NoData,
                          "no record read from " + (stage < in.stageTopics.size() ? in.stageTopics[stage] : std::string("its topics")) + " yet"};
    }
    return out;
}

std::vector<StageHealth> StageHealthHistory::update(const std::vector<JudgedHealth>& judged, int64_t wallNowMs)
{
    m_current.resize(judged.size());
    for (size_t stage = 0; stage < judged.size(); ++stage) {
        StageHealth& current = m_current[stage];
        if (current.sinceMs == 0 || current.state != judged[stage].state) {
            current.state = judged[stage].state;
            current.sinceMs = wallNowMs;
        }
        current.why = judged[stage].why;
    }
    return m_current;
}

} // namespace slatrack::ingest

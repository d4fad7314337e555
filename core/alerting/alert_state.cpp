#include "alert_state.hpp"

namespace slatrack::alerting {

const char* alertStateName(AlertState state)
{
    switch (state) {
    case AlertState::Normal: return "normal";
    case AlertState::Pending: return "pending";
    case AlertState::Firing: return "firing";
    case AlertState::Recovering: return "recovering";
    case AlertState::Resolved: return "resolved";
    case AlertState::CantJudge: return "cant_judge";
    }
    return "unknown";
}

int alertStateRank(AlertState state)
{
    switch (state) {
    case AlertState::Normal: return 0;
    case AlertState::Resolved: return 1;
    case AlertState::Pending: return 2;
    case AlertState::CantJudge: return 3;
    case AlertState::Recovering: return 4;
    case AlertState::Firing: return 5;
    }
    return 0;
}

RuleTracker::RuleTracker(int64_t forMs, int64_t keepFiringForMs) : m_forMs(forMs), m_keepMs(keepFiringForMs) {}

bool RuleTracker::incidentOpen() const
{
    const AlertState judged = judgedState();
    return judged == AlertState::Firing || judged == AlertState::Recovering;
}

void RuleTracker::enter(AlertState state, int64_t nowMs)
{
    m_state = state;
    m_sinceMs = nowMs;
}

void RuleTracker::restoreFiring(int64_t openedMs, int64_t nowMs)
{
    m_state = AlertState::Firing;
    m_underlying = AlertState::Firing;
    m_sinceMs = nowMs;
    m_breachStartMs = openedMs;
}

RuleTracker::Step RuleTracker::step(Verdict verdict, int64_t nowMs)
{
    Step out;
    out.from = m_state;
    if (verdict == Verdict::CantJudge) {
        if (m_state != AlertState::CantJudge) {
            // Resolved is a one-evaluation state; blind after it means normal.
            m_underlying = m_state == AlertState::Resolved ? AlertState::Normal : m_state;
            enter(AlertState::CantJudge, nowMs);
        }
        out.to = m_state;
        return out;
    }
    if (m_state == AlertState::CantJudge) {
        m_state = m_underlying;
        // Time spent blind proves neither the breach nor the recovery.
        if (m_state == AlertState::Pending) {
            m_sinceMs = nowMs;
            m_breachStartMs = nowMs;
        } else if (m_state == AlertState::Recovering) {
            m_sinceMs = nowMs;
        }
    }
    const bool breached = verdict == Verdict::Breached;
    switch (m_state) {
    case AlertState::Normal:
    case AlertState::Resolved:
        if (breached) {
            m_breachStartMs = nowMs;
            if (m_forMs <= 0) {
                enter(AlertState::Firing, nowMs);
                out.opened = true;
            } else {
                enter(AlertState::Pending, nowMs);
            }
        } else if (m_state == AlertState::Resolved) {
            enter(AlertState::Normal, nowMs);
            m_breachStartMs = -1;
        }
        break;
    case AlertState::Pending:
        if (!breached) {
            enter(AlertState::Normal, nowMs);
            m_breachStartMs = -1;
        } else if (nowMs - m_sinceMs >= m_forMs) {
            enter(AlertState::Firing, nowMs);
            out.opened = true;
        }
        break;
    case AlertState::Firing:
        if (!breached) {
            if (m_keepMs <= 0) {
                enter(AlertState::Resolved, nowMs);
                out.resolved = true;
            } else {
                enter(AlertState::Recovering, nowMs);
            }
        }
        break;
    case AlertState::Recovering:
        if (breached) {
            enter(AlertState::Firing, nowMs);
        } else if (nowMs - m_sinceMs >= m_keepMs) {
            enter(AlertState::Resolved, nowMs);
            out.resolved = true;
        }
        break;
    case AlertState::CantJudge:
        break;  // handled above
    }
    out.to = m_state;
    return out;
}

} // namespace slatrack::alerting

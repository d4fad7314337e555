#pragma once

#include <cstdint>

// The state machine of one alert rule (DESIGN.md "Alerting"), in the words
// Grafana's alerting uses so an operator reads it at once:
//
//   normal --breach--> pending --breached for `for`--> firing
//   firing --fine--> recovering --fine for keep_firing_for--> resolved --> normal
//   recovering --breach--> firing (the same incident: a value hovering at
//                          the threshold does not open a new one)
//   any --a stage it rests on blind/catching up--> cant_judge, which neither
//       fires nor resolves; on leaving it the rule goes back to where it was,
//       and the time spent blind counts for neither `for` nor keep_firing_for.
//
// With `for` 0 a breach fires at once; with keep_firing_for 0 the first fine
// evaluation resolves. An incident is one firing episode: it opens on the
// step into firing from pending/normal/resolved and closes on resolved.
//
// Plain C++, no clock of its own (the caller passes now): owned by the
// evaluator on one thread.
namespace slatrack::alerting {

enum class AlertState : uint8_t { Normal, Pending, Firing, Recovering, Resolved, CantJudge };
const char* alertStateName(AlertState state);
// Worst first: firing > recovering > cant_judge > pending > resolved > normal.
int alertStateRank(AlertState state);

enum class Verdict : uint8_t { Fine, Breached, CantJudge };

class RuleTracker {
public:
    RuleTracker(int64_t forMs, int64_t keepFiringForMs);

    struct Step {
        AlertState from = AlertState::Normal;
        AlertState to = AlertState::Normal;
        bool opened = false;    // an incident starts with this step
        bool resolved = false;  // the open incident ends with this step
        bool changed() const { return from != to; }
    };
    Step step(Verdict verdict, int64_t nowMs);

    // After a restart: an incident opened at `openedMs` is still open in the
    // store, so the rule is firing until an evaluation says otherwise.
    void restoreFiring(int64_t openedMs, int64_t nowMs);

    AlertState state() const { return m_state; }
    // The state under cant_judge (what the rule was when it went blind).
    AlertState judgedState() const { return m_state == AlertState::CantJudge ? m_underlying : m_state; }
    int64_t sinceMs() const { return m_sinceMs; }
    // When the current breach started (pending or firing), -1 when none.
    int64_t breachStartMs() const { return m_breachStartMs; }
    bool incidentOpen() const;

private:
    void enter(AlertState state, int64_t nowMs);

    int64_t m_forMs;
    int64_t m_keepMs;
    AlertState m_state = AlertState::Normal;
    AlertState m_underlying = AlertState::Normal;
    int64_t m_sinceMs = 0;
    int64_t m_breachStartMs = -1;
};

} // namespace slatrack::alerting

#pragma once

#include <chrono>
#include <optional>

namespace slatrack::app {

// SIGINT/SIGTERM handling for the long-running modes: the signals are
// blocked in every thread (call blockStopSignals() before starting any) and
// taken synchronously with waitForStopSignal(), so no async-signal-safety
// puzzles arise.
void blockStopSignals();

// Waits until SIGINT or SIGTERM arrives (returns it) or `limit` passes
// (returns 0). No limit: waits for a signal.
int waitForStopSignal(std::optional<std::chrono::milliseconds> limit);

} // namespace slatrack::app

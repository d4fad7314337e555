#pragma once

namespace slatrack::app {

// Gives every thread of this process except the calling one (the UI
// thread) the nice value `niceValue` (if it is lower). Why: on a saturated
// 2-core box the consumer, engine, librdkafka and demo threads would
// otherwise take the UI thread's time slices and the dashboard would stutter;
// they have queues and catch up, the operator's screen does not. Threads
// created later inherit their creator's value, so calling this again after
// new threads appear covers them. Linux only (per-thread nice); elsewhere a
// no-op. Returns how many threads were changed.
int deprioritizeOtherThreads(int niceValue);

} // namespace slatrack::app

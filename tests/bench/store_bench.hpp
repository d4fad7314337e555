#pragma once

namespace slatrack::bench {

// Prints one JSON object: with a big engine (--open, --dedup), the engine
// thread's pause for a snapshot, the write time, the extra memory while
// writing, state bytes per open record, restart-to-ready, and the 24 h
// history query at 1 min. See store_bench.cpp.
int runStoreBench(int argc, char* argv[]);

} // namespace slatrack::bench

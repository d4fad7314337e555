#pragma once

namespace slatrack::bench {

// The dashboard (offscreen) on the demo pipeline at a high simulated rate:
// prints the UI event loop's stall p99/max, the resident memory growth and
// the CPU of every thread after the warm-up (percent of one core).
// Options: --rate R (default 230000), --seconds S (default 60), --external
// (broker and simulator as child processes: the figures are the GUI's alone).
// --stuck N: the stuck records view over N stuck records instead
// (stuck_view_bench.hpp).
int runUiBench(int argc, char* argv[]);

} // namespace slatrack::bench

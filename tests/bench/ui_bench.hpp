#pragma once

namespace slatrack::bench {

// The dashboard (offscreen) on the demo pipeline at a high simulated rate:
// prints the UI event loop's stall p99/max and the resident memory growth.
// Options: --rate R (default 200000), --seconds S (default 60).
int runUiBench(int argc, char* argv[]);

} // namespace slatrack::bench

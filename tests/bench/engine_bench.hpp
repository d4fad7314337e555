#pragma once

namespace slatrack::bench {

// Prints one JSON object: events/s and bytes per open record for the join
// with 64-bit and with 16-byte string IDs at a steady state of open records,
// the obvious std::unordered_map<std::string, ...> join as a baseline, and
// the ratios. Options: --events N (timed events per run), --open N.
int runEngineBench(int argc, char* argv[]);

} // namespace slatrack::bench

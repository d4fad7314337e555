#pragma once

namespace slatrack::bench {

// Prints one JSON object: events/s and bytes per open record for the join
// with 64-bit and with 16-byte string IDs at a steady state of open records,
// the obvious std::unordered_map<std::string, ...> join as a baseline, and
// the ratios; for the dedup set, bytes per record completed within the
// horizon by the engine's accounting (capacity x slot size) and by resident
// growth after the fill. Options: --events N (timed events per run),
// --open N, --baseline-events N; --sizing runs engine_sizing.hpp instead.
int runEngineBench(int argc, char* argv[]);

} // namespace slatrack::bench

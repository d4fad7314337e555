#pragma once

namespace slatrack::bench {

// `slatrack-bench engine --sizing`: fills one engine to the steady state of
// a shape (--rate R records/s, --open-seconds S each record stays open,
// --horizon S dedup horizon, --ids 64bit|string16) and prints its memory as
// one JSON object: the engine's accounting per structure, resident growth
// and peak RSS. For the README's sizing table; no timing claims.
int runEngineSizing(int argc, char* argv[]);

} // namespace slatrack::bench

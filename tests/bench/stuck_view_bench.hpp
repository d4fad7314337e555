#pragma once

#include <cstddef>

namespace slatrack::bench {

// slatrack-bench ui --stuck N: the stuck records view (offscreen) over an
// engine on its own thread holding N stuck records. Prints, as JSON: time
// to the first painted page, a sort change, filter keystrokes, a jump to
// the middle, a lookup by ID end to end, a refresh; the longest UI-thread
// stall meanwhile; the resident memory the view added.
int runStuckViewBench(size_t stuckRecords);

} // namespace slatrack::bench

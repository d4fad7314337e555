#pragma once

namespace slatrack::bench {

// Pre-produces N incoming and N processed records into an embedded mock
// cluster (64 partitions per topic), then times `slatrack audit` over them
// and kcat consuming the same topics to /dev/null with the same consumer
// settings. Prints one JSON object with both rates and the ratio.
// Options: --records N (per topic, default 2,000,000), --partitions N.
int runIngestBench(int argc, char* argv[]);

} // namespace slatrack::bench

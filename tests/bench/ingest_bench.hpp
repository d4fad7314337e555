#pragma once

namespace slatrack::bench {

// Pre-produces N incoming and N processed records into an embedded mock
// cluster (64 partitions per topic; the ID "0x..." is the key, the
// "record-id" header and the value's "id", the time the Kafka timestamp and
// the value's "ts"), then, round after round, times `slatrack audit` on each
// path (ID from the key, ID and time from the JSON value, ID from the header)
// and kcat consuming the same topics to /dev/null. Rates are messages
// actually consumed (from the audit report, from kcat's end-of-partition
// offsets) per second; peak RSS is each child's own (wait4). Prints one JSON
// object with medians and the ratio of each path to kcat. Exits 2 without
// figures if kcat is missing, 1 if a run failed.
// Options: --records N (per topic, default 500,000), --partitions N (64),
// --rounds N (5), --paths key,json,header (all), --slatrack PATH (the
// binary to audit with; default the one built beside this bench),
// --property name=value (added to slatrack's kafka.properties, repeatable).
int runIngestBench(int argc, char* argv[]);

} // namespace slatrack::bench

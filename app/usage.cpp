#include "usage.hpp"

#include "allocator.hpp"

namespace slatrack::app {

std::string usageText()
{
    return R"(slatrack - per-record latency and stuck-record monitor for a Kafka pipeline

Usage:
  slatrack                         GUI with the user's config
  slatrack --demo                  GUI on an embedded Kafka-protocol broker and a
                                   simulated pipeline (needs no Kafka)
  slatrack [-c FILE] 'slatrack://open?pipeline=P&from=T&to=T&id=ID'
                                   open a link (as pages carry): the GUI for
                                   pipeline P at that range and record; handed
                                   to the window already showing P if one runs
  slatrack --headless -c FILE [--interval-ms N] [--from T]
                                   the monitor without a GUI; one JSON status
                                   line per interval on stdout, logs on stderr
  slatrack audit -c FILE [--from T] [--to T] [--json]
                                   replay a time range and print the report;
                                   exit 0 within SLA, 1 breached, 2 on error
  slatrack lookup -c FILE [--from T] [--json] ID...
                                   where is each record: replays the range and
                                   answers open, stuck, matched, lost, stale,
                                   orphan, early or unknown, with its journey
                                   (not yet from a running agent's store);
                                   exit 0 all found, 1 some unknown, 2 on error
  slatrack test-page -c FILE [--pager NAME]
                                   send a test trigger and resolve to the
                                   config's pagers and print their answers
  slatrack broker [--partitions N] [--topics a,b]
                                   a local Kafka-protocol broker for trying it out;
                                   the first stdout line is its address (the
                                   librdkafka 2.0 mock cluster picks the port:
                                   only --port 0 is accepted)
  slatrack simulate -b BROKERS     a synthetic pipeline (incoming -> processed)

Options:
  -h, --help                       show this help and exit
  -V, --version                    show the version and exit
)";
}

std::string versionText()
{
    return std::string("slatrack ") + SLATRACK_VERSION + "\nallocator: " + allocatorDescription() + "\n";
}

} // namespace slatrack::app

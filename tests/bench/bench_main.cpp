// slatrack-bench: one subcommand per benchmark, each printing one JSON object.
#include "engine_bench.hpp"
#include "ingest_bench.hpp"
#include "store_bench.hpp"
#include "ui_bench.hpp"

#include <cstdio>
#include <cstring>
#include <string_view>

int main(int argc, char* argv[])
{
    const std::string_view which = argc > 1 ? argv[1] : "";
    if (which == "engine")
        return slatrack::bench::runEngineBench(argc - 1, argv + 1);
    if (which == "ui")
        return slatrack::bench::runUiBench(argc - 1, argv + 1);
    if (which == "store")
        return slatrack::bench::runStoreBench(argc - 1, argv + 1);
    if (which == "ingest")
        return slatrack::bench::runIngestBench(argc - 1, argv + 1);
    std::fprintf(stderr,
                 "usage: slatrack-bench engine [--events N] [--open N]\n"
                 "       slatrack-bench engine --sizing [--rate R] [--open-seconds S] [--horizon S] [--ids 64bit|string16]\n"
                 "       slatrack-bench ingest [--records N] [--partitions N] [--rounds N] [--paths key,json,header] [--slatrack PATH]\n"
                 "                             [--property name=value]\n"
                 "       slatrack-bench ui [--rate R] [--seconds S] [--external] | ui --stuck N\n"
                 "       slatrack-bench store [--open N] [--dedup N] [--snapshots N] [--rate R] [--dir DIR]\n"
                 "  engine   join throughput and memory at a steady state of open records\n"
                 "  ingest   slatrack audit (ID from key, JSON value, header) vs kcat on the same topics, with peak RSS\n"
                 "  store    snapshot pause/write/memory, restart-to-ready, 24 h history query with a big engine\n"
                 "  ui       dashboard event-loop stalls, memory and CPU per thread under a simulated rate\n");
    return which.empty() || which == "--help" ? 0 : 2;
}

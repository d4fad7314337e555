#include "ingest_bench.hpp"

#include "core/engine/record_id.hpp"
#include "core/demo/mock_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace slatrack::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRounds = 5;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The consumer settings both contestants get: librdkafka 2.0's default
// queued.min.messages (100k) throttles a consumer to ~260k msgs/s, and an
// empty fetch waits fetch.wait.max.ms.
const std::vector<std::pair<std::string, std::string>> kConsumerSettings = {
    {"queued.min.messages", "1000000"},
    {"fetch.wait.max.ms", "20"},
};

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

uint64_t mix(uint64_t value)
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

// Incoming records then their processed twins, keys = composite IDs, Kafka
// timestamps spread over the last ten minutes.
double produce(const std::string& brokers, uint64_t records, int64_t baseMs)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "linger.ms", "20", error, sizeof error);
    rd_kafka_conf_set(conf, "batch.num.messages", "10000", error, sizeof error);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", error, sizeof error);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    const auto start = Clock::now();
    for (const char* topic : {"incoming", "processed"}) {
        const bool processed = topic[0] == 'p';
        for (uint64_t record = 0; record < records; ++record) {
            const int64_t t0 = baseMs + static_cast<int64_t>(record * 600'000 / records);
            const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), static_cast<uint32_t>(mix(record)) | 1u);
            const std::string key = engine::composite_id::format(id);
            const std::string value = R"({"id":")" + key + R"(","amount":42})";
            const int64_t timestamp = processed ? t0 + 50 + static_cast<int64_t>(mix(record ^ 7) % 500) : t0;
            while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key.data(), key.size()),
                                     RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(producer, 10);
            rd_kafka_poll(producer, 0);
        }
    }
    rd_kafka_flush(producer, 120'000);
    rd_kafka_destroy(producer);
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Timed {
    double seconds = 0;
    int exitCode = -1;
    std::string output;
};

Timed timeCommand(const std::string& command)
{
    Timed out;
    const auto start = Clock::now();
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[65536];
        size_t got;
        while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0)
            out.output.append(buffer, got);
        const int status = pclose(pipe);
        out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

uint64_t parseCount(const char* text)
{
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end || value == 0) {
        std::fprintf(stderr, "slatrack-bench ingest: expected a positive integer, got \"%s\"\n", text);
        std::exit(2);
    }
    return value;
}

} // namespace

int runIngestBench(int argc, char* argv[])
{
    uint64_t records = 2'000'000;
    int partitions = 64;  // the mock keeps ~5 MB per partition and drops older data silently
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string arg = argv[arg_idx];
        if (arg == "--records" && arg_idx + 1 < argc)
            records = parseCount(argv[++arg_idx]);
        else if (arg == "--partitions" && arg_idx + 1 < argc)
            partitions = static_cast<int>(parseCount(argv[++arg_idx]));
        else {
            std::fprintf(stderr, "slatrack-bench ingest: unknown option \"%s\"\n", arg.c_str());
            return 2;
        }
    }

    ingest::MockBroker broker;
    broker.createTopic("incoming", partitions);
    broker.createTopic("processed", partitions);
    const int64_t baseMs = wallMs() - 660'000;
    const double produceSeconds = produce(broker.bootstrapServers(), records, baseMs);

    char configPath[] = "/tmp/slatrack-bench-ingest-XXXXXX.json";
    const int fd = mkstemps(configPath, 5);
    close(fd);
    {
        nlohmann::json properties = nlohmann::json::object();
        for (const auto& [name, value] : kConsumerSettings)
            properties[name] = value;
        const nlohmann::json config = {
            {"pipeline", "bench"},
            {"kafka", {{"brokers", broker.bootstrapServers()}, {"properties", properties}}},
            {"id_format", "composite"},
            {"stages", {{{"name", "incoming"}, {"topics", {"incoming"}}, {"id", {{"from", "key"}}}},
                        {{"name", "processed"}, {"topics", {"processed"}}, {"id", {{"from", "key"}}}}}},
            {"sla", "10s"},
            {"window", "30m"},
            {"max_open_records", 4'000'000},
        };
        std::ofstream(configPath) << config.dump(2);
    }

    const std::string audit = std::string(SLATRACK_BINARY) + " audit -c " + configPath + " --from " + std::to_string(baseMs - 1000) + " --json 2>/dev/null";
    std::string kcatSettings;
    for (const auto& [name, value] : kConsumerSettings)
        kcatSettings += " -X " + name + "=" + value;

    // Both contestants share two cores with the mock broker, and single runs
    // swing by +-30 % here: alternate them kRounds times, compare medians.
    std::vector<double> auditSeconds, kcatSecondsPerRound;
    Timed auditRun;
    int kcatExit = 0;
    for (int round = 0; round < kRounds; ++round) {
        auditRun = timeCommand(audit);
        auditSeconds.push_back(auditRun.seconds);
        // kcat -C reads one topic per process; both topics back to back with
        // one consumer at a time, as slatrack has one consumer for both.
        double kcatSeconds = 0;
        for (const char* topic : {"incoming", "processed"}) {
            const Timed run = timeCommand("kcat -C -q -e -o beginning -b " + broker.bootstrapServers() + " -t " + topic + kcatSettings + " > /dev/null");
            kcatSeconds += run.seconds;
            kcatExit |= run.exitCode;
        }
        kcatSecondsPerRound.push_back(kcatSeconds);
    }
    const nlohmann::json report = nlohmann::json::parse(auditRun.output, nullptr, false);
    std::remove(configPath);

    const double total = static_cast<double>(records * 2);
    const double slatrackRate = total / median(auditSeconds);
    const double kcatRate = total / median(kcatSecondsPerRound);
    nlohmann::json auditRates = nlohmann::json::array(), kcatRates = nlohmann::json::array();
    for (double seconds : auditSeconds)
        auditRates.push_back(static_cast<int64_t>(total / seconds));
    for (double seconds : kcatSecondsPerRound)
        kcatRates.push_back(static_cast<int64_t>(total / seconds));
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& [name, value] : kConsumerSettings)
        settings[name] = value;
    const nlohmann::json result = {
        {"bench", "ingest"},
        {"records_per_topic", records},
        {"partitions_per_topic", partitions},
        {"produce_seconds", produceSeconds},
        {"consumer_settings", settings},
        {"rounds", kRounds},
        {"slatrack_audit", {{"median_seconds", median(auditSeconds)}, {"msgs_per_s", static_cast<int64_t>(slatrackRate)}, {"msgs_per_s_each_round", auditRates}, {"exit_code", auditRun.exitCode},
                            {"matched", report.is_discarded() ? nlohmann::json() : report.value("matched", nlohmann::json())},
                            {"incoming", report.is_discarded() ? nlohmann::json() : report.value("incoming", nlohmann::json())}}},
        {"kcat", {{"median_seconds", median(kcatSecondsPerRound)}, {"msgs_per_s", static_cast<int64_t>(kcatRate)}, {"msgs_per_s_each_round", kcatRates}, {"exit_code", kcatExit}}},
        {"ratio_slatrack_vs_kcat", slatrackRate / kcatRate},
        {"target_ratio", 0.9},
    };
    std::cout << result.dump() << std::endl;
    return 0;
}

} // namespace slatrack::bench

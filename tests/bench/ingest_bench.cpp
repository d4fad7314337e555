#include "ingest_bench.hpp"

#include "child_process.hpp"

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
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace slatrack::bench {

namespace {

using Clock = std::chrono::steady_clock;

const char* const kTopics[] = {"incoming", "processed"};
constexpr const char* kIdHeader = "record-id";

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// An empty fetch waits fetch.wait.max.ms before the consumer learns it is at
// the end: both contestants get the same short wait, so neither idles longer
// at the end of the data.
const std::vector<std::pair<std::string, std::string>> kSharedSettings = {
    {"fetch.wait.max.ms", "20"},
};
// kcat only: librdkafka 2.0's default queued.min.messages (100k) throttles a
// consumer to ~260k msgs/s, and kcat's memory is not what is measured, so it
// gets a prefetch deep enough never to be the limit. slatrack runs with its
// own defaults (the byte budget in kafka_source.cpp): that is what is measured.
const std::vector<std::pair<std::string, std::string>> kKcatOnlySettings = {
    {"queued.min.messages", "1000000"},
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

std::string loadAverage()
{
    std::string text = readWhole("/proc/loadavg");
    return text.substr(0, text.find(' ', text.find(' ', text.find(' ') + 1) + 1));
}

// Incoming records then their processed twins. The ID ("0x" + 16 hex digits
// of a composite ID) is the key, the "record-id" header and the value's "id";
// the event time is both the Kafka timestamp and the value's "ts" (times over
// the last ten minutes, processed 50-550 ms after incoming).
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
    for (const char* topic : kTopics) {
        const bool processed = topic[0] == 'p';
        for (uint64_t record = 0; record < records; ++record) {
            const int64_t t0 = baseMs + static_cast<int64_t>(record * 600'000 / records);
            // Low half: the record number times an odd constant, a bijection
            // mod 2^32, so no two records share an ID (a hash here made two of
            // the 500,000 collide: matched 499,999).
            const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), static_cast<uint32_t>(record * 2654435761u));
            const std::string key = "0x" + engine::composite_id::format(id);
            const int64_t timestamp = processed ? t0 + 50 + static_cast<int64_t>(mix(record ^ 7) % 500) : t0;
            const std::string value = R"({"id":")" + key + R"(","ts":)" + std::to_string(timestamp) + R"(,"kind":"order","pad":"xxxxxxxxxxxxxxxxxxxx"})";
            while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key.data(), key.size()),
                                     RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_HEADER(kIdHeader, key.data(), static_cast<ssize_t>(key.size())),
                                     RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(producer, 10);
            rd_kafka_poll(producer, 0);
        }
    }
    rd_kafka_flush(producer, 120'000);
    rd_kafka_destroy(producer);
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Low watermark of every partition: the mock drops a partition's oldest data
// past ~5 MB, so "read from the beginning" starts here, not necessarily at 0.
std::map<std::pair<std::string, int>, int64_t> lowWatermarks(const std::string& brokers, int partitions, int64_t& totalMessages)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    std::map<std::pair<std::string, int>, int64_t> lows;
    totalMessages = 0;
    for (const char* topic : kTopics) {
        for (int partition = 0; partition < partitions; ++partition) {
            int64_t low = 0, high = 0;
            if (rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                lows[{topic, partition}] = low;
                totalMessages += high - low;
            }
        }
    }
    rd_kafka_destroy(handle);
    return lows;
}

// Messages kcat consumed: it logs "% Reached end of topic T [P] at offset O"
// as it reaches the end of each partition (default verbosity), so the sum of
// O - low watermark over partitions is what it read.
int64_t kcatConsumed(const std::string& stderrText, const std::map<std::pair<std::string, int>, int64_t>& lows)
{
    std::map<std::pair<std::string, int>, int64_t> ends;
    std::istringstream lines(stderrText);
    std::string line;
    while (std::getline(lines, line)) {
        const size_t at = line.find("Reached end of topic ");
        if (at == std::string::npos)
            continue;
        char topic[256] = {};
        int partition = -1;
        long long offset = -1;
        if (std::sscanf(line.c_str() + at, "Reached end of topic %255s [%d] at offset %lld", topic, &partition, &offset) == 3)
            ends[{topic, partition}] = std::max<int64_t>(ends[{topic, partition}], offset);
    }
    int64_t consumed = 0;
    for (const auto& [where, end] : ends) {
        const auto low = lows.find(where);
        consumed += end - (low == lows.end() ? 0 : low->second);
    }
    return consumed;
}

// Messages slatrack audit consumed, from its report: every message is seen
// (duplicates included), rejected, or skipped as outside the time range.
int64_t auditConsumed(const nlohmann::json& report)
{
    if (!report.is_object() || !report.contains("per_stage"))
        return 0;
    int64_t consumed = report.value("skipped_out_of_range", int64_t{0});
    for (const auto& stage : report["per_stage"])
        consumed += stage.value("seen", int64_t{0}) + stage.value("rejected", int64_t{0});
    return consumed;
}

struct Path {
    std::string name;
    nlohmann::json id;
    nlohmann::json time;  // null: the Kafka timestamp (the config default)
};

const std::vector<Path> kPaths = {
    {"key", {{"from", "key"}}, nullptr},
    {"json", {{"from", "json"}, {"pointer", "/id"}}, {{"from", "json"}, {"pointer", "/ts"}, {"format", "epoch_ms"}}},
    {"header", {{"from", "header"}, {"name", kIdHeader}}, nullptr},
};

std::string writeConfig(const Path& path, const std::string& brokers, const std::vector<std::pair<std::string, std::string>>& extraProperties)
{
    char configPath[] = "/tmp/slatrack-bench-ingest-XXXXXX.json";
    const int fd = mkstemps(configPath, 5);
    close(fd);
    nlohmann::json properties = nlohmann::json::object();
    for (const auto& [name, value] : kSharedSettings)
        properties[name] = value;
    for (const auto& [name, value] : extraProperties)
        properties[name] = value;
    nlohmann::json stages = nlohmann::json::array();
    for (const char* topic : kTopics) {
        nlohmann::json stage = {{"name", topic}, {"topics", {topic}}, {"id", path.id}};
        if (!path.time.is_null())
            stage["time"] = path.time;
        stages.push_back(stage);
    }
    const nlohmann::json config = {
        {"pipeline", "bench"},
        {"kafka", {{"brokers", brokers}, {"properties", properties}}},
        {"id_format", "composite"},
        {"stages", stages},
        {"sla", "10s"},
        {"window", "30m"},
        {"max_open_records", 4'000'000},
    };
    std::ofstream(configPath) << config.dump(2);
    return configPath;
}

struct Series {
    std::vector<double> rates;      // consumed / seconds, per run
    std::vector<double> seconds;
    std::vector<double> rssMb;
    std::vector<double> cpuSeconds;
    std::vector<int64_t> consumed;
    int worstExit = 0;
    nlohmann::json lastReport;      // slatrack only
    std::string lastError;

    void add(const ChildRun& run, int64_t consumedRecords)
    {
        seconds.push_back(run.seconds);
        rates.push_back(run.seconds > 0 ? static_cast<double>(consumedRecords) / run.seconds : 0);
        rssMb.push_back(static_cast<double>(run.peakRssKb) / 1024.0);
        cpuSeconds.push_back(run.cpuSeconds);
        consumed.push_back(consumedRecords);
        if (run.exitCode != 0 && worstExit == 0) {
            worstExit = run.exitCode;
            lastError = run.err.substr(0, 400);
        }
    }

    nlohmann::json json() const
    {
        nlohmann::json out = {
            {"median_seconds", median(seconds)},
            {"msgs_per_s", static_cast<int64_t>(median(rates))},
            {"cpu_seconds_median", median(cpuSeconds)},
            {"peak_rss_mb_median", median(rssMb)},
            {"peak_rss_mb_max", rssMb.empty() ? 0.0 : *std::max_element(rssMb.begin(), rssMb.end())},
            {"consumed_each_round", consumed},
            {"exit_code", worstExit},
        };
        nlohmann::json each = nlohmann::json::array();
        for (double rate : rates)
            each.push_back(static_cast<int64_t>(rate));
        out["msgs_per_s_each_round"] = each;
        if (!lastError.empty())
            out["error"] = lastError;
        return out;
    }
};

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
    uint64_t records = 500'000;
    int partitions = 64;  // the mock keeps ~5 MB per partition and drops older data silently
    int rounds = 5;
    std::vector<Path> paths = kPaths;
    std::string slatrack = SLATRACK_BINARY;
    std::vector<std::pair<std::string, std::string>> extraProperties;  // --property: slatrack only
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string arg = argv[arg_idx];
        if (arg == "--records" && arg_idx + 1 < argc) {
            records = parseCount(argv[++arg_idx]);
        } else if (arg == "--partitions" && arg_idx + 1 < argc) {
            partitions = static_cast<int>(parseCount(argv[++arg_idx]));
        } else if (arg == "--rounds" && arg_idx + 1 < argc) {
            rounds = static_cast<int>(parseCount(argv[++arg_idx]));
        } else if (arg == "--slatrack" && arg_idx + 1 < argc) {
            slatrack = argv[++arg_idx];  // e.g. an older build, for before/after
        } else if (arg == "--property" && arg_idx + 1 < argc) {
            const std::string property = argv[++arg_idx];
            const size_t equals = property.find('=');
            if (equals == std::string::npos || equals == 0) {
                std::fprintf(stderr, "slatrack-bench ingest: --property takes name=value, got \"%s\"\n", property.c_str());
                return 2;
            }
            extraProperties.emplace_back(property.substr(0, equals), property.substr(equals + 1));
        } else if (arg == "--paths" && arg_idx + 1 < argc) {
            const std::string wanted = std::string(",") + argv[++arg_idx] + ",";
            paths.clear();
            for (const Path& path : kPaths)
                if (wanted.find("," + path.name + ",") != std::string::npos)
                    paths.push_back(path);
            if (paths.empty()) {
                std::fprintf(stderr, "slatrack-bench ingest: --paths takes a comma-separated list of key, json, header\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "slatrack-bench ingest: unknown option \"%s\"\n", arg.c_str());
            return 2;
        }
    }
    // A ratio against nothing would look like a result: refuse instead.
    if (!onPath("kcat")) {
        std::fprintf(stderr, "slatrack-bench ingest: kcat is not on PATH; it is the reference every rate is compared with "
                             "(Debian: apt install kcat). No figures printed.\n");
        return 2;
    }

    const std::string loadBefore = loadAverage();
    ingest::MockBroker broker;
    for (const char* topic : kTopics)
        broker.createTopic(topic, partitions);
    const int64_t baseMs = wallMs() - 660'000;
    const double produceSeconds = produce(broker.bootstrapServers(), records, baseMs);
    int64_t inTopics = 0;
    const auto lows = lowWatermarks(broker.bootstrapServers(), partitions, inTopics);

    std::vector<std::string> configs;
    for (const Path& path : paths)
        configs.push_back(writeConfig(path, broker.bootstrapServers(), extraProperties));
    std::vector<std::string> kcatSettings;
    for (const auto& settings : {kSharedSettings, kKcatOnlySettings})
        for (const auto& [name, value] : settings) {
            kcatSettings.push_back("-X");
            kcatSettings.push_back(name + "=" + value);
        }

    // Everything shares two cores with the mock broker, and single runs swing
    // by +-30 % here: alternate the contestants round by round, compare medians.
    std::vector<Series> audits(paths.size());
    Series kcat;
    for (int round = 0; round < rounds; ++round) {
        for (size_t path_idx = 0; path_idx < paths.size(); ++path_idx) {
            const ChildRun run = runChild(SLATRACK_PEAK_RSS_HELPER, {slatrack, "audit", "-c", configs[path_idx], "--from", std::to_string(baseMs - 1000), "--json"}, false);
            const nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
            audits[path_idx].add(run, auditConsumed(report));
            if (!report.is_discarded())
                audits[path_idx].lastReport = report;
        }
        // kcat -C reads one topic per process; both topics back to back with
        // one consumer at a time, as slatrack has one consumer for both. Its
        // time is the sum and its peak RSS the larger of the two.
        ChildRun both;
        both.exitCode = 0;
        int64_t consumed = 0;
        for (const char* topic : kTopics) {
            std::vector<std::string> command = {"kcat", "-C", "-e", "-o", "beginning", "-b", broker.bootstrapServers(), "-t", topic};
            command.insert(command.end(), kcatSettings.begin(), kcatSettings.end());
            const ChildRun run = runChild(SLATRACK_PEAK_RSS_HELPER, command, true);
            both.seconds += run.seconds;
            both.peakRssKb = std::max(both.peakRssKb, run.peakRssKb);
            both.cpuSeconds += run.cpuSeconds;
            if (run.exitCode != 0) {
                both.exitCode = run.exitCode;
                both.err = run.err;
            }
            consumed += kcatConsumed(run.err, lows);
        }
        kcat.add(both, consumed);
    }
    for (const std::string& config : configs)
        std::remove(config.c_str());

    const double kcatRate = median(kcat.rates);
    nlohmann::json perPath = nlohmann::json::object();
    nlohmann::json ratios = nlohmann::json::object();
    for (size_t path_idx = 0; path_idx < paths.size(); ++path_idx) {
        const Series& series = audits[path_idx];
        nlohmann::json out = series.json();
        const nlohmann::json& report = series.lastReport;
        out["matched"] = report.is_object() ? report.value("matched", nlohmann::json()) : nlohmann::json();
        out["rejected"] = report.is_object() ? report.value("rejected", nlohmann::json()) : nlohmann::json();
        perPath[paths[path_idx].name] = out;
        ratios[paths[path_idx].name] = kcatRate > 0 ? median(series.rates) / kcatRate : 0;
    }
    nlohmann::json settings = nlohmann::json::object(), kcatOnly = nlohmann::json::object();
    for (const auto& [name, value] : kSharedSettings)
        settings[name] = value;
    for (const auto& [name, value] : kKcatOnlySettings)
        kcatOnly[name] = value;
    nlohmann::json slatrackOnly = nlohmann::json::object();
    for (const auto& [name, value] : extraProperties)
        slatrackOnly[name] = value;
    const nlohmann::json result = {
        {"bench", "ingest"},
        {"records_per_topic", records},
        {"messages_in_topics", inTopics},
        {"partitions_per_topic", partitions},
        {"produce_seconds", produceSeconds},
        {"consumer_settings_both", settings},
        {"consumer_settings_kcat_only", kcatOnly},
        {"consumer_settings_slatrack_only", slatrackOnly},
        {"rounds", rounds},
        {"slatrack_binary", slatrack},
        {"load_average_before", loadBefore},
        {"load_average_after", loadAverage()},
        {"slatrack_audit", perPath},
        {"kcat", kcat.json()},
        {"ratio_vs_kcat", ratios},
        {"target_ratio", 0.9},
        {"target_peak_rss_mb", 90},
    };
    std::cout << result.dump() << std::endl;
    bool failed = kcat.worstExit != 0;
    for (const Series& series : audits)
        failed |= series.worstExit >= 2;  // audit: 0 within SLA, 1 breached, 2 error, 3 no data
    return failed ? 1 : 0;
}

} // namespace slatrack::bench

#include "simulate_command.hpp"

#include "mode_options.hpp"
#include "stop_signals.hpp"

#include "core/demo/simulator.hpp"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <string>

namespace slatrack::app {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr auto kBrokerCheckLimit = std::chrono::seconds(10);
// Drain: the slowest latency worth waiting for, plus a stall, plus this
// slack for consumer fetches and deliveries; never more than kMaxDrain.
constexpr auto kDrainSlack = std::chrono::seconds(5);
constexpr auto kMaxDrain = std::chrono::seconds(60);
// How often the drain loop looks for a second Ctrl-C.
constexpr auto kDrainSlice = std::chrono::milliseconds(100);
// How often the start-up wait checks whether producing has begun.
constexpr auto kStartPollInterval = std::chrono::milliseconds(50);

constexpr const char* kUsage =
    R"(Usage: slatrack simulate -b BROKERS [options]

A synthetic pipeline for trying slatrack out: writes records with composite
temporal IDs to the incoming topic at a steady rate, and a simulated
processor (consumer group "slatrack-simulator") writes each one to the
processed topic after a sampled latency, with optional drops and stalls.
Runs until Ctrl-C (SIGINT), SIGTERM or --duration, then lets the processor
drain (Ctrl-C again to skip) and prints a summary to stderr.

Options:
  -b, --brokers BROKERS     bootstrap servers, host:port[,host:port...]
  --rate R                  incoming records per second (default: 1000)
  --latency-ms M            processing latency in ms, or its median when
                            --latency-p99-ms is given (default: 50)
  --latency-p99-ms X        99th percentile in ms (> M): latency becomes
                            log-normal with that median and p99
  --drop F                  fraction 0-1 of records never processed (stuck)
  --stall-every S           the processor stalls every S seconds ...
  --stall-for S             ... for S seconds (give both; stall-for < every)
  --duration S              stop after S seconds of traffic (counted from
                            the first record, once the processor has joined
                            its consumer group)
  --dropped-ids FILE        write the IDs of dropped records, one per line
  --incoming-topic T        default: incoming
  --processed-topic T       default: processed
  --group G                 the processor's consumer group
  --seed N                  random seed for reproducible drops and latencies
  -X name=value             extra librdkafka setting for all clients (e.g.
                            security.protocol=SSL); repeatable
  -h, --help                show this help and exit

Records: key = ID as 16 lowercase hex digits (high 32 bits Unix seconds, low
32 random); value {"id":..,"created_ms":..,"payload":..}; processed values
add "processed_ms".

Exit status: 0 done, 2 on bad arguments, 1 if the brokers cannot be used.
)";

int usageError(const std::string& message) { return modeUsageError("simulate", message); }

// A finite number from an option value, or nullopt.
std::optional<double> parseNumber(const QString& text)
{
    bool isNumber = false;
    const double value = text.toDouble(&isNumber);
    if (!isNumber || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::chrono::milliseconds drainLimit(const ingest::SimulatorConfig& config)
{
    const ingest::LatencyModel& latency = config.latency;
    // For a log-normal, p99^2/median is the quantile at z = 2 * 2.33, i.e.
    // about one record in a million takes longer: not worth waiting for.
    const double slowestMs = latency.kind == ingest::LatencyModel::Kind::Fixed
                                 ? latency.medianMs
                                 : latency.p99Ms * latency.p99Ms / latency.medianMs;
    const double limitMs = slowestMs + config.stallForSeconds * 1000.0
                           + std::chrono::duration<double, std::milli>(kDrainSlack).count();
    const double cappedMs =
        std::min(limitMs, std::chrono::duration<double, std::milli>(kMaxDrain).count());
    return std::chrono::milliseconds(static_cast<int64_t>(cappedMs));
}


} // namespace

int runSimulateCommand(int argc, char* argv[])
{
    const QStringList arguments = modeArguments(argc, argv);
    const auto option = [](std::initializer_list<const char*> names, const char* valueName) {
        QStringList nameList;
        for (const char* name : names) {
            nameList << QString::fromLatin1(name);
        }
        return QCommandLineOption(nameList, QString(), QString::fromLatin1(valueName));
    };
    QCommandLineParser parser;
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("show help"));
    const QCommandLineOption brokersOption = option({"b", "brokers"}, "BROKERS");
    const QCommandLineOption rateOption = option({"rate"}, "R");
    const QCommandLineOption latencyOption = option({"latency-ms"}, "M");
    const QCommandLineOption p99Option = option({"latency-p99-ms"}, "X");
    const QCommandLineOption dropOption = option({"drop"}, "F");
    const QCommandLineOption stallEveryOption = option({"stall-every"}, "S");
    const QCommandLineOption stallForOption = option({"stall-for"}, "S");
    const QCommandLineOption durationOption = option({"duration"}, "S");
    const QCommandLineOption droppedIdsOption = option({"dropped-ids"}, "FILE");
    const QCommandLineOption incomingOption = option({"incoming-topic"}, "T");
    const QCommandLineOption processedOption = option({"processed-topic"}, "T");
    const QCommandLineOption groupOption = option({"group"}, "G");
    const QCommandLineOption seedOption = option({"seed"}, "N");
    const QCommandLineOption kafkaOption = option({"X"}, "name=value");
    parser.addOptions({helpOption, brokersOption, rateOption, latencyOption, p99Option,
                       dropOption, stallEveryOption, stallForOption, durationOption,
                       droppedIdsOption, incomingOption, processedOption, groupOption,
                       seedOption, kafkaOption});
    if (const auto exitStatus = parseModeOptions(parser, arguments, helpOption, "simulate", kUsage))
        return *exitStatus;

    ingest::SimulatorConfig config;
    if (!parser.isSet(brokersOption) || parser.value(brokersOption).trimmed().isEmpty()) {
        return usageError("-b/--brokers is required: the bootstrap servers as "
                          "host:port[,host:port...] (e.g. -b 127.0.0.1:9092)");
    }
    config.bootstrapServers = parser.value(brokersOption).trimmed().toStdString();

    // Reads a number option; returns false (after printing) when malformed.
    int exitCode = kExitOk;
    const auto readNumber = [&](const QCommandLineOption& opt, const char* form, double low,
                                bool lowInclusive, double high, double& out) {
        if (!parser.isSet(opt) || exitCode != kExitOk) {
            return;
        }
        const QString text = parser.value(opt);
        const std::optional<double> value = parseNumber(text);
        const bool aboveLow = value && (lowInclusive ? *value >= low : *value > low);
        if (!aboveLow || *value > high) {
            exitCode = usageError("--" + opt.names().constLast().toStdString() + " expects "
                                  + form + ", got '" + text.toStdString() + "'");
            return;
        }
        out = *value;
    };
    double latencyMs = config.latency.medianMs;
    double p99Ms = 0.0;
    double durationSeconds = 0.0;
    readNumber(rateOption, "records per second, a number > 0 (e.g. --rate 5000)", 0.0, false,
               10'000'000.0, config.ratePerSecond);
    readNumber(latencyOption, "milliseconds >= 0 (e.g. --latency-ms 200)", 0.0, true, 1e9,
               latencyMs);
    readNumber(p99Option, "milliseconds > 0 (e.g. --latency-p99-ms 2000)", 0.0, false, 1e9,
               p99Ms);
    readNumber(dropOption, "a fraction from 0 to 1 (e.g. --drop 0.01)", 0.0, true, 1.0,
               config.dropFraction);
    readNumber(stallEveryOption, "seconds > 0 (e.g. --stall-every 60)", 0.0, false, 1e7,
               config.stallEverySeconds);
    readNumber(stallForOption, "seconds > 0 (e.g. --stall-for 10)", 0.0, false, 1e7,
               config.stallForSeconds);
    readNumber(durationOption, "seconds > 0 (e.g. --duration 30)", 0.0, false, 1e9,
               durationSeconds);
    if (exitCode != kExitOk) {
        return exitCode;
    }
    if (parser.isSet(seedOption)) {
        bool isNumber = false;
        config.seed = parser.value(seedOption).toULongLong(&isNumber);
        if (!isNumber || config.seed == 0) {
            return usageError("--seed expects a whole number > 0 (e.g. --seed 42), got '"
                              + parser.value(seedOption).toStdString() + "'");
        }
    }

    if (parser.isSet(p99Option)) {
        if (!(p99Ms > latencyMs) || latencyMs <= 0.0) {
            return usageError("--latency-p99-ms must be greater than --latency-ms (the median), "
                              "which must be > 0 (e.g. --latency-ms 200 --latency-p99-ms 2000)");
        }
        config.latency = ingest::LatencyModel::logNormal(latencyMs, p99Ms);
    } else {
        config.latency = ingest::LatencyModel::fixed(latencyMs);
    }
    if (parser.isSet(stallEveryOption) != parser.isSet(stallForOption)) {
        return usageError("--stall-every and --stall-for go together "
                          "(e.g. --stall-every 60 --stall-for 10)");
    }
    if (parser.isSet(stallEveryOption) && config.stallForSeconds >= config.stallEverySeconds) {
        return usageError("--stall-for must be shorter than --stall-every "
                          "(e.g. --stall-every 60 --stall-for 10)");
    }
    if (parser.isSet(droppedIdsOption)) {
        config.droppedIdsPath = parser.value(droppedIdsOption).toStdString();
        if (config.droppedIdsPath.empty()) {
            return usageError("--dropped-ids expects a file path");
        }
    }
    if (parser.isSet(incomingOption)) {
        config.incomingTopic = parser.value(incomingOption).toStdString();
    }
    if (parser.isSet(processedOption)) {
        config.processedTopic = parser.value(processedOption).toStdString();
    }
    if (parser.isSet(groupOption)) {
        config.consumerGroup = parser.value(groupOption).toStdString();
    }
    for (const QString& setting : parser.values(kafkaOption)) {
        const qsizetype equals = setting.indexOf(u'=');
        if (equals <= 0) {
            return usageError("-X expects name=value (e.g. -X security.protocol=SSL), got '"
                              + setting.toStdString() + "'");
        }
        config.extraKafkaConfig[setting.left(equals).toStdString()] =
            setting.mid(equals + 1).toStdString();
    }
    // Backstop for rules checked nowhere above (e.g. equal topic names).
    const std::string problem = ingest::validateSimulatorConfig(config);
    if (!problem.empty()) {
        return usageError(problem);
    }

    // Before any librdkafka thread exists, so all threads inherit the mask
    // and the signals are only ever taken by sigtimedwait.
    blockStopSignals();

    try {
        ingest::Simulator simulator(config);
        const ingest::Simulator::BrokerCheck check = simulator.checkBrokers(kBrokerCheckLimit);
        if (!check.error.empty()) {
            std::fprintf(stderr, "slatrack simulate: cannot reach brokers %s: %s\n",
                         config.bootstrapServers.c_str(), check.error.c_str());
            return kExitFailure;
        }
        for (const std::string& topic : check.missingTopics) {
            std::fprintf(stderr,
                         "slatrack simulate: topic '%s' does not exist yet; it works only if "
                         "the broker auto-creates topics\n",
                         topic.c_str());
        }
        simulator.start();
        std::fprintf(stderr,
                     "slatrack simulate: %s -> %s on %s at %g records/s; Ctrl-C to stop\n",
                     config.incomingTopic.c_str(), config.processedTopic.c_str(),
                     config.bootstrapServers.c_str(), config.ratePerSecond);

        // The producer waits for the processor's partitions (on the mock
        // broker that is session.timeout.ms - 1 s); --duration counts from
        // the first record so it means "this long of traffic".
        int signal = 0;
        while (signal == 0 && !simulator.stats().producing) {
            signal = waitForStopSignal(std::chrono::duration_cast<std::chrono::milliseconds>(kStartPollInterval));
        }
        const Clock::time_point started = Clock::now();
        if (signal == 0) {
            std::fprintf(stderr, "slatrack simulate: processor has its partitions; producing\n");
            std::optional<Clock::duration> runLimit;
            if (durationSeconds > 0.0) {
                runLimit = std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(durationSeconds));
            }
            waitForStopSignal(runLimit ? std::optional(std::chrono::duration_cast<std::chrono::milliseconds>(*runLimit)) : std::nullopt);
        }
        const double ranSeconds = std::chrono::duration<double>(Clock::now() - started).count();

        simulator.stopProducing();
        const std::chrono::milliseconds limit = drainLimit(config);
        std::fprintf(stderr,
                     "slatrack simulate: stopped producing; draining for up to %.0f s "
                     "(Ctrl-C to skip)\n",
                     std::chrono::duration<double>(limit).count());
        const Clock::time_point drainDeadline = Clock::now() + limit;
        bool drained = false;
        while (!drained && Clock::now() < drainDeadline) {
            drained = simulator.waitUntilDrained(kDrainSlice);
            if (!drained && waitForStopSignal(std::chrono::milliseconds(0)) > 0) {
                break;
            }
        }
        simulator.stop();

        const ingest::SimulatorStats stats = simulator.stats();
        const std::string error = simulator.firstError();
        if (!error.empty()) {
            std::fprintf(stderr, "slatrack simulate: first Kafka error: %s\n", error.c_str());
        }
        const uint64_t unconsumed = stats.produced > stats.consumed
                                        ? stats.produced - stats.consumed
                                        : 0;
        std::fprintf(stderr,
                     "slatrack simulate: produced %llu, processed %llu, dropped %llu, "
                     "unfinished %llu, failed %llu; produced for %.1f s\n",
                     static_cast<unsigned long long>(stats.produced),
                     static_cast<unsigned long long>(stats.processed),
                     static_cast<unsigned long long>(stats.dropped),
                     static_cast<unsigned long long>(stats.pending + unconsumed),
                     static_cast<unsigned long long>(stats.produceFailed + stats.processFailed),
                     ranSeconds);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "slatrack simulate: %s\n", error.what());
        return kExitFailure;
    }
    return kExitOk;
}

} // namespace slatrack::app

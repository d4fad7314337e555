#include "ui_bench.hpp"

#include "stuck_view_bench.hpp"

#include "app/gui_controller.hpp"
#include "resident_memory.hpp"
#include "thread_cpu.hpp"
#include "ui/dashboard_window.hpp"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

namespace slatrack::bench {

namespace {

// The probe: a 4 ms timer on the UI thread. Any time the event loop is busy
// (rendering a snapshot, a chart repaint) the next tick comes late; the
// lateness is the stall an operator would feel.
constexpr int kProbeIntervalMs = 4;
constexpr int kWarmupSeconds = 15;
constexpr int64_t kDedupHorizonMs = 5'000;

double residentMb() { return static_cast<double>(residentBytes()) / (1024.0 * 1024.0); }

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::max<size_t>(rank, 1) - 1];
}

// --external: `slatrack broker` and `slatrack simulate` run as child
// processes, so this process is the GUI alone (monitor, consumer, UI).
struct ExternalPipeline {
    QProcess broker;
    QProcess simulator;
    QTemporaryDir dir;
    QString configPath;

    ~ExternalPipeline()
    {
        for (QProcess* process : {&simulator, &broker}) {
            process->terminate();
            if (!process->waitForFinished(10'000))
                process->kill();
        }
    }

    // Empty on success, else what failed.
    QString start(double rate)
    {
        broker.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("broker"), QStringLiteral("--partitions"), QStringLiteral("4")});
        if (!broker.waitForStarted(10'000) || !broker.waitForReadyRead(30'000))
            return QStringLiteral("slatrack broker did not start: ") + QString::fromLocal8Bit(broker.readAllStandardError());
        const QString address = QString::fromLocal8Bit(broker.readLine()).trimmed();
        // The demo's batching (DemoSettings::lingerMs), so the broker
        // process does not compete for the cores more than the demo's does.
        simulator.start(QStringLiteral(SLATRACK_BINARY),
                        {QStringLiteral("simulate"), QStringLiteral("-b"), address, QStringLiteral("--rate"), QString::number(rate),
                         QStringLiteral("--latency-ms"), QStringLiteral("120"), QStringLiteral("--latency-p99-ms"), QStringLiteral("900"),
                         QStringLiteral("--drop"), QStringLiteral("0.003"), QStringLiteral("-X"), QStringLiteral("linger.ms=50")});
        if (!simulator.waitForStarted(10'000))
            return QStringLiteral("slatrack simulate did not start");
        configPath = dir.filePath(QStringLiteral("external.json"));
        QFile file(configPath);
        if (!file.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write ") + configPath;
        const nlohmann::json config = {
            {"pipeline", "bench-external"},
            {"kafka", {{"brokers", address.toStdString()}, {"properties", {{"fetch.wait.max.ms", "20"}, {"queued.min.messages", "1000000"}}}}},
            {"id_format", "composite"},
            {"stages", {{{"name", "incoming"}, {"topics", {"incoming"}}, {"id", {{"from", "key"}}}, {"time", {{"from", "kafka"}}}},
                        {{"name", "processed"}, {"topics", {"processed"}}, {"id", {{"from", "key"}}}, {"time", {{"from", "kafka"}}}}}},
            {"sla", "2s"},
            {"window", "5m"},
            {"grace", "5s"},
            {"dedup_horizon", std::to_string(kDedupHorizonMs / 1000) + "s"},
        };
        file.write(QByteArray::fromStdString(config.dump(2)));
        return {};
    }
};

} // namespace

int runUiBench(int argc, char* argv[])
{
    double rate = 230'000;  // observed ~212k/s in and out on the 2-core VM (the issue asks >= 200k)
    int seconds = 60;
    bool external = false;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string arg = argv[arg_idx];
        if (arg == "--rate" && arg_idx + 1 < argc)
            rate = std::atof(argv[++arg_idx]);
        else if (arg == "--seconds" && arg_idx + 1 < argc)
            seconds = std::atoi(argv[++arg_idx]);
        else if (arg == "--external")
            external = true;
        else if (arg == "--stuck" && arg_idx + 1 < argc) {
            const long long count = std::atoll(argv[++arg_idx]);
            if (count <= 0) {
                std::fprintf(stderr, "slatrack-bench ui: --stuck must be > 0\n");
                return 2;
            }
            return runStuckViewBench(static_cast<size_t>(count));
        }
        else {
            std::fprintf(stderr, "slatrack-bench ui: unknown option \"%s\"\n", arg.c_str());
            return 2;
        }
    }
    if (rate <= 0 || seconds <= kWarmupSeconds) {
        std::fprintf(stderr, "slatrack-bench ui: --rate must be > 0 and --seconds > %d\n", kWarmupSeconds);
        return 2;
    }

    qputenv("QT_QPA_PLATFORM", "offscreen");
    int qtArgc = 1;
    char* qtArgv[] = {argv[0], nullptr};
    QApplication application(qtArgc, qtArgv);

    app::GuiOptions options;
    QTemporaryDir settingsDir;  // the user's dashboard settings stay untouched
    options.settingsPath = settingsDir.filePath(QStringLiteral("dashboard.ini"));
    ExternalPipeline pipeline;
    if (external) {
        const QString problem = pipeline.start(rate);
        if (!problem.isEmpty()) {
            std::fprintf(stderr, "slatrack-bench ui --external: %s\n", problem.toLocal8Bit().constData());
            return 1;
        }
        options.configPath = pipeline.configPath;
    }
    options.demo = !external;
    options.defaultConfigPath = QStringLiteral("/nonexistent/slatrack-bench.json");
    options.demoSettings.ratePerSecond = rate;
    options.demoSettings.stallEverySeconds = 0;  // steady load
    options.demoSettings.stallForSeconds = 0;
    // Dedup memory is rate x horizon by design (slatrack-bench engine
    // measures it); a horizon shorter than the warm-up makes it reach its
    // steady size before measuring, so the growth left is the UI's and
    // anything that leaks.
    options.demoSettings.dedupHorizonMs = kDedupHorizonMs;
    app::GuiController controller(options);
    controller.start();

    std::vector<double> stallsMs;
    QElapsedTimer sinceTick;
    QElapsedTimer sinceStart;
    double rssAfterWarmup = 0;
    ThreadCpuSample cpuAfterWarmup;
    QElapsedTimer cpuClock;
    double rssAtStart = residentMb();
    double peakProcessedRate = 0;
    std::vector<double> processedRates;
    std::vector<double> incomingRates;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(kProbeIntervalMs);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = static_cast<double>(sinceTick.nsecsElapsed()) / 1e6 - kProbeIntervalMs;
        sinceTick.restart();
        if (sinceStart.elapsed() < kWarmupSeconds * 1000)
            return;
        if (rssAfterWarmup == 0) {
            rssAfterWarmup = residentMb();
            cpuAfterWarmup = sampleThreadCpu();
            cpuClock.start();
        }
        stallsMs.push_back(std::max(0.0, late));
    });
    QTimer sampler;
    sampler.setInterval(1000);
    QObject::connect(&sampler, &QTimer::timeout, [&] {
        if (auto* window = controller.dashboard(); window && window->shownSnapshot() && sinceStart.elapsed() >= kWarmupSeconds * 1000) {
            const auto& rates = window->shownSnapshot()->ratePerSec;
            if (!rates.empty()) {
                incomingRates.push_back(rates.front());
                processedRates.push_back(rates.back());
                peakProcessedRate = std::max(peakProcessedRate, rates.back());
            }
        }
    });
    sinceStart.start();
    sinceTick.start();
    probe.start();
    sampler.start();
    QTimer::singleShot(seconds * 1000, &application, &QApplication::quit);
    QApplication::exec();

    const double rssAtEnd = residentMb();
    const double cpuSeconds = static_cast<double>(cpuClock.isValid() ? cpuClock.elapsed() : 0) / 1000.0;
    nlohmann::json cpu = nlohmann::json::object();
    if (cpuSeconds > 0) {
        for (const auto& [name, percent] : threadCpuPercent(cpuAfterWarmup, sampleThreadCpu(), cpuSeconds))
            cpu[name] = std::round(percent * 10.0) / 10.0;
    }
    const auto snapshot = controller.dashboard() ? controller.dashboard()->shownSnapshot() : nullptr;
    const nlohmann::json result = {
        {"bench", "ui"},
        {"seconds", seconds},
        {"warmup_seconds", kWarmupSeconds},
        {"dedup_horizon_s", kDedupHorizonMs / 1000},
        {"simulated_rate_per_s", rate},
        {"pipeline", external ? "external broker + simulator processes (this process: GUI, monitor, consumer)" : "in-process demo (embedded broker + simulator)"},
        {"cpu_percent_of_one_core", cpu},
        {"observed_incoming_rate_per_s_median", percentile(incomingRates, 50)},
        {"observed_processed_rate_per_s_median", percentile(processedRates, 50)},
        {"observed_processed_rate_per_s_peak", peakProcessedRate},
        {"matched_total", snapshot ? snapshot->totals.back().matched : 0},
        {"ui_stall_ms", {{"p50", percentile(stallsMs, 50)}, {"p99", percentile(stallsMs, 99)}, {"max", percentile(stallsMs, 100)}, {"samples", stallsMs.size()}}},
        {"rss_mb", {{"start", rssAtStart}, {"after_warmup", rssAfterWarmup}, {"end", rssAtEnd}, {"growth_after_warmup", rssAtEnd - rssAfterWarmup}}},
        {"targets", {{"stall_p99_ms", 16}, {"stall_max_ms", 50}, {"growth_mb", 20}, {"cpu_total_percent_demo_at_2000_per_s", 25}, {"cpu_total_percent_external_at_2000_per_s", 10}}},
    };
    std::cout << result.dump() << std::endl;
    return 0;
}

} // namespace slatrack::bench

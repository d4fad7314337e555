#include "ui_bench.hpp"

#include "app/gui_controller.hpp"
#include "resident_memory.hpp"
#include "ui/dashboard_window.hpp"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

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

} // namespace

int runUiBench(int argc, char* argv[])
{
    double rate = 230'000;  // observed ~212k/s in and out on the 2-core VM (the issue asks >= 200k)
    int seconds = 60;
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        const std::string arg = argv[arg_idx];
        if (arg == "--rate" && arg_idx + 1 < argc)
            rate = std::atof(argv[++arg_idx]);
        else if (arg == "--seconds" && arg_idx + 1 < argc)
            seconds = std::atoi(argv[++arg_idx]);
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
    options.demo = true;
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
        if (rssAfterWarmup == 0)
            rssAfterWarmup = residentMb();
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
    const auto snapshot = controller.dashboard() ? controller.dashboard()->shownSnapshot() : nullptr;
    const nlohmann::json result = {
        {"bench", "ui"},
        {"seconds", seconds},
        {"warmup_seconds", kWarmupSeconds},
        {"dedup_horizon_s", kDedupHorizonMs / 1000},
        {"simulated_rate_per_s", rate},
        {"observed_incoming_rate_per_s_median", percentile(incomingRates, 50)},
        {"observed_processed_rate_per_s_median", percentile(processedRates, 50)},
        {"observed_processed_rate_per_s_peak", peakProcessedRate},
        {"matched_total", snapshot ? snapshot->totals.back().matched : 0},
        {"ui_stall_ms", {{"p50", percentile(stallsMs, 50)}, {"p99", percentile(stallsMs, 99)}, {"max", percentile(stallsMs, 100)}, {"samples", stallsMs.size()}}},
        {"rss_mb", {{"start", rssAtStart}, {"after_warmup", rssAfterWarmup}, {"end", rssAtEnd}, {"growth_after_warmup", rssAtEnd - rssAfterWarmup}}},
        {"targets", {{"stall_p99_ms", 16}, {"stall_max_ms", 50}, {"growth_mb", 20}}},
    };
    std::cout << result.dump() << std::endl;
    return 0;
}

} // namespace slatrack::bench

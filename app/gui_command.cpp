#include "gui_command.hpp"

#include "gui_controller.hpp"
#include "link_config.hpp"
#include "single_instance.hpp"
#include "usage.hpp"

#include "core/monitor/deep_link.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QStandardPaths>

#include <cstdio>
#include <optional>

namespace slatrack::app {

namespace {
constexpr int kExitUsage = 2;

bool parsePositive(const QString& text, double& out, double max)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < 0 || value > max)
        return false;
    out = value;
    return true;
}

// `slatrack LINK`: hands the link to the window showing its pipeline, if
// one runs (returns the exit status then), or says where the new window
// gets its config from (options.configPath, .demo or .startupError).
std::optional<int> routeLink(const monitor::DeepLink& link, GuiOptions& options)
{
    const QString pipeline = QString::fromStdString(link.pipeline);
    const QString socket = SingleInstance::socketPathFor(link.pipeline);
    const SingleInstance::HandOff handed = SingleInstance::handOff(socket, QByteArray::fromStdString(monitor::formatDeepLink(link)));
    if (handed.outcome == SingleInstance::Outcome::Delivered) {
        std::printf("slatrack: handed the link to the running slatrack for pipeline \"%s\": %s\n", pipeline.toLocal8Bit().constData(),
                    handed.reply.toLocal8Bit().constData());
        return 0;
    }
    if (handed.outcome == SingleInstance::Outcome::NoAnswer)
        std::fprintf(stderr, "slatrack: %s; starting a new window\n", handed.reply.toLocal8Bit().constData());
    // An explicit -c FILE or --demo wins; otherwise the config whose
    // "pipeline" is the link's, or the embedded demo for its pipeline.
    if (!options.configPath.isEmpty() || options.demo)
        return std::nullopt;
    const LinkConfig found = findConfigForPipeline(link.pipeline, linkConfigFolders());
    if (!found.path.isEmpty()) {
        options.configPath = found.path;
        std::fprintf(stderr, "slatrack: pipeline \"%s\": %s%s\n", pipeline.toLocal8Bit().constData(), found.path.toLocal8Bit().constData(),
                     found.alsoMatching.isEmpty() ? "" : qPrintable(QStringLiteral(" (also in %1, not used)").arg(found.alsoMatching.join(u", "))));
    } else if (link.pipeline == loadDemoConfig("127.0.0.1:1").pipeline) {
        options.demo = true;
    } else {
        options.startupError = found.error;
    }
    return std::nullopt;
}
} // namespace

int runGuiCommand(int argc, char* argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("slatrack"));
    QApplication::setApplicationVersion(QStringLiteral(SLATRACK_VERSION));
    // The installed theme icon (packaging/), else the same SVG compiled in;
    // the desktop file name lets Wayland shells match the window to its entry.
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.slatrack.slatrack"), QIcon(QStringLiteral(":/icons/slatrack.svg"))));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.slatrack.slatrack"));

    QCommandLineParser parser;
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("embedded broker + simulated pipeline"));
    const QCommandLineOption warRoomOption(QStringLiteral("war-room"), QStringLiteral("full screen, tiles and charts only"));
    const QCommandLineOption configOption({QStringLiteral("c"), QStringLiteral("config")}, QStringLiteral("pipeline config"), QStringLiteral("FILE"));
    const QCommandLineOption rateOption(QStringLiteral("demo-rate"), QStringLiteral("demo records/s"), QStringLiteral("R"));
    const QCommandLineOption dropOption(QStringLiteral("demo-drop"), QStringLiteral("demo fraction never processed"), QStringLiteral("F"));
    const QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("history store file, or none (default: per pipeline in the XDG data dir)"), QStringLiteral("FILE|none"));
    parser.addOptions({demoOption, warRoomOption, configOption, rateOption, dropOption, storeOption});
    if (!parser.parse(QApplication::arguments())) {
        std::fprintf(stderr, "slatrack: %s; see slatrack --help\n", parser.errorText().toLocal8Bit().constData());
        return kExitUsage;
    }
    std::optional<monitor::DeepLink> link;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() == 1 && monitor::looksLikeDeepLink(positional.first().toStdString())) {
        const monitor::DeepLinkParse parsed = monitor::parseDeepLink(positional.first().toStdString());
        if (!parsed.ok()) {
            std::fprintf(stderr, "slatrack: %s\n", parsed.error.c_str());
            return kExitUsage;
        }
        link = parsed.link;
    } else if (!positional.isEmpty()) {
        std::fprintf(stderr, "slatrack: unknown mode \"%s\"; see slatrack --help\n", positional.first().toLocal8Bit().constData());
        return kExitUsage;
    }

    GuiOptions options;
    options.demo = parser.isSet(demoOption);
    options.warRoom = parser.isSet(warRoomOption);
    options.configPath = parser.value(configOption);
    options.storePath = parser.value(storeOption);
    options.defaultConfigPath = QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("pipeline.json"));
    if (parser.isSet(rateOption) && !parsePositive(parser.value(rateOption), options.demoSettings.ratePerSecond, 1e6)) {
        std::fprintf(stderr, "slatrack: --demo-rate expects records per second (0 to 1000000), got \"%s\"\n", parser.value(rateOption).toLocal8Bit().constData());
        return kExitUsage;
    }
    if (parser.isSet(dropOption) && !parsePositive(parser.value(dropOption), options.demoSettings.dropFraction, 1)) {
        std::fprintf(stderr, "slatrack: --demo-drop expects a fraction from 0 to 1, got \"%s\"\n", parser.value(dropOption).toLocal8Bit().constData());
        return kExitUsage;
    }

    options.singleInstance = true;
    if (link) {
        options.link = link;
        if (const auto status = routeLink(*link, options))
            return *status;
    }

    GuiController controller(options);
    controller.start();
    return QApplication::exec();
}

} // namespace slatrack::app

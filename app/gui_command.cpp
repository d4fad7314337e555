#include "gui_command.hpp"

#include "gui_controller.hpp"
#include "usage.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QStandardPaths>

#include <cstdio>

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
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "slatrack: unknown mode \"%s\"; see slatrack --help\n", parser.positionalArguments().first().toLocal8Bit().constData());
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

    GuiController controller(options);
    controller.start();
    return QApplication::exec();
}

} // namespace slatrack::app

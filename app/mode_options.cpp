#include "mode_options.hpp"

#include <cstdio>

namespace slatrack::app {

namespace {
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
} // namespace

QStringList modeArguments(int argc, char* argv[])
{
    QStringList arguments;
    for (int arg_idx = 0; arg_idx < argc; ++arg_idx)
        arguments << QString::fromLocal8Bit(argv[arg_idx]);
    return arguments;
}

int modeUsageError(const char* mode, const std::string& message)
{
    std::fprintf(stderr, "slatrack %s: %s\n(see 'slatrack %s --help')\n", mode, message.c_str(), mode);
    return kExitUsage;
}

std::optional<int> parseModeOptions(QCommandLineParser& parser, const QStringList& arguments,
                                    const QCommandLineOption& helpOption, const char* mode,
                                    const char* usage)
{
    if (!parser.parse(arguments))
        return modeUsageError(mode, parser.errorText().toStdString());
    if (parser.isSet(helpOption)) {
        std::fputs(usage, stdout);
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return modeUsageError(mode, "unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    return std::nullopt;
}

} // namespace slatrack::app

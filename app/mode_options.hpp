#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>

#include <optional>
#include <string>

namespace slatrack::app {

// What the QCommandLineParser-based modes (broker, simulate) share.

// argv as Qt strings (argv[0] is the mode's own name).
QStringList modeArguments(int argc, char* argv[]);

// Prints "slatrack MODE: MESSAGE" and where to look for help on stderr;
// returns the usage exit status (2).
int modeUsageError(const char* mode, const std::string& message);

// Parses `arguments` with the options already added to `parser`. Returns
// nothing when the mode should go on; otherwise the exit status, having
// printed `usage` (for --help, status 0) or a usage error naming the bad
// option or the unexpected positional argument (status 2).
std::optional<int> parseModeOptions(QCommandLineParser& parser, const QStringList& arguments,
                                    const QCommandLineOption& helpOption, const char* mode,
                                    const char* usage);

} // namespace slatrack::app

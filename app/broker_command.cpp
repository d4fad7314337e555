#include "broker_command.hpp"

#include "mode_options.hpp"
#include "stop_signals.hpp"

#include "core/demo/mock_broker.hpp"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace slatrack::app {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kDefaultPartitions = 4;
// The mock keeps ~5 MB per partition in memory; more than this many
// partitions is almost certainly a typo.
constexpr int kMaxPartitions = 1000;
// Kafka's own limit on topic name length.
constexpr int kMaxTopicNameLength = 249;

constexpr const char* kUsage =
    R"(Usage: slatrack broker [--port P] [--partitions N] [--topics a,b]

Runs an embedded Kafka-protocol broker (the librdkafka mock cluster) on
127.0.0.1 for trying slatrack out. Prints the bootstrap address as the first
line of stdout, then serves until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --topics a,b       topics to create (default: incoming,processed)
  --partitions N     partitions per topic, 1-1000 (default: 4)
  --port P           only 0 is accepted: librdkafka 2.0.2's mock cluster
                     binds a port the kernel chooses and cannot be told
                     which; read the address from the first output line
  -h, --help         show this help and exit

Know before use: the broker keeps about 5 MB per partition in memory and
silently drops older records; any topic a client names (even in a metadata
request, e.g. kcat -L -t NAME) is created on the fly with 4 partitions;
all data is lost when it stops.

Exit status: 0 after SIGINT/SIGTERM, 2 on bad arguments, 1 if it cannot start.
)";

int usageError(const std::string& message) { return modeUsageError("broker", message); }

std::string topicNameProblem(const QString& name)
{
    if (name.isEmpty()) {
        return "an empty topic name";
    }
    if (name.size() > kMaxTopicNameLength) {
        return "topic name longer than 249 characters";
    }
    if (name == QStringLiteral(".") || name == QStringLiteral("..")) {
        return "topic name '" + name.toStdString() + "'";
    }
    for (const QChar ch : name) {
        const bool legal = (ch >= u'a' && ch <= u'z') || (ch >= u'A' && ch <= u'Z')
                           || (ch >= u'0' && ch <= u'9') || ch == u'.' || ch == u'_'
                           || ch == u'-';
        if (!legal) {
            return "topic name '" + name.toStdString() + "' (allowed: letters, digits, . _ -)";
        }
    }
    return {};
}

} // namespace

int runBrokerCommand(int argc, char* argv[])
{
    const QStringList arguments = modeArguments(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("show help"));
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("port"),
                                        QStringLiteral("P"));
    const QCommandLineOption partitionsOption(QStringLiteral("partitions"),
                                              QStringLiteral("partitions"), QStringLiteral("N"));
    const QCommandLineOption topicsOption(QStringLiteral("topics"), QStringLiteral("topics"),
                                          QStringLiteral("a,b"));
    parser.addOptions({helpOption, portOption, partitionsOption, topicsOption});
    if (const auto exitStatus = parseModeOptions(parser, arguments, helpOption, "broker", kUsage))
        return *exitStatus;

    if (parser.isSet(portOption)) {
        const QString text = parser.value(portOption);
        bool isNumber = false;
        const int port = text.toInt(&isNumber);
        if (!isNumber || port < 0 || port > 65535) {
            return usageError("--port expects a TCP port number 0-65535 (e.g. --port 0), got '"
                              + text.toStdString() + "'");
        }
        if (port != 0) {
            return usageError("--port " + std::to_string(port)
                              + " cannot be honoured: librdkafka 2.0.2's mock cluster binds "
                                "127.0.0.1 on a port the kernel chooses and has no way to be "
                                "told which. Omit --port (or pass --port 0) and read the "
                                "address from the first line of output.");
        }
    }

    int partitions = kDefaultPartitions;
    if (parser.isSet(partitionsOption)) {
        const QString text = parser.value(partitionsOption);
        bool isNumber = false;
        partitions = text.toInt(&isNumber);
        if (!isNumber || partitions < 1 || partitions > kMaxPartitions) {
            return usageError("--partitions expects a whole number 1-1000 (e.g. --partitions 4), "
                              "got '" + text.toStdString() + "'");
        }
    }

    QStringList topics = {QStringLiteral("incoming"), QStringLiteral("processed")};
    if (parser.isSet(topicsOption)) {
        topics = parser.value(topicsOption).split(u',');
        for (const QString& topic : topics) {
            const std::string problem = topicNameProblem(topic);
            if (!problem.empty()) {
                return usageError("--topics expects comma-separated topic names (e.g. --topics "
                                  "incoming,processed); got " + problem);
            }
        }
        if (topics.removeDuplicates() > 0) {
            std::fputs("slatrack broker: --topics names a topic twice; creating it once\n",
                       stderr);
        }
    }

    // Before the mock cluster starts its threads, so they inherit the mask
    // and the signals are only ever taken by sigtimedwait below.
    blockStopSignals();

    try {
        ingest::MockBroker broker;
        for (const QString& topic : topics) {
            broker.createTopic(topic.toStdString(), partitions);
        }
        // The first stdout line is the contract with scripts and tests.
        std::printf("%s\n", broker.bootstrapServers().c_str());
        std::fflush(stdout);
        std::fprintf(stderr,
                     "slatrack broker: serving %s on %s with %d partition(s) each; "
                     "Ctrl-C to stop\n",
                     topics.join(QStringLiteral(", ")).toStdString().c_str(),
                     broker.bootstrapServers().c_str(), partitions);

        const int signal = waitForStopSignal(std::nullopt);
        std::fprintf(stderr, "slatrack broker: stopping (signal %d)\n", signal);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "slatrack broker: %s\n", error.what());
        return kExitFailure;
    }
    return kExitOk;
}

} // namespace slatrack::app

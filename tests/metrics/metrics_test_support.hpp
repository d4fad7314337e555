#pragma once

// For the /metrics tests: a blocking HTTP/1.1 GET on 127.0.0.1, a reader
// of the Prometheus text format, and `promtool check metrics`.
// Test-thread only.

#include <QProcess>
#include <QStandardPaths>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace metrics_test {

struct HttpResponse {
    int status = 0;  // 0: no answer
    std::string contentType;
    std::string body;
};

inline HttpResponse httpRequest(int port, const std::string& path, const std::string& method = "GET")
{
    HttpResponse out;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return out;
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return out;
    }
    const std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
        ::close(fd);
        return out;
    }
    std::string raw;
    char buffer[16384];
    for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
        raw.append(buffer, static_cast<size_t>(got));
    ::close(fd);
    const size_t headerEnd = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || headerEnd == std::string::npos)
        return out;
    out.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
    const std::string headers = raw.substr(0, headerEnd);
    const size_t type = headers.find("Content-Type: ");
    if (type != std::string::npos)
        out.contentType = headers.substr(type + 14, headers.find("\r\n", type) - type - 14);
    out.body = raw.substr(headerEnd + 4);
    return out;
}

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// Sample lines of the text format (no escapes beyond \" \\ \n in values).
inline std::vector<Sample> parseSamples(const std::string& text)
{
    std::vector<Sample> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        Sample sample;
        size_t pos = line.find_first_of("{ ");
        sample.name = line.substr(0, pos);
        if (pos != std::string::npos && line[pos] == '{') {
            ++pos;
            while (pos < line.size() && line[pos] != '}') {
                const size_t eq = line.find('=', pos);
                const std::string key = line.substr(pos, eq - pos);
                std::string value;
                size_t cursor = eq + 2;  // past ="
                while (cursor < line.size() && line[cursor] != '"') {
                    if (line[cursor] == '\\' && cursor + 1 < line.size())
                        ++cursor;
                    value += line[cursor++];
                }
                sample.labels[key] = value;
                pos = cursor + 1;
                if (pos < line.size() && line[pos] == ',')
                    ++pos;
            }
            ++pos;
        }
        const std::string valueText = line.substr(line.find_first_not_of(' ', pos));
        sample.value = valueText == "+Inf" ? INFINITY : valueText == "-Inf" ? -INFINITY : std::strtod(valueText.c_str(), nullptr);
        out.push_back(std::move(sample));
    }
    return out;
}

// The samples named `name` whose labels include all of `labels`.
inline std::vector<Sample> find(const std::vector<Sample>& samples, const std::string& name, const std::map<std::string, std::string>& labels = {})
{
    std::vector<Sample> out;
    for (const Sample& sample : samples) {
        if (sample.name != name)
            continue;
        bool match = true;
        for (const auto& [key, value] : labels)
            match = match && sample.labels.count(key) && sample.labels.at(key) == value;
        if (match)
            out.push_back(sample);
    }
    return out;
}

// The one sample, or nullopt when there is none or more than one.
inline std::optional<double> value(const std::vector<Sample>& samples, const std::string& name, const std::map<std::string, std::string>& labels = {})
{
    const auto found = find(samples, name, labels);
    return found.size() == 1 ? std::optional<double>(found[0].value) : std::nullopt;
}

inline double sum(const std::vector<Sample>& samples, const std::string& name, const std::map<std::string, std::string>& labels = {})
{
    double total = 0;
    for (const Sample& sample : find(samples, name, labels))
        total += sample.value;
    return total;
}

struct PromtoolResult {
    bool found = false;
    int exitCode = -1;
    std::string output;
};

// `promtool check metrics` reads the exposition on stdin; exit 0 only
// when it parses and passes the lint (naming, _total, units).
inline PromtoolResult promtoolCheck(const std::string& text)
{
    PromtoolResult out;
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (promtool.isEmpty())
        return out;
    out.found = true;
    QProcess process;
    process.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    if (!process.waitForStarted())
        return out;
    process.write(text.data(), static_cast<qint64>(text.size()));
    process.closeWriteChannel();
    process.waitForFinished(30'000);
    out.exitCode = process.exitCode();
    out.output = process.readAllStandardOutput().toStdString() + process.readAllStandardError().toStdString();
    return out;
}

} // namespace metrics_test

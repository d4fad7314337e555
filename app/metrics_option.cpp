#include "metrics_option.hpp"

#include "core/config/metrics_parse.hpp"

#include <cstdio>

namespace slatrack::app {

MetricsChoice chooseMetricsAddress(const std::optional<std::string>& flag, const config::PipelineConfig& config)
{
    if (!flag)
        return {config.metricsListen, {}};
    if (*flag == "none")
        return {};
    std::string error;
    const std::optional<config::ListenAddress> address = config::parseListenAddress(*flag, error);
    if (!address)
        return {{}, "--metrics " + error};
    return {address->text(), {}};
}

std::unique_ptr<metrics::MetricsServer> startMetricsServer(const std::string& listen, const monitor::Monitor& monitor,
                                                           const config::PipelineConfig& config, const alerting::AlertingService* alerts)
{
    if (listen.empty())
        return nullptr;
    metrics::MetricsServerOptions options;
    options.listen = listen;
    options.pipeline = config.pipeline;
    options.latest = [&monitor] { return monitor.latest(); };
    options.alerts = alerts;
    auto server = std::make_unique<metrics::MetricsServer>(std::move(options));
    const std::string error = server->start();
    if (error.empty())
        std::fprintf(stderr, "slatrack: metrics on %s/metrics\n", server->url().c_str());
    else
        std::fprintf(stderr, "slatrack: %s; running without metrics\n", error.c_str());
    return server;
}

std::string withMetricsStatus(std::string statusLine, const metrics::MetricsServer* server)
{
    // The line is one JSON object: splicing before its closing brace adds a
    // member without parsing it again.
    if (server == nullptr || statusLine.empty() || statusLine.back() != '}')
        return statusLine;
    statusLine.pop_back();
    return statusLine + ",\"metrics\":" + server->statusJson() + "}";
}

} // namespace slatrack::app

#include "core/config/metrics_parse.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace slatrack::config {
namespace {

constexpr std::string_view kExpectedAddress =
    R"("HOST:PORT" like "127.0.0.1:9464" or "[::1]:9464", a port alone ("9464", on 127.0.0.1 only), or "none")";

std::optional<uint16_t> parsePort(std::string_view text)
{
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 65535)
        return std::nullopt;
    return static_cast<uint16_t>(value);
}

} // namespace

std::string ListenAddress::text() const
{
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ListenAddress> parseListenAddress(std::string_view text, std::string& error)
{
    ListenAddress out;
    std::string_view portText = text;
    // civetweb's listening_ports takes numeric addresses only (it does not
    // resolve names), so they are checked here with inet_pton rather than
    // failing later at bind time with a vaguer message.
    if (text.starts_with('[')) {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            error = "expected " + std::string(kExpectedAddress) + ", got " + jsonQuoted(text) + " (an IPv6 address is written [ADDR]:PORT)";
            return std::nullopt;
        }
        out.host = std::string(text.substr(1, close - 1));
        out.ipv6 = true;
        portText = text.substr(close + 2);
        in6_addr parsed{};
        if (inet_pton(AF_INET6, out.host.c_str(), &parsed) != 1) {
            error = "expected an IPv6 address inside [ ], got " + jsonQuoted(out.host);
            return std::nullopt;
        }
    } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
        out.host = std::string(text.substr(0, colon));
        portText = text.substr(colon + 1);
        if (out.host.empty())
            out.host = "127.0.0.1";
        else if (out.host == "localhost")
            out.host = "127.0.0.1";
        in_addr parsed{};
        if (inet_pton(AF_INET, out.host.c_str(), &parsed) != 1) {
            error = "expected " + std::string(kExpectedAddress) + ", got " + jsonQuoted(text) + " (the host must be a numeric address or localhost)";
            return std::nullopt;
        }
    } else {
        out.host = "127.0.0.1";
    }
    const std::optional<uint16_t> port = parsePort(portText);
    if (!port) {
        error = "expected " + std::string(kExpectedAddress) + ", got " + jsonQuoted(text) + " (the port must be 0 to 65535)";
        return std::nullopt;
    }
    out.port = *port;
    return out;
}

void readMetrics(Diagnostics& diag, const nlohmann::json& root, PipelineConfig& config)
{
    const nlohmann::json* value = optionalField(root, "metrics");
    if (value == nullptr)
        return;
    if (!value->is_string()) {
        diag.expected("metrics", kExpectedAddress, *value);
        return;
    }
    const std::string& text = value->get_ref<const std::string&>();
    if (text == "none")
        return;
    std::string error;
    if (const std::optional<ListenAddress> address = parseListenAddress(text, error))
        config.metricsListen = address->text();
    else
        diag.error("metrics", error);
}

} // namespace slatrack::config

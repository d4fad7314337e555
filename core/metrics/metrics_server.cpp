#include "metrics_server.hpp"

#include "metrics_collector.hpp"

#include <civetweb.h>
#include <prometheus/text_serializer.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>

namespace slatrack::metrics {

namespace {

// Two workers: Prometheus scrapes one at a time, a health probe may come
// beside it. civetweb's default is 50 threads.
constexpr const char* kWorkerThreads = "2";
// A client that connects and sends nothing must not hold a worker for long.
constexpr const char* kRequestTimeoutMs = "10000";

// civetweb says why a bind failed ("cannot bind to 127.0.0.1:9464: 98
// (Address already in use)") only through log_message, which has no user
// pointer before the context exists; mg_start2 reports just "Failed to
// setup server ports". It calls log_message on the starting thread, so a
// thread_local set around mg_start2 catches the reason without a
// process-wide static.
thread_local std::string* tStartupMessages = nullptr;

const char* reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    }
    return "Error";
}

int respond(mg_connection* connection, int status, const char* contentType, const std::string& body)
{
    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
              status, reasonPhrase(status), contentType, body.size());
    const mg_request_info* request = mg_get_request_info(connection);
    if (request == nullptr || std::strcmp(request->request_method, "HEAD") != 0)
        mg_write(connection, body.data(), body.size());
    return status;
}

// GET and HEAD only: a POST to /metrics is a mistake worth saying.
bool readOnly(mg_connection* connection)
{
    const mg_request_info* request = mg_get_request_info(connection);
    return request != nullptr && (std::strcmp(request->request_method, "GET") == 0 || std::strcmp(request->request_method, "HEAD") == 0);
}

} // namespace

MetricsServer::MetricsServer(MetricsServerOptions options) : m_options(std::move(options)) {}

MetricsServer::~MetricsServer()
{
    stop();
}

int64_t MetricsServer::nowMs() const
{
    if (m_options.clockMs)
        return m_options.clockMs();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string MetricsServer::start()
{
    if (m_context)
        return {};
    mg_init_library(0);
    mg_callbacks callbacks{};
    // civetweb would print per-connection trouble (a client going away) on
    // stderr; the agent's stderr is its log, which that would only clutter.
    callbacks.log_message = [](const mg_connection*, const char* message) {
        if (tStartupMessages && message)
            *tStartupMessages += (tStartupMessages->empty() ? "" : "; ") + std::string(message);
        return 1;
    };
    const char* options[] = {"listening_ports", m_options.listen.c_str(), "num_threads", kWorkerThreads,
                             "request_timeout_ms", kRequestTimeoutMs, nullptr};
    mg_init_data init{&callbacks, this, options};
    char errorText[256] = {};
    unsigned errorCode = 0;
    mg_error_data error{&errorCode, errorText, sizeof errorText};
    std::string startupMessages;
    tStartupMessages = &startupMessages;
    m_context = mg_start2(&init, &error);
    tStartupMessages = nullptr;
    if (m_context == nullptr) {
        mg_exit_library();
        m_error = "cannot serve metrics on " + m_options.listen + ": " +
                  (!startupMessages.empty() ? startupMessages : errorText[0] ? std::string(errorText) : std::string("civetweb did not start"));
        return m_error;
    }
    mg_set_request_handler(m_context, "/metrics$", &MetricsServer::onMetrics, this);
    mg_set_request_handler(m_context, "/healthz$", &MetricsServer::onHealthz, this);
    mg_server_port ports[4] = {};
    const int count = mg_get_server_ports(m_context, 4, ports);
    m_port = count > 0 ? ports[0].port : 0;
    const size_t colon = m_options.listen.rfind(':');
    m_host = m_options.listen.substr(0, colon);
    m_error.clear();
    return {};
}

void MetricsServer::stop()
{
    if (!m_context)
        return;
    mg_stop(m_context);  // joins the workers: no handler runs after this
    m_context = nullptr;
    mg_exit_library();
}

std::string MetricsServer::url() const
{
    return "http://" + m_host + ":" + std::to_string(m_port);
}

std::string MetricsServer::statusJson() const
{
    nlohmann::ordered_json out{{"listen", m_options.listen}};
    if (m_context) {
        out["state"] = "serving";
        out["url"] = url() + "/metrics";
    } else if (!m_error.empty()) {
        out["state"] = "failed";
        out["error"] = m_error;
    } else {
        out["state"] = "stopped";
    }
    return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string MetricsServer::metricsText() const
{
    const monitor::SnapshotPtr snapshot = m_options.latest ? m_options.latest() : nullptr;
    const std::string& pipeline = snapshot ? snapshot->pipeline : m_options.pipeline;
    return prometheus::TextSerializer().Serialize(collectMetrics(snapshot.get(), m_options.alerts, pipeline, nowMs()));
}

HealthVerdict MetricsServer::health() const
{
    const monitor::SnapshotPtr snapshot = m_options.latest ? m_options.latest() : nullptr;
    return judgeHealth(snapshot.get(), nowMs(), m_options.staleAfterMs);
}

int MetricsServer::onMetrics(mg_connection* connection, void* self)
{
    if (!readOnly(connection))
        return respond(connection, 405, "text/plain; charset=utf-8", "GET /metrics\n");
    auto* server = static_cast<MetricsServer*>(self);
    ++server->m_scrapes;
    try {
        return respond(connection, 200, "text/plain; version=0.0.4; charset=utf-8", server->metricsText());
    } catch (const std::exception& error) {
        // Never a dead worker thread: the scrape fails, the agent goes on.
        return respond(connection, 503, "text/plain; charset=utf-8", std::string("cannot collect metrics: ") + error.what() + "\n");
    }
}

int MetricsServer::onHealthz(mg_connection* connection, void* self)
{
    if (!readOnly(connection))
        return respond(connection, 405, "text/plain; charset=utf-8", "GET /healthz\n");
    const HealthVerdict verdict = static_cast<MetricsServer*>(self)->health();
    return respond(connection, verdict.httpStatus, "text/plain; charset=utf-8", verdict.text + "\n");
}

} // namespace slatrack::metrics

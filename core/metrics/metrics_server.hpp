#pragma once

#include "health_check.hpp"

#include "core/alerting/alerting_service.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

struct mg_context;
struct mg_connection;

// The headless agent's HTTP endpoint: GET /metrics (Prometheus text
// exposition format 0.0.4) and GET /healthz (health_check.hpp).
//
// Why civetweb's C API and not prometheus::Exposer: the Exposer (the same
// civetweb underneath) serves only registered Collectables, always with
// 200 (RegisterAuth only puts basic auth in front of such an endpoint,
// GetListeningPorts only reads the ports); it keeps its CivetServer
// private, and the civetweb begin_request callback it accepts carries no
// user pointer, so /healthz with a 503 could only be added through a
// process-wide static. Running civetweb ourselves
// costs two handlers; prometheus-cpp still provides the data model and
// the TextSerializer, so the format is the library's, not ours. What we do
// without: the Exposer's gzip (a scrape is ~25 KB) and its exposer_* self
// metrics. mg_start2 also reports why a bind failed ("Address already in
// use"), which the Exposer's exception does not.
//
// Threading: construct, start(), stop() from one owner thread; the
// handlers run on civetweb's two worker threads and only call
// `options.latest`, the alerting service's thread-safe getters and
// /proc reads.
namespace slatrack::metrics {

struct MetricsServerOptions {
    std::string listen;         // "127.0.0.1:9464", "[::1]:0" (config::ListenAddress::text())
    std::string pipeline;       // the pipeline label before the first snapshot
    // Called on civetweb's threads for every request: must be thread-safe
    // (Monitor::latest() is).
    std::function<monitor::SnapshotPtr()> latest;
    const alerting::AlertingService* alerts = nullptr;  // optional; must outlive the server
    int64_t staleAfterMs = kDefaultStaleAfterMs;
    std::function<int64_t()> clockMs;  // wall clock (snapshots carry wall time); default the system's
};

class MetricsServer {
public:
    explicit MetricsServer(MetricsServerOptions options);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Binds and serves. Empty on success, else what failed naming the
    // address ("cannot serve metrics on 127.0.0.1:9464: cannot bind to
    // 127.0.0.1:9464: 98 (Address already in use)").
    std::string start();
    void stop();

    int port() const { return m_port; }  // the bound port (port 0 resolved); 0 before start
    std::string url() const;             // "http://127.0.0.1:PORT"
    const std::string& error() const { return m_error; }
    // For the status line: {"listen", "state": serving|failed|stopped, "url" | "error"}.
    std::string statusJson() const;

    // What the handlers answer (also for tests without HTTP).
    std::string metricsText() const;
    HealthVerdict health() const;
    uint64_t scrapes() const { return m_scrapes.load(); }

private:
    static int onMetrics(mg_connection* connection, void* self);
    static int onHealthz(mg_connection* connection, void* self);
    int64_t nowMs() const;

    MetricsServerOptions m_options;
    mg_context* m_context = nullptr;
    int m_port = 0;
    std::string m_host;
    std::string m_error;
    std::atomic<uint64_t> m_scrapes{0};
};

} // namespace slatrack::metrics

#pragma once

#include "core/config/pipeline_config.hpp"

#include <memory>
#include <string>

namespace slatrack::ingest {
class MockBroker;
class Simulator;
} // namespace slatrack::ingest

namespace slatrack::app {

struct DemoSettings {
    double ratePerSecond = 2000;
    double dropFraction = 0.003;   // a few records get stuck for good
    double latencyMedianMs = 120;
    double latencyP99Ms = 900;
    double stallEverySeconds = 90; // the processor stalls now and then:
    double stallForSeconds = 6;    // stuck records pile up, then clear
    int64_t dedupHorizonMs = 0;    // 0: the bundled config's (= its window)
    // Producer batching and the processor's fetch wait. librdkafka's mock
    // cluster walks a list of every retained batch per partition on each
    // fetch (up to 100,000 batches or 5 MB): with the simulator's default
    // 5 ms linger the embedded broker thread took most of a core at
    // 2,000 rec/s (whole process 94 % of a core, rdk:mock 70 %); with 50 ms
    // it was 19 % (rdk:mock 7 %), measured per thread over 20 s after 60 s.
    // 50 ms stays below the demo's 120 ms median latency.
    int lingerMs = 50;
    int fetchWaitMaxMs = 100;
};

// What `slatrack --demo` runs: the embedded Kafka-protocol broker (the
// librdkafka mock cluster) on 127.0.0.1 and the simulated pipeline writing
// to it, plus the demo pipeline config pointed at that broker.
//
// Threading: construct and destroy on one thread; the broker and the
// simulator run on their own threads.
class DemoEnvironment {
public:
    // Throws std::runtime_error when the broker, the simulator or the
    // bundled demo config cannot be set up.
    explicit DemoEnvironment(const DemoSettings& settings);
    ~DemoEnvironment();

    const config::PipelineConfig& pipelineConfig() const { return m_config; }
    const std::string& brokers() const;

private:
    std::unique_ptr<ingest::MockBroker> m_broker;
    std::unique_ptr<ingest::Simulator> m_simulator;
    config::PipelineConfig m_config;
};

// The bundled demo config (resources/config/demo.json, compiled in).
config::PipelineConfig loadDemoConfig(const std::string& brokers);

} // namespace slatrack::app

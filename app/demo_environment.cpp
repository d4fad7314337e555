#include "demo_environment.hpp"

#include "core/config/config_loader.hpp"
#include "core/demo/mock_broker.hpp"
#include "core/demo/simulator.hpp"

#include <QFile>

#include <stdexcept>

namespace slatrack::app {

namespace {
constexpr int kDemoPartitions = 4;
} // namespace

config::PipelineConfig loadDemoConfig(const std::string& brokers)
{
    QFile file(QStringLiteral(":/config/demo.json"));
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("the bundled demo config is missing from the binary (resources/config/demo.json)");
    const QByteArray text = file.readAll();
    config::LoadResult loaded = config::parseConfig(std::string_view(text.constData(), static_cast<size_t>(text.size())), "demo.json", ".");
    if (!loaded.ok())
        throw std::runtime_error("the bundled demo config is invalid:\n" + config::formatErrors(loaded.errors));
    loaded.config->kafka.brokers = brokers;
    return *loaded.config;
}

DemoEnvironment::DemoEnvironment(const DemoSettings& settings)
{
    m_broker = std::make_unique<ingest::MockBroker>();
    m_broker->createTopic("incoming", kDemoPartitions);
    m_broker->createTopic("processed", kDemoPartitions);
    m_config = loadDemoConfig(m_broker->bootstrapServers());
    if (settings.dedupHorizonMs > 0)
        m_config.dedupHorizon = std::chrono::milliseconds(settings.dedupHorizonMs);

    ingest::SimulatorConfig simulation;
    simulation.bootstrapServers = m_broker->bootstrapServers();
    simulation.ratePerSecond = settings.ratePerSecond;
    simulation.dropFraction = settings.dropFraction;
    simulation.latency = ingest::LatencyModel::logNormal(settings.latencyMedianMs, settings.latencyP99Ms);
    simulation.stallEverySeconds = settings.stallEverySeconds;
    simulation.stallForSeconds = settings.stallForSeconds;
    simulation.lingerMs = settings.lingerMs;
    simulation.fetchWaitMaxMs = settings.fetchWaitMaxMs;
    m_simulator = std::make_unique<ingest::Simulator>(simulation);
    m_simulator->start();
}

DemoEnvironment::~DemoEnvironment()
{
    if (m_simulator)
        m_simulator->stop();
}

const std::string& DemoEnvironment::brokers() const { return m_broker->bootstrapServers(); }

} // namespace slatrack::app

#include "core/demo/simulator_config.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace slatrack::ingest {

namespace {

// Standard normal quantile at 0.99: for a log-normal latency,
// ln(p99) = ln(median) + kZ99 * sigma.
constexpr double kZ99 = 2.3263478740408408;
constexpr double kMaxRatePerSecond = 10'000'000.0;
constexpr std::size_t kMaxPayloadBytes = 1'000'000;
constexpr int kMaxLingerMs = 5'000;  // longer is no simulation of a live pipeline

bool isFinitePositive(double value) { return std::isfinite(value) && value > 0.0; }

} // namespace

LatencySampler::LatencySampler(const LatencyModel& model, uint64_t seed)
    : m_fixed(model.kind == LatencyModel::Kind::Fixed)
    , m_fixedMs(model.medianMs)
    , m_rng(seed)
{
    if (!m_fixed) {
        const double mu = std::log(model.medianMs);
        const double sigma = (std::log(model.p99Ms) - mu) / kZ99;
        m_distribution = std::lognormal_distribution<double>(mu, sigma);
    }
}

double LatencySampler::sampleMs()
{
    return m_fixed ? m_fixedMs : m_distribution(m_rng);
}

std::string validateSimulatorConfig(const SimulatorConfig& config)
{
    if (config.bootstrapServers.empty()) {
        return "bootstrap servers must not be empty (host:port[,host:port...])";
    }
    if (config.incomingTopic.empty() || config.processedTopic.empty()) {
        return "topic names must not be empty";
    }
    if (config.incomingTopic == config.processedTopic) {
        return "incoming and processed topics must differ (both are '" + config.incomingTopic
               + "')";
    }
    if (config.consumerGroup.empty()) {
        return "consumer group must not be empty";
    }
    if (!isFinitePositive(config.ratePerSecond) || config.ratePerSecond > kMaxRatePerSecond) {
        return "rate must be > 0 and <= 10000000 records/s";
    }
    const LatencyModel& latency = config.latency;
    if (latency.kind == LatencyModel::Kind::Fixed) {
        if (!std::isfinite(latency.medianMs) || latency.medianMs < 0.0) {
            return "latency must be >= 0 ms";
        }
    } else {
        if (!isFinitePositive(latency.medianMs)) {
            return "latency median must be > 0 ms for a log-normal latency";
        }
        if (!std::isfinite(latency.p99Ms) || latency.p99Ms <= latency.medianMs) {
            return "latency p99 must be greater than the median";
        }
    }
    if (!std::isfinite(config.dropFraction) || config.dropFraction < 0.0
        || config.dropFraction > 1.0) {
        return "drop fraction must be between 0 and 1";
    }
    const bool stallEvery = config.stallEverySeconds != 0.0;
    const bool stallFor = config.stallForSeconds != 0.0;
    if (stallEvery != stallFor) {
        return "stalls need both a period (stall every) and a duration (stall for)";
    }
    if (stallEvery) {
        if (!isFinitePositive(config.stallEverySeconds)
            || !isFinitePositive(config.stallForSeconds)) {
            return "stall period and duration must be > 0 s";
        }
        if (config.stallForSeconds >= config.stallEverySeconds) {
            return "stall duration must be shorter than the stall period";
        }
    }
    if (config.payloadBytes > kMaxPayloadBytes) {
        return "payload must be <= 1000000 bytes";
    }
    if (config.sessionTimeoutMs <= 0 || config.heartbeatIntervalMs <= 0
        || config.heartbeatIntervalMs >= config.sessionTimeoutMs) {
        return "need 0 < heartbeat interval < session timeout";
    }
    if (config.lingerMs < 0 || config.lingerMs > kMaxLingerMs) {
        return "lingerMs must be from 0 to " + std::to_string(kMaxLingerMs) + " (got " + std::to_string(config.lingerMs) + ")";
    }
    if (config.fetchWaitMaxMs < 0) {
        return "fetch wait must be >= 0 ms";
    }
    return {};
}

SimulatedIdGenerator::SimulatedIdGenerator(uint64_t seed)
    : m_rng(seed)
{
}

uint64_t SimulatedIdGenerator::next(uint32_t unixSeconds)
{
    if (unixSeconds != m_second) {
        m_second = unixSeconds;
        m_salt = static_cast<uint32_t>(m_rng());
        m_counter = 0;
    }
    // counter ^ salt is distinct per counter value, and murmur3's fmix32
    // finalizer is a bijection on 32 bits: distinct in, distinct out.
    uint32_t low = m_counter++ ^ m_salt;
    low ^= low >> 16;
    low *= 0x85ebca6bU;
    low ^= low >> 13;
    low *= 0xc2b2ae35U;
    low ^= low >> 16;
    return (static_cast<uint64_t>(unixSeconds) << 32) | low;
}

std::string formatIdHex(uint64_t id)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(kIdHexDigits, '0');
    for (std::size_t digit_idx = kIdHexDigits; digit_idx-- > 0;) {
        text[digit_idx] = kDigits[id & 0xf];
        id >>= 4;
    }
    return text;
}

std::string formatIncomingValue(std::string_view idHex, int64_t createdMs,
                                std::size_t payloadBytes)
{
    std::string value;
    value.reserve(64 + idHex.size() + payloadBytes);
    value += R"({"id":")";
    value += idHex;
    value += R"(","created_ms":)";
    value += std::to_string(createdMs);
    value += R"(,"payload":")";
    // Cycling letters rather than one repeated byte so compression cannot
    // make the simulated traffic unrealistically small.
    for (std::size_t byte_idx = 0; byte_idx < payloadBytes; ++byte_idx) {
        value += static_cast<char>('a' + (byte_idx * 7 + static_cast<std::size_t>(createdMs)) % 26);
    }
    value += "\"}";
    return value;
}

std::string formatProcessedValue(std::string_view incomingValue, std::string_view key,
                                 int64_t processedMs)
{
    std::string value;
    const std::size_t closing = incomingValue.find_last_not_of(" \t\r\n");
    const bool isObject = !incomingValue.empty() && incomingValue.front() == '{'
                          && closing != std::string_view::npos && incomingValue[closing] == '}';
    if (isObject) {
        const std::string_view body = incomingValue.substr(0, closing);
        const bool emptyObject = body.find_first_not_of(" \t\r\n", 1) == std::string_view::npos;
        value.reserve(body.size() + 32);
        value += body;
        value += emptyObject ? R"("processed_ms":)" : R"(,"processed_ms":)";
    } else {
        // Keys from our producer are hex; foreign keys are not escaped, so
        // keep only characters that need no JSON escaping.
        value += R"({"id":")";
        for (const char ch : key) {
            if (ch != '"' && ch != '\\' && static_cast<unsigned char>(ch) >= 0x20) {
                value += ch;
            }
        }
        value += R"(","processed_ms":)";
    }
    value += std::to_string(processedMs);
    value += '}';
    return value;
}

int64_t parseCreatedMs(std::string_view incomingValue)
{
    static constexpr std::string_view kField = R"("created_ms":)";
    const std::size_t at = incomingValue.find(kField);
    if (at == std::string_view::npos) {
        return -1;
    }
    std::size_t begin = at + kField.size();
    while (begin < incomingValue.size() && incomingValue[begin] == ' ') {
        ++begin;
    }
    int64_t createdMs = -1;
    const char* first = incomingValue.data() + begin;
    const char* last = incomingValue.data() + incomingValue.size();
    const auto [end, error] = std::from_chars(first, last, createdMs);
    if (error != std::errc() || end == first || createdMs < 0) {
        return -1;
    }
    return createdMs;
}

std::map<std::string, std::string> simulatorProducerSettings(const SimulatorConfig& config)
{
    return {
        {"linger.ms", std::to_string(config.lingerMs)},
        {"batch.num.messages", "10000"},
        // ~5 s of records at 200,000/s may wait locally during an outage.
        {"queue.buffering.max.messages", "1000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"compression.type", "lz4"},
        {"message.timeout.ms", "60000"},
    };
}

std::unique_ptr<RdKafka::Conf> makeKafkaConf(
    const SimulatorConfig& config, const std::map<std::string, std::string>& settings)
{
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string errText;
    const auto apply = [&](const std::string& name, const std::string& value, bool secret) {
        if (conf->set(name, value, errText) != RdKafka::Conf::CONF_OK) {
            // Values from extraKafkaConfig may be passwords: name only.
            throw std::runtime_error("kafka setting '" + name + "'"
                                     + (secret ? std::string() : "='" + value + "'") + ": "
                                     + errText);
        }
    };
    apply("bootstrap.servers", config.bootstrapServers, false);
    for (const auto& [name, value] : settings) {
        apply(name, value, false);
    }
    for (const auto& [name, value] : config.extraKafkaConfig) {
        apply(name, value, true);
    }
    return conf;
}

} // namespace slatrack::ingest

#include "alerting_service.hpp"

#include "alerts_status.hpp"

#include <QDateTime>

namespace slatrack::alerting {

namespace {

OutboxOptions outboxOptions(const config::PipelineConfig& config, const std::filesystem::path& storePath,
                            std::function<void(const std::string&)> log, OutboxOptions tuning)
{
    tuning.storePath = storePath;
    tuning.pagers = config.alerts.pagers;
    tuning.log = std::move(log);
    return tuning;
}

} // namespace

AlertingService::AlertingService(const config::PipelineConfig& config, std::filesystem::path storePath, std::string host,
                                 std::function<void(const std::string&)> log, OutboxOptions tuning)
    : m_storePath(storePath), m_evaluator(config, std::move(host)), m_outbox(outboxOptions(config, storePath, std::move(log), std::move(tuning)))
{
}

AlertingService::~AlertingService()
{
    stop();
}

std::string AlertingService::start()
{
    const AlertReadBack readBack = readAlertState(m_storePath);
    {
        std::lock_guard lock(m_mutex);
        m_evaluator.restore(readBack.openIncidents, QDateTime::currentMSecsSinceEpoch());
        m_evaluator.setSilences(readBack.silences);
    }
    notifySilences();
    m_outbox.start();
    return readBack.error;
}

void AlertingService::stop()
{
    m_outbox.stop();
}

void AlertingService::onSnapshot(const monitor::MonitorSnapshot& snapshot, const AlertContext& context, int64_t nowMs)
{
    AlertUpdate update;
    {
        std::lock_guard lock(m_mutex);
        update = m_evaluator.evaluate(snapshot, context, nowMs);
    }
    m_outbox.submit(std::move(update));
}

void AlertingService::addSilence(Silence silence)
{
    {
        std::lock_guard lock(m_mutex);
        std::vector<Silence> silences = m_evaluator.silences();
        silences.push_back(silence);
        m_evaluator.setSilences(std::move(silences));
    }
    notifySilences();
    m_outbox.addSilence(std::move(silence));
}

void AlertingService::setSilencesListener(std::function<void(const std::vector<Silence>&)> listener)
{
    {
        std::lock_guard lock(m_mutex);
        m_silencesListener = std::move(listener);
    }
    notifySilences();
}

std::vector<Silence> AlertingService::silences() const
{
    std::lock_guard lock(m_mutex);
    return m_evaluator.silences();
}

void AlertingService::notifySilences()
{
    std::function<void(const std::vector<Silence>&)> listener;
    std::vector<Silence> silences;
    {
        std::lock_guard lock(m_mutex);
        listener = m_silencesListener;
        silences = m_evaluator.silences();
    }
    if (listener)
        listener(silences);
}

std::vector<RuleStatus> AlertingService::rules() const
{
    std::lock_guard lock(m_mutex);
    return m_evaluator.status();
}

AlertState AlertingService::worstState() const
{
    std::lock_guard lock(m_mutex);
    return m_evaluator.worstState();
}

nlohmann::ordered_json AlertingService::statusJson(int64_t nowMs) const
{
    std::vector<RuleStatus> rules;
    AlertState worst = AlertState::Normal;
    {
        std::lock_guard lock(m_mutex);
        rules = m_evaluator.status();
        worst = m_evaluator.worstState();
    }
    return alertsStatusJson(rules, worst, m_outbox.entries(), m_outbox.storeError(), nowMs);
}

} // namespace slatrack::alerting

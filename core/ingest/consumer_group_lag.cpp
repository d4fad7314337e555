#include "consumer_group_lag.hpp"

#include "broker_queries.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <set>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace slatrack::ingest {

namespace {

int64_t wallClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string partitionName(const std::string& topic, int32_t partition)
{
    return topic + "[" + std::to_string(partition) + "]";
}

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

struct QueueDeleter {
    void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
    void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
struct OptionsDeleter {
    void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
};
struct ListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
struct MessageDeleter {
    void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};

} // namespace

const char* lagTrendName(LagTrend trend)
{
    switch (trend) {
    case LagTrend::Unknown: return "unknown";
    case LagTrend::Steady: return "steady";
    case LagTrend::Growing: return "growing";
    case LagTrend::Shrinking: return "shrinking";
    }
    return "unknown";
}

const char* groupLagStateName(GroupLagState state)
{
    switch (state) {
    case GroupLagState::Ok: return "ok";
    case GroupLagState::CantJudge: return "cant_judge";
    case GroupLagState::UnknownGroup: return "unknown_group";
    }
    return "cant_judge";
}

LagTrend lagTrend(const std::deque<std::pair<int64_t, int64_t>>& samples)
{
    const size_t count = std::min(samples.size(), kTrendSamples);
    if (count < kMinTrendSamples)
        return LagTrend::Unknown;
    const size_t first = samples.size() - count;
    // Least squares over the window rather than last minus first: one read
    // taken just after a commit (or just before one) must not flip it.
    const double t0 = static_cast<double>(samples[first].first);
    double sumT = 0, sumL = 0;
    for (size_t sample_idx = first; sample_idx < samples.size(); ++sample_idx) {
        sumT += static_cast<double>(samples[sample_idx].first) - t0;
        sumL += static_cast<double>(samples[sample_idx].second);
    }
    const double n = static_cast<double>(count);
    const double meanT = sumT / n;
    const double meanL = sumL / n;
    double covariance = 0, variance = 0;
    for (size_t sample_idx = first; sample_idx < samples.size(); ++sample_idx) {
        const double dt = static_cast<double>(samples[sample_idx].first) - t0 - meanT;
        covariance += dt * (static_cast<double>(samples[sample_idx].second) - meanL);
        variance += dt * dt;
    }
    if (variance <= 0)
        return LagTrend::Unknown;  // all reads at one instant: no direction
    const double span = static_cast<double>(samples.back().first) - t0;
    const double change = covariance / variance * span;
    const double band = std::max(kSteadyMessages, kSteadyFraction * meanL);
    // The fit trails a turn by half its window: a backlog that has just
    // drained would still read "growing" for 15 s. A newest read that moved
    // against the fit by more than the band wins.
    const double lastStep = static_cast<double>(samples.back().second - samples[samples.size() - 2].second);
    if (change > band)
        return lastStep < -band ? LagTrend::Shrinking : LagTrend::Growing;
    if (change < -band)
        return lastStep > band ? LagTrend::Growing : LagTrend::Shrinking;
    return LagTrend::Steady;
}

ConsumerGroupLagReader::ConsumerGroupLagReader(const config::KafkaConfig& kafka, int timeoutMs, const std::atomic<bool>* stopping)
    : m_brokers(kafka.brokers), m_timeoutMs(timeoutMs), m_stopping(stopping)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& name, const std::string& value) {
        if (m_createError.empty() && rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
            m_createError = "kafka.properties[\"" + name + "\"]: " + error;
    };
    set("bootstrap.servers", kafka.brokers);
    for (const auto& [name, value] : kafka.properties)
        set(name, config::revealProperty(value));
    // Ours win over the pipeline's properties. Our own group id: assign()
    // needs one, and it must never be the pipeline's (see the header). We
    // never commit, never jump elsewhere when an offset is gone (an error
    // is the answer: "deleted by retention"), and stay quiet on stderr.
    set("group.id", (kafka.groupId.empty() ? std::string("slatrack") : kafka.groupId) + "-lag");
    set("client.id", "slatrack-lag");
    set("enable.auto.commit", "false");
    set("enable.auto.offset.store", "false");
    set("auto.offset.reset", "error");
    // One message per partition is all we want: keep fetches small.
    set("fetch.max.bytes", "1048576");
    set("max.partition.fetch.bytes", "65536");
    set("queued.max.messages.kbytes", "4096");
    set("log_level", "0");
    if (!m_createError.empty()) {
        rd_kafka_conf_destroy(conf);
        return;
    }
    m_handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!m_handle)
        m_createError = std::string("cannot create a Kafka client: ") + error;
}

ConsumerGroupLagReader::~ConsumerGroupLagReader()
{
    if (!m_handle)
        return;
    // Nothing assigned, nothing subscribed, nothing stored: closing commits
    // nothing and leaves no group.
    rd_kafka_consumer_close(m_handle);
    rd_kafka_destroy(m_handle);
}

void ConsumerGroupLagReader::pruneCache()
{
    for (auto it = m_firstUncommittedTime.begin(); it != m_firstUncommittedTime.end();) {
        if (!it->second.used) {
            it = m_firstUncommittedTime.erase(it);
        } else {
            it->second.used = false;
            ++it;
        }
    }
}

void ConsumerGroupLagReader::read(GroupLag& lag, int64_t nowMs)
{
    lag.partitions.clear();
    lag.messages = -1;
    lag.timeMs = -1;
    lag.unknownPartitions = 0;
    lag.readAtMs = nowMs;
    const auto cantJudge = [&](std::string why) {
        lag.state = GroupLagState::CantJudge;
        lag.why = std::move(why);
    };
    if (!m_handle)
        return cantJudge(m_createError);

    // 1. The topics' partitions, from an all-topics request (one naming a
    //    topic would create it on an auto-creating broker).
    const std::vector<TopicAnswer> topics = describeTopics(m_handle, lag.topics, m_timeoutMs);
    std::vector<std::string> missing;
    for (const TopicAnswer& answer : topics) {
        if (answer.requestError)
            return cantJudge("no answer from the brokers " + m_brokers + " within " + std::to_string(m_timeoutMs) + " ms (" +
                             rd_kafka_err2str(answer.requestError) + ")");
        if (answer.topicError) {
            missing.push_back(answer.topic + " (" + rd_kafka_err2str(answer.topicError) + ")");
            continue;
        }
        for (const auto& [partition, leader] : answer.partitions) {
            (void)leader;
            GroupPartitionLag entry;
            entry.topic = answer.topic;
            entry.partition = partition;
            lag.partitions.push_back(std::move(entry));
        }
    }
    if (!missing.empty())
        return cantJudge("topic " + joined(missing) + " not usable on " + m_brokers);
    const auto stopping = [this] { return m_stopping && m_stopping->load(); };
    if (stopping())
        return cantJudge("stopping");

    // 2. The group's committed offsets: OffsetFetch through the admin API,
    //    the only request that carries the pipeline's group name.
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> asked(rd_kafka_topic_partition_list_new(static_cast<int>(lag.partitions.size())));
    for (const GroupPartitionLag& entry : lag.partitions)
        rd_kafka_topic_partition_list_add(asked.get(), entry.topic.c_str(), entry.partition);
    {
        char error[256];
        std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(m_handle));
        std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(rd_kafka_AdminOptions_new(m_handle, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS));
        rd_kafka_AdminOptions_set_request_timeout(options.get(), m_timeoutMs, error, sizeof error);
        rd_kafka_ListConsumerGroupOffsets_t* request = rd_kafka_ListConsumerGroupOffsets_new(lag.group.c_str(), asked.get());
        rd_kafka_ListConsumerGroupOffsets(m_handle, &request, 1, options.get(), queue.get());
        rd_kafka_ListConsumerGroupOffsets_destroy(request);
        // The request times out by itself after m_timeoutMs; the margin
        // covers the coordinator lookup before it.
        // Waited for in slices so that a stop is not held up by a dead broker.
        const int64_t deadline = steadyClockMs() + 2 * m_timeoutMs + 1000;
        std::unique_ptr<rd_kafka_event_t, EventDeleter> event;
        while (!event && !stopping() && steadyClockMs() < deadline)
            event.reset(rd_kafka_queue_poll(queue.get(), 100));
        if (stopping())
            return cantJudge("stopping");
        if (!event)
            return cantJudge("no answer to OffsetFetch for group " + lag.group + " from " + m_brokers + " within " +
                             std::to_string(2 * m_timeoutMs + 1000) + " ms");
        if (rd_kafka_event_error(event.get()))
            return cantJudge("OffsetFetch for group " + lag.group + " failed: " + rd_kafka_event_error_string(event.get()));
        const rd_kafka_ListConsumerGroupOffsets_result_t* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
        size_t groupCount = 0;
        const rd_kafka_group_result_t** groups = result ? rd_kafka_ListConsumerGroupOffsets_result_groups(result, &groupCount) : nullptr;
        if (groupCount != 1)
            return cantJudge("OffsetFetch for group " + lag.group + " returned " + std::to_string(groupCount) + " groups");
        if (const rd_kafka_error_t* groupError = rd_kafka_group_result_error(groups[0]))
            return cantJudge("OffsetFetch for group " + lag.group + " failed: " + rd_kafka_error_string(groupError));
        const rd_kafka_topic_partition_list_t* committed = rd_kafka_group_result_partitions(groups[0]);
        for (GroupPartitionLag& entry : lag.partitions) {
            const rd_kafka_topic_partition_t* found =
                committed ? rd_kafka_topic_partition_list_find(committed, entry.topic.c_str(), entry.partition) : nullptr;
            if (!found)
                entry.why = "not in the OffsetFetch answer";
            else if (found->err)
                entry.why = std::string("OffsetFetch: ") + rd_kafka_err2str(found->err);
            else if (found->offset >= 0)
                entry.committed = found->offset;
            else
                entry.why = "group " + lag.group + " has no committed offset";
        }
    }
    if (std::none_of(lag.partitions.begin(), lag.partitions.end(), [](const GroupPartitionLag& entry) { return entry.committed >= 0; })) {
        // Kafka answers OffsetFetch for a group it has never heard of with
        // "no offset" per partition, not with an error: that is all we can
        // tell apart from a group that never committed.
        const auto failed = std::find_if(lag.partitions.begin(), lag.partitions.end(),
                                         [](const GroupPartitionLag& entry) { return entry.why.rfind("OffsetFetch", 0) == 0; });
        if (failed != lag.partitions.end())
            return cantJudge("group " + lag.group + ": " + partitionName(failed->topic, failed->partition) + ": " + failed->why);
        lag.state = GroupLagState::UnknownGroup;
        lag.why = "group " + lag.group + " has no committed offset on " + joined(lag.topics) +
                  " (no such group, a typo, or it never committed)";
        lag.unknownPartitions = lag.partitions.size();
        return;
    }

    // 3. Where each log ends now (ListOffsets latest, one request per call).
    std::vector<std::pair<std::string, int32_t>> ends;
    for (const GroupPartitionLag& entry : lag.partitions)
        if (entry.committed >= 0)
            ends.emplace_back(entry.topic, entry.partition);
    const ProbeAnswer probe = probeEnds(m_handle, ends, m_timeoutMs);
    if (stopping())
        return cantJudge("stopping");
    if (probe.error)
        return cantJudge("no answer about the end of " + joined(lag.topics) + " from " + m_brokers + " (ListOffsets: " +
                         rd_kafka_err2str(probe.error) + ")");
    std::vector<GroupPartitionLag*> wanted;
    for (GroupPartitionLag& entry : lag.partitions) {
        if (entry.committed < 0)
            continue;
        const auto end = std::find_if(probe.ends.begin(), probe.ends.end(),
                                      [&](const ProbeAnswer::End& e) { return e.topic == entry.topic && e.partition == entry.partition; });
        if (end == probe.ends.end() || end->error || end->offset < 0) {
            entry.why = "end of the log unknown" + (end != probe.ends.end() && end->error ? std::string(": ") + rd_kafka_err2str(end->error) : std::string());
            continue;
        }
        entry.highWatermark = end->offset;
        if (entry.committed > entry.highWatermark) {
            // Not a lag of 0: the topic was recreated, or the commit is bogus.
            entry.why = "committed offset " + std::to_string(entry.committed) + " is past the end of the log (" +
                        std::to_string(entry.highWatermark) + "): topic recreated?";
            continue;
        }
        entry.messages = entry.highWatermark - entry.committed;
        if (entry.messages == 0) {
            entry.timeMs = 0;
            continue;
        }
        const Key key{entry.topic, entry.partition, entry.committed};
        if (const auto cached = m_firstUncommittedTime.find(key); cached != m_firstUncommittedTime.end()) {
            cached->second.used = true;
            entry.timeMs = std::max<int64_t>(0, nowMs - cached->second.timestampMs);
            continue;
        }
        wanted.push_back(&entry);
    }
    if (!wanted.empty())
        readFirstUncommitted(wanted, nowMs);

    lag.state = GroupLagState::Ok;
    lag.why.clear();
    for (const GroupPartitionLag& entry : lag.partitions) {
        if (entry.messages < 0) {
            ++lag.unknownPartitions;
            continue;
        }
        lag.messages = std::max<int64_t>(lag.messages, 0) + entry.messages;
        if (entry.timeMs >= 0)
            lag.timeMs = std::max(lag.timeMs, entry.timeMs);
    }
    if (lag.messages < 0) {
        lag.state = GroupLagState::CantJudge;
        lag.why = "no partition's lag of group " + lag.group + " could be read: " + lag.partitions.front().why;
    }
}

void ConsumerGroupLagReader::readFirstUncommitted(std::vector<GroupPartitionLag*>& wanted, int64_t nowMs)
{
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> assignment(rd_kafka_topic_partition_list_new(static_cast<int>(wanted.size())));
    for (const GroupPartitionLag* entry : wanted)
        rd_kafka_topic_partition_list_add(assignment.get(), entry->topic.c_str(), entry->partition)->offset = entry->committed;
    if (const rd_kafka_resp_err_t err = rd_kafka_assign(m_handle, assignment.get())) {
        for (GroupPartitionLag* entry : wanted)
            entry->why = std::string("time lag unknown: assign: ") + rd_kafka_err2str(err);
        return;
    }
    std::set<GroupPartitionLag*> remaining(wanted.begin(), wanted.end());
    const auto find = [&](const rd_kafka_message_t& message) -> GroupPartitionLag* {
        if (!message.rkt)
            return nullptr;
        const char* topic = rd_kafka_topic_name(message.rkt);
        for (GroupPartitionLag* entry : remaining)
            if (entry->partition == message.partition && entry->topic == topic)
                return entry;
        return nullptr;
    };
    const int64_t deadline = steadyClockMs() + m_timeoutMs;
    while (!remaining.empty() && steadyClockMs() < deadline && !(m_stopping && m_stopping->load())) {
        const int waitMs = static_cast<int>(std::clamp<int64_t>(deadline - steadyClockMs(), 1, 100));
        std::unique_ptr<rd_kafka_message_t, MessageDeleter> message(rd_kafka_consumer_poll(m_handle, waitMs));
        if (!message)
            continue;
        GroupPartitionLag* entry = find(*message);
        if (!entry)
            continue;  // another partition's error, or a later message of one we have
        if (message->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || message->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
            entry->why = "time lag unknown: the first uncommitted message (offset " + std::to_string(entry->committed) +
                         ") is gone (deleted by retention)";
            remaining.erase(entry);
            continue;
        }
        if (message->err)
            continue;  // transport errors: librdkafka retries; the deadline decides
        if (message->offset < entry->committed)
            continue;
        rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        const int64_t timestamp = rd_kafka_message_timestamp(message.get(), &type);
        if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0) {
            entry->why = "time lag unknown: " + partitionName(entry->topic, entry->partition) + "@" + std::to_string(message->offset) +
                         " carries no timestamp";
        } else {
            // Offset >= committed: a transaction marker or a compacted hole
            // at the committed offset makes the next message the first one.
            m_firstUncommittedTime[Key{entry->topic, entry->partition, entry->committed}] = CachedTime{timestamp, true};
            entry->timeMs = std::max<int64_t>(0, nowMs - timestamp);
        }
        remaining.erase(entry);
    }
    for (GroupPartitionLag* entry : remaining)
        entry->why = "time lag unknown: the first uncommitted message (offset " + std::to_string(entry->committed) + ") did not arrive within " +
                     std::to_string(m_timeoutMs) + " ms";
    rd_kafka_assign(m_handle, nullptr);
}

bool ConsumerGroupLagPoller::wanted(const config::PipelineConfig& config)
{
    return std::any_of(config.stages.begin(), config.stages.end(), [](const config::StageConfig& stage) { return !stage.consumerGroups.empty(); });
}

ConsumerGroupLagPoller::ConsumerGroupLagPoller(const config::PipelineConfig& config, LagPollerOptions options)
    : m_kafka(config.kafka), m_options(std::move(options))
{
    for (size_t stage_idx = 0; stage_idx < config.stages.size(); ++stage_idx) {
        for (const std::string& group : config.stages[stage_idx].consumerGroups) {
            GroupLag target;
            target.group = group;
            target.stage = static_cast<int>(stage_idx);
            target.stageName = config.stages[stage_idx].name;
            target.topics = config.stages[stage_idx].topics;
            m_targets.push_back(std::move(target));
        }
    }
    m_latest = m_targets;
}

ConsumerGroupLagPoller::~ConsumerGroupLagPoller() { stop(); }

void ConsumerGroupLagPoller::start()
{
    if (m_targets.empty() || m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_thread = std::thread([this] { run(); });
}

void ConsumerGroupLagPoller::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::vector<GroupLag> ConsumerGroupLagPoller::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

void ConsumerGroupLagPoller::run()
{
#if defined(__linux__)
    // Named so that per-thread CPU figures (slatrack-bench ui, top -H) can
    // tell it from the consumer and engine threads.
    pthread_setname_np(pthread_self(), "slatrack-lag");
#endif
    // The client is made here, not in the constructor: creating it resolves
    // and connects, which must not hold up the monitor's start.
    m_reader = std::make_unique<ConsumerGroupLagReader>(m_kafka, m_options.timeoutMs, &m_stop);
    if (!m_reader->createError().empty() && m_options.log)
        m_options.log("pipeline lag: " + m_reader->createError());
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        lock.unlock();
        try {
            pollOnce();
        } catch (const std::exception& error) {
            // A failed read is reported in the next one; never let it end the thread.
            if (m_options.log)
                m_options.log(std::string("pipeline lag: ") + error.what());
        }
        lock.lock();
        m_wake.wait_for(lock, std::chrono::milliseconds(m_options.intervalMs), [this] { return m_stop.load(); });
    }
    lock.unlock();
    m_reader.reset();
}

void ConsumerGroupLagPoller::pollOnce()
{
    for (size_t target_idx = 0; target_idx < m_targets.size(); ++target_idx) {
        if (m_stop)
            return;
        GroupLag lag = m_targets[target_idx];
        m_reader->read(lag, wallClockMs());
        if (m_stop)
            return;  // a read cut short says "stopping", which is not news
        // The trend is of reads that knew the lag; an unreadable read leaves
        // a gap rather than a made-up 0.
        const std::string groupKey = std::to_string(lag.stage) + "/" + lag.group;
        const auto trendOf = [&](const std::string& key, int64_t messages) {
            auto& samples = m_history[key];
            if (messages >= 0) {
                samples.emplace_back(lag.readAtMs, messages);
                while (samples.size() > kTrendSamples)
                    samples.pop_front();
            }
            return lagTrend(samples);
        };
        if (lag.state == GroupLagState::Ok && lag.unknownPartitions == 0)
            lag.trend = trendOf(groupKey, lag.messages);
        for (GroupPartitionLag& partition : lag.partitions)
            partition.trend = trendOf(groupKey + "/" + partitionName(partition.topic, partition.partition), partition.messages);
        std::lock_guard lock(m_mutex);
        m_latest[target_idx] = std::move(lag);
    }
    m_reader->pruneCache();
}

} // namespace slatrack::ingest

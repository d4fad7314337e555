#include "kafka_source.hpp"

#include "broker_queries.hpp"
#include "record_extractor.hpp"
#include "stage_health.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace slatrack::ingest {

namespace {

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int kMetadataTimeoutMs = 5000;
constexpr int kPollTimeoutMs = 50;
constexpr size_t kPollBatch = 4096;
constexpr int64_t kLagRefreshMs = 250;
constexpr size_t kMaxSamplesPerBatch = 4;
constexpr int64_t kRestartBackoffMs = 1000;
// End-of-log probes (ListOffsets), one in flight per leader broker. Every
// 200 ms keeps a proof younger than kProofValidMs on a healthy network.
constexpr int64_t kProbeIntervalMs = 200;
// librdkafka 2.0's fetcher stops fetching while the prefetch queue is over
// its budget and looks again only at its next wakeup (a request to send,
// socket I/O, or its ~1 s serve timeout), not when the queue is drained;
// 2.1 added fetch.queue.backoff.ms for this, Debian 12 has 2.0.2. Any
// request to a broker wakes that broker's thread, so when a backlog has
// been eaten down to a few polls' worth the end-of-log probe is sent at once
// instead of at its next interval: the fetcher looks again while there is
// still something queued, and the byte budget can stay small without
// stalling the consumer. At most one per leader in flight, and one every
// kNudgeIntervalMs, so a consumer that keeps pace sends ~100 small
// ListOffsets a second at worst (and none once it is caught up: only a
// full poll starts a backlog).
constexpr size_t kNudgeBelowMessages = 3 * 4096;
constexpr int64_t kNudgeIntervalMs = 10;
// A partition counts as caught up until this long after the answer that
// showed its log ending at or below our position, plus that answer's round
// trip (an answer after 2 s on a slow network is still an answer, and the
// next one comes 2 s later). It bounds how far the engine's watermark
// (which runs with the wall clock while caught up) can run ahead of what
// was proven: once a broker freezes, records can look older than they are
// by at most kProofValidMs + 2 x the last round trip before the partition
// stops counting (0.6 s on a healthy network: three probe intervals, so a
// late probe thread on a busy machine does not make it flap).
constexpr int64_t kProofValidMs = 600;
// A push to the BatchQueue that blocked this long was backpressure: the
// consumer was not reading, so silence meanwhile is not the broker's.
constexpr int64_t kBackpressureMs = 50;
// Audit: how long a topic may be reported missing before it is an error
// (a topic created just before the audit may take a moment to appear).
constexpr int64_t kMissingTopicGraceMs = 3000;

// Defaults tuned for a monitor; the config's kafka.properties override them.
// The prefetch is a byte budget for the whole consumer, not a message count:
// with one consumer queue (partitions forwarded to it) librdkafka applies
// these to that queue, so a slower extraction or engine holds at most ~2 MB
// of payload plus one fetch response (at most 1 MB) instead of growing with
// the backlog (1M queued messages made 364-417 MB, issue #9).
// queued.min.messages is only a backstop for tiny messages, where the
// per-message overhead (~300 B) and not the payload is the memory. A budget
// this small only keeps pace because of the early end-of-log probe
// (kNudgeBelowMessages): without it librdkafka 2.0's fetcher sits on a full
// queue until its next wakeup. Measured with slatrack-bench ingest (500k
// pairs, 64 partitions, jemalloc, same run as kcat, 2 cores): 2 MB gave
// 1.25x kcat on the JSON and header paths at 81-86 MB peak RSS; 1 MB
// 0.93-0.99x; without the probe, 2 MB gave 0.36x.
const std::pair<const char*, const char*> kConsumerDefaults[] = {
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    {"enable.partition.eof", "true"},
    {"auto.offset.reset", "earliest"},
    {"queued.max.messages.kbytes", "2048"},
    {"fetch.max.bytes", "1048576"},
    {"queued.min.messages", "200000"},
    {"fetch.wait.max.ms", "100"},
    {"statistics.interval.ms", "1000"},
    {"reconnect.backoff.max.ms", "2000"},
    {"client.id", "slatrack"},
};

} // namespace

namespace {

template <typename T>
bool ready(const std::future<T>& future)
{
    return future.valid() && future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

} // namespace

// One librdkafka consumer instance; recreated on failure.
class KafkaSource::Consumer {
public:
    Consumer(KafkaSource& owner) : m_owner(owner)
    {
        char error[512];
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        auto set = [&](const std::string& name, const std::string& value) {
            if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
                rd_kafka_conf_destroy(conf);
                throw std::invalid_argument("kafka.properties[\"" + name + "\"]: " + error);
            }
        };
        for (const auto& [name, value] : kConsumerDefaults)
            set(name, value);
        set("bootstrap.servers", owner.m_config.kafka.brokers);
        set("group.id", owner.m_config.kafka.groupId);
        for (const auto& [name, value] : owner.m_config.kafka.properties)
            set(name, config::revealProperty(value));
        rd_kafka_conf_set_opaque(conf, this);
        rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int code, const char* reason, void* opaque) {
            static_cast<Consumer*>(opaque)->onError(static_cast<rd_kafka_resp_err_t>(code), reason);
        });
        // librdkafka's own log lines go through our log, prefixed, instead
        // of straight to stderr.
        rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* handle, int level, const char* facility, const char* text) {
            auto* self = static_cast<Consumer*>(rd_kafka_opaque(handle));
            if (!self || level > 4)  // warnings and worse; connection chatter is level 6
                return;
            self->m_owner.log(std::string("kafka ") + facility + ": " + text);
            // Errors (e.g. "Connect to ipv4#127.0.0.1:1 failed: Connection
            // refused") arrive here at once, long before a metadata request
            // times out: the status shows the operator why at once too.
            if (level <= 3)
                self->m_owner.setStatus([&](SourceStatus& status) { status.lastError = text; });
        });
        rd_kafka_conf_set_stats_cb(conf, [](rd_kafka_t*, char* json, size_t length, void* opaque) {
            static_cast<Consumer*>(opaque)->onStats(std::string_view(json, length));
            return 0;  // librdkafka frees json
        });
        m_handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
        if (!m_handle) {
            rd_kafka_conf_destroy(conf);
            throw std::invalid_argument(std::string("cannot create Kafka consumer: ") + error);
        }
        rd_kafka_poll_set_consumer(m_handle);
        m_queue = rd_kafka_queue_get_consumer(m_handle);
        for (size_t stage_idx = 0; stage_idx < owner.m_config.stages.size(); ++stage_idx) {
            m_extractors.emplace_back(owner.m_config.stages[stage_idx], owner.m_config.idFormat);
            for (const std::string& topic : owner.m_config.stages[stage_idx].topics)
                m_topics.push_back(topic);
        }
        m_blindAfterMs = std::max<int64_t>(1, owner.m_config.blindAfter.count());
        // Long enough for a slow network (an answer after 2 s is still an
        // answer), short enough that stopping does not hang on a frozen broker.
        m_probeTimeoutMs = static_cast<int>(std::clamp<int64_t>(m_blindAfterMs, 1000, 10'000));
    }

    ~Consumer()
    {
        // Positions already moved past these events: hand them over even
        // when the consumer dies, or a restart would lose them.
        flush();
        // Helper threads use the handle: they finish (bounded by their
        // timeouts) before it goes.
        for (auto& [leader, probe] : m_probes)
            if (probe.valid())
                probe.wait();
        if (m_metadataTask.valid())
            m_metadataTask.wait();
        if (m_queue)
            rd_kafka_queue_destroy(m_queue);
        if (m_handle) {
            rd_kafka_consumer_close(m_handle);
            rd_kafka_destroy(m_handle);
        }
    }

    // Finds every partition of every topic (retrying while the brokers are
    // unreachable) and assigns them at their start offsets. A topic the
    // brokers say does not exist is not waited for: live, its stage is
    // blind with that reason and the periodic metadata refresh picks it up
    // once it exists; in an audit it is an error naming it.
    bool assignAll()
    {
        PartitionTracker& tracker = m_owner.m_tracker;
        std::vector<TopicAnswer> answers;
        const int64_t firstTryMs = steadyMs();
        for (;;) {
            answers = describeTopics(m_handle, m_topics, kMetadataTimeoutMs);
            bool complete = true, missing = false;
            for (const TopicAnswer& answer : answers) {
                if (answer.requestError) {
                    noteError("metadata for topic \"" + answer.topic + "\": " + rd_kafka_err2str(answer.requestError) + " (retrying)");
                    complete = false;
                } else if (answer.topicError) {
                    missing = true;
                }
            }
            if (complete && missing && m_owner.m_options.stopAtStartHighWatermarks && steadyMs() - firstTryMs < kMissingTopicGraceMs)
                complete = false;
            if (complete)
                break;
            if (m_owner.m_stop)
                return false;
            if (m_owner.m_injectFailure.exchange(false))
                throw std::runtime_error("injected consumer failure");
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        m_owner.setStatus([](SourceStatus& status) { status.connected = true; });

        std::vector<std::tuple<int, std::string, int32_t, int32_t>> found;
        for (const TopicAnswer& answer : answers) {
            if (answer.topicError) {
                noteMissing(answer);
                continue;
            }
            for (const auto& [partition, leader] : answer.partitions)
                found.emplace_back(stageOf(answer.topic), answer.topic, partition, leader);
        }
        if (m_owner.m_options.stopAtStartHighWatermarks && !m_missingTopics.empty())
            throw std::invalid_argument(m_missingTopics.begin()->second);

        preRegisterResumed(found);
        rd_kafka_topic_partition_list_t* byTime = rd_kafka_topic_partition_list_new(static_cast<int>(std::max<size_t>(1, found.size())));
        for (const auto& [stage, topic, partition, leader] : found) {
            PartitionTracker::Partition& part = tracker.add(stage, topic, partition);
            part.leader = leader;
            if (part.position >= 0)
                continue;  // a restart: resume where we were
            if (part.startOffset != -1)
                continue;  // resumed from a snapshot (preRegisterResumed)
            if (auto resume = m_owner.m_options.startOffsets.find({topic, partition}); resume != m_owner.m_options.startOffsets.end()) {
                part.startOffset = resume->second;
                continue;
            }
            rd_kafka_topic_partition_list_add(byTime, topic.c_str(), partition)->offset = m_owner.m_options.fromMs;
        }
        if (byTime->cnt > 0)
            positionByTime(byTime);
        rd_kafka_topic_partition_list_destroy(byTime);

        rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(std::max<size_t>(1, found.size())));
        IngestBatch flags;
        for (auto& part : tracker.partitions()) {
            int64_t low = 0, high = 0;
            if (rd_kafka_query_watermark_offsets(m_handle, part.topic.c_str(), part.partition, &low, &high, kMetadataTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                if (part.startHighWatermark < 0 && !part.discovered)
                    part.startHighWatermark = high;
                part.highWatermark = high;
                if (part.startOffset == RD_KAFKA_OFFSET_BEGINNING || part.startOffset < low)
                    part.startOffset = low;
                if (part.startOffset == RD_KAFKA_OFFSET_END || part.startOffset > high)
                    part.startOffset = high;
                part.lastResponseMs = steadyMs();  // these queries take a round trip each
            }
            const int64_t from = part.position >= 0 ? part.position : part.startOffset;
            rd_kafka_topic_partition_list_add(assignment, part.topic.c_str(), part.partition)->offset = from;
            part.caughtUp = false;
            flags.flags.push_back(PartitionFlag{static_cast<uint8_t>(part.stage), part.index, false, false});
        }
        const int64_t now = steadyMs();
        for (auto& part : tracker.partitions())
            part.assignedAtMs = now;
        const rd_kafka_resp_err_t error = rd_kafka_assign(m_handle, assignment);
        rd_kafka_topic_partition_list_destroy(assignment);
        if (error)
            throw std::runtime_error(std::string("assigning partitions failed: ") + rd_kafka_err2str(error));
        pushWithPositions(std::move(flags));
        m_lastMetadataMs = now;
        m_owner.setStatus([&](SourceStatus& status) { status.started = true; });
        publishStatus();
        return true;
    }

    // One poll: consume what is there, convert, hand over full batches;
    // between polls, the end-of-log probes and the metadata refresh.
    void pollOnce()
    {
        if (m_owner.m_injectFailure.exchange(false))
            throw std::runtime_error("injected consumer failure");
        rd_kafka_message_t* messages[kPollBatch];
        const ssize_t count = rd_kafka_consume_batch_queue(m_queue, kPollTimeoutMs, messages, kPollBatch);
        const int64_t now = wallMs();
        const int64_t steadyNow = steadyMs();
        for (ssize_t message_idx = 0; message_idx < count; ++message_idx) {
            handle(messages[message_idx], now, steadyNow);
            rd_kafka_message_destroy(messages[message_idx]);
        }
        if (const char* fatal = fatalError())
            throw std::runtime_error(fatal);
        if (static_cast<size_t>(count) == kPollBatch)
            m_backlog = true;
        bool nudge = false;
        if (m_backlog && static_cast<size_t>(rd_kafka_queue_length(m_queue)) < kNudgeBelowMessages && steadyNow - m_lastNudgeMs >= kNudgeIntervalMs) {
            nudge = true;
            m_backlog = false;
            m_lastNudgeMs = steadyNow;
            m_owner.m_statusCounters.fetchNudges++;
        }
        serviceProbes(steadyNow, nudge);
        refreshProofs(steadyNow);
        if (steadyNow - m_lastLagRefresh >= kLagRefreshMs) {
            publishStatus();
            m_lastLagRefresh = steadyNow;
        }
        if (!m_batch.empty() && (m_batch.events.size() >= m_owner.m_options.maxEventsPerBatch ||
                                 steadyNow - m_batchStartedMs >= m_owner.m_options.maxBatchDelayMs || count == 0))
            flush();
    }

    void flush()
    {
        if (m_batch.empty())
            return;
        const int64_t before = steadyMs();
        pushWithPositions(std::move(m_batch));
        const int64_t after = steadyMs();
        if (after - before >= kBackpressureMs)
            m_resumedAtMs = after;
        m_batch = IngestBatch{};
        m_samplesInBatch = 0;
    }

    // Every batch leaves with the positions after it (ingest_batch.hpp):
    // the messages it holds are exactly those before them.
    void pushWithPositions(IngestBatch batch)
    {
        const auto& parts = m_owner.m_tracker.partitions();
        batch.positions.reserve(parts.size());
        for (const auto& part : parts)
            batch.positions.push_back(PartitionPosition{part.topic, part.partition, static_cast<uint8_t>(part.stage), part.index, part.nextOffset()});
        m_owner.m_output.push(std::move(batch));
    }

    // A snapshot's partitions get their stage-local indexes first, in the
    // order it knew them, so the restored engine's per-partition clocks and
    // the records' partitions mean the same partitions again. One the
    // brokers no longer list is skipped (and said).
    void preRegisterResumed(const std::vector<std::tuple<int, std::string, int32_t, int32_t>>& found)
    {
        std::vector<PartitionPosition> resume = m_owner.m_options.resume;
        if (resume.empty() || !m_owner.m_tracker.partitions().empty())
            return;  // nothing to resume, or a consumer restart (the tracker knows them)
        std::sort(resume.begin(), resume.end(), [](const PartitionPosition& a, const PartitionPosition& b) {
            return std::tie(a.stage, a.index) < std::tie(b.stage, b.index);
        });
        for (const PartitionPosition& point : resume) {
            const bool listed = std::any_of(found.begin(), found.end(), [&](const auto& entry) {
                return std::get<1>(entry) == point.topic && std::get<2>(entry) == point.partition;
            });
            if (!listed) {
                m_owner.log("resume: " + point.topic + "[" + std::to_string(point.partition) + "] is no longer listed by the brokers; not resumed");
                continue;
            }
            PartitionTracker::Partition& part = m_owner.m_tracker.add(point.stage, point.topic, point.partition);
            if (part.index != point.index)
                m_owner.log("resume: " + point.topic + "[" + std::to_string(point.partition) + "] gets index " + std::to_string(part.index) +
                            ", the snapshot knew it as " + std::to_string(point.index) + " (a partition before it vanished)");
            if (point.nextOffset != -1)
                part.startOffset = point.nextOffset;
        }
    }

    // Copies progress, counters and health into the source's status.
    void publishStatus()
    {
        PartitionTracker& tracker = m_owner.m_tracker;
        const int stageCount = static_cast<int>(m_owner.m_config.stages.size());
        const int64_t now = steadyMs();
        auto lag = tracker.lag();
        for (size_t part_idx = 0; part_idx < lag.size(); ++part_idx) {
            const auto& part = tracker.partitions()[part_idx];
            lag[part_idx].lastResponseAgeMs = part.lastResponseMs >= 0 ? now - part.lastResponseMs : -1;
        }
        HealthInputs inputs;
        inputs.nowMs = now;
        inputs.resumedAtMs = m_resumedAtMs;
        inputs.stageCount = stageCount;
        inputs.partitions = &tracker.partitions();
        inputs.brokers = &m_brokers;
        inputs.topicProblems.resize(static_cast<size_t>(stageCount));
        for (const auto& [topic, problem] : m_missingTopics)
            inputs.topicProblems[static_cast<size_t>(stageOf(topic))].push_back(problem);
        for (const auto& stage : m_owner.m_config.stages) {
            std::string topics;
            for (const auto& topic : stage.topics)
                topics += (topics.empty() ? "" : ", ") + topic;
            inputs.stageTopics.push_back(topics);
        }
        HealthPolicy policy;
        policy.blindAfterMs = m_blindAfterMs;
        policy.behindThresholdMs = m_owner.m_config.behindThreshold.count();
        const auto health = m_owner.m_healthHistory.update(judgeStageHealth(inputs, policy), wallMs());
        const auto replay = tracker.replayProgress(stageCount);
        const auto events = tracker.eventsPerStage(stageCount);
        const bool replayDone = tracker.reachedStartTargets();
        const uint64_t consumed = m_owner.m_statusCounters.consumed;
        const uint64_t skipped = m_owner.m_statusCounters.skipped;
        const uint64_t nudges = m_owner.m_statusCounters.fetchNudges;
        std::vector<std::string> missing;
        for (const auto& [topic, problem] : m_missingTopics)
            missing.push_back(problem);
        m_owner.setStatus([&](SourceStatus& status) {
            status.partitions = std::move(lag);
            status.replay = replay;
            status.replayDone = replayDone;
            status.consumed = consumed;
            status.skippedOutOfRange = skipped;
            status.fetchNudges = nudges;
            status.health = health;
            status.eventsPerStage = events;
            status.missingTopics = missing;
        });
    }

private:
    int stageOf(const std::string& topic) const
    {
        for (size_t stage_idx = 0; stage_idx < m_owner.m_config.stages.size(); ++stage_idx)
            for (const auto& name : m_owner.m_config.stages[stage_idx].topics)
                if (name == topic)
                    return static_cast<int>(stage_idx);
        return 0;
    }

    void noteMissing(const TopicAnswer& answer)
    {
        const std::string problem = "topic \"" + answer.topic + "\" (stage \"" + m_owner.m_config.stages[static_cast<size_t>(stageOf(answer.topic))].name +
                                    "\") does not exist on " + m_owner.m_config.kafka.brokers + ": " + rd_kafka_err2str(answer.topicError);
        if (m_missingTopics.emplace(answer.topic, problem).second)
            m_owner.log(problem);
    }

    // Collects finished probes and metadata refreshes, starts due ones.
    // `nudge`: start the due-or-not probes now (kNudgeBelowMessages).
    void serviceProbes(int64_t now, bool nudge = false)
    {
        for (auto& [leader, probe] : m_probes)
            if (ready(probe))
                applyProbe(probe.get());
        if (ready(m_metadataTask))
            applyMetadata(m_metadataTask.get());

        std::map<int32_t, std::vector<std::pair<std::string, int32_t>>> byLeader;
        for (const auto& part : m_owner.m_tracker.partitions())
            byLeader[part.leader].emplace_back(part.topic, part.partition);
        for (auto& [leader, partitions] : byLeader) {
            auto& probe = m_probes[leader];
            if (probe.valid() || (!nudge && now - m_lastProbeMs[leader] < kProbeIntervalMs))
                continue;
            m_lastProbeMs[leader] = now;
            probe = std::async(std::launch::async, probeEnds, m_handle, std::move(partitions), m_probeTimeoutMs);
        }
        if (!m_metadataTask.valid() && now - m_lastMetadataMs >= m_owner.m_options.metadataRefreshMs) {
            m_lastMetadataMs = now;
            m_metadataTask = std::async(std::launch::async, describeTopics, m_handle, m_topics, m_probeTimeoutMs);
        }
    }

    void applyProbe(const ProbeAnswer& answer)
    {
        if (answer.error) {
            // Named in the partitions' health should they go blind.
            for (const auto& [topic, partition] : answer.asked)
                if (PartitionTracker::Partition* part = m_owner.m_tracker.find(topic, partition))
                    part->lastError = std::string("end-of-log query: ") + rd_kafka_err2str(answer.error);
            return;
        }
        for (const auto& end : answer.ends) {
            PartitionTracker::Partition* part = m_owner.m_tracker.find(end.topic, end.partition);
            if (!part)
                continue;
            if (end.error || end.offset < 0) {
                part->lastError = std::string("end-of-log query: ") + rd_kafka_err2str(end.error);
                continue;
            }
            part->lastResponseMs = std::max(part->lastResponseMs, answer.receivedAtMs);
            part->highWatermark = end.offset;
            // The log ended here when the question was asked (sentAt), not
            // when the answer came.
            if (answer.sentAtMs >= part->provenAtMs) {
                part->provenAtMs = answer.sentAtMs;
                part->provenEnd = end.offset;
                part->proofExpiresMs = answer.receivedAtMs + kProofValidMs + (answer.receivedAtMs - answer.sentAtMs);
            }
        }
    }

    void applyMetadata(const std::vector<TopicAnswer>& answers)
    {
        PartitionTracker& tracker = m_owner.m_tracker;
        rd_kafka_topic_partition_list_t* added = rd_kafka_topic_partition_list_new(4);
        IngestBatch flags;
        const int64_t now = steadyMs();
        for (const TopicAnswer& answer : answers) {
            if (answer.requestError)
                continue;  // learnt nothing; the probes tell whether the brokers answer
            if (answer.topicError) {
                noteMissing(answer);
                continue;
            }
            if (m_missingTopics.erase(answer.topic) > 0)
                m_owner.log("topic \"" + answer.topic + "\" exists now");
            for (const auto& [partition, leader] : answer.partitions) {
                if (PartitionTracker::Partition* known = tracker.find(answer.topic, partition)) {
                    known->leader = leader;
                    continue;
                }
                // New since start: everything in it is new, so it is read
                // from its beginning (older records are still skipped by
                // time) and is not part of the replay.
                m_lastPartition = nullptr;  // the tracker's vector may move
                m_lastTopic = nullptr;
                PartitionTracker::Partition& part = tracker.add(stageOf(answer.topic), answer.topic, partition);
                part.leader = leader;
                part.discovered = true;
                part.startOffset = RD_KAFKA_OFFSET_BEGINNING;
                part.assignedAtMs = now;
                rd_kafka_topic_partition_list_add(added, answer.topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
                flags.flags.push_back(PartitionFlag{static_cast<uint8_t>(part.stage), part.index, false, false});
            }
        }
        if (added->cnt > 0) {
            m_owner.log("found " + std::to_string(added->cnt) + " new partition(s), reading them from the beginning");
            if (rd_kafka_error_t* error = rd_kafka_incremental_assign(m_handle, added)) {
                const std::string text = rd_kafka_error_string(error);
                rd_kafka_error_destroy(error);
                rd_kafka_topic_partition_list_destroy(added);
                throw std::runtime_error("assigning new partitions failed: " + text);
            }
            // The engine learns of them before any of their records, so
            // they hold their stage's watermark until proven.
            flush();
            pushWithPositions(std::move(flags));
        }
        rd_kafka_topic_partition_list_destroy(added);
    }

    // Caught up = a broker answer that has not expired (kProofValidMs) put
    // the end of the log at or below our position. Sent to the engine on
    // every change.
    void refreshProofs(int64_t now)
    {
        for (auto& part : m_owner.m_tracker.partitions()) {
            const int64_t next = part.nextOffset();
            const bool proven = part.provenAtMs >= 0 && now <= part.proofExpiresMs && next >= 0 && next >= part.provenEnd;
            if (proven)
                part.lastCaughtUpMs = now;
            if (proven != part.caughtUp)
                setCaughtUp(part, proven);
        }
    }

    void positionByTime(rd_kafka_topic_partition_list_t* list)
    {
        const rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(m_handle, list, kMetadataTimeoutMs);
        int fallback = 0;
        for (int entry_idx = 0; entry_idx < list->cnt; ++entry_idx) {
            const rd_kafka_topic_partition_t& entry = list->elems[entry_idx];
            PartitionTracker::Partition* part = m_owner.m_tracker.find(entry.topic, entry.partition);
            if (!error && !entry.err && entry.offset >= 0) {
                part->startOffset = entry.offset;
            } else {
                // -1 is also the honest answer when all data is older; reading
                // from the beginning and skipping older records is right in
                // both cases, only slower.
                part->startOffset = RD_KAFKA_OFFSET_BEGINNING;
                ++fallback;
            }
        }
        if (fallback > 0)
            m_owner.log("offsetsForTimes gave no offset for " + std::to_string(fallback) + " of " + std::to_string(list->cnt) +
                        " partitions (the librdkafka mock cluster does not implement it" + (error ? std::string(": ") + rd_kafka_err2str(error) : std::string()) +
                        "); reading them from the beginning and skipping records older than " + std::to_string(m_owner.m_options.fromMs) + " ms");
    }

    void handle(rd_kafka_message_t* message, int64_t now, int64_t steadyNow)
    {
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // A fetch response at the end of the log, just now: a proof.
            if (auto* part = partitionOf(message)) {
                part->position = message->offset;
                part->lastResponseMs = steadyNow;
                part->provenAtMs = steadyNow;
                part->provenEnd = message->offset;
                part->proofExpiresMs = steadyNow + kProofValidMs;
                part->highWatermark = std::max(part->highWatermark, message->offset);
            }
            markConnected();
            return;
        }
        if (message->err) {
            const std::string text = std::string(rd_kafka_err2str(message->err)) +
                                     (message->rkt ? " on " + std::string(rd_kafka_topic_name(message->rkt)) + "[" + std::to_string(message->partition) + "]" : std::string());
            if (auto* part = partitionOf(message))
                part->lastError = text;
            noteError(text);
            return;
        }
        markConnected();
        PartitionTracker::Partition* part = partitionOf(message);
        if (!part)
            return;
        part->position = message->offset + 1;
        part->lastResponseMs = steadyNow;
        part->lastMessageMs = steadyNow;
        m_owner.m_statusCounters.consumed++;

        RawMessage raw;
        raw.key = std::string_view(static_cast<const char*>(message->key), message->key_len);
        raw.value = std::string_view(static_cast<const char*>(message->payload), message->len);
        rd_kafka_timestamp_type_t timestampType;
        raw.kafkaTimestampMs = rd_kafka_message_timestamp(message, &timestampType);
        rd_kafka_headers_t* headers = nullptr;
        if (m_owner.m_config.stages[static_cast<size_t>(part->stage)].id.kind == config::IdSource::Kind::Header &&
            rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR)
            raw.headers = headers;

        if (m_batch.empty())
            m_batchStartedMs = steadyNow;
        const ExtractResult result = m_extractors[static_cast<size_t>(part->stage)].extract(raw, now, m_batch.arena);
        if (!result.ok) {
            Rejection rejection;
            rejection.stage = static_cast<uint8_t>(part->stage);
            rejection.reason = result.reason;
            rejection.timeMs = raw.kafkaTimestampMs >= 0 ? raw.kafkaTimestampMs : now;
            if (m_samplesInBatch++ < kMaxSamplesPerBatch)
                rejection.sample = part->topic + "[" + std::to_string(part->partition) + "]@" + std::to_string(message->offset) + ": " +
                                   engine::rejectReasonName(result.reason) + ": " + result.detail;
            m_batch.rejections.push_back(std::move(rejection));
            return;
        }
        if (result.timeMs < m_owner.m_options.fromMs || (m_owner.m_options.toMs && result.timeMs >= *m_owner.m_options.toMs)) {
            m_owner.m_statusCounters.skipped++;
            return;
        }
        part->events++;
        engine::Event event;
        event.id = result.id;
        event.eventTimeMs = result.timeMs;
        event.stage = static_cast<uint8_t>(part->stage);
        event.partition = part->index;
        event.offset = message->offset;
        event.setLogTime(raw.kafkaTimestampMs);
        m_batch.events.push_back(event);
    }

    PartitionTracker::Partition* partitionOf(rd_kafka_message_t* message)
    {
        if (!message->rkt)
            return nullptr;
        // Batches come a partition at a time: remember the last hit.
        if (message->rkt == m_lastTopic && message->partition == m_lastPartitionId && m_lastPartition)
            return m_lastPartition;
        m_lastTopic = message->rkt;
        m_lastPartitionId = message->partition;
        m_lastPartition = lookupPartition(message);
        return m_lastPartition;
    }

    PartitionTracker::Partition* lookupPartition(rd_kafka_message_t* message)
    {
        if (message->partition < 0)
            return nullptr;
        auto& byPartition = m_topicCache[message->rkt];
        const auto partition = static_cast<size_t>(message->partition);
        if (partition >= byPartition.size())
            byPartition.resize(partition + 1, kUnknown);
        // Indexes, not pointers: the tracker's vector grows when partitions
        // are discovered.
        if (byPartition[partition] == kUnknown) {
            PartitionTracker::Partition* found = m_owner.m_tracker.find(rd_kafka_topic_name(message->rkt), message->partition);
            if (!found)
                return nullptr;
            byPartition[partition] = static_cast<size_t>(found - m_owner.m_tracker.partitions().data());
        }
        return &m_owner.m_tracker.partitions()[byPartition[partition]];
    }

    void setCaughtUp(PartitionTracker::Partition& part, bool caughtUp)
    {
        part.caughtUp = caughtUp;
        if (m_batch.empty())
            m_batchStartedMs = steadyMs();
        m_batch.flags.push_back(PartitionFlag{static_cast<uint8_t>(part.stage), part.index, caughtUp, false});
    }

    void markConnected()
    {
        if (!m_connected) {
            m_connected = true;
            m_owner.setStatus([](SourceStatus& status) { status.connected = true; });
        }
    }

    void noteError(const std::string& text)
    {
        m_owner.setStatus([&](SourceStatus& status) { status.lastError = text; });
    }

    void onError(rd_kafka_resp_err_t code, const char* reason)
    {
        if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__RESOLVE) {
            m_connected = false;
            m_owner.setStatus([&](SourceStatus& status) {
                status.connected = false;
                status.lastError = reason;
            });
        } else {
            noteError(reason);
        }
        m_owner.log(std::string("kafka: ") + rd_kafka_err2name(code) + ": " + reason);
    }

    // Broker states from librdkafka's statistics: the positive signal that a
    // broker is back (errors only ever report that one went away). A broker
    // counts as up only if it also sent something within blind_after: a
    // frozen broker (SIGSTOP) keeps its TCP connection, so its state stays
    // "UP" while rxidle grows. Called on the consumer thread (the stats
    // callback is served by the consumer queue poll).
    void onStats(std::string_view json)
    {
        const nlohmann::json stats = nlohmann::json::parse(json, nullptr, false);
        if (stats.is_discarded() || !stats.contains("brokers") || !stats["brokers"].is_object())
            return;
        bool anyUp = false;
        for (const auto& [name, broker] : stats["brokers"].items()) {
            if (!broker.is_object())
                continue;
            const int32_t nodeId = broker.value("nodeid", -1);
            // Bootstrap entries have no id; the coordinator entry is a
            // second, logical view of a broker listed under its own name.
            if (nodeId < 0 || broker.value("source", "") == "logical" || name.rfind("GroupCoordinator", 0) == 0)
                continue;
            BrokerView view;
            view.name = broker.value("name", name);
            view.state = broker.value("state", "");
            const int64_t rxIdleUs = broker.value("rxidle", int64_t{-1});
            view.rxIdleMs = rxIdleUs < 0 ? -1 : rxIdleUs / 1000;
            if (view.state == "UP" && view.rxIdleMs >= 0 && view.rxIdleMs < m_blindAfterMs)
                anyUp = true;
            m_brokers[nodeId] = std::move(view);
        }
        m_connected = anyUp;
        m_owner.setStatus([&](SourceStatus& status) {
            status.connected = anyUp;
            if (!anyUp && status.lastError.empty())
                status.lastError = "no broker sent anything for " + std::to_string(m_blindAfterMs) + " ms";
        });
    }

    const char* fatalError()
    {
        char reason[512];
        if (rd_kafka_fatal_error(m_handle, reason, sizeof reason) == RD_KAFKA_RESP_ERR_NO_ERROR)
            return nullptr;
        m_fatal = reason;
        return m_fatal.c_str();
    }

    static constexpr size_t kUnknown = SIZE_MAX;

    KafkaSource& m_owner;
    rd_kafka_t* m_handle = nullptr;
    rd_kafka_queue_t* m_queue = nullptr;
    std::vector<RecordExtractor> m_extractors;
    std::vector<std::string> m_topics;  // every configured topic, stage order
    std::unordered_map<rd_kafka_topic_t*, std::vector<size_t>> m_topicCache;  // -> tracker index
    rd_kafka_topic_t* m_lastTopic = nullptr;
    int32_t m_lastPartitionId = -1;
    PartitionTracker::Partition* m_lastPartition = nullptr;
    IngestBatch m_batch;
    int64_t m_batchStartedMs = 0;
    size_t m_samplesInBatch = 0;
    int64_t m_lastLagRefresh = 0;
    bool m_connected = false;
    std::string m_fatal;
    int64_t m_blindAfterMs = 5000;
    int m_probeTimeoutMs = 5000;
    std::map<int32_t, std::future<ProbeAnswer>> m_probes;  // by leader broker id
    std::map<int32_t, int64_t> m_lastProbeMs;
    bool m_backlog = false;  // a full poll since the last nudge
    int64_t m_lastNudgeMs = 0;
    std::future<std::vector<TopicAnswer>> m_metadataTask;
    int64_t m_lastMetadataMs = 0;
    std::map<std::string, std::string> m_missingTopics;  // topic -> why
    std::map<int32_t, BrokerView> m_brokers;             // from statistics
    int64_t m_resumedAtMs = -1;
};

KafkaSource::KafkaSource(config::PipelineConfig config, SourceOptions options, BatchQueue& output)
    : m_config(std::move(config)), m_options(std::move(options)), m_output(output)
{
}

KafkaSource::~KafkaSource() { stop(); }

void KafkaSource::start()
{
    m_stop = false;
    setStatus([this](SourceStatus& status) { status.lastError = "connecting to " + m_config.kafka.brokers; });
    m_thread = std::thread([this] { run(); });
}

void KafkaSource::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

SourceStatus KafkaSource::status() const
{
    std::lock_guard lock(m_statusMutex);
    return m_status;
}

void KafkaSource::setStatus(const std::function<void(SourceStatus&)>& change)
{
    std::lock_guard lock(m_statusMutex);
    change(m_status);
}

void KafkaSource::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
}

void KafkaSource::run()
{
    while (!m_stop) {
        try {
            Consumer consumer(*this);
            if (!consumer.assignAll())
                return;
            while (!m_stop) {
                consumer.pollOnce();
                if (m_options.stopAtStartHighWatermarks && m_tracker.reachedStartTargets()) {
                    consumer.flush();
                    // Final counters before "finished": a reader that waits
                    // for finished gets them exact, not 250 ms old.
                    consumer.publishStatus();
                    setStatus([](SourceStatus& status) {
                        status.finished = true;
                        status.replayDone = true;
                    });
                    return;
                }
            }
            consumer.flush();
            consumer.publishStatus();
            return;
        } catch (const std::invalid_argument& error) {
            // Configuration errors do not heal by retrying.
            log(std::string("kafka consumer cannot start: ") + error.what());
            setStatus([&](SourceStatus& status) {
                status.fatalError = error.what();
                status.finished = true;
            });
            return;
        } catch (const std::exception& error) {
            log(std::string("kafka consumer failed, restarting in 1 s: ") + error.what());
            setStatus([&](SourceStatus& status) {
                ++status.restarts;
                status.lastError = error.what();
            });
            for (int64_t waited = 0; waited < kRestartBackoffMs && !m_stop; waited += 50)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

} // namespace slatrack::ingest

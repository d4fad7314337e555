#include "kafka_source.hpp"

#include "record_extractor.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
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
constexpr int64_t kLagRefreshMs = 500;
constexpr size_t kMaxSamplesPerBatch = 4;
constexpr int64_t kRestartBackoffMs = 1000;

// Defaults tuned for a monitor; the config's kafka.properties override them.
// The prefetch is a byte budget for the whole consumer, not a message count:
// with one consumer queue (partitions forwarded to it) librdkafka applies
// these to that queue. A slower extraction or engine then holds at most
// ~16 MB of payload (about 60 MB of librdkafka's memory for ~100-byte
// messages, measured: peak RSS ~145 MB on slatrack-bench ingest's JSON path)
// plus one fetch response of at most 1 MB, instead of growing with the
// backlog (1M queued messages made 364-417 MB, issue #9). queued.min.messages
// is only a backstop for tiny messages, where the per-message overhead
// (~300 B) and not the payload is the memory. Smaller budgets stall:
// librdkafka 2.0's fetcher, once the queue is over a threshold, sleeps up to
// 1 s before looking again (fetch.queue.backoff.ms only arrived in 2.1), so
// the queue must hold more than the consumer eats between two looks. 8 MB
// measured ~105 MB peak RSS but 0.35-0.5x kcat's rate on the JSON and header
// paths, 16 MB 0.86x and 0.73x (same run, 2 cores, load ~4).
const std::pair<const char*, const char*> kConsumerDefaults[] = {
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    {"enable.partition.eof", "true"},
    {"auto.offset.reset", "earliest"},
    {"queued.max.messages.kbytes", "16384"},
    {"fetch.max.bytes", "1048576"},
    {"queued.min.messages", "200000"},
    {"fetch.wait.max.ms", "100"},
    {"statistics.interval.ms", "1000"},
    {"reconnect.backoff.max.ms", "2000"},
    {"client.id", "slatrack"},
};

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
        for (size_t stage_idx = 0; stage_idx < owner.m_config.stages.size(); ++stage_idx)
            m_extractors.emplace_back(owner.m_config.stages[stage_idx], owner.m_config.idFormat);
    }

    ~Consumer()
    {
        // Positions already moved past these events: hand them over even
        // when the consumer dies, or a restart would lose them.
        flush();
        if (m_queue)
            rd_kafka_queue_destroy(m_queue);
        if (m_handle) {
            rd_kafka_consumer_close(m_handle);
            rd_kafka_destroy(m_handle);
        }
    }

    // Finds every partition of every topic (retrying while the brokers are
    // unreachable) and assigns them at their start offsets.
    bool assignAll()
    {
        PartitionTracker& tracker = m_owner.m_tracker;
        std::vector<std::tuple<int, std::string, int32_t>> found;
        for (size_t stage_idx = 0; stage_idx < m_owner.m_config.stages.size(); ++stage_idx) {
            for (const std::string& topic : m_owner.m_config.stages[stage_idx].topics) {
                std::vector<int32_t> partitions;
                while (!fetchPartitions(topic, partitions)) {
                    if (m_owner.m_stop)
                        return false;
                    if (m_owner.m_injectFailure.exchange(false))
                        throw std::runtime_error("injected consumer failure");
                }
                for (int32_t partition : partitions)
                    found.emplace_back(static_cast<int>(stage_idx), topic, partition);
            }
        }

        rd_kafka_topic_partition_list_t* byTime = rd_kafka_topic_partition_list_new(static_cast<int>(found.size()));
        for (const auto& [stage, topic, partition] : found) {
            PartitionTracker::Partition& part = tracker.add(stage, topic, partition);
            if (part.position >= 0)
                continue;  // a restart: resume where we were
            if (auto resume = m_owner.m_options.startOffsets.find({topic, partition}); resume != m_owner.m_options.startOffsets.end()) {
                part.startOffset = resume->second;
                continue;
            }
            rd_kafka_topic_partition_list_add(byTime, topic.c_str(), partition)->offset = m_owner.m_options.fromMs;
        }
        if (byTime->cnt > 0)
            positionByTime(byTime);
        rd_kafka_topic_partition_list_destroy(byTime);

        rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(found.size()));
        IngestBatch flags;
        for (auto& part : tracker.partitions()) {
            int64_t low = 0, high = 0;
            if (rd_kafka_query_watermark_offsets(m_handle, part.topic.c_str(), part.partition, &low, &high, kMetadataTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                if (part.startHighWatermark < 0)
                    part.startHighWatermark = high;
                part.highWatermark = high;
                if (part.startOffset == RD_KAFKA_OFFSET_BEGINNING || part.startOffset < low)
                    part.startOffset = low;
                if (part.startOffset == RD_KAFKA_OFFSET_END || part.startOffset > high)
                    part.startOffset = high;
            }
            const int64_t from = part.position >= 0 ? part.position : part.startOffset;
            rd_kafka_topic_partition_list_add(assignment, part.topic.c_str(), part.partition)->offset = from;
            part.caughtUp = false;
            flags.flags.push_back(PartitionFlag{static_cast<uint8_t>(part.stage), part.index, false, false});
        }
        const rd_kafka_resp_err_t error = rd_kafka_assign(m_handle, assignment);
        rd_kafka_topic_partition_list_destroy(assignment);
        if (error)
            throw std::runtime_error(std::string("assigning partitions failed: ") + rd_kafka_err2str(error));
        m_owner.m_output.push(std::move(flags));
        m_owner.setStatus([&](SourceStatus& status) { status.started = true; });
        return true;
    }

    // One poll: consume what is there, convert, hand over full batches.
    void pollOnce()
    {
        if (m_owner.m_injectFailure.exchange(false))
            throw std::runtime_error("injected consumer failure");
        rd_kafka_message_t* messages[kPollBatch];
        const ssize_t count = rd_kafka_consume_batch_queue(m_queue, kPollTimeoutMs, messages, kPollBatch);
        const int64_t now = wallMs();
        for (ssize_t message_idx = 0; message_idx < count; ++message_idx) {
            handle(messages[message_idx], now);
            rd_kafka_message_destroy(messages[message_idx]);
        }
        if (const char* fatal = fatalError())
            throw std::runtime_error(fatal);
        const int64_t steadyNow = steadyMs();
        if (steadyNow - m_lastLagRefresh >= kLagRefreshMs) {
            refreshLag();
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
        m_owner.m_output.push(std::move(m_batch));
        m_batch = IngestBatch{};
        m_samplesInBatch = 0;
    }

private:
    bool fetchPartitions(const std::string& topic, std::vector<int32_t>& partitions)
    {
        rd_kafka_topic_t* handle = rd_kafka_topic_new(m_handle, topic.c_str(), nullptr);
        const rd_kafka_metadata_t* metadata = nullptr;
        const rd_kafka_resp_err_t error = rd_kafka_metadata(m_handle, 0, handle, &metadata, kMetadataTimeoutMs);
        rd_kafka_topic_destroy(handle);
        if (error) {
            noteError("metadata for topic \"" + topic + "\": " + rd_kafka_err2str(error));
            return false;
        }
        bool ok = false;
        if (metadata->topic_cnt == 1 && !metadata->topics[0].err && metadata->topics[0].partition_cnt > 0) {
            for (int partition_idx = 0; partition_idx < metadata->topics[0].partition_cnt; ++partition_idx)
                partitions.push_back(metadata->topics[0].partitions[partition_idx].id);
            ok = true;
        } else {
            const rd_kafka_resp_err_t topicError = metadata->topic_cnt == 1 ? metadata->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            noteError("topic \"" + topic + "\": " + rd_kafka_err2str(topicError) + " (retrying)");
        }
        rd_kafka_metadata_destroy(metadata);
        if (ok)
            m_owner.setStatus([](SourceStatus& status) { status.connected = true; });
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return ok;
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

    void handle(rd_kafka_message_t* message, int64_t now)
    {
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (auto* part = partitionOf(message)) {
                part->position = message->offset;
                setCaughtUp(*part, true);
            }
            markConnected();
            return;
        }
        if (message->err) {
            noteError(std::string(rd_kafka_err2str(message->err)) + (message->rkt ? " on " + std::string(rd_kafka_topic_name(message->rkt)) : std::string()));
            return;
        }
        markConnected();
        PartitionTracker::Partition* part = partitionOf(message);
        if (!part)
            return;
        part->position = message->offset + 1;
        if (part->caughtUp)
            setCaughtUp(*part, false);
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
            m_batchStartedMs = steadyMs();
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
        engine::Event event;
        event.id = result.id;
        event.eventTimeMs = result.timeMs;
        event.stage = static_cast<uint8_t>(part->stage);
        event.partition = part->index;
        event.offset = message->offset;
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
        auto& byPartition = m_topicCache[message->rkt];
        if (byPartition.empty())
            byPartition.resize(1);
        const auto partition = static_cast<size_t>(message->partition);
        if (partition >= byPartition.size())
            byPartition.resize(partition + 1, nullptr);
        if (!byPartition[partition])
            byPartition[partition] = m_owner.m_tracker.find(rd_kafka_topic_name(message->rkt), message->partition);
        return byPartition[partition];
    }

    void setCaughtUp(PartitionTracker::Partition& part, bool caughtUp)
    {
        part.caughtUp = caughtUp;
        if (m_batch.empty())
            m_batchStartedMs = steadyMs();
        m_batch.flags.push_back(PartitionFlag{static_cast<uint8_t>(part.stage), part.index, caughtUp, false});
    }

    void refreshLag()
    {
        for (auto& part : m_owner.m_tracker.partitions()) {
            int64_t low = 0, high = 0;
            if (rd_kafka_get_watermark_offsets(m_handle, part.topic.c_str(), part.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0)
                part.highWatermark = high;
        }
        const auto lag = m_owner.m_tracker.lag();
        const auto replay = m_owner.m_tracker.replayProgress(static_cast<int>(m_owner.m_config.stages.size()));
        const bool replayDone = m_owner.m_tracker.reachedStartTargets();
        const uint64_t consumed = m_owner.m_statusCounters.consumed;
        const uint64_t skipped = m_owner.m_statusCounters.skipped;
        m_owner.setStatus([&](SourceStatus& status) {
            status.partitions = lag;
            status.replay = replay;
            status.replayDone = replayDone;
            status.consumed = consumed;
            status.skippedOutOfRange = skipped;
        });
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
    // broker is back (errors only ever report that one went away).
    void onStats(std::string_view json)
    {
        const nlohmann::json stats = nlohmann::json::parse(json, nullptr, false);
        if (stats.is_discarded() || !stats.contains("brokers"))
            return;
        bool anyUp = false;
        for (const auto& [name, broker] : stats["brokers"].items())
            if (broker.value("nodeid", -1) >= 0 && broker.value("state", "") == "UP")
                anyUp = true;
        m_connected = anyUp;
        m_owner.setStatus([&](SourceStatus& status) { status.connected = anyUp; });
    }

    const char* fatalError()
    {
        char reason[512];
        if (rd_kafka_fatal_error(m_handle, reason, sizeof reason) == RD_KAFKA_RESP_ERR_NO_ERROR)
            return nullptr;
        m_fatal = reason;
        return m_fatal.c_str();
    }

    KafkaSource& m_owner;
    rd_kafka_t* m_handle = nullptr;
    rd_kafka_queue_t* m_queue = nullptr;
    std::vector<RecordExtractor> m_extractors;
    std::unordered_map<rd_kafka_topic_t*, std::vector<PartitionTracker::Partition*>> m_topicCache;
    rd_kafka_topic_t* m_lastTopic = nullptr;
    int32_t m_lastPartitionId = -1;
    PartitionTracker::Partition* m_lastPartition = nullptr;
    IngestBatch m_batch;
    int64_t m_batchStartedMs = 0;
    size_t m_samplesInBatch = 0;
    int64_t m_lastLagRefresh = 0;
    bool m_connected = false;
    std::string m_fatal;
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
                    setStatus([](SourceStatus& status) {
                        status.finished = true;
                        status.replayDone = true;
                    });
                    return;
                }
            }
            consumer.flush();
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

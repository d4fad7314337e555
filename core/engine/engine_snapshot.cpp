#include "engine_snapshot.hpp"

#include "join_engine.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

namespace slatrack::engine {

namespace {

constexpr uint64_t kMagic = 0x31504e534b544c53ULL;     // "SLTKSNP1"
constexpr uint64_t kEndMagic = 0x444e454b4e534b53ULL;  // "SKSNKEND"
// Sanity bounds for counts read from the file, checked before anything is
// sized by them: far above what a valid engine holds (kMaxOpenRecords is
// 2^31; a dedup table is at most a few times its entries).
constexpr uint64_t kMaxTableCapacity = uint64_t{1} << 36;
constexpr uint64_t kMaxTables = uint64_t{1} << 24;
constexpr uint64_t kMaxSlots = uint64_t{1} << 33;
constexpr uint64_t kMaxTextBytes = uint64_t{1} << 24;
constexpr uint64_t kMaxPartitions = 65536;
constexpr uint64_t kMaxBuckets = uint64_t{1} << 22;
constexpr uint64_t kMaxLost = uint64_t{1} << 32;

// A hash that does not depend on how the bytes are cut into calls: each
// put()/get() hashes its own bytes and length, and encoder and decoder make
// the same calls in the same order.
uint64_t mixIn(uint64_t hash, const char* data, size_t size)
{
    size_t at = 0;
    for (; at + 8 <= size; at += 8) {
        uint64_t word;
        std::memcpy(&word, data + at, 8);
        hash = (hash ^ word) * 0x9e3779b97f4a7c15ULL;
        hash ^= hash >> 29;
    }
    uint64_t tail = size;
    for (; at < size; ++at)
        tail = (tail << 8) | static_cast<unsigned char>(data[at]);
    hash = (hash ^ tail) * 0xbf58476d1ce4e5b9ULL;
    return hash ^ (hash >> 31);
}

class Writer {
public:
    Writer(SnapshotSink& sink, char* buffer, size_t size) : m_sink(sink), m_buffer(buffer), m_size(size) {}

    void put(const void* data, size_t size)
    {
        m_hash = mixIn(m_hash, static_cast<const char*>(data), size);
        raw(data, size);
    }
    template <typename T>
    void value(const T& item)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        put(&item, sizeof(T));
    }
    void u64(uint64_t item) { value(item); }
    void i64(int64_t item) { value(item); }
    void text(std::string_view item)
    {
        u64(item.size());
        put(item.data(), item.size());
    }
    bool finish()
    {
        const uint64_t hash = m_hash;
        const uint64_t total = m_total;
        raw(&kEndMagic, sizeof(kEndMagic));
        raw(&total, sizeof(total));
        raw(&hash, sizeof(hash));
        flush();
        return m_ok;
    }

private:
    void raw(const void* data, size_t size)
    {
        const char* from = static_cast<const char*>(data);
        m_total += size;
        while (size > 0 && m_ok) {
            if (m_used == m_size)
                flush();
            const size_t take = std::min(size, m_size - m_used);
            std::memcpy(m_buffer + m_used, from, take);
            m_used += take;
            from += take;
            size -= take;
        }
    }
    void flush()
    {
        if (m_used > 0 && m_ok)
            m_ok = m_sink.write(m_buffer, m_used);
        m_used = 0;
    }

    SnapshotSink& m_sink;
    char* m_buffer;
    size_t m_size;
    size_t m_used = 0;
    uint64_t m_total = 0;
    uint64_t m_hash = 0x736c617472616b31ULL;
    bool m_ok = true;
};

// Thrown inside decoding only, caught by decodeEngineState.
struct DecodeError {
    std::string what;
};

class Reader {
public:
    explicit Reader(SnapshotSource& source) : m_source(source) {}

    void get(void* data, size_t size, const char* what)
    {
        raw(data, size, what);
        m_hash = mixIn(m_hash, static_cast<const char*>(data), size);
    }
    template <typename T>
    T value(const char* what)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        T item;
        get(&item, sizeof(T), what);
        return item;
    }
    uint64_t u64(const char* what) { return value<uint64_t>(what); }
    int64_t i64(const char* what) { return value<int64_t>(what); }
    uint64_t count(const char* what, uint64_t max)
    {
        const uint64_t item = u64(what);
        if (item > max)
            throw DecodeError{std::string(what) + ": " + std::to_string(item) + " is more than a valid engine holds (" + std::to_string(max) + ")"};
        return item;
    }
    std::string text(const char* what)
    {
        const uint64_t size = count(what, kMaxTextBytes);
        std::string item(size, '\0');
        get(item.data(), size, what);
        return item;
    }
    void finish()
    {
        const uint64_t hash = m_hash;
        const uint64_t total = m_total;
        uint64_t magic = 0, storedTotal = 0, storedHash = 0;
        raw(&magic, sizeof(magic), "trailer");
        raw(&storedTotal, sizeof(storedTotal), "trailer");
        raw(&storedHash, sizeof(storedHash), "trailer");
        if (magic != kEndMagic || storedTotal != total)
            throw DecodeError{"trailer: not where the sections end (truncated or corrupt)"};
        if (storedHash != hash)
            throw DecodeError{"trailer: checksum mismatch (the snapshot is corrupt)"};
    }

private:
    void raw(void* data, size_t size, const char* what)
    {
        if (!m_source.read(static_cast<char*>(data), size))
            throw DecodeError{std::string("ends early, in ") + what + " (after " + std::to_string(m_total) + " bytes)"};
        m_total += size;
    }

    SnapshotSource& m_source;
    uint64_t m_total = 0;
    uint64_t m_hash = 0x736c617472616b31ULL;
};

} // namespace

// Friend of every engine structure it reads (see the friend declarations):
// the snapshot must carry their private bookkeeping, which no public
// accessor should expose.
struct EngineStateAccess {
    // -- plain pieces -------------------------------------------------------
    static void put(Writer& out, const LatencyHistogram& histogram)
    {
        out.u64(histogram.m_bins.empty() ? 0 : 1);
        if (!histogram.m_bins.empty())
            out.put(histogram.m_bins.data(), histogram.m_bins.size() * sizeof(uint64_t));
        out.u64(histogram.m_count);
        out.u64(histogram.m_negative);
        out.i64(histogram.m_min);
        out.i64(histogram.m_max);
        out.i64(histogram.m_sum);
    }
    static void get(Reader& in, LatencyHistogram& histogram)
    {
        const uint64_t hasBins = in.count("histogram bins flag", 1);
        histogram.m_bins.clear();
        if (hasBins) {
            histogram.m_bins.assign(LatencyHistogram::kBinCount, 0);
            in.get(histogram.m_bins.data(), histogram.m_bins.size() * sizeof(uint64_t), "histogram bins");
        }
        histogram.m_count = in.u64("histogram count");
        histogram.m_negative = in.u64("histogram negatives");
        histogram.m_min = in.i64("histogram min");
        histogram.m_max = in.i64("histogram max");
        histogram.m_sum = in.i64("histogram sum");
    }

    static void put(Writer& out, const std::vector<StageCounters>& counters)
    {
        out.u64(counters.size());
        for (const StageCounters& stage : counters)
            out.value(stage);
    }
    static void get(Reader& in, std::vector<StageCounters>& counters, size_t stages, const char* what)
    {
        if (in.u64(what) != stages)
            throw DecodeError{std::string(what) + ": not one per stage"};
        counters.assign(stages, StageCounters{});
        for (StageCounters& stage : counters)
            stage = in.value<StageCounters>(what);
    }

    static void put(Writer& out, const MetricBucket& bucket)
    {
        out.i64(bucket.second);
        put(out, bucket.stages);
        put(out, bucket.endToEnd);
        out.u64(bucket.hops.size());
        for (const LatencyHistogram& hop : bucket.hops)
            put(out, hop);
    }
    static void get(Reader& in, MetricBucket& bucket, size_t stages)
    {
        bucket.second = in.i64("metric bucket second");
        get(in, bucket.stages, stages, "metric bucket counters");
        get(in, bucket.endToEnd);
        const uint64_t hops = in.u64("metric bucket hops");
        if (hops != (stages > 2 ? stages : 0))
            throw DecodeError{"metric bucket hops: wrong count for the stages"};
        bucket.hops.assign(hops, LatencyHistogram{});
        for (LatencyHistogram& hop : bucket.hops)
            get(in, hop);
    }

    static void put(Writer& out, const MetricBuckets& metrics)
    {
        out.i64(metrics.m_retentionSeconds);
        out.u64(metrics.m_keepExpired ? 1 : 0);
        out.u64(metrics.m_buckets.size());
        for (const MetricBucket& bucket : metrics.m_buckets)
            put(out, bucket);
        put(out, metrics.m_older);
        out.u64(metrics.m_expired.size());
        for (const MetricBucket& bucket : metrics.m_expired)
            put(out, bucket);
    }
    static void get(Reader& in, MetricBuckets& metrics, size_t stages)
    {
        if (in.i64("metric retention") != metrics.m_retentionSeconds)
            throw DecodeError{"metric retention differs from the engine's"};
        metrics.m_keepExpired = in.count("metric keep-expired flag", 1) != 0;
        metrics.m_buckets.clear();
        const uint64_t buckets = in.count("metric buckets", kMaxBuckets);
        for (uint64_t bucket_idx = 0; bucket_idx < buckets; ++bucket_idx) {
            MetricBucket bucket;
            get(in, bucket, stages);
            if (!metrics.m_buckets.empty() && bucket.second != metrics.m_buckets.back().second + 1)
                throw DecodeError{"metric buckets: seconds not contiguous at bucket " + std::to_string(bucket_idx)};
            metrics.m_buckets.push_back(std::move(bucket));
        }
        get(in, metrics.m_older, stages);
        const uint64_t expired = in.count("expired metric buckets", kMaxBuckets);
        metrics.m_expired.clear();
        for (uint64_t bucket_idx = 0; bucket_idx < expired; ++bucket_idx) {
            MetricBucket bucket;
            get(in, bucket, stages);
            metrics.m_expired.push_back(std::move(bucket));
        }
        metrics.m_cached = nullptr;  // pointed into the old deque
        metrics.m_cachedFromMs = 0;
    }

    static void put(Writer& out, const StageClock& clock)
    {
        out.u64(clock.m_stages.size());
        for (const StageClock::Stage& stage : clock.m_stages) {
            out.i64(stage.watermarkMs);
            out.u64(stage.partitions.size());
            for (const StageClock::Partition& part : stage.partitions) {
                out.i64(part.newestMs);
                out.u64((part.known ? 1u : 0u) | (part.caughtUp ? 2u : 0u));
            }
        }
    }
    static void get(Reader& in, StageClock& clock, size_t stages)
    {
        if (in.u64("stage clocks") != stages)
            throw DecodeError{"stage clocks: not one per stage"};
        for (StageClock::Stage& stage : clock.m_stages) {
            stage.watermarkMs = in.i64("watermark");
            stage.partitions.assign(in.count("stage clock partitions", kMaxPartitions), StageClock::Partition{});
            for (StageClock::Partition& part : stage.partitions) {
                part.newestMs = in.i64("partition newest time");
                const uint64_t flags = in.count("partition flags", 3);
                part.known = (flags & 1u) != 0;
                part.caughtUp = (flags & 2u) != 0;
            }
        }
    }

    static void put(Writer& out, const LostRecord& lost)
    {
        out.text(lost.id);
        out.i64(lost.t0Ms);
        out.i64(lost.lastStage);
        out.i64(lost.awaitingStage);
        out.u64(lost.partition);
        out.i64(lost.offset);
        out.i64(lost.lostAtMs);
        out.u64(static_cast<uint64_t>(lost.reason));
    }
    static void get(Reader& in, LostRecord& lost, size_t stages)
    {
        lost.id = in.text("lost record id");
        lost.t0Ms = in.i64("lost record t0");
        lost.lastStage = static_cast<int>(in.count("lost record last stage", stages - 1));
        lost.awaitingStage = static_cast<int>(in.count("lost record awaiting stage", stages - 1));
        lost.partition = static_cast<uint16_t>(in.count("lost record partition", UINT16_MAX));
        lost.offset = in.i64("lost record offset");
        lost.lostAtMs = in.i64("lost record time");
        lost.reason = static_cast<LostReason>(in.count("lost record reason", static_cast<uint64_t>(LostReason::Overflow)));
    }

    // -- tables ---------------------------------------------------------------
    template <typename Value>
    static void put(Writer& out, const LinearProbeMap<Value>& map)
    {
        out.u64(map.m_capacity);
        out.u64(map.m_size);
        // Live entries only, in slot order; an empty slot costs nothing.
        for (size_t idx = 0; idx < map.m_capacity; ++idx) {
            if (map.m_keys[idx] == 0)
                continue;
            out.u64(map.m_keys[idx]);
            out.value(map.m_values[idx]);
        }
    }
    // `check(value)` returns an error text or null.
    template <typename Value, typename Check>
    static void get(Reader& in, LinearProbeMap<Value>& map, const char* what, Check&& check)
    {
        const uint64_t capacity = in.count(what, kMaxTableCapacity);
        const uint64_t size = in.u64(what);
        if (capacity < LinearProbeMap<Value>::kMinCapacity || static_cast<double>(size) > LinearProbeMap<Value>::kMaxLoad * static_cast<double>(capacity) + 1)
            throw DecodeError{std::string(what) + ": " + std::to_string(size) + " entries do not fit a table of " + std::to_string(capacity)};
        // Same capacity as the original: inserting the same keys then never
        // grows it, and its later growth and shrinking happen at the same points.
        map = LinearProbeMap<Value>(capacity);
        for (uint64_t entry_idx = 0; entry_idx < size; ++entry_idx) {
            const uint64_t key = in.u64(what);
            const Value item = in.template value<Value>(what);
            if (key == 0 || map.find(key) != LinearProbeMap<Value>::kNotFound)
                throw DecodeError{std::string(what) + ": key " + (key == 0 ? "0" : "repeated") + " at entry " + std::to_string(entry_idx)};
            if (const char* problem = check(item))
                throw DecodeError{std::string(what) + ": " + problem + " at entry " + std::to_string(entry_idx)};
            map.valueAt(map.insertNew(key)) = item;
        }
    }

    static void put(Writer& out, const OutcomeTable& table)
    {
        put(out, table.m_table);
        out.u64(table.m_filtered ? 1 : 0);
        out.i64(table.m_minSeconds);
        out.i64(table.m_maxSeconds);
    }
    static void get(Reader& in, OutcomeTable& table)
    {
        get(in, table.m_table, "dedup table", [](uint64_t) -> const char* { return nullptr; });
        table.m_filtered = in.count("dedup filter flag", 1) != 0;
        table.m_minSeconds = in.i64("dedup table min second");
        table.m_maxSeconds = in.i64("dedup table max second");
        table.rebuildFilter();
    }

    // Slots as they are (compact word << 32 | low key bits), live ones only.
    static void put(Writer& out, const SecondOutcomeTable& table)
    {
        out.u64(table.m_capacity);
        out.u64(table.m_size);
        out.i64(table.m_minSeconds);
        out.i64(table.m_maxSeconds);
        for (size_t idx = 0; idx < table.m_capacity; ++idx)
            if (const uint64_t slot = table.m_slots[idx])
                out.u64(slot);
    }
    static void get(Reader& in, SecondOutcomeTable& table)
    {
        const char* what = "dedup table (per second)";
        const uint64_t capacity = in.count(what, kMaxTableCapacity);
        const uint64_t size = in.u64(what);
        if (capacity < SecondOutcomeTable::kMinCapacity || static_cast<double>(size) > SecondOutcomeTable::kMaxLoad * static_cast<double>(capacity) + 1)
            throw DecodeError{std::string(what) + ": " + std::to_string(size) + " entries do not fit a table of " + std::to_string(capacity)};
        table.allocate(capacity);
        table.m_minSeconds = in.i64("dedup table min second");
        table.m_maxSeconds = in.i64("dedup table max second");
        for (uint64_t entry_idx = 0; entry_idx < size; ++entry_idx) {
            const uint64_t slot = in.u64(what);
            const auto word = static_cast<uint32_t>(slot >> 32);
            const auto at = [&](const char* problem) { return DecodeError{std::string(what) + ": " + problem + " at entry " + std::to_string(entry_idx)}; };
            if (!SecondOutcomeTable::validWord(word))
                throw at("not an outcome word");
            if (table.m_second == 0 && static_cast<uint32_t>(slot) == 0)
                throw at("key 0");
            if (table.find(slot) != SecondOutcomeTable::kNotFound)
                throw at("key repeated");
            const int64_t seconds = table.secondsOf(word);
            if (seconds < table.m_minSeconds || seconds > table.m_maxSeconds)
                throw at("outcome second outside the table's bounds");
            table.place(slot);
            ++table.m_size;
        }
    }

    template <typename Table>
    static void putPartitionScalars(Writer& out, const SecondPartitions<Table>& parts)
    {
        out.i64(parts.m_maxAgeSeconds);
        out.i64(parts.m_newest);
        out.i64(parts.m_referenceSecond);
        out.i64(parts.m_generalMin);
        out.i64(parts.m_generalMax);
        out.u64(parts.m_tables.size());
    }
    template <typename Table>
    static uint64_t getPartitionScalars(Reader& in, SecondPartitions<Table>& parts)
    {
        if (in.i64("partition max age") != parts.m_maxAgeSeconds)
            throw DecodeError{"per-second tables: maximum age differs from the engine's"};
        parts.m_newest = in.i64("newest second");
        parts.m_referenceSecond = in.i64("reference second");
        parts.m_generalMin = in.i64("general table min second");
        parts.m_generalMax = in.i64("general table max second");
        parts.m_tables.clear();
        parts.m_cache.fill(typename SecondPartitions<Table>::CacheSlot{});  // pointed at the old tables
        return in.count("per-second tables", kMaxTables);
    }

    static void put(Writer& out, const OpenTable& open)
    {
        out.i64(open.m_streamSecond);
        out.u64(open.m_size);
        out.u64(open.m_typicalPartitionSize);
        put(out, open.m_general);
        putPartitionScalars(out, open.m_bySecond);
        for (const auto& [second, table] : open.m_bySecond.m_tables) {
            out.i64(second);
            put(out, *table);
        }
    }
    static void get(Reader& in, OpenTable& open, const JoinEngine& engine, size_t textSlots)
    {
        const auto stages = static_cast<unsigned>(engine.m_config.stageCount);
        const auto check = [&](const OpenRecord& record) -> const char* {
            if (record.seenMask() == 0 || (record.seenMask() >> stages) != 0)
                return "seen mask names a stage the pipeline does not have";
            if (record.textIndex() >= textSlots)
                return "ID text index past the text slab";
            return nullptr;
        };
        open.m_streamSecond = in.i64("open table stream second");
        open.m_size = in.u64("open table size");
        open.m_typicalPartitionSize = in.u64("open table typical size");
        get(in, open.m_general, "open table (general)", check);
        size_t held = open.m_general.size();
        const uint64_t tables = getPartitionScalars(in, open.m_bySecond);
        for (uint64_t table_idx = 0; table_idx < tables; ++table_idx) {
            const int64_t second = in.i64("open table second");
            auto table = std::make_unique<OpenTable::Map>();
            get(in, *table, "open table (per second)", check);
            held += table->size();
            if (!open.m_bySecond.m_tables.emplace(second, std::move(table)).second)
                throw DecodeError{"open table: second " + std::to_string(second) + " twice"};
        }
        if (held != open.m_size)
            throw DecodeError{"open table: size " + std::to_string(open.m_size) + " but " + std::to_string(held) + " entries"};
    }

    static void put(Writer& out, const DoneSet& done)
    {
        out.i64(done.m_horizonMs);
        out.i64(done.m_nowMs);
        out.i64(done.m_lastScanSecond);
        out.u64(done.m_purges);
        out.u64(done.m_typicalPartitionSize);
        put(out, done.m_general);
        putPartitionScalars(out, done.m_bySecond);
        for (const auto& [second, table] : done.m_bySecond.m_tables) {
            out.i64(second);
            put(out, *table);
        }
    }
    static void get(Reader& in, DoneSet& done)
    {
        if (in.i64("dedup horizon") != done.m_horizonMs)
            throw DecodeError{"dedup horizon differs from the engine's"};
        done.m_nowMs = in.i64("dedup clock");
        done.m_lastScanSecond = in.i64("dedup last scan");
        done.m_purges = in.u64("dedup purges");
        done.m_typicalPartitionSize = in.u64("dedup typical size");
        get(in, done.m_general);
        const uint64_t tables = getPartitionScalars(in, done.m_bySecond);
        for (uint64_t table_idx = 0; table_idx < tables; ++table_idx) {
            const int64_t second = in.i64("dedup table second");
            auto table = std::make_unique<SecondOutcomeTable>(second);
            get(in, *table);
            if (!done.m_bySecond.m_tables.emplace(second, std::move(table)).second)
                throw DecodeError{"dedup set: second " + std::to_string(second) + " twice"};
        }
    }

    static void put(Writer& out, const IdTextSlab& slab)
    {
        // Every slot, free ones too (their text is stale but harmless), and
        // the free list in order: indexes in the open records stay valid and
        // later stores reuse the same slots.
        out.u64(slab.m_slots.size());
        for (const IdTextSlab::Slot& slot : slab.m_slots)
            out.text(slot.view());
        out.u64(slab.m_free.size());
        for (const uint32_t index : slab.m_free)
            out.value(index);
    }
    static void get(Reader& in, IdTextSlab& slab)
    {
        const uint64_t slots = in.count("ID text slots", kMaxSlots);
        if (slots == 0)
            throw DecodeError{"ID text slots: slot 0 missing"};
        for (auto& slot : slab.m_slots)
            slot.release();
        slab.m_slots.assign(slots, IdTextSlab::Slot{});
        for (auto& slot : slab.m_slots)
            slot.assign(in.text("ID text"));
        const uint64_t free = in.count("free ID text slots", slots);
        slab.m_free.assign(free, 0);
        for (uint32_t& index : slab.m_free) {
            index = in.value<uint32_t>("free ID text slot");
            if (index == 0 || index >= slots)
                throw DecodeError{"free ID text slot " + std::to_string(index) + " out of range"};
        }
    }

    // -- the engine -------------------------------------------------------------
    static void putConfig(Writer& out, const EngineConfig& config)
    {
        out.i64(config.stageCount);
        out.i64(config.slaMs);
        out.i64(config.windowMs);
        out.i64(config.graceMs);
        out.u64(config.maxOpenRecords);
        out.i64(config.dedupHorizonMs);
        out.i64(config.maxClockSkewMs);
        out.i64(config.sweepIntervalMs);
        out.i64(config.bucketRetentionSeconds);
    }
    static void checkConfig(Reader& in, const EngineConfig& config)
    {
        const auto same = [&](const char* field, int64_t ours) {
            const int64_t theirs = in.i64(field);
            if (theirs != ours)
                throw DecodeError{std::string("taken with another config: ") + field + " was " + std::to_string(theirs) + ", is " + std::to_string(ours)};
        };
        same("stages", config.stageCount);
        same("sla_ms", config.slaMs);
        same("window_ms", config.windowMs);
        same("grace_ms", config.graceMs);
        same("max_open_records", static_cast<int64_t>(config.maxOpenRecords));
        same("dedup_horizon_ms", config.dedupHorizonMs);
        same("max_clock_skew_ms", config.maxClockSkewMs);
        same("sweep_interval_ms", config.sweepIntervalMs);
        same("bucket_retention_s", config.bucketRetentionSeconds);
    }

    static void putVector(Writer& out, const std::vector<uint64_t>& items)
    {
        out.u64(items.size());
        for (const uint64_t item : items)
            out.u64(item);
    }
    static void getVector(Reader& in, std::vector<uint64_t>& items, size_t stages, const char* what)
    {
        if (in.u64(what) != stages)
            throw DecodeError{std::string(what) + ": not one per stage"};
        items.assign(stages, 0);
        for (uint64_t& item : items)
            item = in.u64(what);
    }

    static bool encode(const JoinEngine& engine, Writer& out)
    {
        out.u64(kMagic);
        out.u64(kEngineSnapshotVersion);
        out.u64(sizeof(StageCounters));
        out.u64(sizeof(OpenRecord));
        putConfig(out, engine.m_config);
        out.u64(engine.m_openCount);
        out.u64(engine.m_earlyCount);
        out.u64(engine.m_heldCount);
        out.u64(engine.m_invalidInputs);
        out.i64(engine.m_futureLimitMs);
        out.i64(engine.m_wallMs);
        out.i64(engine.m_streamTimeMs);
        out.i64(engine.m_lastSweepNowMs);
        out.i64(engine.m_scopeStartMs);
        putVector(out, engine.m_stuckAwaiting);
        putVector(out, engine.m_openAwaiting);
        putVector(out, engine.m_earlyAt);
        put(out, engine.m_totals);
        put(out, engine.m_totalEndToEnd);
        out.u64(engine.m_totalHops.size());
        for (const LatencyHistogram& hop : engine.m_totalHops)
            put(out, hop);
        out.u64(engine.m_lost.size());
        for (const LostRecord& lost : engine.m_lost)
            put(out, lost);
        put(out, engine.m_clock);
        put(out, engine.m_metrics);
        put(out, engine.m_texts);  // before the open table, whose records index it
        put(out, engine.m_open);
        put(out, engine.m_done);
        return out.finish();
    }

    static void decode(JoinEngine& engine, Reader& in)
    {
        if (in.u64("header") != kMagic)
            throw DecodeError{"not an engine snapshot (bad magic)"};
        if (const uint64_t version = in.u64("version"); version != kEngineSnapshotVersion) {
            // 1: the dedup set's per-second tables held 16-byte slots; 2
            // packs them into 8 (second_outcome_table.hpp). Not converted:
            // the owner replays instead, as with no snapshot.
            const std::string why = version == 1 ? " (version 1 predates the compact dedup tables of version 2)" : "";
            throw DecodeError{"format version " + std::to_string(version) + ", this slatrack reads " + std::to_string(kEngineSnapshotVersion) + why};
        }
        if (in.u64("layout") != sizeof(StageCounters) || in.u64("layout") != sizeof(OpenRecord))
            throw DecodeError{"written by a slatrack with other counters (layout differs)"};
        checkConfig(in, engine.m_config);
        const auto stages = static_cast<size_t>(engine.m_config.stageCount);
        engine.m_openCount = in.u64("open count");
        engine.m_earlyCount = in.u64("early count");
        engine.m_heldCount = in.u64("held count");
        engine.m_invalidInputs = in.u64("invalid inputs");
        engine.m_futureLimitMs = in.i64("future limit");
        engine.m_wallMs = in.i64("wall clock");
        engine.m_streamTimeMs = in.i64("stream time");
        engine.m_lastSweepNowMs = in.i64("last sweep");
        engine.m_scopeStartMs = in.i64("scope start");
        getVector(in, engine.m_stuckAwaiting, stages, "stuck per stage");
        getVector(in, engine.m_openAwaiting, stages, "open per stage");
        getVector(in, engine.m_earlyAt, stages, "early per stage");
        get(in, engine.m_totals, stages, "totals");
        get(in, engine.m_totalEndToEnd);
        if (in.u64("hop totals") != engine.m_totalHops.size())
            throw DecodeError{"hop totals: wrong count for the stages"};
        for (LatencyHistogram& hop : engine.m_totalHops)
            get(in, hop);
        const uint64_t lost = in.count("pending lost records", kMaxLost);
        engine.m_lost.clear();
        for (uint64_t lost_idx = 0; lost_idx < lost; ++lost_idx) {
            LostRecord record;
            get(in, record, stages);
            engine.m_lost.push_back(std::move(record));
        }
        get(in, engine.m_clock, stages);
        get(in, engine.m_metrics, stages);
        get(in, engine.m_texts);
        get(in, engine.m_open, engine, engine.m_texts.m_slots.size());
        if (engine.m_open.size() != engine.m_openCount + engine.m_earlyCount + engine.m_heldCount)
            throw DecodeError{"open table holds " + std::to_string(engine.m_open.size()) + " records, the counts say " +
                              std::to_string(engine.m_openCount + engine.m_earlyCount + engine.m_heldCount)};
        get(in, engine.m_done);
        in.finish();
    }
};

bool StringSource::read(char* data, size_t size)
{
    if (size > m_bytes.size() - m_pos)
        return false;
    std::memcpy(data, m_bytes.data() + m_pos, size);
    m_pos += size;
    return true;
}

bool encodeEngineState(const JoinEngine& engine, SnapshotSink& sink, char* buffer, size_t bufferSize)
{
    if (bufferSize == 0)
        return false;
    Writer out(sink, buffer, bufferSize);
    return EngineStateAccess::encode(engine, out);
}

std::string decodeEngineState(JoinEngine& engine, SnapshotSource& source)
{
    Reader in(source);
    try {
        EngineStateAccess::decode(engine, in);
    } catch (const DecodeError& error) {
        return "engine snapshot: " + error.what;
    }
    return {};
}

std::string encodeEngineStateToString(const JoinEngine& engine)
{
    StringSink sink;
    std::vector<char> buffer(size_t{1} << 16);
    encodeEngineState(engine, sink, buffer.data(), buffer.size());
    return std::move(sink.bytes);
}

} // namespace slatrack::engine

// Randomized differential test: the same random event stream (3 stages,
// skew between stages, duplicates, drops, several partitions) is fed to the
// JoinEngine and to ReferenceJoin below, a deliberately simple model written
// from DESIGN.md's rules with std::map and no tricks. Every count, the exact
// sets of stuck and lost IDs, and every percentile (within the histogram's
// 1 % bound) must agree. Seeded and reproducible: set SLATRACK_SEED to rerun
// a failing seed; the seed is printed in every failure message.
#include "core/engine/join_engine.hpp"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

using namespace slatrack::engine;

// QVERIFY2 wants a const char*; QT_USE_QSTRINGBUILDER makes '+' lazy.
#define CHECK(condition, message) QVERIFY2(condition, QByteArray(message).constData())

namespace {

// ------------------------------------------------------------ reference --

class ReferenceJoin {
public:
    explicit ReferenceJoin(const EngineConfig& config)
        : m_config(config), m_totals(static_cast<size_t>(config.stageCount)),
          m_partitions(static_cast<size_t>(config.stageCount)), m_watermarks(static_cast<size_t>(config.stageCount), kNoTime)
    {
    }

    void ingest(const Event& event)
    {
        const int stage = event.stage;
        const int64_t time = event.eventTimeMs;
        const int last = m_config.stageCount - 1;
        auto& part = m_partitions[static_cast<size_t>(stage)][event.partition];
        part.newest = std::max(part.newest, time);
        m_streamTime = std::max(m_streamTime, time);
        ++m_totals[static_cast<size_t>(stage)].seen;
        StageCounters& counters = m_totals[static_cast<size_t>(stage)];

        auto found = m_open.find(event.id.key);
        if (found != m_open.end()) {
            Record& record = found->second;
            if (record.stages.count(stage)) {
                ++counters.duplicates;
                return;
            }
            const int highest = *record.stages.rbegin();
            if (stage == 0) {
                record.stages.insert(0);
                record.hasIncoming = true;
                record.t0 = time;
                if (highest == 1 && m_config.stageCount > 2)
                    m_hops[1].push_back(record.lastSeen - time);
                if (highest == last)
                    complete(found, record.lastSeen);
                return;
            }
            if (stage < highest) {
                record.stages.insert(stage);
                ++counters.outOfOrder;
                return;
            }
            if (stage == highest + 1 && m_config.stageCount > 2)
                m_hops[stage].push_back(time - record.lastSeen);
            record.stages.insert(stage);
            record.lastSeen = time;
            if (record.hasIncoming && stage == last)
                complete(found, time);
            return;
        }
        auto done = m_done.find(event.id.key);
        if (done != m_done.end()) {
            if (done->second.kind == DoneSet::Kind::Matched) {
                ++counters.duplicates;
            } else if (done->second.kind == DoneSet::Kind::Lost) {
                if (stage == last) {
                    ++counters.lateAfterLost;
                    m_latencies.push_back(time - done->second.time);
                    done->second = {DoneSet::Kind::Matched, time};
                } else if (stage == 0) {
                    ++counters.duplicates;
                }
            } else {
                ++(stage == 0 ? counters.lateIncoming : counters.duplicates);
            }
            return;
        }
        if (stage != 0)
            ++counters.early;
        if (m_open.size() >= m_config.maxOpenRecords)
            evictOldest();
        Record record;
        record.hasIncoming = stage == 0;
        record.t0 = time;
        record.lastSeen = time;
        record.stages.insert(stage);
        m_open.emplace(event.id.key, record);
    }

    void setCaughtUp(int stage, uint16_t partition, bool caughtUp)
    {
        m_partitions[static_cast<size_t>(stage)][partition].caughtUp = caughtUp;
    }

    void advance(int64_t now)
    {
        for (size_t stage = 0; stage < m_partitions.size(); ++stage) {
            if (m_partitions[stage].empty())
                continue;
            int64_t lowest = INT64_MAX;
            for (const auto& [partition, state] : m_partitions[stage])
                lowest = std::min(lowest, state.caughtUp ? std::max(now, state.newest) : state.newest);
            if (lowest != kNoTime)
                m_watermarks[stage] = std::max(m_watermarks[stage], lowest);
        }
        std::vector<std::pair<int64_t, uint64_t>> toEvict;
        for (auto& [key, record] : m_open) {
            if (!record.hasIncoming) {
                if (m_watermarks[0] != kNoTime && record.t0 + m_config.graceMs <= m_watermarks[0])
                    toEvict.emplace_back(record.t0, key);
                continue;
            }
            const int awaiting = *record.stages.rbegin() + 1;
            const int64_t watermark = m_watermarks[static_cast<size_t>(awaiting)];
            if (watermark == kNoTime)
                continue;
            if (record.t0 + m_config.windowMs <= watermark) {
                toEvict.emplace_back(record.t0, key);
            } else if (!record.stuck && record.t0 + m_config.slaMs <= watermark) {
                record.stuck = true;
                ++m_totals[static_cast<size_t>(awaiting)].stuck;
            }
        }
        std::sort(toEvict.begin(), toEvict.end());
        for (const auto& [t0, key] : toEvict)
            evict(m_open.find(key), false);
    }

    std::set<uint64_t> stuckKeys() const
    {
        std::set<uint64_t> out;
        for (const auto& [key, record] : m_open)
            if (record.hasIncoming && record.stuck)
                out.insert(key);
        return out;
    }
    uint64_t openCount() const
    {
        return static_cast<uint64_t>(std::count_if(m_open.begin(), m_open.end(), [](const auto& entry) { return entry.second.hasIncoming; }));
    }
    uint64_t earlyCount() const { return m_open.size() - openCount(); }

    const std::vector<StageCounters>& totals() const { return m_totals; }
    const std::vector<uint64_t>& lostKeys() const { return m_lostKeys; }
    std::vector<int64_t> latencies() const { return m_latencies; }
    std::vector<int64_t> hops(int stage) const
    {
        auto found = m_hops.find(stage);
        return found == m_hops.end() ? std::vector<int64_t>{} : found->second;
    }

private:
    struct Record {
        bool hasIncoming = false;
        bool stuck = false;
        int64_t t0 = 0;
        int64_t lastSeen = 0;
        std::set<int> stages;
    };
    struct Done {
        DoneSet::Kind kind;
        int64_t time;  // Lost: t0
    };
    struct PartitionState {
        int64_t newest = kNoTime;
        bool caughtUp = false;
    };
    using OpenMap = std::map<uint64_t, Record>;

    void complete(OpenMap::iterator found, int64_t completion)
    {
        const int last = m_config.stageCount - 1;
        ++m_totals[static_cast<size_t>(last)].matched;
        if (found->second.stuck)
            ++m_totals[static_cast<size_t>(last)].late;
        m_latencies.push_back(completion - found->second.t0);
        m_done[found->first] = {DoneSet::Kind::Matched, completion};
        m_open.erase(found);
    }

    void evict(OpenMap::iterator found, bool overflow)
    {
        const Record& record = found->second;
        if (record.hasIncoming) {
            const int awaiting = *record.stages.rbegin() + 1;
            ++m_totals[static_cast<size_t>(awaiting)].lost;
            if (overflow)
                ++m_totals[static_cast<size_t>(awaiting)].lostOverflow;
            m_lostKeys.push_back(found->first);
            m_done[found->first] = {DoneSet::Kind::Lost, record.t0};
        } else {
            ++m_totals[static_cast<size_t>(*record.stages.rbegin())].orphans;
            m_done[found->first] = {DoneSet::Kind::Orphan, record.t0};
        }
        m_open.erase(found);
    }

    void evictOldest()
    {
        const size_t target = m_config.maxOpenRecords - std::max<size_t>(1, m_config.maxOpenRecords / 16);
        std::vector<std::pair<int64_t, uint64_t>> byAge;
        for (const auto& [key, record] : m_open)
            byAge.emplace_back(record.t0, key);
        std::sort(byAge.begin(), byAge.end());
        byAge.resize(m_open.size() - target);
        for (const auto& [t0, key] : byAge)
            evict(m_open.find(key), true);
    }

    EngineConfig m_config;
    OpenMap m_open;
    std::map<uint64_t, Done> m_done;
    std::vector<StageCounters> m_totals;
    std::vector<std::map<uint16_t, PartitionState>> m_partitions;
    std::vector<int64_t> m_watermarks;
    int64_t m_streamTime = kNoTime;
    std::vector<uint64_t> m_lostKeys;
    std::vector<int64_t> m_latencies;
    std::map<int, std::vector<int64_t>> m_hops;
};

// ------------------------------------------------------------ generator --

struct Scenario {
    std::vector<Event> arrivals;          // in delivery order
    std::vector<int64_t> arrivalClock;    // wall clock at each delivery
    int64_t endClock = 0;
};

// Records enter at ~1 per ms of event time; each stage adds a random
// log-normal latency; some records are dropped before a stage, some
// delivered twice; each stage's stream is consumed with its own lag plus
// jitter, so the engine sees skew between stages and out-of-order events.
Scenario generate(std::mt19937_64& rng, int stageCount, size_t recordCount, uint16_t partitions)
{
    std::lognormal_distribution<double> latency(std::log(400.0), 1.2);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int64_t> jitter(0, 800);
    std::vector<int64_t> stageLag(static_cast<size_t>(stageCount));
    for (auto& lag : stageLag)
        lag = std::uniform_int_distribution<int64_t>(0, 3000)(rng);

    struct Pending {
        int64_t arrival;
        uint64_t tieBreak;
        Event event;
    };
    std::vector<Pending> pending;
    int64_t t0 = 1'700'000'000'000;
    for (size_t record_idx = 0; record_idx < recordCount; ++record_idx) {
        t0 += static_cast<int64_t>(unit(rng) * 2.0);
        // Mostly composite IDs as producers make them (creation second =
        // t0, 32 random bits), so that the dedup set's per-second tables
        // are exercised; some from a producer clock a few seconds off; some
        // random 64-bit numbers, whose "seconds" are implausible and go to
        // the general table.
        const double idSort = unit(rng);
        const auto random = static_cast<uint32_t>(rng()) | 1u;  // never 0
        uint64_t key = rng() | 1;
        if (idSort < 0.8)
            key = composite_id::make(static_cast<uint32_t>(t0 / 1000), random);
        else if (idSort < 0.9)
            key = composite_id::make(static_cast<uint32_t>((t0 + std::uniform_int_distribution<int64_t>(-5000, 5000)(rng)) / 1000), random);
        int64_t time = t0;
        for (int stage = 0; stage < stageCount; ++stage) {
            if (stage > 0) {
                if (unit(rng) < 0.03)
                    break;  // dropped before this stage: stays stuck
                time += static_cast<int64_t>(latency(rng));
            }
            if (stage == 0 && unit(rng) < 0.005)
                continue;  // incoming never seen: an orphan later
            Event event;
            event.id = RecordId::composite(key);
            event.stage = static_cast<uint8_t>(stage);
            event.eventTimeMs = time;
            event.partition = static_cast<uint16_t>(key % partitions);
            const int copies = unit(rng) < 0.02 ? 2 : 1;
            for (int copy = 0; copy < copies; ++copy)
                pending.push_back({time + stageLag[static_cast<size_t>(stage)] + jitter(rng), rng(), event});
        }
    }
    std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
        return std::tie(a.arrival, a.tieBreak) < std::tie(b.arrival, b.tieBreak);
    });
    Scenario scenario;
    for (const Pending& item : pending) {
        scenario.arrivals.push_back(item.event);
        scenario.arrivalClock.push_back(item.arrival);
    }
    scenario.endClock = pending.empty() ? 0 : pending.back().arrival;
    return scenario;
}

int64_t nearestRank(std::vector<int64_t> values, double percentile)
{
    std::sort(values.begin(), values.end());
    for (auto& value : values)
        value = std::max<int64_t>(value, 0);  // the histogram clamps negatives to 0
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<size_t>(std::ceil(percentile / 100.0 * static_cast<double>(values.size())));
    return values[std::max<size_t>(rank, 1) - 1];
}

} // namespace

class TestJoinDifferential : public QObject {
    Q_OBJECT

private slots:
    void engineAgreesWithReference_data()
    {
        QTest::addColumn<size_t>("records");
        QTest::addColumn<size_t>("cap");
        QTest::addColumn<int>("stages");
        QTest::newRow("3 stages, no overflow") << size_t{60'000} << size_t{1'000'000} << 3;
        QTest::newRow("3 stages, overflow cap") << size_t{40'000} << size_t{2'500} << 3;
        QTest::newRow("2 stages") << size_t{30'000} << size_t{1'000'000} << 2;
    }

    void engineAgreesWithReference()
    {
        QFETCH(size_t, records);
        QFETCH(size_t, cap);
        QFETCH(int, stages);
        const uint64_t seed = qEnvironmentVariableIsSet("SLATRACK_SEED")
                                  ? qEnvironmentVariable("SLATRACK_SEED").toULongLong()
                                  : std::random_device{}();
        const QByteArray seedText = "seed " + QByteArray::number(static_cast<qulonglong>(seed)) + " (rerun with SLATRACK_SEED)";
        std::mt19937_64 rng(seed);
        const uint16_t partitions = 3;
        const Scenario scenario = generate(rng, stages, records, partitions);

        EngineConfig config;
        config.stageCount = stages;
        config.slaMs = 2000;
        config.windowMs = 8000;
        config.graceMs = 1500;
        config.maxOpenRecords = cap;
        config.sweepIntervalMs = 0;
        config.dedupHorizonMs = 7LL * 24 * 3600 * 1000;  // never expires within the run
        JoinEngine engine(config);
        ReferenceJoin reference(config);

        // Feed in batches of random size, advancing both at each batch end.
        std::uniform_int_distribution<size_t> batchSize(1, 700);
        size_t next = 0;
        while (next < scenario.arrivals.size()) {
            const size_t count = std::min(batchSize(rng), scenario.arrivals.size() - next);
            engine.ingest(std::span<const Event>(scenario.arrivals.data() + next, count), kMaxEventTimeMs);
            for (size_t event_idx = next; event_idx < next + count; ++event_idx)
                reference.ingest(scenario.arrivals[event_idx]);
            next += count;
            const int64_t now = scenario.arrivalClock[next - 1];
            engine.advance(now);
            reference.advance(now);
        }
        CHECK(scenario.arrivals.size() >= records, seedText.constData());
        // At the end every consumer is caught up: time passes on wall clock.
        const int64_t finalNow = scenario.endClock + 5000;
        for (int stage = 0; stage < stages; ++stage) {
            for (uint16_t partition = 0; partition < partitions; ++partition) {
                engine.setCaughtUp(stage, partition, true);
                reference.setCaughtUp(stage, partition, true);
            }
        }
        engine.advance(finalNow);
        reference.advance(finalNow);

        // Counts.
        for (int stage = 0; stage < stages; ++stage) {
            const StageCounters& got = engine.totals()[static_cast<size_t>(stage)];
            const StageCounters& want = reference.totals()[static_cast<size_t>(stage)];
            const QByteArray where = seedText + ", stage " + QByteArray::number(stage);
            CHECK(got.seen == want.seen, where + " seen");
            CHECK(got.duplicates == want.duplicates, where + " duplicates " + QByteArray::number(qulonglong(got.duplicates)) + " vs " + QByteArray::number(qulonglong(want.duplicates)));
            CHECK(got.outOfOrder == want.outOfOrder, where + " outOfOrder");
            CHECK(got.early == want.early, where + " early");
            CHECK(got.orphans == want.orphans, where + " orphans");
            CHECK(got.matched == want.matched, where + " matched");
            CHECK(got.late == want.late, where + " late");
            CHECK(got.lateAfterLost == want.lateAfterLost, where + " lateAfterLost");
            CHECK(got.lateIncoming == want.lateIncoming, where + " lateIncoming");
            CHECK(got.stuck == want.stuck, where + " stuck " + QByteArray::number(qulonglong(got.stuck)) + " vs " + QByteArray::number(qulonglong(want.stuck)));
            CHECK(got.lost == want.lost, where + " lost");
            CHECK(got.lostOverflow == want.lostOverflow, where + " lostOverflow");
        }
        // The scenario must exercise every rule, or agreeing proves little.
        const StageCounters& last = reference.totals()[static_cast<size_t>(stages - 1)];
        if (cap >= records) {
            CHECK(last.matched > records / 2, seedText.constData());
            CHECK(last.late > 0 && last.stuck > 0, seedText.constData());
        }
        CHECK(reference.totals()[0].duplicates > 0, seedText.constData());
        uint64_t lostTotal = 0, orphanTotal = 0, earlyTotal = 0;
        for (const auto& counters : reference.totals()) {
            lostTotal += counters.lost;
            orphanTotal += counters.orphans;
            earlyTotal += counters.early;
        }
        CHECK(lostTotal > 0 && orphanTotal > 0 && earlyTotal > 0, seedText.constData());
        if (cap < records)
            CHECK(last.lostOverflow + reference.totals()[1].lostOverflow > 0, seedText.constData());

        // Gauges and the exact stuck and lost sets.
        const Gauges gauges = engine.gauges();
        CHECK(gauges.open == reference.openCount(), seedText.constData());
        CHECK(gauges.early == reference.earlyCount(), seedText.constData());
        const std::set<uint64_t> wantStuck = reference.stuckKeys();
        CHECK(gauges.stuck == wantStuck.size(), seedText.constData());
        std::set<uint64_t> gotStuck;
        for (const StuckRecord& record : engine.oldestStuck(SIZE_MAX))
            gotStuck.insert(record.key);
        CHECK(gotStuck == wantStuck, seedText + " stuck ID sets differ");
        std::vector<uint64_t> gotLost;
        for (const LostRecord& record : engine.takeLost())
            gotLost.push_back(composite_id::parse(record.id).value.value_or(0));
        std::vector<uint64_t> wantLost = reference.lostKeys();
        std::sort(gotLost.begin(), gotLost.end());
        std::sort(wantLost.begin(), wantLost.end());
        CHECK(gotLost == wantLost, seedText + " lost ID sets differ");

        // Percentiles within the histogram's bound.
        const auto checkPercentiles = [&](const LatencyHistogram& histogram, const std::vector<int64_t>& exact, const char* what) {
            CHECK(histogram.count() == exact.size(), seedText + " " + what + " count");
            if (exact.empty())
                return;
            for (double percentile : {50.0, 90.0, 95.0, 99.0, 100.0}) {
                const int64_t want = nearestRank(exact, percentile);
                const int64_t got = histogram.percentile(percentile);
                const double error = std::abs(static_cast<double>(got - want));
                CHECK(error <= 0.01 * static_cast<double>(want) + 0.5,
                         seedText + " " + what + " p" + QByteArray::number(percentile) + ": " + QByteArray::number(qlonglong(got)) + " vs exact " + QByteArray::number(qlonglong(want)));
            }
        };
        checkPercentiles(engine.totalEndToEnd(), reference.latencies(), "end-to-end");
        for (int stage = 1; stage < stages && stages > 2; ++stage)
            checkPercentiles(engine.totalHops()[static_cast<size_t>(stage)], reference.hops(stage), "hop");
    }
};

QTEST_APPLESS_MAIN(TestJoinDifferential)
#include "test_join_differential.moc"

// Restart equivalence (issue 10): `slatrack --headless` with a store on a
// real file, against a mock cluster holding a known pipeline, is
//  - run once without interruption (the reference),
//  - stopped cleanly (SIGTERM) at a random moment and restarted,
//  - killed with SIGKILL at 20 random moments in a chain of restarts, some
//    of them inside a snapshot write (SLATRACK_TEST_KILL_IN_SNAPSHOT makes
//    the store thread kill the process with the snapshot's transaction
//    open), then restarted,
// and each must end with exactly the reference's counts per stage, stuck
// IDs, lost IDs (the store's lost_record table: each once), latency
// histograms and percentiles, and metric seconds in the store. The final
// engines are compared as decoded from each store's last snapshot.
//
// Input: an old part (every dropped record older than the window: lost)
// and a recent part (dropped ones stuck, not yet lost for minutes), both
// with duplicates; latencies below the SLA, so no verdict depends on when
// a sweep ran, except whether a dropped old record was seen stuck before it
// was lost (see compare()). Seed printed; SLATRACK_SEED reruns one.
#include "core/config/config_loader.hpp"
#include "core/demo/mock_broker.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/monitor_store.hpp"
#include "core/store/lost_record_log.hpp"
#include "core/store/metric_history.hpp"
#include "core/store/snapshot_store.hpp"
#include "core/store/store_file.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>
#include <random>
#include <set>
#include <thread>

using namespace slatrack;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Expected {
    qint64 matched = 0;
    qint64 stuck = 0;
    qint64 lost = 0;
};

struct Run {
    QJsonObject last;     // the last status line
    QJsonObject first;    // the first status line
    bool settled = false;
    bool exited = false;
    int exitCode = -1;
    QByteArray err;
};

bool settledOn(const QJsonObject& line, const Expected& expected)
{
    const QJsonObject counts = line[QStringLiteral("counts")].toObject();
    return line[QStringLiteral("phase")].toString() == QStringLiteral("live") && counts[QStringLiteral("matched")].toInteger() == expected.matched &&
           counts[QStringLiteral("stuck")].toInteger() == expected.stuck && counts[QStringLiteral("lost")].toInteger() == expected.lost;
}

class Headless {
public:
    Headless(const QString& config, const QString& store, const QString& from, const QByteArray& killInSnapshot = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLATRACK_TEST_KILL_IN_SNAPSHOT"));
        if (!killInSnapshot.isEmpty())
            env.insert(QStringLiteral("SLATRACK_TEST_KILL_IN_SNAPSHOT"), QString::fromLatin1(killInSnapshot));
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(SLATRACK_BINARY), {QStringLiteral("--headless"), QStringLiteral("-c"), config, QStringLiteral("--store"), store,
                                                         QStringLiteral("--from"), from, QStringLiteral("--interval-ms"), QStringLiteral("100"),
                                                         QStringLiteral("--snapshot-interval-ms"), QStringLiteral("150")});
    }
    ~Headless()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    bool started() { return m_process.waitForStarted(5000); }

    // Reads status lines until `until` says stop, the process exits or the time is up.
    void read(Run& run, int64_t forMs, const std::function<bool(const QJsonObject&)>& until)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(forMs);
        while (std::chrono::steady_clock::now() < deadline) {
            m_process.waitForReadyRead(20);
            m_pending += m_process.readAllStandardOutput();
            qsizetype newline;
            while ((newline = m_pending.indexOf('\n')) >= 0) {
                const QJsonObject line = QJsonDocument::fromJson(m_pending.left(newline)).object();
                m_pending.remove(0, newline + 1);
                if (line.isEmpty())
                    continue;
                if (run.first.isEmpty())
                    run.first = line;
                run.last = line;
                if (until(line))
                    return;
            }
            if (m_process.state() == QProcess::NotRunning)
                return;
        }
    }
    void terminate(Run& run)
    {
        m_process.terminate();  // SIGTERM: a clean stop
        finish(run, 60'000);
    }
    void killNow(Run& run)
    {
        m_process.kill();  // SIGKILL
        finish(run, 10'000);
    }
    void finish(Run& run, int timeoutMs)
    {
        // (waitForFinished is false for a process that has already ended.)
        run.exited = m_process.state() == QProcess::NotRunning || m_process.waitForFinished(timeoutMs);
        run.exitCode = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -9;
        run.err += m_process.readAllStandardError();
    }
    bool running() const { return m_process.state() != QProcess::NotRunning; }

private:
    QProcess m_process;
    QByteArray m_pending;
};

struct FinalState {
    QString error;
    std::unique_ptr<engine::JoinEngine> engine;
    std::vector<std::string> lostIds;  // the store's, sorted
    size_t lostRows = 0;
    uint64_t matchedInSeconds = 0;     // summed over the store's metric seconds
    uint64_t seenInSeconds = 0;
};

FinalState readStore(const std::string& path, const config::PipelineConfig& config, int64_t fromMs, int64_t toMs)
{
    FinalState out;
    store::StoreOpenResult opened = store::openStore(path, config.pipeline, nowMs());
    if (!opened.ok()) {
        out.error = QString::fromStdString("cannot open " + path + ": " + opened.error);
        return out;
    }
    store::RestoredEngine restored = store::restoreLatestEngine(*opened.db, monitor::Monitor::engineConfigFor(config), monitor::MonitorStore::sourceOf(config));
    if (!restored.engine) {
        out.error = QString::fromStdString(path + ": " + restored.why);
        return out;
    }
    out.engine = std::move(restored.engine);
    store::LostRecordLog lost(*opened.db);
    for (const store::StoredLostRecord& record : lost.between(0, INT64_MAX, 1'000'000))
        out.lostIds.push_back(record.record.id);
    out.lostRows = out.lostIds.size();
    std::sort(out.lostIds.begin(), out.lostIds.end());
    store::MetricHistory history(*opened.db, static_cast<int>(config.stages.size()));
    for (const engine::MetricBucket& bucket : history.series(fromMs, toMs, 1)) {
        out.matchedInSeconds += bucket.stages.back().matched;
        out.seenInSeconds += bucket.stages.front().seen;
    }
    return out;
}

QString compareHistograms(const engine::LatencyHistogram& a, const engine::LatencyHistogram& b, const QString& what)
{
    if (a.nonEmptyBins() != b.nonEmptyBins() || a.count() != b.count() || a.min() != b.min() || a.max() != b.max() || a.sumMs() != b.sumMs())
        return what + QStringLiteral(": latency histograms differ");
    for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9})
        if (a.percentile(p) != b.percentile(p))
            return what + QStringLiteral(": p%1 %2 vs %3").arg(p).arg(a.percentile(p)).arg(b.percentile(p));
    return {};
}

// The store's metric seconds plus what the engine could only count as
// "older than its retention" (a stage read far behind another) add up to
// the totals: nothing lost or counted twice across restarts. (Which of the
// two a count lands in depends on the read interleaving, so only the sum is
// compared between runs.)
QString historyAddsUp(const FinalState& state)
{
    const auto& older = state.engine->metrics().olderThanRetention().stages;
    const uint64_t matched = state.matchedInSeconds + older.back().matched;
    const uint64_t seen = state.seenInSeconds + older.front().seen;
    if (matched != state.engine->totals().back().matched || seen != state.engine->totals().front().seen)
        return QStringLiteral("metric history does not add up: matched %1 + %2 in the store vs %3 in total, seen %4 + %5 vs %6")
            .arg(state.matchedInSeconds)
            .arg(older.back().matched)
            .arg(state.engine->totals().back().matched)
            .arg(state.seenInSeconds)
            .arg(older.front().seen)
            .arg(state.engine->totals().front().seen);
    return {};
}

QString counterDiff(const engine::StageCounters& a, const engine::StageCounters& b)
{
    QString out;
    const auto field = [&](const char* name, uint64_t x, uint64_t y) {
        if (x != y)
            out += QStringLiteral(" %1 %2 vs %3").arg(QLatin1String(name)).arg(x).arg(y);
    };
    field("seen", a.seen, b.seen);
    field("duplicates", a.duplicates, b.duplicates);
    field("outOfOrder", a.outOfOrder, b.outOfOrder);
    field("early", a.early, b.early);
    field("orphans", a.orphans, b.orphans);
    field("beforeScope", a.beforeScope, b.beforeScope);
    field("matched", a.matched, b.matched);
    field("late", a.late, b.late);
    field("lateAfterLost", a.lateAfterLost, b.lateAfterLost);
    field("lateIncoming", a.lateIncoming, b.lateIncoming);
    field("stuck", a.stuck, b.stuck);
    field("lost", a.lost, b.lost);
    field("lostOverflow", a.lostOverflow, b.lostOverflow);
    field("clockSkew", a.clockSkew, b.clockSkew);
    field("stale", a.stale, b.stale);
    field("lateHop", a.lateHop, b.lateHop);
    field("idCollisions", a.idCollisions, b.idCollisions);
    if (a.rejected != b.rejected)
        out += QStringLiteral(" rejected");
    return out;
}

// The `stuck` verdicts counted for records whose t0 is at or after
// `fromSecond`, per stage, from the engine's per-second buckets.
std::vector<uint64_t> stuckSince(const engine::JoinEngine& engine, int64_t fromSecond)
{
    std::vector<uint64_t> out(engine.totals().size());
    for (const engine::MetricBucket& bucket : engine.metrics().buckets())
        if (bucket.second >= fromSecond)
            for (size_t stage = 0; stage < out.size(); ++stage)
                out[stage] += bucket.stages[stage].stuck;
    return out;
}

// Empty when `got` ended exactly as `want` did. `recentSecond`: where the
// recent part of the input starts (see `stuck` below).
QString compare(const FinalState& want, const FinalState& got, int64_t recentSecond)
{
    if (!got.error.isEmpty())
        return got.error;
    const auto& a = *want.engine;
    const auto& b = *got.engine;
    // `early` and `outOfOrder` count how the stages' reads interleaved
    // (processed read before its incoming): they differ between any two
    // uninterrupted runs too, so they are not part of the verdict compared.
    // So does `stuck` over the old part: a dropped old record ends lost, and
    // whether a sweep saw it stuck on the way depends on whether one fell
    // while the processed stage was read between its t0 + SLA and its t0 +
    // window. (A chain replays that part several times and sweeps during
    // it; under load CI counted 722 more than the reference, a local rerun
    // 688 in the chain's first run alone, and a quiet uninterrupted run
    // none.) Over the recent part nothing is lost, so
    // there `stuck` is a verdict and is compared, per second of t0.
    const auto verdict = [](engine::StageCounters counters) {
        counters.early = 0;
        counters.outOfOrder = 0;
        counters.stuck = 0;
        return counters;
    };
    if (stuckSince(a, recentSecond) != stuckSince(b, recentSecond))
        return QStringLiteral("stuck verdicts over the recent part differ: %1 vs %2")
            .arg(stuckSince(a, recentSecond).back())
            .arg(stuckSince(b, recentSecond).back());
    for (size_t stage = 0; stage < a.totals().size(); ++stage)
        if (!(verdict(a.totals()[stage]) == verdict(b.totals()[stage])))
            return QStringLiteral("totals of stage %1 differ:%2").arg(stage).arg(counterDiff(a.totals()[stage], b.totals()[stage]));
    if (const QString problem = compareHistograms(a.totalEndToEnd(), b.totalEndToEnd(), QStringLiteral("end to end")); !problem.isEmpty())
        return problem;
    const auto stuckA = a.oldestStuck(1'000'000), stuckB = b.oldestStuck(1'000'000);
    if (stuckA.size() != stuckB.size())
        return QStringLiteral("stuck records: %1 vs %2").arg(stuckA.size()).arg(stuckB.size());
    for (size_t idx = 0; idx < stuckA.size(); ++idx)
        if (stuckA[idx].id != stuckB[idx].id || stuckA[idx].offset != stuckB[idx].offset)
            return QStringLiteral("stuck record %1: %2 vs %3").arg(idx).arg(QString::fromStdString(stuckA[idx].id), QString::fromStdString(stuckB[idx].id));
    if (a.gauges().open != b.gauges().open || a.gauges().early != b.gauges().early)
        return QStringLiteral("open/early gauges differ");
    if (want.lostIds != got.lostIds)
        return QStringLiteral("lost IDs in the store differ: %1 vs %2 rows").arg(want.lostRows).arg(got.lostRows);
    return historyAddsUp(got);
}

} // namespace

class TestRestartEquivalence : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        const QByteArray fixed = qgetenv("SLATRACK_SEED");
        m_seed = fixed.isEmpty() ? (std::random_device{}() | (uint64_t{std::random_device{}()} << 32)) : fixed.toULongLong();
        qInfo("seed %llu (SLATRACK_SEED=%llu reruns it)", static_cast<unsigned long long>(m_seed), static_cast<unsigned long long>(m_seed));
        m_rng.seed(m_seed);

        m_broker = std::make_unique<ingest::MockBroker>();
        m_broker->createTopic("incoming", 3);
        m_broker->createTopic("processed", 3);
        const int64_t now = nowMs();
        // Old: 16 to 11 min ago, the window is 10 min: its dropped records are lost.
        produce(test::makeKnownPipeline(now - 16 * 60'000, 30'000, 37, 29, 11), false);
        m_recentSecond = (now - 5 * 60'000) / 1000;  // the old part ends 11 min ago, the slices start now
        m_fromMs = now - 20 * 60'000;
        m_from = QString::number(m_fromMs);

        m_configPath = m_dir.filePath(QStringLiteral("pipeline.json"));
        QFile file(m_configPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"({
  "pipeline": "orders",
  "kafka": {"brokers": "%1", "properties": {"fetch.wait.max.ms": "20"}},
  "id_format": "composite",
  "stages": [
    {"name": "incoming", "topics": ["incoming"], "id": {"from": "key"}},
    {"name": "processed", "topics": ["processed"], "id": {"from": "key"}}
  ],
  "sla": "%2ms",
  "window": "10m"
})")
                       .arg(QString::fromStdString(m_broker->bootstrapServers()))
                       .arg(kSlaMs)
                       .toUtf8());
        file.close();
        const config::LoadResult loaded = config::loadConfigFile(m_configPath.toStdString());
        QVERIFY(loaded.ok());
        m_config = *loaded.config;
    }

    // A chain of 20 runs on one store, each killed (SIGKILL from here after
    // a random time, or by itself inside a snapshot write), with a slice of
    // new input written before each: every kill falls inside the input.
    // Then a last run settles and stops cleanly.
    void killedAtTwentyPointsThenRestarted()
    {
        const QString store = m_dir.filePath(QStringLiteral("killed.db"));
        int inSnapshot = 0, restored = 0;
        for (int kill = 0; kill < 20; ++kill) {
            produceSlice(kill);
            // One in four dies inside a snapshot write (its 1st-3rd), the
            // others by SIGKILL from here after a random time.
            const bool duringSnapshot = m_rng() % 4 == 0;
            const QByteArray killAt = duringSnapshot ? QByteArray::number(1 + int(m_rng() % 3)) : QByteArray();
            const int64_t afterMs = std::uniform_int_distribution<int64_t>(50, 700)(m_rng);
            Run run;
            Headless headless(m_configPath, store, m_from, killAt);
            QVERIFY(headless.started());
            if (duringSnapshot) {
                headless.read(run, 10'000, [](const QJsonObject&) { return false; });
                headless.finish(run, 10'000);
                inSnapshot += run.exitCode == -9 ? 1 : 0;
            } else {
                headless.read(run, afterMs, [](const QJsonObject&) { return false; });
                headless.killNow(run);
            }
            QVERIFY2(run.exited && run.exitCode == -9, run.err.constData());
            // value(), not operator[]: that would insert "store" into a run
            // killed before its first status line and make it look non-empty.
            const bool sawStatus = !run.first.isEmpty();
            const QJsonObject storeStatus = run.first.value(QStringLiteral("store")).toObject();
            restored += storeStatus[QStringLiteral("restored")].toBool() ? 1 : 0;
            // The killed predecessor (and its capture child) held nothing
            // that keeps the store from this run.
            if (sawStatus)
                QVERIFY2(storeStatus[QStringLiteral("state")].toString() == QStringLiteral("ok"), QJsonDocument(run.first).toJson().constData());
            const QString how = duringSnapshot ? QStringLiteral("inside snapshot write %1").arg(QString::fromLatin1(killAt))
                                               : QStringLiteral("SIGKILL after %1 ms").arg(afterMs);
            qInfo("kill %d: %s; %s; last status: matched %lld", kill, qPrintable(how),
                  qPrintable(storeStatus[QStringLiteral("start")].toString().left(50)),
                  static_cast<long long>(run.last[QStringLiteral("counts")].toObject()[QStringLiteral("matched")].toInteger()));
        }
        qInfo("%d of 20 killed inside a snapshot write, %d runs restored from a snapshot", inSnapshot, restored);
        QVERIFY(restored > 0);
        settleAndStop(store, true);
        m_killedStore = store.toStdString();
    }

    void cleanStopThenRestart()
    {
        const QString store = m_dir.filePath(QStringLiteral("clean.db"));
        const int64_t stopAfterMs = std::uniform_int_distribution<int64_t>(200, 1200)(m_rng);
        qInfo("clean stop after %lld ms", static_cast<long long>(stopAfterMs));
        Run first;
        {
            Headless headless(m_configPath, store, m_from);
            QVERIFY(headless.started());
            headless.read(first, stopAfterMs, [](const QJsonObject&) { return false; });
            headless.terminate(first);
        }
        QVERIFY2(first.exited && first.exitCode == 0, first.err.constData());
        settleAndStop(store, true);
        m_cleanStore = store.toStdString();
    }

    // The reference: one uninterrupted run over the same (now complete)
    // input; it must equal the ground truth, and both restarted runs it.
    void equalToAnUninterruptedRun()
    {
        if (m_killedStore.empty() || m_cleanStore.empty())
            QSKIP("needs both restart tests to have run");
        const QString store = m_dir.filePath(QStringLiteral("reference.db"));
        settleAndStop(store, false);
        const FinalState reference = readStore(store.toStdString(), m_config, m_fromMs, nowMs());
        QVERIFY2(reference.error.isEmpty(), qPrintable(reference.error));
        std::vector<std::string> lostTruth = m_lostTruth, stuckTruth = m_stuckTruth, stuck;
        std::sort(lostTruth.begin(), lostTruth.end());
        std::sort(stuckTruth.begin(), stuckTruth.end());
        QVERIFY(reference.lostIds == lostTruth);
        for (const auto& record : reference.engine->oldestStuck(1'000'000))
            stuck.push_back(record.id);
        std::sort(stuck.begin(), stuck.end());
        QVERIFY(stuck == stuckTruth);
        QVERIFY2(historyAddsUp(reference).isEmpty(), qPrintable(historyAddsUp(reference)));
        // Each dropped recent record turned stuck exactly once.
        QCOMPARE(stuckSince(*reference.engine, m_recentSecond).back(), uint64_t(stuckTruth.size()));
        for (const std::string& path : {m_killedStore, m_cleanStore}) {
            const QString problem = compare(reference, readStore(path, m_config, m_fromMs, nowMs()), m_recentSecond);
            QVERIFY2(problem.isEmpty(), qPrintable(QString::fromStdString(path) + QStringLiteral(": ") + problem));
        }
    }

private:
    // Dropped records of a slice turn stuck this long after their t0; a
    // slice is read within milliseconds, far inside it.
    static constexpr int64_t kSlaMs = 8000;

    void produce(const test::KnownPipeline& part, bool recent)
    {
        QCOMPARE(test::produceAll(m_broker->bootstrapServers(), part.incoming), std::string());
        QCOMPARE(test::produceAll(m_broker->bootstrapServers(), part.processed), std::string());
        m_expected.matched += qint64(part.processed.size());
        (recent ? m_expected.stuck : m_expected.lost) += qint64(part.droppedIds.size());
        auto& ids = recent ? m_stuckTruth : m_lostTruth;
        ids.insert(ids.end(), part.droppedIds.begin(), part.droppedIds.end());
    }
    // 200 records with t0 in the last 2.5 s (latencies below 0.5 s).
    void produceSlice(int slice) { produce(test::makeKnownPipeline(nowMs() - 2500, 200, 13, 17, 100 + static_cast<uint32_t>(slice)), true); }

    // Runs until the status shows the whole input judged (the last slice's
    // dropped records stuck), then SIGTERM.
    void settleAndStop(const QString& store, bool expectRestored)
    {
        Run run;
        {
            Headless headless(m_configPath, store, m_from);
            QVERIFY(headless.started());
            headless.read(run, 60'000, [&](const QJsonObject& line) { return settledOn(line, m_expected); });
            QVERIFY2(settledOn(run.last, m_expected), QJsonDocument(run.last).toJson().constData());
            headless.terminate(run);
        }
        QVERIFY2(run.exited && run.exitCode == 0, run.err.constData());
        const QJsonObject storeStatus = run.first[QStringLiteral("store")].toObject();
        QCOMPARE(storeStatus[QStringLiteral("restored")].toBool(), expectRestored);
        QVERIFY2(storeStatus[QStringLiteral("start")].toString().startsWith(expectRestored ? QStringLiteral("restored from snapshot of ")
                                                                                          : QStringLiteral("no usable snapshot")),
                 QJsonDocument(run.first).toJson().constData());
    }

    uint64_t m_seed = 0;
    std::mt19937_64 m_rng;
    QTemporaryDir m_dir;
    std::unique_ptr<ingest::MockBroker> m_broker;
    QString m_configPath;
    config::PipelineConfig m_config;
    QString m_from;
    int64_t m_fromMs = 0;
    int64_t m_recentSecond = 0;
    Expected m_expected;
    std::vector<std::string> m_lostTruth;
    std::vector<std::string> m_stuckTruth;
    std::string m_killedStore;
    std::string m_cleanStore;
};

QTEST_GUILESS_MAIN(TestRestartEquivalence)
#include "test_restart_equivalence.moc"

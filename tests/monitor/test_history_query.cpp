// The dashboard's history ranges (1 h, 24 h, custom) from the store: the
// points add up to what was written, every point of one answer spans the
// same time (so a rate drawn from it is right across the 1 s -> 1 min
// roll-up), lost records of the range come with them, and a store that
// cannot answer says why.
#include "core/monitor/history_query.hpp"
#include "core/store/store_writer.hpp"
#include "../store/store_test_support.hpp"

#include <QtTest>

#include <ctime>
#include <future>
#include <set>

using namespace slatrack;
namespace fs = std::filesystem;

namespace {

monitor::HistoryResult ask(monitor::HistoryQuery& query, int64_t fromMs, int64_t toMs, int64_t nowMs)
{
    std::promise<monitor::HistoryResult> answer;
    query.request(fromMs, toMs, nowMs, [&](monitor::HistoryResult result) { answer.set_value(std::move(result)); });
    return answer.get_future().get();
}

uint64_t seenOf(const std::vector<monitor::SecondPoint>& points, size_t stage)
{
    uint64_t sum = 0;
    for (const auto& point : points)
        sum += point.seen[stage];
    return sum;
}

} // namespace

class TestHistoryQuery : public QObject {
    Q_OBJECT

private slots:
    void rangesAddUpAcrossTheRollUp()
    {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
        store::StoreWriterOptions options;
        options.path = path;
        options.pipeline = "orders";
        options.stageCount = 2;
        options.keepSecondsFor = 3600;
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        store::StoreWriter writer(options);
        writer.start();
        // 20 minutes two hours ago (rolled up into minutes by the writer's
        // upkeep, or not yet: the sums must not care), and the last 10 min.
        std::vector<engine::MetricBucket> old, recent;
        uint64_t oldSeen = 0, recentSeen = 0;
        for (int64_t second = now - 7200; second < now - 6000; ++second) {
            old.push_back(store_test::makeBucket(second, 2, static_cast<uint64_t>(second % 13)));
            oldSeen += old.back().stages[0].records();
        }
        for (int64_t second = now - 600; second < now; ++second) {
            recent.push_back(store_test::makeBucket(second, 2, static_cast<uint64_t>(second % 7)));
            recentSeen += recent.back().stages[0].records();
        }
        writer.submitSeconds(old);
        writer.submitSeconds(recent);
        std::vector<store::StoredLostRecord> lost(40);
        for (size_t idx = 0; idx < lost.size(); ++idx) {
            lost[idx].record.id = "r" + std::to_string(idx);
            lost[idx].record.t0Ms = (idx < 25 ? now - 500 : now - 6500) * 1000 + static_cast<int64_t>(idx);
            lost[idx].topic = "incoming";
        }
        writer.submitLost(lost);
        QVERIFY(writer.flush(10'000));

        monitor::HistoryQuery query(path, 2);
        const int64_t nowMs = now * 1000;

        // The last 10 minutes: seconds, one point each.
        const monitor::HistoryResult last10 = ask(query, nowMs - 600'000, nowMs, nowMs);
        QVERIFY2(last10.error.empty(), last10.error.c_str());
        QCOMPARE(last10.resolutionSeconds, int64_t{1});
        QCOMPARE(last10.series.size(), size_t{600});
        QCOMPARE(seenOf(last10.series, 0), recentSeen);
        for (const auto& point : last10.series)
            QCOMPARE(point.spanSeconds, int64_t{1});
        QCOMPARE(last10.lostTotal, uint64_t{25});
        QCOMPARE(last10.lost.size(), size_t{25});
        QCOMPARE(QByteArray::fromStdString(last10.lost.front().record.id), QByteArray("r0"));

        // 24 h: reaches into rolled-up minutes, so every point is a minute.
        const monitor::HistoryResult day = ask(query, nowMs - 86'400'000, nowMs, nowMs);
        QVERIFY2(day.error.empty(), day.error.c_str());
        QCOMPARE(day.resolutionSeconds, int64_t{60});
        QCOMPARE(seenOf(day.series, 0), oldSeen + recentSeen);
        for (const auto& point : day.series) {
            QCOMPARE(point.spanSeconds, int64_t{60});
            QCOMPARE(point.second % 60, int64_t{0});
        }
        std::set<int64_t> minutes;
        for (const auto* part : {&old, &recent})
            for (const auto& bucket : *part)
                minutes.insert(bucket.second / 60 * 60);
        QCOMPARE(day.series.size(), minutes.size());
        QCOMPARE(day.lostTotal, uint64_t{40});

        // A custom 20 min range two hours ago: minutes too, equal to the old part.
        const monitor::HistoryResult then = ask(query, (now - 7200) * 1000, (now - 6000) * 1000, nowMs);
        QCOMPARE(then.resolutionSeconds, int64_t{60});
        QCOMPARE(seenOf(then.series, 0), oldSeen);
        QCOMPARE(then.lostTotal, uint64_t{15});
    }

    void aStoreThatCannotAnswerSaysWhy()
    {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "missing.db";
        monitor::HistoryQuery query(path, 2);
        const monitor::HistoryResult result = ask(query, 0, 3'600'000, 3'600'000);
        QVERIFY(!result.error.empty());
        QVERIFY2(result.error.find("missing.db") != std::string::npos, result.error.c_str());
        QVERIFY(result.series.empty());
    }
};

QTEST_GUILESS_MAIN(TestHistoryQuery)
#include "test_history_query.moc"

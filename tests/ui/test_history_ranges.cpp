// "What happened 20 minutes ago?" in two clicks: the 1 h, 24 h and custom
// ranges read the history store (a real SQLite file written by the store's
// writer), the charts draw exactly that range at one resolution, the lost
// records of the range are listed, and a missing or broken store says so.
#include "ui/dashboard_window.hpp"
#include "ui/latency_chart.hpp"
#include "ui/lost_records_dialog.hpp"
#include "ui/range_dialog.hpp"
#include "ui/throughput_chart.hpp"

#include "core/monitor/history_query.hpp"
#include "core/store/store_writer.hpp"
#include "../store/store_test_support.hpp"

#include <QAbstractButton>
#include <QCategoryAxis>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <chrono>

using namespace slatrack;
using namespace Qt::StringLiterals;
namespace fs = std::filesystem;

namespace {

int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

class TestHistoryRanges : public QObject {
    Q_OBJECT

private slots:
    void rangesComeFromTheStore()
    {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "orders.db";
        store::StoreWriterOptions options;
        options.path = path;
        options.pipeline = "orders";
        options.stageCount = 2;
        store::StoreWriter writer(options);
        writer.start();
        // Twenty minutes ago, for five minutes: 120 records a second
        // processed with latencies of a few hundred ms.
        const int64_t now = nowSeconds();
        std::vector<engine::MetricBucket> buckets;
        for (int64_t second = now - 1200; second < now - 900; ++second) {
            engine::MetricBucket bucket;
            bucket.second = second;
            bucket.stages.resize(2);
            bucket.stages[0].seen = 120;
            bucket.stages[1].seen = 120;
            bucket.stages[1].matched = 120;
            for (int sample = 0; sample < 120; ++sample)
                bucket.endToEnd.record(200 + sample);
            buckets.push_back(std::move(bucket));
        }
        writer.submitSeconds(buckets);
        std::vector<store::StoredLostRecord> lost(3);
        const char* ids[] = {"order-17", "<b>x</b>", "order-99"};
        for (size_t idx = 0; idx < lost.size(); ++idx) {
            lost[idx].record.id = ids[idx];
            lost[idx].record.t0Ms = (now - 1100) * 1000 + static_cast<int64_t>(idx);
            lost[idx].record.awaitingStage = 1;
            lost[idx].record.partition = 3;
            lost[idx].record.offset = 40 + static_cast<int64_t>(idx);
            lost[idx].topic = "incoming";
        }
        writer.submitLost(lost);
        QVERIFY(writer.flush(10'000));

        ui::DashboardWindow window;
        window.resize(1400, 900);
        window.setHistorySource(std::make_shared<monitor::HistoryQuery>(path, 2), {});
        QSignalSpy arrived(&window, &ui::DashboardWindow::historyArrived);

        // Click "1 h": the last hour from the store, 10 s points.
        window.findChild<QAbstractButton*>(u"range.3600"_s)->click();
        QVERIFY(arrived.wait(10'000));
        const monitor::HistoryResult* shown = window.historyShown();
        QVERIFY(shown);
        QVERIFY2(shown->error.empty(), shown->error.c_str());
        QCOMPARE(shown->resolutionSeconds, int64_t{10});
        QCOMPARE(shown->lostTotal, uint64_t{3});
        auto* throughput = window.findChild<ui::ThroughputChart*>(u"throughputChart"_s);
        auto* latency = window.findChild<ui::LatencyChart*>(u"latencyChart"_s);
        QVERIFY(throughput && latency);
        // The axis spans the whole hour, not just the points.
        const auto span = [](const ui::TimeChart* chart) { return chart->timeAxis()->max() - chart->timeAxis()->min(); };
        QVERIFY2(std::abs(span(throughput) - 3'600'000) < 2'000, qPrintable(QString::number(span(throughput))));
        // 120 records/s, whatever the 10 s points: a rate, not a count per point.
        QLineSeries* incoming = throughput->lineSeries().front();
        QVERIFY(incoming->count() >= 25);
        QCOMPARE(throughput->unitTitle(), u"rec/s"_s);
        // (the first and last 10 s may be partly before or after the data:
        // their average over 10 s is lower, never higher)
        const QList<QPointF> points = incoming->points();
        for (qsizetype idx = 0; idx < points.size(); ++idx) {
            if (idx == 0 || idx == points.size() - 1)
                QVERIFY(points[idx].y() <= 120.0);
            else
                QCOMPARE(points[idx].y(), 120.0);
        }
        QLineSeries* p99 = latency->seriesNamed(u"p99"_s);
        QVERIFY(p99 && p99->count() >= 25);
        QVERIFY(window.historyNoteText().startsWith(u"From the history store: "_s));
        QVERIFY(window.historyNoteText().contains(u"one point per 10 s. 3 record(s) lost in this range."_s));

        // The lost records of the range, listed literally.
        auto* lostButton = window.findChild<QPushButton*>(u"lostInRange"_s);
        QVERIFY(lostButton && lostButton->isVisibleTo(&window));
        QCOMPARE(lostButton->text(), u"Lost records (3)\u2026"_s);
        lostButton->click();
        ui::LostRecordsDialog* dialog = window.lostRecordsDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->rowCount(), 3);
        QCOMPARE(dialog->cellText(0, 0), u"order-17"_s);
        QCOMPARE(dialog->cellText(1, 0), u"<b>x</b>"_s);
        QCOMPARE(dialog->cellText(0, 5), u"incoming[3]@40"_s);
        QCOMPARE(dialog->cellText(0, 4), u"window passed"_s);

        // A custom range of the stall itself: 1 s points, exactly its span.
        const int64_t fromMs = (now - 1150) * 1000, toMs = (now - 1050) * 1000;
        window.showRange(fromMs, toMs);
        QVERIFY(arrived.wait(10'000));
        shown = window.historyShown();
        QCOMPARE(window.timeRange(), ui::TimeRange::Custom);
        QCOMPARE(shown->resolutionSeconds, int64_t{1});
        QCOMPARE(shown->series.size(), size_t{100});
        QCOMPARE(static_cast<int64_t>(throughput->timeAxis()->min()), fromMs);
        QCOMPARE(static_cast<int64_t>(throughput->timeAxis()->max()), toMs);
        QCOMPARE(shown->lostTotal, uint64_t{3});

        // Back to live: no store note, the live window again.
        window.findChild<QAbstractButton*>(u"range.300"_s)->click();
        QVERIFY(!window.historyShown());
        QVERIFY(!window.showsHistoryNote());
    }

    void customButtonAsksForTheRange()
    {
        ui::DashboardWindow window;
        window.setHistorySource(nullptr, u"started with --store none"_s);
        window.findChild<QAbstractButton*>(u"range.custom"_s)->click();
        ui::RangeDialog* dialog = window.rangeDialog();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(window.timeRange(), ui::TimeRange::Live5Min);  // nothing chosen yet
        dialog->setRange(2'000'000'000'000, 1'000'000'000'000);
        QCOMPARE(dialog->problemText(), u"\"To\" must be after \"From\"."_s);
        QVERIFY(!dialog->isValidRange());
        const int64_t now = nowSeconds() * 1000;
        dialog->setRange(now - 600'000, now + 3'600'000);
        QVERIFY(dialog->isValidRange());
        QVERIFY(dialog->toMs() <= now + 1000);  // "to" in the future reads as now
        dialog->accept();
        QCOMPARE(window.timeRange(), ui::TimeRange::Custom);
        QCOMPARE(window.historyNoteText(), u"Showing the last 5 min held in memory: the custom\u2026 range is read from the history store, and there is none (started with --store none)."_s);
    }

    void aStoreThatCannotAnswerSaysWhy()
    {
        QTemporaryDir dir;
        ui::DashboardWindow window;
        window.setHistorySource(std::make_shared<monitor::HistoryQuery>(fs::path(dir.path().toStdString()) / "gone.db", 2), {});
        QSignalSpy arrived(&window, &ui::DashboardWindow::historyArrived);
        window.findChild<QAbstractButton*>(u"range.86400"_s)->click();
        QVERIFY(arrived.wait(10'000));
        QVERIFY(window.historyNoteText().startsWith(u"The history store could not answer: "_s));
        QVERIFY(window.historyNoteText().contains(u"gone.db"_s));
        QVERIFY(window.historyNoteText().endsWith(u"Latency and throughput show nothing for this range rather than a guess."_s));
    }
};

QTEST_MAIN(TestHistoryRanges)
#include "test_history_ranges.moc"

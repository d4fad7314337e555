// The "stuck now" panel lists exactly the engine's oldest stuck records, in
// order, and copies their IDs.
#include "ui_fixture.hpp"

#include "core/engine/record_id.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/kpi_tile.hpp"
#include "ui/stuck_records_model.hpp"
#include "ui/stuck_records_panel.hpp"

#include <QApplication>
#include <QClipboard>
#include <QTableView>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;
using uitest::ev;

class TestStuckPanel : public QObject {
    Q_OBJECT

private slots:
    void listsTheEnginesOldestStuckInOrder()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig(3), {"incoming", "enriched", "processed"});
        // 150 records, composite IDs created at their event time; arrival
        // order is scrambled so "oldest first" is the engine's, not ours.
        std::vector<engine::Event> events;
        for (uint32_t record_idx = 0; record_idx < 150; ++record_idx) {
            const int64_t t0 = 1'000'000 + (record_idx * 7919 % 150) * 20;
            const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), 0x1000 + record_idx);
            events.push_back(ev(id, 0, t0, static_cast<uint16_t>(record_idx % 4), record_idx));
            if (record_idx % 3 == 0)
                events.push_back(ev(id, 1, t0 + 50));  // waits for "processed" instead
        }
        std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.eventTimeMs < b.eventTimeMs; });
        pipeline.feed(events);
        // Later stages read well past every deadline (1 s SLA).
        const uint64_t marker = engine::composite_id::make(1010, 1);
        pipeline.feed({ev(marker, 0, 1'009'000), ev(marker, 1, 1'009'100), ev(marker, 2, 1'009'200)});
        const auto snapshot = pipeline.snapshot(1'010'000);

        const auto expected = pipeline.engine().oldestStuck(monitor::MonitorSnapshot::kStuckSample);
        QCOMPARE(expected.size(), size_t{100});  // 150 stuck, the panel gets the 100 oldest
        QCOMPARE(snapshot->gauges.stuck, 150u);

        ui::DashboardWindow window;
        window.showSnapshot(snapshot);
        auto* panel = window.findChild<ui::StuckRecordsPanel*>(u"stuckPanel"_s);
        QVERIFY(panel);
        ui::StuckRecordsModel* model = panel->model();
        QCOMPARE(model->rowCount(), static_cast<int>(expected.size()));
        for (size_t row = 0; row < expected.size(); ++row) {
            const int r = static_cast<int>(row);
            QCOMPARE(model->idAt(r), QString::fromStdString(expected[row].id));
            QCOMPARE(model->index(r, ui::StuckRecordsModel::IdColumn).data().toString(), QString::fromStdString(expected[row].id));
            const QString awaiting = expected[row].awaitingStage == 1 ? u"enriched"_s : u"processed"_s;
            QCOMPARE(model->index(r, ui::StuckRecordsModel::AwaitingColumn).data().toString(), awaiting);
            QCOMPARE(model->index(r, ui::StuckRecordsModel::CreatedColumn).data().toString(),
                     QString::fromStdString(engine::composite_id::formatCreationTime(expected[row].key)));
        }
        for (size_t row = 1; row < expected.size(); ++row)
            QVERIFY2(expected[row - 1].t0Ms <= expected[row].t0Ms, "the engine's list is oldest first");
        QVERIFY(panel->summaryText().contains(u"150 stuck"_s));
        QVERIFY(panel->summaryText().contains(u"100 oldest"_s));
    }

    void cantJudgeSaysSoInsteadOfListingRecordsAsStuck()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig(3), {"incoming", "enriched", "processed"});
        const uint64_t stuckId = engine::composite_id::make(1000, 7);
        const uint64_t marker = engine::composite_id::make(1010, 1);
        pipeline.feed({ev(stuckId, 0, 1'000'000), ev(marker, 0, 1'009'000), ev(marker, 1, 1'009'100), ev(marker, 2, 1'009'200)});
        ui::DashboardWindow window;
        auto* panel = window.findChild<ui::StuckRecordsPanel*>(u"stuckPanel"_s);
        QVERIFY(panel);
        window.showSnapshot(pipeline.snapshot(1'010'000));
        QCOMPARE(panel->summaryText(), u"1 stuck \u00b7 oldest first"_s);
        QVERIFY(!panel->view()->isHidden());
        QCOMPARE(panel->model()->rowCount(), 1);

        // The processed stage goes blind: the STUCK tile says "—", and the
        // panel must not go on listing the record as stuck.
        pipeline.health = {{monitor::StageHealthState::Ok, {}, 0},
                           {monitor::StageHealthState::Ok, {}, 0},
                           {monitor::StageHealthState::Blind, "no answer about orders.out[0-5] from broker 127.0.0.1:9092/2 for 8.0 s", 0}};
        window.showSnapshot(pipeline.snapshot(1'010'500));
        QCOMPARE(panel->summaryText(),
                 u"Can't judge what is stuck now: processed blind: no answer about orders.out[0-5] from broker 127.0.0.1:9092/2 for 8.0 s"_s);
        QVERIFY(panel->view()->isHidden());
        auto* stuckTile = window.findChild<ui::KpiTile*>(u"tile.stuck"_s);
        QVERIFY(stuckTile);
        QCOMPARE(stuckTile->valueText(), u"\u2014"_s);

        // Seen again: the list comes back.
        pipeline.health.back() = {monitor::StageHealthState::Ok, {}, 0};
        window.showSnapshot(pipeline.snapshot(1'011'000));
        QCOMPARE(panel->summaryText(), u"1 stuck \u00b7 oldest first"_s);
        QVERIFY(!panel->view()->isHidden());
    }

    void opaqueIdsHaveNoCreationTime()
    {
        engine::StuckRecord opaque;
        opaque.id = "order-42";
        opaque.key = engine::hashOpaqueId(opaque.id);
        QVERIFY(ui::StuckRecordsModel::creationTime(opaque).isEmpty());
        engine::StuckRecord composite;
        composite.key = 0x5d684054fc3540a0ULL;
        composite.id = engine::composite_id::format(composite.key);
        QCOMPARE(ui::StuckRecordsModel::creationTime(composite), u"2019-08-29T21:15:00Z"_s);
    }

    void copiesSelectedIdsAndKeepsSelectionAcrossUpdates()
    {
        uitest::FedPipeline pipeline(uitest::smallConfig());
        pipeline.feed({ev(0x11, 0, 1000), ev(0x22, 0, 1100), ev(0x33, 0, 1200), ev(0x99, 0, 4000), ev(0x99, 1, 4000)});
        ui::StuckRecordsPanel panel;
        panel.resize(700, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showSnapshot(pipeline.snapshot(4100));
        QCOMPARE(panel.model()->rowCount(), 3);

        panel.view()->selectRow(1);
        QCOMPARE(panel.selectedIds(), QStringList{QString::fromStdString(engine::composite_id::format(0x22))});
        // Ctrl+C on the table copies the ID.
        QApplication::clipboard()->clear();
        panel.activateWindow();
        panel.view()->setFocus();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        QTest::keySequence(panel.view(), QKeySequence::Copy);
        QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(engine::composite_id::format(0x22)));

        // A newer snapshot where the oldest one got processed: the selected
        // record moved up a row and is still the one selected.
        pipeline.feed({ev(0x11, 1, 4200)});
        panel.showSnapshot(pipeline.snapshot(4300));
        QCOMPARE(panel.model()->rowCount(), 2);
        QCOMPARE(panel.selectedIds(), QStringList{QString::fromStdString(engine::composite_id::format(0x22))});

        panel.view()->selectAll();
        panel.copySelectedIds();
        QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(engine::composite_id::format(0x22) + "\n"
                                                                            + engine::composite_id::format(0x33)));
    }
};

QTEST_MAIN(TestStuckPanel)
#include "test_stuck_panel.moc"

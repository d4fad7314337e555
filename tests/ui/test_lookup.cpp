// "Where is record X?" from the GUI: the lookup box answers each state the
// live engine can be in (unknown, early, open, stuck, matched, lost,
// orphan) with its journey, for every ID form the config accepts, asked on
// the engine's own thread; a bad ID is named. And the dashboard's entries
// to it: Ctrl+F, pasting an ID, a double-click in "Stuck now", "Show all".
#include "stuck_view_fixture.hpp"

#include "ui/dashboard_window.hpp"
#include "ui/drill_down_panel.hpp"
#include "ui/stuck_records_panel.hpp"
#include "ui/stuck_records_model.hpp"
#include "ui/stuck_view_model.hpp"
#include "ui/stuck_view_window.hpp"

#include "core/monitor/time_text.hpp"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;
using monitor::LookupState;

Q_DECLARE_METATYPE(slatrack::monitor::LookupAnswer)

namespace {

const int64_t B = uitest::kBaseMs;
uint64_t idAt(int64_t ms, uint32_t random) { return engine::composite_id::make(static_cast<uint32_t>(ms / 1000), random); }

const uint64_t kLost = idAt(B, 11);
const uint64_t kMatched = idAt(B + 60'000, 12);
const uint64_t kStuck = idAt(B + 65'000, 13);
const uint64_t kOrphan = idAt(B + 66'000, 14);
const uint64_t kOpen = idAt(B + 69'900, 15);
const uint64_t kEarly = idAt(B + 69'900, 16);
const uint64_t kNever = idAt(B + 69'000, 17);

QString hex(uint64_t id) { return QString::fromStdString(engine::composite_id::format(id)); }

} // namespace

class TestLookup : public QObject {
    Q_OBJECT

    std::unique_ptr<test::EngineThread> m_engine;
    monitor::SnapshotPtr m_snapshot;

    // A lookup that never answers fails the test (an empty answer would read "unknown").
    monitor::LookupAnswer ask(ui::StuckViewWindow& window, const QString& typed)
    {
        QSignalSpy answered(&window, &ui::StuckViewWindow::lookupAnswered);
        window.lookup(typed);
        if (!answered.wait(10'000)) {
            QTest::qFail("the lookup was not answered", __FILE__, __LINE__);
            monitor::LookupAnswer none;
            none.state = LookupState::Stale;  // never a live answer: any comparison fails too
            return none;
        }
        return answered.at(0).at(0).value<monitor::LookupAnswer>();
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<monitor::LookupAnswer>();
        m_engine = std::make_unique<test::EngineThread>(uitest::stuckConfig());
        using uitest::event;
        m_engine->feed({event(kLost, 0, B)});
        m_engine->feed({event(kMatched, 0, B + 60'000), event(kMatched, 1, B + 60'200), event(kMatched, 2, B + 60'500)});
        m_engine->feed({event(kStuck, 0, B + 65'000, 2, 777)});  // partition index 2 = Kafka partition 3
        m_engine->feed({event(kOrphan, 2, B + 66'000)});
        m_engine->feed({event(kOpen, 0, B + 69'900, 1, 5), event(kEarly, 2, B + 69'900)});
        // Every stage's partitions read up to B + 70 s.
        const uint64_t marker = idAt(B + 70'000, 99), marker2 = idAt(B + 70'000, 98), marker3 = idAt(B + 70'000, 97);
        m_engine->feed({event(marker, 0, B + 70'000), event(marker, 1, B + 70'000), event(marker, 2, B + 70'000),
                        event(marker2, 0, B + 70'000, 2), event(marker3, 0, B + 70'000, 1)});
        m_snapshot = m_engine->snapshot(B + 70'000, uitest::kStageNames, uitest::stagePartitions());
    }

    void answersEachState_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("journeySteps");
        QTest::addColumn<QString>("stateText");
        QTest::newRow("matched, 0x + upper case") << (u"0x"_s + hex(kMatched).toUpper()) << int(LookupState::Matched) << 2 << u"MATCHED in 500 ms"_s;
        QTest::newRow("stuck, canonical hex") << hex(kStuck) << int(LookupState::Stuck) << 1 << u"STUCK \u2014 waiting for stage \"enriched\" longer than the SLA"_s;
        QTest::newRow("open, decimal") << QString::number(kOpen) << int(LookupState::Open) << 1 << u"OPEN \u2014 waiting for stage \"enriched\", younger than the SLA"_s;
        QTest::newRow("early, quoted with spaces") << (u"  \""_s + hex(kEarly) + u"\"\n"_s) << int(LookupState::Early) << 1 << u"EARLY"_s;
        QTest::newRow("orphan") << hex(kOrphan) << int(LookupState::Orphan) << 1 << u"ORPHAN"_s;
        QTest::newRow("lost") << hex(kLost) << int(LookupState::Lost) << 1 << u"LOST \u2014 open longer than the window"_s;
        QTest::newRow("unknown") << hex(kNever) << int(LookupState::Unknown) << 0 << u"UNKNOWN \u2014 not held by the engine"_s;
    }

    void answersEachState()
    {
        QFETCH(QString, typed);
        QFETCH(int, state);
        QFETCH(int, journeySteps);
        QFETCH(QString, stateText);
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        const monitor::LookupAnswer answer = ask(window, typed);
        QCOMPARE(int(answer.state), state);
        QCOMPARE(int(answer.journey().size()), journeySteps);
        ui::DrillDownPanel* panel = window.drillDown();
        QVERIFY2(panel->stateLabel()->text().startsWith(stateText), qPrintable(panel->stateLabel()->text()));
        QCOMPARE(panel->journeyView()->rowCount(), journeySteps);
        QVERIFY(answer.creationMs.has_value());  // composite: created inside the ID
        QVERIFY2(panel->findChildren<QLabel*>().size() >= 3, "title, state, created");
    }

    void journeyHasTimesHopsAndTheIncomingAddress()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        const monitor::LookupAnswer matched = ask(window, hex(kMatched));
        QTableWidget* journey = window.drillDown()->journeyView();
        QCOMPARE(journey->item(0, 0)->text(), u"incoming"_s);
        QCOMPARE(journey->item(1, 0)->text(), u"processed"_s);
        QCOMPARE(journey->item(1, 2)->text(), u"+500 ms"_s);
        QCOMPARE(matched.latencyMs, 500);
        // A finished record's completion time is kept to the second (DoneSet); the latency exactly.
        const auto steps = matched.journey();
        QCOMPARE(steps[1].at.timeMs - steps[0].at.timeMs, 500);
        QVERIFY(std::abs(steps[1].at.timeMs - (B + 60'500)) < 1000);
        QCOMPARE(journey->item(1, 1)->text(), QString::fromStdString(monitor::formatRfc3339(steps[1].at.timeMs)));
        QVERIFY2(matched.detail.find("to the second") != std::string::npos, matched.detail.c_str());
        QVERIFY2(window.drillDown()->titleLabel()->text() == hex(kMatched), qPrintable(window.drillDown()->titleLabel()->text()));

        const monitor::LookupAnswer stuck = ask(window, hex(kStuck));
        QCOMPARE(stuck.sightings.size(), size_t(1));
        QCOMPARE(stuck.sightings[0].topic, std::string("orders-in"));
        QCOMPARE(stuck.sightings[0].partition, 3);  // index 2 -> Kafka partition 3
        QCOMPARE(stuck.sightings[0].offset, 777);
        QCOMPARE(window.drillDown()->journeyView()->item(0, 3)->text(), u"orders-in [3] @ 777"_s);
        QCOMPARE(window.drillDown()->kcatText(),
                 u"kcat -C -b '127.0.0.1:1' -t 'orders-in' -p 3 -o 777 -c 1 -e -f '%t [%p] @ %o\\ntimestamp: %T\\nkey: %k\\nheaders: %h\\n%s\\n'"_s);
    }

    void badIdIsNamed()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.lookup(u"0x12g4"_s);
        QVERIFY2(window.drillDown()->titleLabel()->text().startsWith(u"Cannot look up \"0x12g4\": "_s), qPrintable(window.drillDown()->titleLabel()->text()));
        QVERIFY(window.drillDown()->titleLabel()->text().contains(u"invalid hex digit 'g'"_s));
        QVERIFY(!window.drillDown()->hasRecord());
    }

    void opaqueIdsAreLookedUpAsTyped()
    {
        test::EngineThread engineThread(uitest::stuckConfig());
        engine::Event incoming = uitest::event(0, 0, B, 0, 1);
        const std::string text = "Order 42/EU";
        incoming.id = engine::RecordId::opaque(text);
        engineThread.feed({incoming});
        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Opaque));
        window.showSnapshot(engineThread.snapshot(B + 100, uitest::kStageNames, uitest::stagePartitions()));
        const monitor::LookupAnswer answer = ask(window, u"Order 42/EU"_s);
        QCOMPARE(answer.id, text);
        QCOMPARE(answer.state, LookupState::Open);
        QVERIFY(!answer.creationMs);
        QCOMPARE(ask(window, u"order 42/EU"_s).state, LookupState::Unknown);  // opaque IDs are exact
    }

    void dashboardEntriesOpenTheLookup()
    {
        ui::DashboardWindow dashboard;
        dashboard.setEngineAccess(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        dashboard.showSnapshot(m_snapshot);
        QVERIFY(!dashboard.stuckView());

        // "Show all" opens the view.
        auto* showAll = dashboard.stuckPanel()->findChild<QPushButton*>(u"showAllStuck"_s);
        QVERIFY(showAll);
        QTest::mouseClick(showAll, Qt::LeftButton);
        QVERIFY(dashboard.stuckView() && dashboard.stuckView()->isVisible());
        ui::StuckViewWindow* view = dashboard.stuckView();
        QVERIFY(QTest::qWaitFor([&] { return view->model()->rowCount() == 1; }, 10'000));  // only kStuck is stuck

        // A double-click in "Stuck now" looks that record up.
        QSignalSpy answered(view, &ui::StuckViewWindow::lookupAnswered);
        QTableView* panelView = dashboard.stuckPanel()->view();
        QCOMPARE(panelView->model()->rowCount(), 1);
        const QRect cell = panelView->visualRect(panelView->model()->index(0, 0));
        QTest::mouseClick(panelView->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(panelView->viewport(), Qt::LeftButton, {}, cell.center());
        QVERIFY(answered.wait(10'000));
        QCOMPARE(answered.last().at(0).value<monitor::LookupAnswer>().id, engine::composite_id::format(kStuck));

        // Pasting an ID anywhere on the dashboard looks it up.
        QApplication::clipboard()->setText(u"0x"_s + hex(kMatched) + u"\nsecond line"_s);
        dashboard.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dashboard));
        QTest::keyClick(&dashboard, Qt::Key_V, Qt::ControlModifier);
        QVERIFY(answered.wait(10'000));
        QCOMPARE(answered.last().at(0).value<monitor::LookupAnswer>().state, LookupState::Matched);
        QCOMPARE(view->lookupBox()->text(), u"0x"_s + hex(kMatched));

        // Ctrl+F focuses the lookup box.
        view->hide();
        dashboard.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dashboard));
        QTest::keyClick(&dashboard, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(view->isVisible());
        QTRY_VERIFY(view->lookupBox()->hasFocus());
    }

    void cleanupTestCase() { m_engine.reset(); }
};

QTEST_MAIN(TestLookup)
#include "test_lookup.moc"

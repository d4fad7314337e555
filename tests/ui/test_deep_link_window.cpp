// DashboardWindow::openLink: a link's from..to becomes the custom range read
// from the history store (exactly those bounds), its record is looked up in
// the engine, and a link without a range leaves the range alone.
#include "stuck_view_fixture.hpp"

#include "ui/dashboard_window.hpp"
#include "ui/stuck_view_window.hpp"

#include "core/monitor/deep_link.hpp"
#include "core/monitor/history_query.hpp"
#include "core/store/store_writer.hpp"
#include "core/time/rfc3339.hpp"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>

using namespace slatrack;

Q_DECLARE_METATYPE(slatrack::monitor::LookupAnswer)

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const int64_t B = uitest::kBaseMs;
const uint64_t kStuck = engine::composite_id::make(static_cast<uint32_t>((B + 65'000) / 1000), 13);

} // namespace

class TestDeepLinkWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<store::StoreWriter> m_writer;
    std::unique_ptr<test::EngineThread> m_engine;
    monitor::SnapshotPtr m_snapshot;

    std::shared_ptr<monitor::HistoryQuery> history()
    {
        return std::make_shared<monitor::HistoryQuery>(std::filesystem::path(m_dir.filePath(QStringLiteral("p.db")).toStdString()), 3);
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<monitor::LookupAnswer>();
        // An empty store is enough: the window asks it for exactly the range.
        store::StoreWriterOptions options;
        options.path = m_dir.filePath(QStringLiteral("p.db")).toStdString();
        options.pipeline = "test-pipeline";
        options.stageCount = 3;
        m_writer = std::make_unique<store::StoreWriter>(options);
        m_writer->start();
        QVERIFY(m_writer->flush(10'000));
        m_engine = std::make_unique<test::EngineThread>(uitest::stuckConfig());
        using uitest::event;
        m_engine->feed({event(kStuck, 0, B + 65'000, 2, 777)});
        const uint64_t marker = engine::composite_id::make(static_cast<uint32_t>((B + 70'000) / 1000), 99);
        m_engine->feed({event(marker, 0, B + 70'000), event(marker, 1, B + 70'000), event(marker, 2, B + 70'000)});
        m_snapshot = m_engine->snapshot(B + 70'000, uitest::kStageNames, uitest::stagePartitions());
    }

    void opensTheRangeAndLooksTheRecordUp()
    {
        ui::DashboardWindow window;
        window.setHistorySource(history(), {});
        window.setEngineAccess(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        // Twenty to ten minutes ago, at odd milliseconds: nothing rounds.
        const int64_t fromMs = nowMs() - 1'200'000 + 123, toMs = nowMs() - 600'000 + 457;
        const std::string id = engine::composite_id::format(kStuck);
        monitor::DeepLink link{"test-pipeline", fromMs, toMs, id};
        const auto parsed = monitor::parseDeepLink(monitor::formatDeepLink(link));
        QVERIFY2(parsed.ok(), parsed.error.c_str());

        QSignalSpy arrived(&window, &ui::DashboardWindow::historyArrived);
        const QString said = window.openLink(*parsed.link);
        QVERIFY(window.isVisible());
        QCOMPARE(window.timeRange(), ui::TimeRange::Custom);
        QVERIFY(arrived.wait(10'000));
        QVERIFY(window.historyShown());
        QCOMPARE(window.historyShown()->fromMs, fromMs);
        QCOMPARE(window.historyShown()->toMs, toMs);
        QVERIFY2(said.contains(QString::fromStdString(rfc3339::formatMs(fromMs))) && said.contains(QString::fromStdString(rfc3339::formatMs(toMs))),
                 qPrintable(said));

        QVERIFY(window.stuckView() && window.stuckView()->isVisible());
        QCOMPARE(window.stuckView()->lookupBox()->text(), QString::fromStdString(id));
        QSignalSpy answered(window.stuckView(), &ui::StuckViewWindow::lookupAnswered);
        QTRY_VERIFY_WITH_TIMEOUT(window.stuckView()->lookups() >= 1, 10'000);
        // Asked once more to catch the answer itself: same ID, held as stuck.
        window.stuckView()->lookup(window.stuckView()->lookupBox()->text());
        QVERIFY(answered.wait(10'000));
        const auto answer = answered.at(0).at(0).value<monitor::LookupAnswer>();
        QCOMPARE(answer.id, id);
        QCOMPARE(answer.state, monitor::LookupState::Stuck);
    }

    void fromAloneRunsUntilNow()
    {
        ui::DashboardWindow window;
        window.setHistorySource(history(), {});
        const int64_t fromMs = nowMs() - 1'800'000;
        QSignalSpy arrived(&window, &ui::DashboardWindow::historyArrived);
        const int64_t before = nowMs();
        window.openLink(monitor::DeepLink{"test-pipeline", fromMs, std::nullopt, std::nullopt});
        const int64_t after = nowMs();
        QCOMPARE(window.timeRange(), ui::TimeRange::Custom);
        QVERIFY(arrived.wait(10'000));
        QCOMPARE(window.historyShown()->fromMs, fromMs);
        QVERIFY(window.historyShown()->toMs >= before && window.historyShown()->toMs <= after);
    }

    void noRangeKeepsTheRange()
    {
        ui::DashboardWindow window;
        window.setHistorySource(history(), {});
        window.setTimeRange(ui::TimeRange::Hour);
        window.openLink(monitor::DeepLink{"test-pipeline", std::nullopt, std::nullopt, std::nullopt});
        QCOMPARE(window.timeRange(), ui::TimeRange::Hour);
        QVERIFY(window.isVisible());
        QVERIFY(!window.stuckView());  // no id: nothing looked up
    }
};

QTEST_MAIN(TestDeepLinkWindow)
#include "test_deep_link_window.moc"

// The Alerts tile and the alerts panel over a real AlertingService: the core
// evaluator's states on screen (no judgement of the UI's own), each page's
// delivery to a real HTTP server on 127.0.0.1 run by this test, and a
// silence entered in the panel reaching the service. Offscreen.
#include "core/alerting/alerting_service.hpp"
#include "tests/alerting/alert_test_support.hpp"
#include "tests/alerting/http_test_server.hpp"
#include "ui/alerts_window.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/kpi_tile.hpp"
#include "ui/silence_dialog.hpp"

#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>

using namespace slatrack;
using namespace Qt::StringLiterals;
using alerting_test::HttpTestServer;

namespace {

config::PipelineConfig panelConfig(const HttpTestServer& server)
{
    using config::RuleKind;
    config::PipelineConfig config = alerting_test::pipelineWith(
        {alerting_test::rule("stuck", RuleKind::Stuck, 0, 0), alerting_test::rule("stage_blind", RuleKind::StageBlind, 30'000, 0)});
    config::PagerConfig pager;
    pager.name = "chat";
    pager.kind = config::PagerKind::Webhook;
    pager.url = server.url("/hook");
    config.alerts.pagers = {pager};
    return config;
}

ui::KpiTile* alertsTile(const QWidget& window)
{
    return window.findChild<ui::KpiTile*>(u"tile.alerts"_s);
}

QString cell(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : u"<none>"_s;
}

int rowOf(const QTableWidget* table, int column, const QString& text)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (cell(table, row, column) == text)
            return row;
    }
    return -1;
}

} // namespace

class TestAlertsPanel : public QObject {
    Q_OBJECT

private slots:
    void tileAndPanelShowTheEvaluatorAndEachPage();
    void cantJudgeIsGreyWithItsReason();
    void silenceFromThePanelReachesTheService();
};

void TestAlertsPanel::tileAndPanelShowTheEvaluatorAndEachPage()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    server.script({202, "ok", {}});
    server.script({400, R"({"message":"bad payload"})", {}});  // the resolve is refused
    const config::PipelineConfig config = panelConfig(server);
    auto service = std::make_shared<alerting::AlertingService>(config, std::filesystem::path(), "host-1", nullptr);
    QCOMPARE(service->start(), std::string());

    ui::DashboardWindow window;
    window.resize(1600, 900);
    window.show();
    // Before alerting runs: a grey dash with the reason, never "OK".
    window.setAlerting(nullptr, 1, u"alerting starts with the monitor"_s);
    QCOMPARE(alertsTile(window)->valueText(), u"\u2014"_s);
    QCOMPARE(alertsTile(window)->tone(), ui::Tone::Neutral);
    QCOMPARE(alertsTile(window)->detailText(), u"alerting starts with the monitor"_s);

    window.setAlerting(service, 1, {});
    const int64_t t0 = QDateTime::currentMSecsSinceEpoch();
    auto healthy = std::make_shared<monitor::MonitorSnapshot>(alerting_test::healthySnapshot(t0));
    service->onSnapshot(*healthy, {}, t0);
    window.showSnapshot(healthy);
    QCOMPARE(alertsTile(window)->valueText(), u"OK"_s);
    QCOMPARE(alertsTile(window)->tone(), ui::Tone::Good);
    QCOMPARE(alertsTile(window)->detailText(), u"2 rules \u00b7 none firing"_s);

    auto stuck = std::make_shared<monitor::MonitorSnapshot>(alerting_test::healthySnapshot(t0 + 1000));
    alerting_test::setStuck(*stuck, {"order-17", "order-18", "order-19"});
    service->onSnapshot(*stuck, {}, t0 + 1000);
    window.showSnapshot(stuck);
    QCOMPARE(alertsTile(window)->valueText(), u"1"_s);
    QCOMPARE(alertsTile(window)->unitText(), u"firing"_s);
    QCOMPARE(alertsTile(window)->tone(), ui::Tone::Bad);
    QVERIFY2(alertsTile(window)->detailText().startsWith(u"stuck: 3 records stuck"_s), qPrintable(alertsTile(window)->detailText()));
    QTRY_COMPARE(server.requests().size(), 1);

    // A click on the tile opens the panel.
    QTest::mouseClick(alertsTile(window), Qt::LeftButton);
    ui::AlertsWindow* panel = window.alertsWindow();
    QVERIFY(panel && panel->isVisible());
    QTRY_COMPARE(cell(panel->pagesTable(), 0, 3), u"sent"_s);
    panel->refresh({});
    const int stuckRow = rowOf(panel->rulesTable(), 1, u"stuck"_s);
    QVERIFY(stuckRow >= 0);
    QCOMPARE(cell(panel->rulesTable(), stuckRow, 0), u"firing"_s);
    QVERIFY(cell(panel->rulesTable(), stuckRow, 4).startsWith(u"3 records stuck"_s));
    QVERIFY(cell(panel->rulesTable(), stuckRow, 5).startsWith(u"slatrack:orders:stuck:"_s));
    QCOMPARE(cell(panel->pagesTable(), 0, 1), u"chat"_s);
    QCOMPARE(cell(panel->pagesTable(), 0, 2), u"trigger"_s);
    QCOMPARE(cell(panel->pagesTable(), 0, 5), u"202"_s);
    QCOMPARE(cell(panel->pagesTable(), 0, 6), cell(panel->rulesTable(), stuckRow, 5));

    // Resolved, but the resolve was refused: the tile does not go green.
    auto calm = std::make_shared<monitor::MonitorSnapshot>(alerting_test::healthySnapshot(t0 + 2000));
    service->onSnapshot(*calm, {}, t0 + 2000);
    QTRY_COMPARE(server.requests().size(), 2);
    QTRY_VERIFY(!service->pages().empty() && service->pages().back().state == "failed");
    window.showSnapshot(calm);
    QCOMPARE(alertsTile(window)->valueText(), u"OK"_s);
    QCOMPARE(alertsTile(window)->tone(), ui::Tone::Warn);
    QVERIFY2(alertsTile(window)->detailText().endsWith(u"1 page failed"_s), qPrintable(alertsTile(window)->detailText()));
    // Undelivered first, with the pager's answer.
    QCOMPARE(cell(panel->pagesTable(), 0, 2), u"resolve"_s);
    QCOMPARE(cell(panel->pagesTable(), 0, 3), u"failed"_s);
    QCOMPARE(cell(panel->pagesTable(), 0, 5), u"400"_s);
    QVERIFY2(cell(panel->pagesTable(), 0, 7).contains(u"bad payload"_s), qPrintable(cell(panel->pagesTable(), 0, 7)));
    QCOMPARE(cell(panel->pagesTable(), 1, 3), u"sent"_s);
    service->stop();
}

void TestAlertsPanel::cantJudgeIsGreyWithItsReason()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    auto service = std::make_shared<alerting::AlertingService>(panelConfig(server), std::filesystem::path(), "host-1", nullptr);
    QCOMPARE(service->start(), std::string());
    ui::DashboardWindow window;
    window.show();
    window.setAlerting(service, 1, {});
    const int64_t t0 = QDateTime::currentMSecsSinceEpoch();
    auto blind = std::make_shared<monitor::MonitorSnapshot>(alerting_test::healthySnapshot(t0));
    alerting_test::setBlind(*blind, 1, t0 - 5000);
    service->onSnapshot(*blind, {}, t0);
    window.showSnapshot(blind);
    // stuck can't judge (its stage is blind); the blind rule is pending (for 30 s).
    QCOMPARE(alertsTile(window)->valueText(), u"\u2014"_s);
    QCOMPARE(alertsTile(window)->tone(), ui::Tone::Neutral);
    QVERIFY2(alertsTile(window)->detailText().startsWith(u"can't judge: processed blind"_s), qPrintable(alertsTile(window)->detailText()));
    window.openAlerts();
    const QTableWidget* rules = window.alertsWindow()->rulesTable();
    QCOMPARE(cell(rules, rowOf(rules, 1, u"stuck"_s), 0), u"can't judge (was normal)"_s);
    QCOMPARE(cell(rules, rowOf(rules, 1, u"stage_blind"_s), 0), u"pending"_s);
    QVERIFY(server.requests().isEmpty());
    service->stop();
}

void TestAlertsPanel::silenceFromThePanelReachesTheService()
{
    HttpTestServer server;
    QVERIFY(server.listen());
    auto service = std::make_shared<alerting::AlertingService>(panelConfig(server), std::filesystem::path(), "host-1", nullptr);
    QCOMPARE(service->start(), std::string());
    std::vector<alerting::Silence> told;
    service->setSilencesListener([&](const std::vector<alerting::Silence>& silences) { told = silences; });
    ui::DashboardWindow window;
    window.show();
    window.setAlerting(service, 1, {});
    window.openAlerts();
    ui::AlertsWindow* panel = window.alertsWindow();

    QTest::mouseClick(panel->silenceRecordButton(), Qt::LeftButton);
    ui::SilenceDialog* dialog = panel->silenceDialog();
    QVERIFY(dialog && dialog->isVisible());
    dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(static_cast<int>(alerting::Silence::Kind::IdPattern)));
    dialog->matcherEdit()->setText(u"  order-* "_s);
    dialog->authorEdit()->setText(u"ana"_s);
    // No reason: refused, and said, the dialog stays open.
    dialog->accept();
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->error().startsWith(u"Reason is empty"_s));
    QVERIFY(service->silences().empty());
    dialog->reasonEdit()->setText(u"poison pills, ORD-17"_s);
    dialog->accept();
    QVERIFY(!dialog->isVisible());

    QCOMPARE(service->silences().size(), size_t(1));
    const alerting::Silence silence = service->silences().front();
    QCOMPARE(silence.kind, alerting::Silence::Kind::IdPattern);
    QCOMPARE(silence.matcher, std::string("order-*"));
    QCOMPARE(silence.author, std::string("ana"));
    QCOMPARE(silence.reason, std::string("poison pills, ORD-17"));
    QCOMPARE(silence.expiresMs - silence.createdMs, int64_t(4) * 3'600'000);  // the default: 4 hours
    QCOMPARE(told.size(), size_t(1));  // handed on (to the monitor, in the app)
    QCOMPARE(panel->silencesTable()->rowCount(), 1);
    QCOMPARE(cell(panel->silencesTable(), 0, 0), u"ID pattern"_s);
    QCOMPARE(cell(panel->silencesTable(), 0, 1), u"order-*"_s);

    // The silenced records no longer page: three stuck, all silenced.
    const int64_t t0 = QDateTime::currentMSecsSinceEpoch();
    auto stuck = std::make_shared<monitor::MonitorSnapshot>(alerting_test::healthySnapshot(t0));
    alerting_test::setStuck(*stuck, {"order-17", "order-18", "order-19"});
    service->onSnapshot(*stuck, {}, t0);
    window.showSnapshot(stuck);
    QCOMPARE(alertsTile(window)->valueText(), u"OK"_s);
    QTest::qWait(300);
    QVERIFY(server.requests().isEmpty());
    service->stop();
}

QTEST_MAIN(TestAlertsPanel)
#include "test_alerts_panel.moc"

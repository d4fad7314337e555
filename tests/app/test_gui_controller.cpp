// The GUI wiring in-process (offscreen): no config -> first-run screen; a bad
// config -> an error naming the field, and the first-run screen; --demo ->
// the dashboard fed live by the embedded broker and simulator.
#include "app/gui_controller.hpp"
#include "ui/dashboard_window.hpp"
#include "ui/first_run_widget.hpp"

#include <QtTest>

#include <QApplication>
#include <QMessageBox>
#include <QTemporaryDir>

using namespace slatrack;

namespace {
QMessageBox* visibleError()
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible() && box->objectName() == QStringLiteral("slatrackError"))
            return box;
    return nullptr;
}
} // namespace

class TestGuiController : public QObject {
    Q_OBJECT

private slots:
    void noConfigShowsFirstRun()
    {
        QTemporaryDir dir;
        app::GuiOptions options;
        options.defaultConfigPath = dir.filePath(QStringLiteral("pipeline.json"));
        app::GuiController controller(options);
        controller.start();
        QVERIFY(controller.firstRun());
        QVERIFY(controller.firstRun()->isVisible());
        QVERIFY(!controller.dashboard());
    }

    void badConfigNamesTheFieldAndFallsBackToFirstRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"pipeline": "x", "kafka": {"brokers": "127.0.0.1:1"}, "stages": [
            {"name": "in", "topics": ["a"]}, {"name": "out", "topics": ["b"], "time": {"from": "json", "pointer": "/t", "format": "millis"}}]})");
        file.close();
        app::GuiOptions options;
        options.configPath = path;
        options.defaultConfigPath = dir.filePath(QStringLiteral("pipeline.json"));
        app::GuiController controller(options);
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(visibleError() != nullptr, 10000);
        const QString text = visibleError()->informativeText();
        QVERIFY2(text.contains(QStringLiteral("stages[1].time.format")) && text.contains(QStringLiteral("millis")), qPrintable(text));
        QVERIFY(controller.firstRun() && controller.firstRun()->isVisible());
        QVERIFY(!controller.dashboard());
        visibleError()->close();
    }

    void demoFeedsTheDashboard()
    {
        QTemporaryDir dir;
        app::GuiOptions options;
        options.demo = true;
        options.defaultConfigPath = dir.filePath(QStringLiteral("pipeline.json"));
        options.demoSettings.ratePerSecond = 500;
        app::GuiController controller(options);
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(controller.dashboard() != nullptr, 15000);
        QVERIFY(controller.dashboard()->isVisible());
        // Records flow end to end: the simulator produces, the monitor
        // matches, the snapshot reaches the window.
        QTRY_VERIFY_WITH_TIMEOUT(controller.dashboard()->shownSnapshot() && controller.dashboard()->shownSnapshot()->totals.back().matched > 100, 40000);
        const auto snapshot = controller.dashboard()->shownSnapshot();
        QCOMPARE(snapshot->pipeline, std::string("demo"));
        QVERIFY(snapshot->connected);
        QVERIFY(snapshot->latencyLastMinute.p50 > 0);
    }
};

QTEST_MAIN(TestGuiController)
#include "test_gui_controller.moc"

// The first-run screen offers three ways forward and reports the choice.
#include "ui/first_run_widget.hpp"

#include <QLabel>
#include <QPushButton>
#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;

class TestFirstRun : public QObject {
    Q_OBJECT

private slots:
    void buttonsEmitTheirSignals()
    {
        ui::FirstRunWidget widget(u"/home/op/.config/slatrack/config.json"_s);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        QSignalSpy demo(&widget, &ui::FirstRunWidget::demoRequested);
        QSignalSpy open(&widget, &ui::FirstRunWidget::openConfigRequested);
        QSignalSpy create(&widget, &ui::FirstRunWidget::createConfigRequested);

        QTest::mouseClick(widget.demoButton(), Qt::LeftButton);
        QCOMPARE(demo.count(), 1);
        QTest::mouseClick(widget.openButton(), Qt::LeftButton);
        QCOMPARE(open.count(), 1);
        QTest::mouseClick(widget.createButton(), Qt::LeftButton);
        QCOMPARE(create.count(), 1);
        QCOMPARE(demo.count(), 1);
        QCOMPARE(open.count(), 1);
    }

    void isNeverEmpty()
    {
        ui::FirstRunWidget widget(u"/etc/slatrack.json"_s);
        QCOMPARE(widget.demoButton()->text(), u"Run the demo"_s);
        QCOMPARE(widget.openButton()->text(), u"Open config\u2026"_s);
        QCOMPARE(widget.createButton()->text(), u"Create config\u2026"_s);
        QVERIFY(widget.demoButton()->isDefault());
        auto* missing = widget.findChild<QLabel*>(u"firstRun.missingPath"_s);
        QVERIFY(missing && missing->text().contains(u"/etc/slatrack.json"_s));
        // Keyboard users get there too: the demo button activates with Space.
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        QSignalSpy demo(&widget, &ui::FirstRunWidget::demoRequested);
        widget.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&widget));
        QTest::keyClick(widget.demoButton(), Qt::Key_Space);
        QCOMPARE(demo.count(), 1);
    }
};

QTEST_MAIN(TestFirstRun)
#include "test_first_run.moc"

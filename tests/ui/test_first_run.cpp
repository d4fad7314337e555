// The first-run screen offers three ways forward and reports the choice.
#include "ui/first_run_widget.hpp"

#include <QLabel>
#include <QLineEdit>
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
        QCOMPARE(create.at(0).at(0).toString(), u"localhost:9092"_s);  // left blank
        QTest::keyClicks(widget.brokersEdit(), u" kafka-1:9093,kafka-2:9093 "_s);
        QTest::mouseClick(widget.createButton(), Qt::LeftButton);
        QCOMPARE(create.count(), 2);
        QCOMPARE(create.at(1).at(0).toString(), u"kafka-1:9093,kafka-2:9093"_s);
        QCOMPARE(demo.count(), 1);
        QCOMPARE(open.count(), 1);
    }

    void textIsNeverClipped()
    {
        // Every label gets the height its wrapped text needs, at any size.
        for (const QSize size : {QSize(640, 620), QSize(1280, 720), QSize(1920, 1080), QSize(480, 360)}) {
            ui::FirstRunWidget widget(u"/home/operator/.config/slatrack/a-rather-long-folder-name/pipeline.json"_s);
            widget.resize(size);
            widget.show();
            QVERIFY(QTest::qWaitForWindowExposed(&widget));
            for (const QLabel* label : widget.findChildren<QLabel*>()) {
                if (!label->wordWrap() || !label->isVisible())
                    continue;
                const int needed = label->heightForWidth(label->width());
                QVERIFY2(label->height() >= needed,
                         qPrintable(QStringLiteral("at %1x%2 \"%3\" is %4 px high, needs %5")
                                        .arg(size.width()).arg(size.height()).arg(label->text().left(30)).arg(label->height()).arg(needed)));
            }
        }
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

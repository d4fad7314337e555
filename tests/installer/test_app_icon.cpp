// The SVG icon (installed as the theme icon and compiled into slatrack as
// the window icon's fallback) renders through Qt's SVG icon engine at the
// sizes a desktop asks for, and shows what it was drawn to show. Without the
// engine (Debian's libqt6svg6, a run-time plugin the package depends on)
// the window would have no icon at all.
#include <QtTest>

#include <QIcon>
#include <QImage>
#include <QPixmap>

namespace {

// Colours of packaging/slatrack.svg.
constexpr QRgb kBackground = 0xff1d2b3a;
constexpr QRgb kStuckDot = 0xffe5484d;

bool near(QRgb actual, QRgb expected)
{
    const int tolerance = 12;  // antialiasing at shape edges
    return std::abs(qRed(actual) - qRed(expected)) <= tolerance && std::abs(qGreen(actual) - qGreen(expected)) <= tolerance &&
           std::abs(qBlue(actual) - qBlue(expected)) <= tolerance;
}

} // namespace

class TestAppIcon : public QObject {
    Q_OBJECT

private slots:
    void rendersAtDesktopSizes_data();
    void rendersAtDesktopSizes();
    void showsTheDesign();
};

void TestAppIcon::rendersAtDesktopSizes_data()
{
    QTest::addColumn<int>("size");
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        QTest::newRow(qPrintable(QString::number(size))) << size;
}

void TestAppIcon::rendersAtDesktopSizes()
{
    QFETCH(int, size);
    const QIcon icon(QStringLiteral(SLATRACK_ICON_SVG));
    QVERIFY2(!icon.isNull(), "QIcon could not load the SVG: is Qt's SVG icon engine (libqt6svg6) installed?");
    const QImage image = icon.pixmap(size, size).toImage();
    QCOMPARE(image.width(), size);
    // The rounded square fills the middle; the corners stay transparent.
    QVERIFY2(qAlpha(image.pixel(size / 2, size / 2)) == 255, "the middle of the icon is not opaque");
    QVERIFY2(qAlpha(image.pixel(0, 0)) == 0, "the corner of the icon is not transparent");
}

void TestAppIcon::showsTheDesign()
{
    // At 128 px the SVG's user units are pixels.
    const QImage image = QIcon(QStringLiteral(SLATRACK_ICON_SVG)).pixmap(128, 128).toImage();
    QVERIFY2(near(image.pixel(64, 20), kBackground), qPrintable(QString::number(image.pixel(64, 20), 16)));
    QVERIFY2(near(image.pixel(92, 28), kStuckDot), qPrintable(QString::number(image.pixel(92, 28), 16)));
    if (const QByteArray out = qgetenv("SLATRACK_ICON_PNG"); !out.isEmpty())
        image.save(QString::fromLocal8Bit(out));  // for looking at it
}

QTEST_MAIN(TestAppIcon)
#include "test_app_icon.moc"

// Which config a link's pipeline is: the first *.json (user's folders before
// the system's) whose "pipeline" is the link's; none: an error naming the
// pipeline and every place looked at.
#include "app/link_config.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace slatrack;

namespace {
void write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}
} // namespace

class TestDeepLinkConfig : public QObject {
    Q_OBJECT

private slots:
    void findsTheConfigNamingThePipeline()
    {
        QTemporaryDir dir;
        const QString user = dir.filePath(QStringLiteral("user")), system = dir.filePath(QStringLiteral("system"));
        write(user + QStringLiteral("/a-other.json"), R"({"pipeline": "other"})");
        // Comments, as the loader allows; other errors do not matter here.
        write(user + QStringLiteral("/b-orders.json"), "// orders in prod\n{\"pipeline\": \"orders\", \"kafka\": 7}");
        write(user + QStringLiteral("/c-broken.json"), R"({"pipeline": "orders")");
        write(user + QStringLiteral("/d-list.json"), R"(["orders"])");
        write(user + QStringLiteral("/orders.txt"), R"({"pipeline": "orders"})");
        write(system + QStringLiteral("/orders.json"), R"({"pipeline": "orders"})");
        const app::LinkConfig found = app::findConfigForPipeline("orders", {user, system});
        QCOMPARE(found.path, user + QStringLiteral("/b-orders.json"));
        QCOMPARE(found.alsoMatching, QStringList{system + QStringLiteral("/orders.json")});
        QVERIFY(found.error.isEmpty());
        QCOMPARE(app::findConfigForPipeline("other", {user, system}).path, user + QStringLiteral("/a-other.json"));
    }

    void noneMatchingSaysWhereItLooked()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("a/x.json")), R"({"pipeline": "Orders"})");  // case matters
        const app::LinkConfig found = app::findConfigForPipeline("orders", {dir.filePath(QStringLiteral("a")), dir.filePath(QStringLiteral("missing"))});
        QVERIFY(found.path.isEmpty());
        QCOMPARE(found.error, QStringLiteral("no config for pipeline \"orders\" in %1/a/*.json, %1/missing/*.json; pass one with -c FILE").arg(dir.path()));
    }

    void searchesTheUsersFoldersFirst()
    {
        QTemporaryDir dir;
        qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("home")).toUtf8());
        qputenv("XDG_CONFIG_DIRS", dir.filePath(QStringLiteral("xdg")).toUtf8());
        QCoreApplication::setApplicationName(QStringLiteral("slatrack"));
        const QStringList folders = app::linkConfigFolders();
        QCOMPARE(folders, (QStringList{dir.filePath(QStringLiteral("home/slatrack")), dir.filePath(QStringLiteral("xdg/slatrack")), QStringLiteral("/etc/slatrack")}));
    }
};

QTEST_GUILESS_MAIN(TestDeepLinkConfig)
#include "test_deep_link_config.moc"

#include <QtTest>

#include <QDir>
#include <QFile>

#include "fuzz/fuzz_input.hpp"

// Replays every committed input of one fuzz target through the same
// LLVMFuzzerTestOneInput the fuzzer runs, in the normal (gcc) build: the
// seed corpus fuzz/corpus/<target>/ and every crash kept under
// fuzz/regressions/<target>/. An invariant the target asserts aborts the
// test, naming the input (printed before each one when it is run with -v2,
// and as the data tag of the failing row).
class TestFuzzReplay : public QObject {
    Q_OBJECT

private slots:
    void replaysCommittedInputs_data();
    void replaysCommittedInputs();
    void corpusIsNotEmpty();
};

namespace {

QStringList inputFiles()
{
    QStringList files;
    for (const char* folder : {"corpus", "regressions"}) {
        const QDir dir(QStringLiteral(SLATRACK_FUZZ_DIR "/%1/" SLATRACK_FUZZ_TARGET).arg(QLatin1String(folder)));
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
            files << dir.filePath(name);
    }
    return files;
}

} // namespace

void TestFuzzReplay::replaysCommittedInputs_data()
{
    QTest::addColumn<QString>("path");
    for (const QString& path : inputFiles())
        QTest::newRow(qPrintable(QDir(QStringLiteral(SLATRACK_FUZZ_DIR)).relativeFilePath(path))) << path;
}

void TestFuzzReplay::replaysCommittedInputs()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = file.readAll();
    std::fprintf(stderr, "replaying %s (%lld bytes)\n", qPrintable(path), static_cast<long long>(bytes.size()));
    // libFuzzer hands the target its own copy; so do we, so an input the
    // target reads past the end of is caught by the sanitizer build.
    std::vector<uint8_t> copy(bytes.begin(), bytes.end());
    QCOMPARE(LLVMFuzzerTestOneInput(copy.data(), copy.size()), 0);
}

void TestFuzzReplay::corpusIsNotEmpty()
{
    // A renamed folder would otherwise replay nothing and pass.
    QVERIFY2(inputFiles().size() >= 3, SLATRACK_FUZZ_DIR "/corpus/" SLATRACK_FUZZ_TARGET " holds fewer than 3 inputs");
}

QTEST_APPLESS_MAIN(TestFuzzReplay)
#include "replay_test.moc"

// The stuck records view over an engine on its own thread, as in the app:
// every row the view shows, in the order it shows them, equals a plain
// reference (every stuck record from the engine's own oldestStuck, filtered
// and sorted here by straightforward code) on 100,000 records, for each
// sort column and filter; the CSV export holds exactly the matching rows;
// copying a selection copies those rows' IDs; row count and per-stage
// counts follow the engine as records get processed.
#include "stuck_view_fixture.hpp"

#include "ui/stuck_csv_export.hpp"
#include "ui/stuck_view_model.hpp"
#include "ui/stuck_view_window.hpp"

#include "core/config/duration_parse.hpp"
#include "core/monitor/time_text.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <limits>
#include <tuple>

using namespace slatrack;
using namespace Qt::StringLiterals;

namespace {

constexpr size_t kRecords = 100'000;

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

struct Reference {
    std::string idContains;
    int stage = 0;            // 0: any
    int kafkaPartition = -1;  // -1: any
    int64_t minAgeMs = std::numeric_limits<int64_t>::min();
    int64_t maxAgeMs = std::numeric_limits<int64_t>::max();
    engine::StuckColumn column = engine::StuckColumn::Age;
    bool descending = true;
};

int kafkaPartitionOf(uint16_t index)
{
    for (const auto& partition : uitest::stagePartitions())
        if (partition.index == index)
            return partition.partition;
    return -1;
}

// The plain reference: filter and sort every stuck record the engine lists.
std::vector<uint64_t> referenceKeys(const std::vector<engine::StuckRecord>& all, const Reference& ref)
{
    std::vector<engine::StuckRecord> kept;
    for (const engine::StuckRecord& record : all) {
        if (!ref.idContains.empty() && lower(record.id).find(lower(ref.idContains)) == std::string::npos)
            continue;
        if (ref.stage != 0 && record.awaitingStage != ref.stage)
            continue;
        if (ref.kafkaPartition >= 0 && kafkaPartitionOf(record.partition) != ref.kafkaPartition)
            continue;
        if (record.ageMs < ref.minAgeMs || record.ageMs > ref.maxAgeMs)
            continue;
        kept.push_back(record);
    }
    auto tupleOf = [&](const engine::StuckRecord& r) {
        switch (ref.column) {
        case engine::StuckColumn::Id: return std::make_tuple(r.id, int64_t{0}, int64_t{0}, r.key);
        case engine::StuckColumn::Awaiting: return std::make_tuple(std::string(), int64_t{r.awaitingStage}, r.t0Ms, r.key);
        case engine::StuckColumn::Age: return std::make_tuple(std::string(), r.ageMs, int64_t{0}, r.key);
        case engine::StuckColumn::FirstSeen: return std::make_tuple(std::string(), r.t0Ms, int64_t{0}, r.key);
        case engine::StuckColumn::Created:
            return std::make_tuple(std::string(), engine::composite_id::creationUnixSeconds(r.key), int64_t{0}, r.key);
        case engine::StuckColumn::Source:
            // As read on screen: topic (one here), Kafka partition, offset.
            return std::make_tuple(std::string(), int64_t{kafkaPartitionOf(r.partition)}, r.offset, r.key);
        }
        return std::make_tuple(std::string(), int64_t{0}, int64_t{0}, r.key);
    };
    std::sort(kept.begin(), kept.end(), [&](const auto& a, const auto& b) { return ref.descending ? tupleOf(b) < tupleOf(a) : tupleOf(a) < tupleOf(b); });
    std::vector<uint64_t> keys;
    for (const auto& record : kept)
        keys.push_back(record.key);
    return keys;
}

bool waitForAnswer(ui::StuckViewModel* model, quint64 before)
{
    return QTest::qWaitFor([&] { return model->builds() > before && !model->busy(); }, 20'000);
}

// Every row of the view in order, read page by page as scrolling would
// (32 pages asked at a time: half of what the model keeps).
std::vector<uint64_t> keysInView(ui::StuckViewModel* model, bool& ok)
{
    std::vector<uint64_t> keys;
    ok = true;
    const int rows = model->rowCount();
    constexpr int kBlock = 32 * ui::StuckViewModel::kPageRows;
    for (int blockStart = 0; blockStart < rows; blockStart += kBlock) {
        const int blockEnd = std::min(rows, blockStart + kBlock);
        for (int row = blockStart; row < blockEnd; row += ui::StuckViewModel::kPageRows)
            model->data(model->index(row, 0));  // what painting the row does: asks for its page
        auto loaded = [&] {
            for (int row = blockStart; row < blockEnd; row += ui::StuckViewModel::kPageRows)
                if (!model->rowAt(row))
                    return false;
            return true;
        };
        if (!QTest::qWaitFor(loaded, 10'000)) {
            ok = false;
            return keys;
        }
        for (int row = blockStart; row < blockEnd; ++row) {
            if (!model->rowAt(row)) {
                ok = false;
                return keys;
            }
            keys.push_back(model->rowAt(row)->record.key);
        }
    }
    return keys;
}

} // namespace

class TestStuckView : public QObject {
    Q_OBJECT

    std::unique_ptr<test::EngineThread> m_engine;
    monitor::SnapshotPtr m_snapshot;
    std::vector<engine::StuckRecord> m_all;

private slots:
    void initTestCase()
    {
        m_engine = std::make_unique<test::EngineThread>(uitest::stuckConfig());
        const int64_t nowMs = uitest::feedStuck(*m_engine, kRecords);
        m_snapshot = m_engine->snapshot(nowMs, uitest::kStageNames, uitest::stagePartitions());
        m_all = m_engine->call([](engine::JoinEngine& engine) { return engine.oldestStuck(std::numeric_limits<size_t>::max()); });
        QCOMPARE(m_all.size(), kRecords);
        QCOMPARE(m_snapshot->gauges.stuck, uint64_t{kRecords});
    }

    void filterAndSortMatchTheReference_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        QTest::addColumn<QString>("idContains");
        QTest::addColumn<int>("stage");
        QTest::addColumn<QString>("partition");
        QTest::addColumn<QString>("minAge");
        QTest::addColumn<QString>("maxAge");
        using C = engine::StuckColumn;
        QTest::newRow("age desc, all") << int(C::Age) << true << QString() << 0 << QString() << QString() << QString();
        QTest::newRow("id asc, all") << int(C::Id) << false << QString() << 0 << QString() << QString() << QString();
        QTest::newRow("id desc, 'A7' (any case)") << int(C::Id) << true << u"A7"_s << 0 << QString() << QString() << QString();
        QTest::newRow("awaiting asc, age >= 30s") << int(C::Awaiting) << false << QString() << 0 << QString() << u"30s"_s << QString();
        QTest::newRow("first seen desc, processed") << int(C::FirstSeen) << true << QString() << 2 << QString() << QString() << QString();
        QTest::newRow("created asc, partition 2") << int(C::Created) << false << QString() << 0 << u"2"_s << QString() << QString();
        QTest::newRow("source asc, enriched, age <= 20s") << int(C::Source) << false << QString() << 1 << QString() << QString() << u"20s"_s;
        QTest::newRow("source desc, 10s..25s, '0', p5") << int(C::Source) << true << u"0"_s << 0 << u"5"_s << u"10s"_s << u"25s"_s;
        QTest::newRow("age asc, nothing matches") << int(C::Age) << false << u"zz"_s << 0 << QString() << QString() << QString();
    }

    void filterAndSortMatchTheReference()
    {
        QFETCH(int, column);
        QFETCH(bool, descending);
        QFETCH(QString, idContains);
        QFETCH(int, stage);
        QFETCH(QString, partition);
        QFETCH(QString, minAge);
        QFETCH(QString, maxAge);

        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        ui::StuckViewModel* model = window.model();
        QVERIFY(waitForAnswer(model, 0));

        // Through the widgets, as an operator would.
        quint64 before = model->builds();
        window.view()->sortByColumn(column, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
        window.idFilter()->setText(idContains);
        window.stageFilter()->setCurrentIndex(stage);
        window.partitionFilter()->setText(partition);
        window.minAgeFilter()->setText(minAge);
        window.maxAgeFilter()->setText(maxAge);
        QVERIFY(window.filterError().isEmpty());
        QVERIFY(waitForAnswer(model, before));
        QCOMPARE(int(model->query().order.column), column);

        Reference ref;
        ref.column = static_cast<engine::StuckColumn>(column);
        ref.descending = descending;
        ref.idContains = idContains.toStdString();
        ref.stage = stage;
        ref.kafkaPartition = partition.isEmpty() ? -1 : partition.toInt();
        if (!minAge.isEmpty())
            ref.minAgeMs = config::parseDuration(minAge.toStdString()).value->count();
        if (!maxAge.isEmpty())
            ref.maxAgeMs = config::parseDuration(maxAge.toStdString()).value->count();
        const std::vector<uint64_t> expected = referenceKeys(m_all, ref);

        QCOMPARE(model->rowCount(), int(expected.size()));
        bool ok = false;
        const std::vector<uint64_t> shown = keysInView(model, ok);
        QVERIFY2(ok, "a page did not arrive");
        QCOMPARE(shown.size(), expected.size());
        for (size_t row = 0; row < expected.size(); ++row)
            if (shown[row] != expected[row])
                QFAIL(qPrintable(QStringLiteral("row %1: shown %2, expected %3").arg(row).arg(shown[row], 16, 16, QChar(u'0')).arg(expected[row], 16, 16, QChar(u'0'))));
        // Never more than a bounded number of rows held in the model.
        QVERIFY(model->cachedRows() <= size_t(ui::StuckViewModel::kMaxPages * ui::StuckViewModel::kPageRows));

        // Per-stage matching counts add up to the rows.
        uint64_t perStage = 0;
        for (uint64_t count : model->matchingPerStage())
            perStage += count;
        QCOMPARE(perStage, uint64_t(expected.size()));
    }

    void typingNarrowsToTheSameRows()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        ui::StuckViewModel* model = window.model();
        QVERIFY(waitForAnswer(model, 0));
        window.view()->sortByColumn(int(engine::StuckColumn::Source), Qt::AscendingOrder);
        QVERIFY(waitForAnswer(model, 1));
        // Typed on, one key at a time: each keystroke narrows the rows listed.
        QString typed;
        for (const QChar key : u"3F1"_s) {
            typed += key;
            const quint64 before = model->builds();
            window.idFilter()->setText(typed);
            QVERIFY(waitForAnswer(model, before));
            QVERIFY2(model->lastBuildNarrowed(), qPrintable(typed));
            Reference ref;
            ref.column = engine::StuckColumn::Source;
            ref.descending = false;
            ref.idContains = typed.toStdString();
            bool ok = false;
            QCOMPARE(keysInView(model, ok), referenceKeys(m_all, ref));
            QVERIFY(ok);
        }
        // Deleting a character widens the filter: a full pass again.
        const quint64 before = model->builds();
        window.idFilter()->setText(u"3f"_s);
        QVERIFY(waitForAnswer(model, before));
        QVERIFY(!model->lastBuildNarrowed());
        Reference ref;
        ref.column = engine::StuckColumn::Source;
        ref.descending = false;
        ref.idContains = "3f";
        bool ok = false;
        QCOMPARE(keysInView(model, ok), referenceKeys(m_all, ref));
        QCOMPARE(model->matchingPerStage()[1] + model->matchingPerStage()[2], uint64_t(model->rowCount()));
    }

    void cellsShowTheRecord()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        QVERIFY(waitForAnswer(window.model(), 0));
        ui::StuckViewModel* model = window.model();
        // Default order: oldest age first, i.e. the largest age.
        const engine::StuckRow* top = model->rowAt(0);
        QVERIFY(top);
        const engine::StuckRecord& record = top->record;
        using C = engine::StuckColumn;
        auto cell = [&](C column) { return model->index(0, int(column)).data().toString(); };
        QCOMPARE(cell(C::Id), QString::fromStdString(engine::composite_id::format(record.key)));
        QCOMPARE(cell(C::Awaiting), QString::fromStdString(uitest::kStageNames[size_t(record.awaitingStage)]));
        QCOMPARE(cell(C::FirstSeen), QString::fromStdString(monitor::formatRfc3339(record.t0Ms)));
        QCOMPARE(cell(C::Created), QString::fromStdString(engine::composite_id::formatCreationTime(record.key)));
        QCOMPARE(cell(C::Source), QStringLiteral("orders-in [%1] @ %2").arg(kafkaPartitionOf(record.partition)).arg(record.offset));
        QVERIFY(!cell(C::Age).isEmpty());
    }

    void csvExportHoldsEveryMatchingRow()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        QVERIFY(waitForAnswer(window.model(), 0));
        const quint64 before = window.model()->builds();
        window.stageFilter()->setCurrentIndex(2);  // waiting for processed: ~33k rows, far more than any page
        window.view()->sortByColumn(int(engine::StuckColumn::FirstSeen), Qt::AscendingOrder);
        QVERIFY(waitForAnswer(window.model(), before));

        QTemporaryDir dir;
        const QString path = dir.filePath(u"stuck.csv"_s);
        QSignalSpy finished(window.exporter(), &ui::StuckCsvExport::finished);
        QSignalSpy progress(window.exporter(), &ui::StuckCsvExport::progress);
        window.exportCsvTo(path);
        QVERIFY(finished.wait(30'000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(progress.size() >= 3);  // 0, then one per 10,000-row chunk

        Reference ref;
        ref.stage = 2;
        ref.column = engine::StuckColumn::FirstSeen;
        ref.descending = false;
        const std::vector<uint64_t> expected = referenceKeys(m_all, ref);
        QVERIFY(expected.size() > 30'000);

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.front(), QByteArray("id,waiting_for,age_ms,first_seen,created,topic,partition,offset"));
        QCOMPARE(lines.back(), QByteArray());  // ends with a newline
        QCOMPARE(size_t(lines.size() - 2), expected.size());
        std::map<uint64_t, const engine::StuckRecord*> byKey;
        for (const auto& record : m_all)
            byKey[record.key] = &record;
        for (size_t row = 0; row < expected.size(); ++row) {
            const engine::StuckRecord& record = *byKey.at(expected[row]);
            const QByteArray wanted = QByteArray::fromStdString(engine::composite_id::format(record.key) + ",processed," +
                                                                std::to_string(record.ageMs) + "," + monitor::formatRfc3339(record.t0Ms) + "," +
                                                                engine::composite_id::formatCreationTime(record.key) + ",orders-in," +
                                                                std::to_string(kafkaPartitionOf(record.partition)) + "," + std::to_string(record.offset));
            if (lines[int(row) + 1] != wanted)
                QFAIL(qPrintable(QStringLiteral("CSV line %1: %2, expected %3").arg(row + 2).arg(QString::fromUtf8(lines[int(row) + 1]), QString::fromUtf8(wanted))));
        }
    }

    void opaqueIdsSortByTextAndFilterInAnyCase()
    {
        // Opaque IDs sharing their first 8+ bytes ("customer-..."), mixed case.
        test::EngineThread engineThread(uitest::stuckConfig());
        std::vector<std::string> texts;
        for (int record_idx = 0; record_idx < 3000; ++record_idx)
            texts.push_back((record_idx % 2 ? "Customer-" : "customer-") + std::to_string((record_idx * 7919) % 3000) +
                            (record_idx % 3 ? "-EU" : "-us"));
        std::vector<engine::Event> events;
        for (size_t record_idx = 0; record_idx < texts.size(); ++record_idx) {
            engine::Event event = uitest::event(0, 0, uitest::kBaseMs + int64_t(record_idx), uint16_t(record_idx % 6), int64_t(record_idx));
            event.id = engine::RecordId::opaque(texts[record_idx]);
            events.push_back(event);
        }
        engineThread.feed(events);
        const int64_t markerMs = uitest::kBaseMs + 20'000;
        std::vector<engine::Event> marker;
        for (int stage = 0; stage < 3; ++stage) {
            engine::Event event = uitest::event(0, stage, markerMs + stage);
            event.id = engine::RecordId::opaque("marker");
            marker.push_back(event);
        }
        engineThread.feed(marker);
        const auto snapshot = engineThread.snapshot(markerMs + 1000, uitest::kStageNames, uitest::stagePartitions());
        const auto all = engineThread.call([](engine::JoinEngine& engine) { return engine.oldestStuck(std::numeric_limits<size_t>::max()); });
        QCOMPARE(all.size(), texts.size());

        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Opaque));
        window.showSnapshot(snapshot);
        QVERIFY(waitForAnswer(window.model(), 0));
        for (const auto& [needle, descending] : {std::pair{u"CUSTOMER-12"_s, false}, std::pair{u"-eu"_s, true}, std::pair{QString(), false}}) {
            const quint64 before = window.model()->builds();
            window.view()->sortByColumn(int(engine::StuckColumn::Id), descending ? Qt::DescendingOrder : Qt::AscendingOrder);
            window.idFilter()->setText(needle);
            QVERIFY(waitForAnswer(window.model(), before));
            Reference ref;
            ref.column = engine::StuckColumn::Id;
            ref.descending = descending;
            ref.idContains = needle.toStdString();
            const auto expected = referenceKeys(all, ref);
            bool ok = false;
            QCOMPARE(keysInView(window.model(), ok), expected);
            QVERIFY(ok);
            QVERIFY(!expected.empty());
            QCOMPARE(window.model()->index(0, 0).data().toString(), QString::fromStdString([&] {
                for (const auto& record : all)
                    if (record.key == expected.front())
                        return record.id;
                return std::string();
            }()));
        }
    }

    void csvFieldsAreQuoted()
    {
        QCOMPARE(ui::csvField("plain"), std::string("plain"));
        QCOMPARE(ui::csvField("a,b"), std::string("\"a,b\""));
        QCOMPARE(ui::csvField("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
        QCOMPARE(ui::csvField("two\nlines"), std::string("\"two\nlines\""));
    }

    void copiesTheSelectedRowsIds()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.showSnapshot(m_snapshot);
        QVERIFY(waitForAnswer(window.model(), 0));
        ui::StuckViewModel* model = window.model();
        // Rows 3..5 (loaded) and 1000..1001 (pages never shown): the IDs come from the engine's listing.
        QItemSelection selection;
        selection.select(model->index(3, 0), model->index(5, engine::kStuckColumnCount - 1));
        selection.select(model->index(1000, 0), model->index(1001, engine::kStuckColumnCount - 1));
        window.view()->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
        QSignalSpy copied(&window, &ui::StuckViewWindow::idsCopied);
        window.copySelectedIds();
        QVERIFY(copied.wait(10'000));

        Reference ref;  // default order: age, descending
        const std::vector<uint64_t> expected = referenceKeys(m_all, ref);
        QStringList wanted;
        for (size_t row : {3, 4, 5, 1000, 1001})
            wanted.append(QString::fromStdString(engine::composite_id::format(expected[row])));
        QCOMPARE(copied.at(0).at(0).toStringList(), wanted);
        QCOMPARE(QApplication::clipboard()->text(), wanted.join(u'\n'));
        QVERIFY(window.statusText().contains(u"paused while rows are selected"_s));
    }

    void followsTheEngineAsRecordsGetProcessed()
    {
        test::EngineThread engineThread(uitest::stuckConfig());
        const int64_t nowMs = uitest::feedStuck(engineThread, 3000);
        const auto first = engineThread.snapshot(nowMs, uitest::kStageNames, uitest::stagePartitions());  // judges them stuck
        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Composite));
        window.showSnapshot(first);
        QVERIFY(waitForAnswer(window.model(), 0));
        QCOMPARE(window.model()->rowCount(), 3000);
        QVERIFY2(window.countsText().contains(u"Stuck now: 3,000"_s), qPrintable(window.countsText()));
        QVERIFY2(window.countsText().contains(u"waiting for enriched: 2,000"_s), qPrintable(window.countsText()));
        QVERIFY2(window.countsText().contains(u"waiting for processed: 1,000"_s), qPrintable(window.countsText()));

        // The processor catches up on 1,200 of them (each third of which had been enriched).
        const auto stuck = engineThread.call([](engine::JoinEngine& engine) { return engine.oldestStuck(1200); });
        std::vector<engine::Event> processed;
        for (const auto& record : stuck)
            processed.push_back(uitest::event(record.key, 2, nowMs + 10));
        engineThread.feed(processed);
        const auto after = engineThread.snapshot(nowMs + 20, uitest::kStageNames, uitest::stagePartitions());
        QCOMPARE(after->gauges.stuck, uint64_t{1800});

        window.showSnapshot(after);
        const quint64 before = window.model()->builds();
        window.refreshNow();
        QVERIFY(waitForAnswer(window.model(), before));
        QCOMPARE(window.model()->rowCount(), 1800);
        QVERIFY2(window.countsText().contains(u"Stuck now: 1,800"_s), qPrintable(window.countsText()));
        uint64_t enriched = after->gauges.stages[1].stuckAwaiting, processedStage = after->gauges.stages[2].stuckAwaiting;
        QCOMPARE(window.model()->matchingPerStage()[1], enriched);
        QCOMPARE(window.model()->matchingPerStage()[2], processedStage);
        QVERIFY2(window.countsText().contains(QStringLiteral("waiting for enriched: %1").arg(QLocale().toString(qulonglong(enriched)))),
                 qPrintable(window.countsText()));

        // The auto-refresh picks up new stuck records by itself (no selection).
        window.show();
        const int64_t laterMs = uitest::feedStuck(engineThread, 500, 99);
        engineThread.snapshot(laterMs, uitest::kStageNames, uitest::stagePartitions());
        QVERIFY(QTest::qWaitFor([&] { return window.model()->rowCount() == 2300; }, 10'000));
    }

    void resolvedRowsSayNoLongerStuck()
    {
        test::EngineThread engineThread(uitest::stuckConfig());
        const int64_t nowMs = uitest::feedStuck(engineThread, 600);
        const auto first = engineThread.snapshot(nowMs, uitest::kStageNames, uitest::stagePartitions());
        ui::StuckViewWindow window(uitest::accessFor(engineThread, config::IdFormat::Composite));
        window.showSnapshot(first);
        QVERIFY(waitForAnswer(window.model(), 0));
        // Row 500 is on the second page, not loaded: process its record, then scroll to it.
        const uint64_t key = engineThread.call([](engine::JoinEngine& engine) {
            engine::StuckListing listing = engine::StuckListing::build(engine, engine::StuckListingQuery{});
            return listing.keyAt(engine, 500);
        });
        engineThread.feed({uitest::event(key, 2, nowMs + 10)});
        window.model()->data(window.model()->index(500, 0));
        QVERIFY(QTest::qWaitFor([&] { return window.model()->rowAt(500) != nullptr; }, 10'000));
        QVERIFY(window.model()->rowAt(500)->resolved);
        QCOMPARE(window.model()->index(500, int(engine::StuckColumn::Awaiting)).data().toString(), u"no longer stuck"_s);
        QVERIFY(!window.model()->rowAt(499)->resolved);
    }

    void badFilterTextIsNamed()
    {
        ui::StuckViewWindow window(uitest::accessFor(*m_engine, config::IdFormat::Composite));
        window.minAgeFilter()->setText(u"5 minutes"_s);
        QVERIFY2(window.filterError().contains(u"minimum age \"5 minutes\""_s), qPrintable(window.filterError()));
        window.partitionFilter()->setText(u"p3"_s);
        QVERIFY2(window.filterError().contains(u"partition \"p3\" is not a partition number"_s), qPrintable(window.filterError()));
        QVERIFY(window.statusText().contains(u"partition \"p3\""_s));
    }

    void cleanupTestCase() { m_engine.reset(); }
};

QTEST_MAIN(TestStuckView)
#include "test_stuck_view.moc"

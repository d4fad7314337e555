// Renders the stuck records view during a stall, filtered to the stall's
// records, with the drill-down of one of them open (its raw message fetched
// from an embedded mock cluster), and saves a PNG for a person to judge as
// an operator in an incident would.
//
//   slatrack-stuck-view-screenshot [--out DIR] [--width W] [--height H]
//
// The scene: "orders-enrichment" (incoming -> enriched -> processed), SLA
// 30 s. Forty records were dropped by the enricher 20 minutes ago (still
// waiting for "enriched"); the processor has been stalled for three
// minutes, so 2,400 enriched records wait for "processed". The view is
// filtered to "waiting for processed", age <= 5m, oldest first, and the
// operator double-clicked one record. Works under QT_QPA_PLATFORM=offscreen
// or xvfb-run.
#include "stuck_view_fixture.hpp"

#include "tests/support/scripted_pipeline.hpp"

#include "core/demo/mock_broker.hpp"
#include "ui/drill_down_panel.hpp"
#include "ui/stuck_view_model.hpp"
#include "ui/stuck_view_window.hpp"
#include "ui/theme.hpp"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QLineEdit>
#include <QStyleFactory>
#include <QTableView>
#include <QSignalSpy>
#include <QTest>

#include <cstdio>

using namespace slatrack;
using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"out"_s, u"Directory for the PNG."_s, u"dir"_s, u"."_s});
    parser.addOption({u"width"_s, u"Window width."_s, u"px"_s, u"1600"_s});
    parser.addOption({u"height"_s, u"Window height."_s, u"px"_s, u"900"_s});
    parser.process(app);
    const QDir out(parser.value(u"out"_s));
    if (!out.exists() && !QDir().mkpath(out.path())) {
        std::fprintf(stderr, "slatrack-stuck-view-screenshot: cannot create %s\n", qPrintable(out.path()));
        return 2;
    }

    const int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
    const uint64_t drilled = engine::composite_id::make(static_cast<uint32_t>((nowMs - 150'000) / 1000), 0x5eed1e55);

    // The drilled record's incoming message, as the producer wrote it.
    ingest::MockBroker broker;
    broker.createTopic("orders-in", 1);
    const std::string value =
        R"({"order_id":")" + engine::composite_id::format(drilled) +
        R"(","customer":"C-20417","amount":{"value":"129.90","currency":"EUR"},"items":3,"note":"<b>gift</b> wrap","region":"eu-west"})";
    const std::string problem = test::produceAll(broker.bootstrapServers(),
                                                 {{"orders-in", engine::composite_id::format(drilled), value, nowMs - 150'000,
                                                   {{"trace-id", "4bf92f3577b34da6a3ce929d0e0e4736"}, {"producer", "checkout-api/7.4.1"}}}});
    if (!problem.empty()) {
        std::fprintf(stderr, "slatrack-stuck-view-screenshot: produce failed: %s\n", problem.c_str());
        return 1;
    }

    engine::EngineConfig engineConfig = uitest::stuckConfig();
    engineConfig.slaMs = 30'000;
    engineConfig.windowMs = 30 * 60'000;
    engineConfig.graceMs = 5'000;
    test::EngineThread engine(engineConfig);
    std::vector<engine::Event> events;
    // Forty deliberate drops, 20 minutes ago, never enriched.
    for (uint32_t drop_idx = 0; drop_idx < 40; ++drop_idx) {
        const int64_t t0 = nowMs - 20 * 60'000 + drop_idx * 700;
        events.push_back(uitest::event(engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), 0xd0000 + drop_idx), 0, t0,
                                       static_cast<uint16_t>(1 + drop_idx % 5), 881'000 + drop_idx));
    }
    // The stall: the last three minutes' records are enriched, none processed.
    for (uint32_t record_idx = 0; record_idx < 2400; ++record_idx) {
        const int64_t t0 = nowMs - 180'000 + record_idx * 75;
        const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(t0 / 1000), 0x9e3779b9u * (record_idx + 1));
        events.push_back(uitest::event(id, 0, t0, static_cast<uint16_t>(1 + record_idx % 5), 1'204'000 + record_idx));
        events.push_back(uitest::event(id, 1, t0 + 180 + record_idx % 40, static_cast<uint16_t>(record_idx % 6)));
    }
    events.push_back(uitest::event(drilled, 0, nowMs - 150'000, 0, 0));
    events.push_back(uitest::event(drilled, 1, nowMs - 149'790, 0));
    // Every stage read up to now (the processor's topic is idle, not unread).
    const uint64_t marker = engine::composite_id::make(static_cast<uint32_t>(nowMs / 1000), 1);
    for (uint16_t partition = 0; partition < 6; ++partition) {
        const uint64_t id = engine::composite_id::make(static_cast<uint32_t>(nowMs / 1000), 100 + partition);
        events.push_back(uitest::event(id, 0, nowMs - 10, partition));
        events.push_back(uitest::event(id, 1, nowMs - 5, partition));
        events.push_back(uitest::event(id, 2, nowMs, partition));
    }
    events.push_back(uitest::event(marker, 0, nowMs - 10));
    std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.eventTimeMs < b.eventTimeMs; });
    engine.feed(std::move(events));

    std::vector<monitor::PartitionLag> partitions;
    for (uint16_t index = 0; index < 6; ++index) {
        monitor::PartitionLag lag;
        lag.stage = 0;
        lag.topic = "orders-in";
        lag.partition = index;
        lag.index = index;
        partitions.push_back(lag);
    }
    const auto snapshot = engine.snapshot(nowMs, uitest::kStageNames, partitions);

    config::PipelineConfig config = uitest::pipelineConfig(config::IdFormat::Composite, broker.bootstrapServers());
    config.pipeline = "orders-enrichment";
    config.sla = std::chrono::seconds(30);
    config.recordUrl = "https://orders-admin.example/orders/{id}";
    ui::StuckViewWindow window(ui::EngineAccess{engine.poster(), config, std::chrono::seconds(10)});
    const ui::Theme theme = ui::themeFor(ui::ThemeMode::Light, false);
    window.setPalette(theme.palette());
    window.applyTheme(theme);
    window.resize(parser.value(u"width"_s).toInt(), parser.value(u"height"_s).toInt());
    window.show();
    window.showSnapshot(snapshot);

    auto waitBuilt = [&](quint64 before) {
        return QTest::qWaitFor([&] { return window.model()->builds() > before && !window.model()->busy(); }, 20'000);
    };
    if (!waitBuilt(0))
        return 1;
    quint64 before = window.model()->builds();
    window.stageFilter()->setCurrentIndex(2);  // waiting for processed
    window.maxAgeFilter()->setText(u"5m"_s);
    window.view()->sortByColumn(static_cast<int>(engine::StuckColumn::Age), Qt::DescendingOrder);
    if (!waitBuilt(before))
        return 1;
    QSignalSpy fetched(window.drillDown(), &ui::DrillDownPanel::messagesFetched);
    window.lookup(QString::fromStdString(engine::composite_id::format(drilled)));
    if (!fetched.wait(20'000)) {
        std::fprintf(stderr, "slatrack-stuck-view-screenshot: the raw message was not fetched\n");
        return 1;
    }
    for (int round = 0; round < 5; ++round) {
        QApplication::processEvents();
        QTest::qWait(20);
    }
    const QString path = out.filePath(u"stuck-view-drilldown.png"_s);
    const QPixmap pixmap = window.grab();
    if (!pixmap.save(path)) {
        std::fprintf(stderr, "slatrack-stuck-view-screenshot: cannot write %s\n", qPrintable(path));
        return 1;
    }
    std::printf("%s (%dx%d)\n", qPrintable(path), pixmap.width(), pixmap.height());
    return 0;
}

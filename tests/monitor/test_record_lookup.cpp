// RecordFollower beside an engine fed batch by batch (as runAudit feeds it):
// every lookup state, the journey with hop latencies, repeats, the
// partition mapping, and the engine forgetting an outcome (the follower
// keeps the last answer). The CLI test (tests/app/test_lookup_command)
// checks the same through Kafka.
#include "core/config/config_loader.hpp"
#include "core/engine/join_engine.hpp"
#include "core/monitor/monitor.hpp"
#include "core/monitor/record_lookup.hpp"

#include <QtTest>

using namespace slatrack;
using monitor::LookupAnswer;
using monitor::LookupState;

namespace {

constexpr int64_t kNow = 1'763'700'000'000;  // 2025-11-21T04:40:00Z

config::PipelineConfig pipeline(const char* idFormat)
{
    const std::string json = std::string(R"({"pipeline": "orders", "kafka": {"brokers": "127.0.0.1:1"}, "id_format": ")") + idFormat + R"(",
      "stages": [{"name": "incoming", "topics": ["in"], "id": {"from": "key"}}, {"name": "enriched", "topics": ["mid"], "id": {"from": "key"}}, {"name": "processed", "topics": ["out"], "id": {"from": "key"}}],
      "sla": "2s", "window": "5m", "grace": "5s"})";
    auto loaded = config::parseConfig(json, "test.json", ".");
    if (!loaded.ok())
        qFatal("%s", config::formatErrors(loaded.errors).c_str());
    return *loaded.config;
}

uint64_t idAt(int64_t t0Ms, uint32_t random)
{
    return engine::composite_id::make(static_cast<uint32_t>(t0Ms / 1000), random);
}

engine::Event makeEvent(uint64_t id, int stage, int64_t timeMs, int64_t offset)
{
    engine::Event out;
    out.id = engine::RecordId::composite(id);
    out.stage = static_cast<uint8_t>(stage);
    out.eventTimeMs = timeMs;
    out.partition = 0;
    out.offset = offset;
    return out;
}

// One batch through the follower and the engine, then a judgement.
void feed(monitor::RecordFollower& follower, engine::JoinEngine& engine, std::vector<engine::Event> events, int64_t advanceTo)
{
    ingest::IngestBatch batch;
    batch.events = std::move(events);
    follower.beforeBatch(engine, batch);
    engine.ingest(batch.events, kNow);
    follower.afterBatch(engine, batch);
    engine.advance(advanceTo, true);
    follower.afterJudge(engine, engine.takeLost());
}

const LookupAnswer& answerFor(const std::vector<LookupAnswer>& answers, uint64_t id)
{
    for (const LookupAnswer& answer : answers)
        if (answer.id == engine::composite_id::format(id))
            return answer;
    qFatal("no answer for %s", engine::composite_id::format(id).c_str());
}

} // namespace

class TestRecordLookup : public QObject {
    Q_OBJECT
private slots:
    void everyState()
    {
        const config::PipelineConfig config = pipeline("composite");
        const uint64_t matched = idAt(kNow - 60'000, 1), stuck = idAt(kNow - 60'000, 2), open = idAt(kNow - 500, 3), lost = idAt(kNow - 480'000, 4),
                       early = idAt(kNow - 1000, 5), orphan = idAt(kNow - 60'000, 6), stale = idAt(kNow - 600'000, 7), unknown = idAt(kNow - 60'000, 8);
        // Typed as an operator would: with 0x, decimal, quoted.
        const std::vector<std::string> typed = {"0x" + engine::composite_id::format(matched), std::to_string(stuck), engine::composite_id::format(open),
                                                engine::composite_id::format(lost), "\"" + engine::composite_id::format(early) + "\"",
                                                engine::composite_id::format(orphan), engine::composite_id::format(stale),
                                                engine::composite_id::format(unknown)};
        monitor::RecordFollower follower(config, typed);
        QCOMPARE(follower.error(), std::string());
        engine::JoinEngine engine(monitor::Monitor::engineConfigFor(config));
        engine.setScopeStart(kNow - 900'000);
        feed(follower, engine,
             {makeEvent(lost, 0, kNow - 480'000, 10), makeEvent(matched, 0, kNow - 60'000, 11), makeEvent(matched, 0, kNow - 60'000, 12),
              makeEvent(stuck, 0, kNow - 60'000, 13), makeEvent(matched, 1, kNow - 59'900, 20), makeEvent(stuck, 1, kNow - 59'900, 21),
              makeEvent(matched, 2, kNow - 59'750, 30), makeEvent(orphan, 2, kNow - 60'000, 31), makeEvent(early, 2, kNow - 1000, 32), makeEvent(open, 0, kNow - 500, 14)},
             kNow - 500);
        // Now the dedup clock is the slowest watermark (enriched, kNow -
        // 59.9 s): a message 10 min old is beyond the 5 min horizon.
        feed(follower, engine, {makeEvent(stale, 2, kNow - 600'000, 33)}, kNow - 500);
        engine.finishAt(kNow);
        follower.afterJudge(engine, engine.takeLost());
        follower.atEnd({ingest::PartitionLag{0, "in", 5, 0}, ingest::PartitionLag{1, "mid", 6, 0}, ingest::PartitionLag{2, "out", 7, 0}});
        const std::vector<LookupAnswer> answers = follower.answers();
        QCOMPARE(answers.size(), typed.size());

        const LookupAnswer& m = answerFor(answers, matched);
        QCOMPARE(m.typed, typed[0]);
        QCOMPARE(m.state, LookupState::Matched);
        QCOMPARE(m.latencyMs, 250);
        QCOMPARE(m.sightings.size(), size_t(4));
        QCOMPARE(int(std::count_if(m.sightings.begin(), m.sightings.end(), [](const auto& s) { return s.repeat; })), 1);
        const auto journey = m.journey();
        QCOMPARE(journey.size(), size_t(3));
        QCOMPARE(journey[0].at.offset, 11);  // the first message, not its repeat
        QVERIFY(!journey[0].hopMs);
        QCOMPARE(*journey[1].hopMs, 100);
        QCOMPARE(*journey[2].hopMs, 150);
        QCOMPARE(journey[2].at.topic, std::string("out"));
        QCOMPARE(journey[2].at.partition, 7);
        QCOMPARE(journey[2].at.offset, 30);
        QCOMPARE(*m.creationMs, (kNow - 60'000) / 1000 * 1000);

        const LookupAnswer& s = answerFor(answers, stuck);
        QCOMPARE(s.state, LookupState::Stuck);
        QCOMPARE(s.awaitingStage, 2);
        QVERIFY2(s.detail.find("\"processed\"") != std::string::npos, s.detail.c_str());
        QCOMPARE(answerFor(answers, open).state, LookupState::Open);
        QCOMPARE(answerFor(answers, open).awaitingStage, 1);
        const LookupAnswer& l = answerFor(answers, lost);
        QCOMPARE(l.state, LookupState::Lost);
        QVERIFY(l.lostAtMs.has_value());
        QCOMPARE(answerFor(answers, early).state, LookupState::Early);
        QCOMPARE(answerFor(answers, orphan).state, LookupState::Orphan);
        const LookupAnswer& x = answerFor(answers, stale);
        QCOMPARE(x.state, LookupState::Stale);
        QCOMPARE(x.sightings.size(), size_t(1));
        const LookupAnswer& u = answerFor(answers, unknown);
        QCOMPARE(u.state, LookupState::Unknown);
        QVERIFY(!u.found());
        QVERIFY(u.sightings.empty());

        // The JSON names every state and stage.
        monitor::LookupReport report;
        report.pipeline = config.pipeline;
        report.stageNames = {"incoming", "enriched", "processed"};
        report.answers = answers;
        const std::string json = monitor::lookupReportJson(report);
        for (const char* state : {"matched", "stuck", "open", "lost", "early", "orphan", "stale", "unknown"})
            QVERIFY2(json.find(std::string("\"state\": \"") + state + "\"") != std::string::npos, state);
        QVERIFY(json.find("\"unknown\": 1") != std::string::npos);
    }

    // A matched outcome the engine has forgotten (beyond the dedup horizon)
    // by the end of a long range still reads matched.
    void keepsTheLastAnswer()
    {
        const config::PipelineConfig config = pipeline("composite");
        const uint64_t id = idAt(kNow - 1'800'000, 9);
        monitor::RecordFollower follower(config, {engine::composite_id::format(id)});
        engine::JoinEngine engine(monitor::Monitor::engineConfigFor(config));
        engine.setScopeStart(kNow - 3'600'000);
        feed(follower, engine, {makeEvent(id, 0, kNow - 1'800'000, 1), makeEvent(id, 1, kNow - 1'799'000, 2), makeEvent(id, 2, kNow - 1'798'000, 3)}, kNow - 1'798'000);
        QCOMPARE(follower.answers().front().state, LookupState::Matched);
        feed(follower, engine, {makeEvent(idAt(kNow - 1000, 10), 0, kNow - 1000, 4), makeEvent(idAt(kNow - 1000, 10), 1, kNow - 900, 5)}, kNow);
        engine.finishAt(kNow);
        follower.afterJudge(engine, engine.takeLost());
        QCOMPARE(engine.lookup(engine::RecordId::composite(id)).state, engine::RecordState::Unknown);  // the engine forgot
        QCOMPARE(follower.answers().front().state, LookupState::Matched);
        QCOMPARE(follower.answers().front().latencyMs, 2000);
    }

    // Opaque IDs: a follower asked for "a" is not fooled by an event whose
    // key is a's hash but whose text differs.
    void opaqueTextConfirmed()
    {
        const config::PipelineConfig config = pipeline("opaque");
        monitor::RecordFollower follower(config, {"order-1", "hex:fffe"});
        QCOMPARE(follower.error(), std::string());
        engine::JoinEngine engine(monitor::Monitor::engineConfigFor(config));
        engine::Event real;
        real.id = engine::RecordId::opaque("order-1");
        real.eventTimeMs = kNow - 60'000;
        engine::Event impostor = real;
        impostor.id.text = "order-2";  // same key, other text: a hash collision
        impostor.offset = 9;
        engine::Event binary = real;
        binary.id = engine::RecordId::opaque(std::string_view("\xff\xfe", 2));
        feed(follower, engine, {real, impostor, binary}, kNow);
        engine.finishAt(kNow);
        follower.afterJudge(engine, engine.takeLost());
        const auto answers = follower.answers();
        QCOMPARE(answers[0].sightings.size(), size_t(1));
        QCOMPARE(answers[0].sightings[0].offset, 0);
        QCOMPARE(answers[0].state, LookupState::Stuck);
        QCOMPARE(answers[1].state, LookupState::Stuck);
        QCOMPARE(answers[1].id, std::string("\xff\xfe", 2));
    }

    void badIdNamed()
    {
        const monitor::RecordFollower follower(pipeline("composite"), {"5d684054fc3540a0", "0x12g4"});
        QVERIFY2(follower.error().find("0x12g4") != std::string::npos && follower.error().find("position 4") != std::string::npos,
                 follower.error().c_str());
        QVERIFY(follower.answers().empty());
    }
};

QTEST_APPLESS_MAIN(TestRecordLookup)
#include "test_record_lookup.moc"

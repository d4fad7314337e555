// The header never says "all is well" while part of the pipeline is unseen:
// one blind stage turns the badge and the connection amber and names it;
// slatrack's own position stays worded as its own, apart from the
// pipeline's lag. Literal expected text, not the formatting functions.
#include "ui_fixture.hpp"

#include "ui/header_bar.hpp"

#include <QtTest>

using namespace slatrack;
using namespace Qt::StringLiterals;
using uitest::ev;

namespace {

monitor::SnapshotPtr threeStages(std::vector<monitor::StageHealth> health)
{
    uitest::FedPipeline pipeline(uitest::smallConfig(3), {"incoming", "enriched", "processed"});
    pipeline.health = std::move(health);
    pipeline.feed({ev(1, 0, 1000), ev(1, 1, 1100), ev(1, 2, 1200)});
    return pipeline.snapshot(1300);
}

const monitor::StageHealth kOk{monitor::StageHealthState::Ok, {}, 0};
const monitor::StageHealth kBlind{monitor::StageHealthState::Blind, "no answer from broker 127.0.0.1:9092/2 for 8.0 s", 0};

} // namespace

class TestHeaderBar : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void allStagesSeenIsGreenAndLive()
    {
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kOk}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        QCOMPARE(header.phaseText(), u"LIVE"_s);
        QCOMPARE(header.phaseTone(), ui::Tone::Good);
        QCOMPARE(header.connectionText(), u"\u25cf connected"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Good);
    }

    void aFailingStoreIsSaidNotHidden()
    {
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kOk}));
        snapshot->connected = true;
        snapshot->store.enabled = true;
        snapshot->store.state = "ok";
        header.showSnapshot(*snapshot);
        QCOMPARE(header.connectionText(), u"\u25cf connected"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Good);
        snapshot->store.state = "unavailable";
        snapshot->store.error = "cannot create /srv/ro/orders.db: Read-only file system";
        header.showSnapshot(*snapshot);
        QCOMPARE(header.connectionText(), u"\u25cf connected \u00b7 store unavailable: cannot create /srv/ro/orders.db: Read-only file system (judging in memory, no history kept)"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Warn);
        QCOMPARE(header.phaseText(), u"LIVE"_s);  // judgement goes on
    }

    void oneBlindStageIsAmberAndNamed()
    {
        // One broker down: the cluster is still "connected", the other two
        // stages fine, and still nothing awaiting "processed" can be judged.
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kBlind}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        QCOMPARE(header.phaseText(), u"PARTLY BLIND"_s);
        QCOMPARE(header.phaseTone(), ui::Tone::Warn);
        QCOMPARE(header.connectionText(), u"\u25cf connected \u00b7 1 of 3 stages blind (processed)"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Warn);

        // Two of three.
        snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kBlind, kOk, kBlind}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        QCOMPARE(header.connectionText(), u"\u25cf connected \u00b7 2 of 3 stages blind (incoming, processed)"_s);
        // All three: blind, not "partly".
        snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kBlind, kBlind, kBlind}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        QCOMPARE(header.phaseText(), u"BLIND"_s);
        QCOMPARE(header.phaseTone(), ui::Tone::Warn);

        // Seen again: green again (nothing remembered).
        snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kOk}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        QCOMPARE(header.phaseText(), u"LIVE"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Good);
    }

    void disconnectedStaysRed()
    {
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kBlind, kBlind, kBlind}));
        snapshot->connected = false;
        snapshot->connectionDetail = "all brokers down";
        header.showSnapshot(*snapshot);
        QCOMPARE(header.connectionText(), u"\u25cf disconnected \u00b7 3 of 3 stages blind (incoming, enriched, processed): all brokers down"_s);
        QCOMPARE(header.connectionTone(), ui::Tone::Bad);
    }

    void pausedIsNotLiveEvenWhenBlind()
    {
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kBlind}));
        snapshot->connected = true;
        header.showSnapshot(*snapshot);
        header.setPaused(true);
        QCOMPARE(header.phaseText(), u"PAUSED"_s);
        QCOMPARE(header.phaseTone(), ui::Tone::Neutral);
        header.setPaused(false);
        QCOMPARE(header.phaseText(), u"PARTLY BLIND"_s);
    }

    void slatracksOwnPositionIsWordedAsItsOwn()
    {
        ui::HeaderBar header;
        auto snapshot = std::make_shared<monitor::MonitorSnapshot>(*threeStages({kOk, kOk, kOk}));
        snapshot->totalLag = 98'400;
        monitor::GroupLag group;
        group.group = "processor-app";
        group.state = monitor::GroupLagState::Ok;
        group.messages = 45;
        group.timeMs = 400;
        snapshot->pipelineLag = {group};
        header.showSnapshot(*snapshot);
        // The monitor's consumer, not the pipeline's 45 msgs.
        QCOMPARE(header.lagText(), u"slatrack behind by 98,400 msgs"_s);
    }
};

QTEST_MAIN(TestHeaderBar)
#include "test_header_bar.moc"

// MockBroker against a real librdkafka client: topics, round trip, faults.
#include "core/demo/mock_broker.hpp"
#include "tests/ingest/kafka_test_util.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <QRegularExpression>
#include <QString>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

using slatrack::ingest::MockBroker;
using namespace std::chrono_literals;

namespace {

// Generous: these bound a wait for something that should happen within a
// second or two; they only decide how long a broken build takes to fail.
constexpr auto kEventLimit = 15s;

// Remembers the outcome of the last delivery report (dr_cb runs inside
// poll()/flush() on the test thread).
class LastDelivery : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& message) override
    {
        lastError = message.err();
        ++reports;
    }
    RdKafka::ErrorCode lastError = RdKafka::ERR_NO_ERROR;
    int reports = 0;
};

std::unique_ptr<RdKafka::Producer> makeProducer(const std::string& bootstrap,
                                                LastDelivery& delivery,
                                                const std::string& messageTimeoutMs = "30000")
{
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf = slatrack::test::makeTestConf(
        bootstrap,
        {{"message.timeout.ms", messageTimeoutMs},
         // Connection-refused errors are expected in the fault test.
         {"log_level", "2"},
         {"linger.ms", "0"},
         // Reconnect quickly once the broker is back up.
         {"reconnect.backoff.ms", "50"},
         {"reconnect.backoff.max.ms", "200"}},
        error);
    if (!conf || conf->set("dr_cb", &delivery, error) != RdKafka::Conf::CONF_OK) {
        qFatal("producer config: %s", error.c_str());
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
    if (!producer) {
        qFatal("producer: %s", error.c_str());
    }
    return producer;
}

// Produces one record and serves delivery reports until it is reported.
RdKafka::ErrorCode produceAndWait(RdKafka::Producer& producer, LastDelivery& delivery,
                                  const std::string& topic, const std::string& key,
                                  const std::string& value)
{
    const int reportsBefore = delivery.reports;
    std::string payload = value;
    const RdKafka::ErrorCode err =
        producer.produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                         payload.data(), payload.size(), key.data(), key.size(), 0, nullptr);
    if (err != RdKafka::ERR_NO_ERROR) {
        return err;
    }
    const auto deadline = std::chrono::steady_clock::now() + 2 * kEventLimit;
    while (delivery.reports == reportsBefore && std::chrono::steady_clock::now() < deadline) {
        producer.poll(50);
    }
    return delivery.reports == reportsBefore ? RdKafka::ERR__TIMED_OUT : delivery.lastError;
}

// Collects client-level errors: librdkafka reports a lost broker through
// the event callback (served from consume()/poll()), not as a message.
class ErrorEvents : public RdKafka::EventCb {
public:
    void event_cb(RdKafka::Event& event) override
    {
        if (event.type() == RdKafka::Event::EVENT_ERROR
            && (event.err() == RdKafka::ERR__TRANSPORT
                || event.err() == RdKafka::ERR__ALL_BROKERS_DOWN)) {
            sawBrokerFailure = true;
        }
    }
    bool sawBrokerFailure = false;
};

// Sets the broker up again on scope exit: a client destroyed while its
// broker is down would wait for it.
class BrokerUpGuard {
public:
    explicit BrokerUpGuard(MockBroker& broker)
        : m_broker(broker)
    {
    }
    ~BrokerUpGuard() { m_broker.setBrokerUp(-1); }

private:
    MockBroker& m_broker;
};

bool containsRecord(const std::vector<slatrack::test::KafkaRecord>& records,
                    const std::string& key, const std::string& value)
{
    for (const auto& record : records) {
        if (record.key == key && record.value == value) {
            return true;
        }
    }
    return false;
}

} // namespace

class TestMockBroker : public QObject {
    Q_OBJECT

private slots:
    void startsWithLoopbackAddress();
    void createsTopicsWithPartitionCounts();
    void producedRecordIsConsumedBack();
    void autoCreatesTopicsNamedInMetadata();
    void brokerDownFailsThenUpResumes();
    void rttDelaysButDelivers();
    void rejectsBadArguments();
    void cannotAddPartitionsToATopic();
};

void TestMockBroker::startsWithLoopbackAddress()
{
    MockBroker broker(2);
    QCOMPARE(broker.brokerCount(), 2);
    const QString bootstrap = QString::fromStdString(broker.bootstrapServers());
    static const QRegularExpression kTwoLoopbackBrokers(
        QStringLiteral("^127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+$"));
    QVERIFY2(kTwoLoopbackBrokers.match(bootstrap).hasMatch(), qPrintable(bootstrap));
}

void TestMockBroker::createsTopicsWithPartitionCounts()
{
    MockBroker broker;
    broker.createTopic("alpha", 3);
    broker.createTopic("beta", 1);
    std::string error;
    QCOMPARE(slatrack::test::partitionCount(broker.bootstrapServers(), "alpha", error), 3);
    QCOMPARE(slatrack::test::partitionCount(broker.bootstrapServers(), "beta", error), 1);
    QCOMPARE(slatrack::test::partitionCount(broker.bootstrapServers(), "gamma", error), -1);
    QVERIFY2(error.empty(), error.c_str());
}

void TestMockBroker::producedRecordIsConsumedBack()
{
    MockBroker broker;
    broker.createTopic("roundtrip", 2);
    LastDelivery delivery;
    auto producer = makeProducer(broker.bootstrapServers(), delivery);
    QCOMPARE(produceAndWait(*producer, delivery, "roundtrip", "k1", R"({"n":1})"),
             RdKafka::ERR_NO_ERROR);

    std::string error;
    const auto records =
        slatrack::test::readTopic(broker.bootstrapServers(), "roundtrip", kEventLimit, error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(records.size(), std::size_t{1});
    QVERIFY(containsRecord(records, "k1", R"({"n":1})"));
}

void TestMockBroker::autoCreatesTopicsNamedInMetadata()
{
    // Documents a mock behaviour the rest of slatrack must live with: a
    // metadata request naming an unknown topic creates it (4 partitions),
    // whatever allow.auto.create.topics says.
    MockBroker broker;
    std::string error;
    auto conf = slatrack::test::makeTestConf(broker.bootstrapServers(),
                                             {{"allow.auto.create.topics", "false"}}, error);
    QVERIFY2(conf, error.c_str());
    std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
    QVERIFY2(client, error.c_str());
    std::unique_ptr<RdKafka::Topic> topic(
        RdKafka::Topic::create(client.get(), "named-only", nullptr, error));
    QVERIFY2(topic, error.c_str());
    RdKafka::Metadata* raw = nullptr;
    QCOMPARE(client->metadata(false, topic.get(), &raw, 10000), RdKafka::ERR_NO_ERROR);
    delete raw;
    QCOMPARE(slatrack::test::partitionCount(broker.bootstrapServers(), "named-only", error), 4);
}

void TestMockBroker::brokerDownFailsThenUpResumes()
{
    MockBroker broker;
    broker.createTopic("faults", 1);
    LastDelivery delivery;
    // Short message timeout: while the broker is down a record must fail
    // within seconds rather than wait the default 5 minutes.
    auto producer = makeProducer(broker.bootstrapServers(), delivery, "2000");
    QCOMPARE(produceAndWait(*producer, delivery, "faults", "before", "1"), RdKafka::ERR_NO_ERROR);

    std::string error;
    ErrorEvents consumerErrors;
    auto consumerConf = slatrack::test::makeTestConf(
        broker.bootstrapServers(),
        {{"group.id", "fault-test"}, {"enable.auto.commit", "false"}, {"log_level", "2"},
         {"fetch.wait.max.ms", "50"}, {"reconnect.backoff.ms", "50"},
         {"reconnect.backoff.max.ms", "200"}},
        error);
    QVERIFY2(consumerConf, error.c_str());
    QCOMPARE(consumerConf->set("event_cb", &consumerErrors, error), RdKafka::Conf::CONF_OK);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(consumerConf.get(), error));
    QVERIFY2(consumer, error.c_str());
    std::vector<RdKafka::TopicPartition*> assignment{
        RdKafka::TopicPartition::create("faults", 0, RdKafka::Topic::OFFSET_BEGINNING)};
    consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    const auto consumeKey = [&](const std::string& key) {
        const auto deadline = std::chrono::steady_clock::now() + kEventLimit;
        while (std::chrono::steady_clock::now() < deadline) {
            const std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
            if (message->err() == RdKafka::ERR_NO_ERROR && message->key()
                && *message->key() == key) {
                return true;
            }
        }
        return false;
    };
    QVERIFY(consumeKey("before"));

    const BrokerUpGuard upAgainOnExit(broker);
    broker.setBrokerDown(1);
    const RdKafka::ErrorCode whileDown = produceAndWait(*producer, delivery, "faults", "down", "2");
    QVERIFY2(whileDown != RdKafka::ERR_NO_ERROR, "a record was delivered to a broker that is down");
    const auto deadline = std::chrono::steady_clock::now() + kEventLimit;
    while (!consumerErrors.sawBrokerFailure && std::chrono::steady_clock::now() < deadline) {
        const std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    }
    QVERIFY2(consumerErrors.sawBrokerFailure,
             "consumer reported no transport error while the broker was down");

    broker.setBrokerUp(1);
    QCOMPARE(produceAndWait(*producer, delivery, "faults", "after", "3"), RdKafka::ERR_NO_ERROR);
    QVERIFY(consumeKey("after"));
    consumer->close();
}

void TestMockBroker::rttDelaysButDelivers()
{
    MockBroker broker;
    broker.createTopic("slow", 1);
    broker.setRtt(1, 500);
    LastDelivery delivery;
    auto producer = makeProducer(broker.bootstrapServers(), delivery);
    QCOMPARE(produceAndWait(*producer, delivery, "slow", "k", "v"), RdKafka::ERR_NO_ERROR);
    std::string error;
    const auto records =
        slatrack::test::readTopic(broker.bootstrapServers(), "slow", kEventLimit, error);
    QVERIFY2(error.empty(), error.c_str());
    QVERIFY(containsRecord(records, "k", "v"));
    broker.setRtt(1, 0);
}

void TestMockBroker::rejectsBadArguments()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MockBroker(0));
    MockBroker broker;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, broker.createTopic("", 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, broker.createTopic("t", 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, broker.createTopic("t", 1, 2));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, broker.setBrokerDown(2));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, broker.setRtt(7, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, broker.setRtt(1, -1));
    broker.createTopic("t", 1);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, broker.createTopic("t", 1));
}


// Evidence for test_kafka_faults: librdkafka 2.0.2's mock cluster cannot add
// partitions to an existing topic. Creating it again with more partitions
// is refused (TOPIC_ALREADY_EXISTS) and the count stays; the mock has no
// CreatePartitions handler either (rdkafka_mock_handlers.c). Partition
// discovery is therefore tested with a topic that appears while running.
void TestMockBroker::cannotAddPartitionsToATopic()
{
    MockBroker broker;
    broker.createTopic("grows", 2);
    bool refused = false;
    try {
        broker.createTopic("grows", 6);
    } catch (const std::runtime_error& error) {
        refused = std::string(error.what()).find("already exists") != std::string::npos ||
                  std::string(error.what()).find("ALREADY_EXISTS") != std::string::npos;
        QVERIFY2(refused, error.what());
    }
    QVERIFY(refused);
    std::string error;
    QCOMPARE(slatrack::test::partitionCount(broker.bootstrapServers(), "grows", error), 2);
}

QTEST_APPLESS_MAIN(TestMockBroker)
#include "test_mock_broker.moc"

// fetchMessage against the librdkafka mock cluster: the message fetched at
// topic/partition/offset is byte for byte what was produced (binary key,
// headers, timestamp, a value with markup and bytes that are not UTF-8),
// and each way it can fail names what and where.
#include "core/ingest/message_fetcher.hpp"
#include "core/demo/mock_broker.hpp"
#include "tests/support/scripted_pipeline.hpp"

#include <QtTest>

#include <future>

using namespace slatrack;
using ingest::FetchError;

namespace {

config::KafkaConfig kafkaFor(const ingest::MockBroker& broker)
{
    config::KafkaConfig kafka;
    kafka.brokers = broker.bootstrapServers();
    kafka.groupId = "slatrack-test";
    return kafka;
}

const std::string kBinaryKey("\x00\xff\x01key", 6);
const std::string kValue = std::string(R"({"note": "<b>x</b> <img src=x onerror=alert(1)>", "raw": ")") + std::string("\xff\xfe\x00\x80", 4) + "\"}";
constexpr int64_t kTimestamp = 1'763'700'000'123;

std::string produceThree(const ingest::MockBroker& broker, const std::string& topic)
{
    return test::produceAll(broker.bootstrapServers(),
                            {{topic, "first", "1", kTimestamp - 2, {}},
                             {topic, kBinaryKey, kValue, kTimestamp, {{"trace", std::string("\x01\x02\xff", 3)}, {"trace", "again"}, {"empty", ""}}},
                             {topic, "third", "3", kTimestamp + 2, {}}});
}

} // namespace

class TestMessageFetcher : public QObject {
    Q_OBJECT
private slots:
    void fetchedEqualsProduced()
    {
        ingest::MockBroker broker;
        broker.createTopic("raw", 1);
        QCOMPARE(produceThree(broker, "raw"), std::string());
        const ingest::FetchResult result = ingest::fetchMessage(kafkaFor(broker), {"raw", 0, 1});
        QVERIFY2(result.ok(), result.message.c_str());
        const ingest::FetchedMessage& message = result.fetched;
        QCOMPARE(message.address.topic, std::string("raw"));
        QCOMPARE(message.address.offset, 1);
        QVERIFY(message.key.has_value());
        QCOMPARE(*message.key, kBinaryKey);
        QVERIFY(message.value.has_value());
        QCOMPARE(*message.value, kValue);
        QCOMPARE(message.timestampMs, kTimestamp);
        QCOMPARE(message.timestampType, ingest::TimestampType::CreateTime);
        QCOMPARE(message.headers.size(), size_t(3));
        QCOMPARE(message.headers[0].first, std::string("trace"));
        QCOMPARE(*message.headers[0].second, std::string("\x01\x02\xff", 3));
        QCOMPARE(*message.headers[1].second, std::string("again"));
        QCOMPARE(message.headers[2].first, std::string("empty"));
        QCOMPARE(*message.headers[2].second, std::string());
        // The neighbours are not mixed up with it.
        const ingest::FetchResult last = ingest::fetchMessage(kafkaFor(broker), {"raw", 0, 2});
        QVERIFY2(last.ok(), last.message.c_str());
        QCOMPARE(*last.fetched.key, std::string("third"));
        QCOMPARE(last.fetched.timestampMs, kTimestamp + 2);
        QVERIFY(last.fetched.headers.empty());
    }

    // Independent calls on worker threads at once (how the UI uses it).
    void concurrentFetches()
    {
        ingest::MockBroker broker;
        broker.createTopic("raw", 1);
        QCOMPARE(produceThree(broker, "raw"), std::string());
        std::vector<std::future<ingest::FetchResult>> fetches;
        for (int64_t offset = 0; offset < 3; ++offset)
            fetches.push_back(std::async(std::launch::async, [&, offset] { return ingest::fetchMessage(kafkaFor(broker), {"raw", 0, offset}); }));
        const char* keys[] = {"first", nullptr, "third"};
        for (size_t fetch_idx = 0; fetch_idx < fetches.size(); ++fetch_idx) {
            const ingest::FetchResult result = fetches[fetch_idx].get();
            QVERIFY2(result.ok(), result.message.c_str());
            QCOMPARE(*result.fetched.key, keys[fetch_idx] ? std::string(keys[fetch_idx]) : kBinaryKey);
        }
    }

    void eachErrorNamesWhatAndWhere()
    {
        ingest::MockBroker broker;
        broker.createTopic("raw", 2);
        QCOMPARE(test::produceAll(broker.bootstrapServers(), {{"raw", "k", "v", kTimestamp, {}}}), std::string());
        const config::KafkaConfig kafka = kafkaFor(broker);

        ingest::FetchResult result = ingest::fetchMessage(kafka, {"no-such-topic", 0, 0});
        QCOMPARE(result.error, FetchError::TopicMissing);
        QVERIFY2(result.message.find("no-such-topic[0]@0: topic \"no-such-topic\" does not exist on 127.0.0.1:") == 0, result.message.c_str());
        // Asking did not create it (the mock auto-creates topics named in metadata requests).
        QCOMPARE(ingest::fetchMessage(kafka, {"no-such-topic", 0, 0}).error, FetchError::TopicMissing);

        result = ingest::fetchMessage(kafka, {"raw", 7, 0});
        QCOMPARE(result.error, FetchError::PartitionMissing);
        QVERIFY2(result.message.find("raw[7]@0: topic \"raw\" has 2 partition(s), no partition 7") == 0, result.message.c_str());

        // Which partition got the one message depends on the partitioner: ask both.
        int64_t ends[2] = {0, 0};
        for (int32_t partition = 0; partition < 2; ++partition) {
            result = ingest::fetchMessage(kafka, {"raw", partition, 5});
            QCOMPARE(result.error, FetchError::NotYetWritten);
            QVERIFY2(result.message.find("raw[" + std::to_string(partition) + "]@5: offset out of range") == 0, result.message.c_str());
            ends[partition] = result.message.find("next offset to be written: 1") != std::string::npos ? 1 : 0;
        }
        QCOMPARE(ends[0] + ends[1], 1);

        result = ingest::fetchMessage(kafka, {"raw", -1, 0});
        QCOMPARE(result.error, FetchError::PartitionMissing);

        config::KafkaConfig badConfig = kafka;
        badConfig.properties["no.such.property"] = std::string("1");
        result = ingest::fetchMessage(badConfig, {"raw", 0, 0});
        QCOMPARE(result.error, FetchError::BadConfig);
        QVERIFY2(result.message.find("kafka.properties[\"no.such.property\"]") != std::string::npos, result.message.c_str());

        broker.setBrokerDown(-1);
        result = ingest::fetchMessage(kafka, {"raw", 0, 0}, std::chrono::seconds(3));
        QCOMPARE(result.error, FetchError::BrokersUnreachable);
        QVERIFY2(result.message.find("raw[0]@0: no answer from the brokers " + broker.bootstrapServers()) == 0, result.message.c_str());
    }

    // The mock keeps about 5 MB per partition: past that the log start moves
    // and the first offsets are gone.
    void deletedByRetention()
    {
        ingest::MockBroker broker;
        broker.createTopic("big", 1);
        std::vector<test::ScriptedMessage> messages;
        for (int message_idx = 0; message_idx < 80; ++message_idx)
            messages.push_back({"big", "k" + std::to_string(message_idx), std::string(100'000, char('a' + message_idx % 26)), kTimestamp, {}});
        QCOMPARE(test::produceAll(broker.bootstrapServers(), messages), std::string());
        const ingest::FetchResult gone = ingest::fetchMessage(kafkaFor(broker), {"big", 0, 0});
        QCOMPARE(gone.error, FetchError::DeletedByRetention);
        QVERIFY2(gone.message.find("big[0]@0: deleted: the partition's log now starts at offset ") == 0, gone.message.c_str());
        const ingest::FetchResult kept = ingest::fetchMessage(kafkaFor(broker), {"big", 0, 79});
        QVERIFY2(kept.ok(), kept.message.c_str());
        QCOMPARE(*kept.fetched.key, std::string("k79"));
        QCOMPARE(kept.fetched.value->size(), size_t(100'000));
    }
};

QTEST_APPLESS_MAIN(TestMessageFetcher)
#include "test_message_fetcher.moc"

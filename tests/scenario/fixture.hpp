#pragma once

// A join scenario read from tests/fixtures/*.json (the format is documented
// in tests/fixtures/README.md): a pipeline config, the messages per topic,
// the read orders to try and the verdicts every path must reach.
// Test-thread only; plain values once loaded.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::scenario {

// A fixture that cannot be read: the message names the file and the field.
struct FixtureError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct FixtureMessage {
    int index = 0;  // position in the file, for messages about it
    std::string topic;
    int32_t partition = 0;
    std::optional<std::string> key;  // nullopt: the message has no key
    std::string value;
    std::vector<std::pair<std::string, std::string>> headers;
    int64_t timestampMs = 0;  // the Kafka timestamp
    // Phases run one after the other: a phase's messages are produced (live)
    // or fed (engine) only once everything of the earlier phases was read,
    // e.g. a redelivery five minutes later. The read order applies within
    // each phase. The audit, which reads a finished range, ignores phases.
    int phase = 0;
};

// How the topics are read. Each step is a set of topics: the live path
// produces a step's topics and waits until the monitor has read them before
// producing the next step's, so a later step is read strictly after an
// earlier one. The engine path feeds the steps in that order. "together"
// is one step with every topic, fed in file order.
struct ReadOrder {
    std::string name;  // "together", or the topics joined by '>' ("processed>incoming")
    std::vector<std::vector<std::string>> steps;
};

enum class Path { Engine, Audit, Live };
inline constexpr Path kPaths[] = {Path::Engine, Path::Audit, Path::Live};
const char* pathName(Path path);

struct Fixture {
    std::string file;  // as given to loadFixture, for messages
    std::string name;  // file name without .json
    std::string about;
    int64_t nowMs = 0;             // what "now" meant when the file was read
    nlohmann::json config;         // a slatrack config, without kafka (the runner adds it)
    std::map<std::string, int> partitions;  // topics to create on the broker, with partition counts
    // Topics the broker must answer "unknown topic" for (see README.md: the
    // mock cluster would otherwise create any topic a client names).
    std::vector<std::string> missingTopics;
    std::vector<FixtureMessage> messages;
    int phaseCount = 1;
    std::vector<ReadOrder> orders;       // engine path
    std::vector<ReadOrder> liveOrders;   // live path
    std::optional<int64_t> fromMs;       // range start (audit --from, monitor replay start)
    std::optional<int64_t> toMs;         // audit --to
    std::map<Path, std::string> skipped; // path -> why this fixture does not run there

    // The expectation for one path and order: "expect", overlaid with
    // "expect_<path>", then "expect_order"[order name]. Unlisted fields
    // keep their defaults (see README.md).
    nlohmann::json expectationFor(Path path, const std::string& orderName) const;

    nlohmann::json expect;
    std::map<Path, nlohmann::json> expectByPath;
    std::map<std::string, nlohmann::json> expectByOrder;
};

// One round of reading: the messages of one phase on one step's topics.
// Phases run in order, the read order's steps within each.
struct ReadRound {
    int phase = 0;
    size_t step = 0;
    std::set<std::string> topics;
    bool holds(const FixtureMessage& message) const { return message.phase == phase && topics.count(message.topic) > 0; }
    std::string name() const { return "phase " + std::to_string(phase) + " step " + std::to_string(step + 1); }
};
std::vector<ReadRound> readRounds(const Fixture& fixture, const ReadOrder& order);

// Reads and checks a fixture; relative times ("now-30s") are resolved
// against nowMs. Throws FixtureError naming the file and the field.
Fixture loadFixture(const std::string& file, int64_t nowMs);

// "now", "now-30s", "now+12h", "now-6m50s", Unix ms as a number or a string
// of digits. nullopt when malformed.
std::optional<int64_t> parseRelativeTime(const std::string& text, int64_t nowMs);

} // namespace slatrack::scenario

#pragma once

#include "core/config/pipeline_config.hpp"
#include "core/ingest/message_fetcher.hpp"
#include "core/monitor/record_lookup.hpp"

#include <nlohmann/json.hpp>

#include <QString>

#include <string>
#include <string_view>
#include <vector>

namespace slatrack::ui {

// Text of raw Kafka messages and records for the drill-down panel and its
// "copy" buttons. Every string built here is shown as PLAIN text
// (QPlainTextEdit, Qt::PlainText labels): message bytes come from
// producers nobody here controls, and "<img src=x>" must read as those
// characters, never as markup. All functions are pure: any thread.

// Bytes as readable text: valid UTF-8 as it is (tabs and newlines kept,
// other control characters as \xNN); anything else as "hex:" + lowercase
// hex of every byte (jsonSafeId's form, so it can be copied back).
QString printableBytes(std::string_view bytes);

// A JSON value pretty-printed (2-space indent), or nullopt if `value` is
// not one JSON document.
std::optional<std::string> prettyJson(std::string_view value);

// The whole message: address, timestamp, key, headers, value (pretty when
// JSON). `stage` names the stage whose topic it is.
QString messageText(const QString& stage, const ingest::FetchResult& result);

nlohmann::json messageJson(const ingest::FetchedMessage& message);

// "copy as JSON": the record's answer (state, journey) and the messages
// fetched so far, as the lookup command's JSON writes IDs (jsonSafeId).
std::string recordJson(const monitor::LookupAnswer& answer, const std::vector<std::string>& stageNames,
                       const std::vector<ingest::FetchResult>& messages);

// A kcat command that prints the one message at `address`, shell-quoted.
// Carries the brokers and the non-secret librdkafka properties (-X); a
// secret property is named in the command as a placeholder to fill in,
// never revealed.
std::string kcatCommand(const config::KafkaConfig& kafka, const ingest::MessageAddress& address);

// Single-quoted for a POSIX shell.
std::string shellQuote(std::string_view text);

} // namespace slatrack::ui

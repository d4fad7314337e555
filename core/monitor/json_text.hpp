#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace slatrack::monitor {

// Record IDs are bytes from Kafka, not necessarily text. In JSON output
// (audit --json, the status line) an ID that is valid UTF-8 and does not
// start with "hex:" is written as it is; any other ID is written as "hex:"
// followed by its bytes in lowercase hex (so "\xff\x01" becomes "hex:ff01",
// and an ID that really is "hex:41" becomes "hex:6865783a3431"): the output
// is always valid JSON and the original bytes can always be recovered.
std::string jsonSafeId(std::string_view id);

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF),
// as JSON requires.
bool isValidUtf8(std::string_view text);

// nlohmann::json::dump that never throws on invalid UTF-8 in other strings
// (topic names, error details, rejected samples): such bytes become U+FFFD.
std::string dumpJson(const nlohmann::json& value, int indent = -1);

} // namespace slatrack::monitor

#pragma once

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config_error.hpp"

// Building blocks for the parsers of config sections (the pipeline here, the
// alerting/pager sections later): read typed fields out of a parsed JSON tree
// and record what is wrong instead of throwing, so that one run reports every
// problem in the file. Paths are written as the operator would look them up:
// `stages[1].id.pointer`, `kafka.properties["sasl.password"]`.
namespace slatrack::config {

// Collects the errors of one file. Not thread-safe: one per parse.
class Diagnostics {
public:
    explicit Diagnostics(std::string fileName);

    void error(std::string path, std::string message);
    // "expected <expected>, got <describeJsonValue(found)>".
    void expected(std::string path, std::string_view expected, const nlohmann::json& found);
    void add(ConfigError error);

    const std::string& fileName() const { return m_fileName; }
    std::size_t errorCount() const { return m_errors.size(); }
    std::vector<ConfigError> takeErrors() { return std::move(m_errors); }

private:
    std::string m_fileName;
    std::vector<ConfigError> m_errors;
};

// `parent.key`, or `parent["key"]` when key is not an identifier (librdkafka
// property names contain dots). An empty parent is the document root.
std::string childPath(std::string_view parent, std::string_view key);
// Always `parent["key"]`: for maps with free-form keys, so that every entry
// is written the same way whether or not its name has a dot.
std::string bracketPath(std::string_view parent, std::string_view key);
std::string indexPath(std::string_view parent, std::size_t index);

// The JSON spelling of a string, for messages: "millis" with quotes.
std::string jsonQuoted(std::string_view text);

// How a found value is shown after "got": strings and numbers as JSON
// (long strings shortened), arrays and objects by kind only, so that an error
// never echoes a whole subtree (which may hold a secret).
std::string describeJsonValue(const nlohmann::json& value);

// Reports every member of `object` whose name is not in `allowed`, with the
// allowed names and a "did you mean" for near misses. False if any.
bool checkKeys(Diagnostics& diag, const nlohmann::json& object, std::string_view path,
               std::initializer_list<std::string_view> allowed);

// The member `key` of `object`, or nullptr. The required variant reports a
// missing member as "missing; expected <expected>".
const nlohmann::json* optionalField(const nlohmann::json& object, std::string_view key);
const nlohmann::json* requiredField(Diagnostics& diag, const nlohmann::json& object,
                                    std::string_view path, std::string_view key,
                                    std::string_view expected);

// Typed reads of a value found at `path`; nullopt (and an error) when it has
// the wrong type or is out of range.
bool expectObject(Diagnostics& diag, const nlohmann::json& value, std::string_view path,
                  std::string_view expected = "an object");
std::optional<std::string> readNonEmptyString(Diagnostics& diag, const nlohmann::json& value,
                                              std::string_view path);
// One of `choices`, reported as "expected one of a, b, c".
std::optional<std::string> readChoice(Diagnostics& diag, const nlohmann::json& value,
                                      std::string_view path,
                                      std::initializer_list<std::string_view> choices);
std::optional<uint64_t> readPositiveInteger(Diagnostics& diag, const nlohmann::json& value,
                                            std::string_view path);
// A duration string ("30s", see duration_parse.hpp) or a number of seconds.
std::optional<std::chrono::milliseconds> readDuration(Diagnostics& diag,
                                                      const nlohmann::json& value,
                                                      std::string_view path);

// Line and column (1-based, column in UTF-8 code points) of the character at
// byte `offset` of `text`; an offset past the end is the end of the text.
struct TextPosition {
    int line = 1;
    int column = 1;
};
TextPosition positionOfOffset(std::string_view text, std::size_t offset);

// Parses JSON that may contain // and /* */ comments (so shipped configs can
// explain themselves). Reports a syntax error with its line and column, and
// every duplicate object key (nlohmann would silently keep the last one,
// which hides a typo'd copy-paste). Returns nullopt on a syntax error.
std::optional<nlohmann::json> parseJsonText(Diagnostics& diag, std::string_view text);

} // namespace slatrack::config

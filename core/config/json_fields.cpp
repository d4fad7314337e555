#include "core/config/json_fields.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "core/config/duration_parse.hpp"

namespace slatrack::config {
namespace {

using nlohmann::json;

// Long enough to recognise a value, short enough to keep the message on one line.
constexpr std::size_t kMaxShownStringChars = 60;
// "did you mean" only for near misses: one or two typos, or a case slip.
constexpr std::size_t kMaxSuggestionDistance = 2;

bool isIdentifier(std::string_view key)
{
    if (key.empty())
        return false;
    const auto isAlpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!isAlpha(key.front()))
        return false;
    return std::all_of(key.begin(), key.end(), [&](char c) { return isAlpha(c) || (c >= '0' && c <= '9'); });
}

bool isUtf8Continuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string toLower(std::string_view text)
{
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t b_idx = 0; b_idx <= b.size(); ++b_idx)
        previous[b_idx] = b_idx;
    for (std::size_t a_idx = 1; a_idx <= a.size(); ++a_idx) {
        current[0] = a_idx;
        for (std::size_t b_idx = 1; b_idx <= b.size(); ++b_idx) {
            const std::size_t substitution = previous[b_idx - 1] + (a[a_idx - 1] == b[b_idx - 1] ? 0 : 1);
            current[b_idx] = std::min({previous[b_idx] + 1, current[b_idx - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::string joinNames(std::initializer_list<std::string_view> names)
{
    std::string text;
    for (std::string_view name : names) {
        if (!text.empty())
            text += ", ";
        text += name;
    }
    return text;
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line
// 3, column 0: syntax error while parsing value - invalid literal; last read:
// '"b": tru'". Keep the reason only: our own line:col replaces its position,
// and "last read" echoes raw file text, which may be part of a password.
std::string syntaxErrorReason(const std::string& what)
{
    std::string reason = what;
    const std::size_t parseError = reason.find("parse error");
    if (parseError != std::string::npos) {
        const std::size_t colon = reason.find(": ", parseError);
        if (colon != std::string::npos)
            reason = reason.substr(colon + 2);
    }
    const std::size_t lastRead = reason.find("; last read: '");
    if (lastRead != std::string::npos) {
        const std::size_t expected = reason.find("'; expected", lastRead);
        if (expected != std::string::npos)
            reason.erase(lastRead, expected + 1 - lastRead);
        else
            reason.erase(lastRead);
    }
    return reason;
}

} // namespace

Diagnostics::Diagnostics(std::string fileName) : m_fileName(std::move(fileName)) {}

void Diagnostics::error(std::string path, std::string message)
{
    m_errors.push_back(ConfigError{m_fileName, std::move(path), std::move(message)});
}

void Diagnostics::expected(std::string path, std::string_view expected, const json& found)
{
    error(std::move(path), "expected " + std::string(expected) + ", got " + describeJsonValue(found));
}

void Diagnostics::add(ConfigError error)
{
    m_errors.push_back(std::move(error));
}

std::string childPath(std::string_view parent, std::string_view key)
{
    if (isIdentifier(key))
        return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
    return bracketPath(parent, key);
}

std::string bracketPath(std::string_view parent, std::string_view key)
{
    return std::string(parent) + "[" + jsonQuoted(key) + "]";
}

std::string indexPath(std::string_view parent, std::size_t index)
{
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string jsonQuoted(std::string_view text)
{
    // replace: a message must never throw on bytes that are not UTF-8.
    return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string describeJsonValue(const json& value)
{
    switch (value.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::object:
        return value.empty() ? "an empty object" : "an object";
    case json::value_t::array:
        return value.empty() ? "an empty array" : "an array";
    case json::value_t::string: {
        const auto& text = value.get_ref<const std::string&>();
        std::size_t chars = 0;
        for (std::size_t pos = 0; pos < text.size(); ++pos) {
            if (isUtf8Continuation(text[pos]))
                continue;
            if (chars == kMaxShownStringChars)
                return jsonQuoted(std::string_view(text).substr(0, pos)) + "...";
            ++chars;
        }
        return jsonQuoted(text);
    }
    default:
        return value.dump();
    }
}

bool checkKeys(Diagnostics& diag, const json& object, std::string_view path,
               std::initializer_list<std::string_view> allowed)
{
    bool ok = true;
    for (const auto& [key, value] : object.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
            continue;
        ok = false;
        std::string message = "unknown key (allowed: " + joinNames(allowed) + ")";
        std::string_view best;
        std::size_t bestDistance = kMaxSuggestionDistance + 1;
        for (std::string_view candidate : allowed) {
            const std::size_t distance = editDistance(toLower(key), toLower(candidate));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (!best.empty())
            message += "; did you mean " + jsonQuoted(best) + "?";
        diag.error(childPath(path, key), std::move(message));
    }
    return ok;
}

const json* optionalField(const json& object, std::string_view key)
{
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

const json* requiredField(Diagnostics& diag, const json& object, std::string_view path,
                          std::string_view key, std::string_view expected)
{
    const json* field = optionalField(object, key);
    if (field == nullptr)
        diag.error(childPath(path, key), "missing; expected " + std::string(expected));
    return field;
}

bool expectObject(Diagnostics& diag, const json& value, std::string_view path, std::string_view expected)
{
    if (value.is_object())
        return true;
    diag.expected(std::string(path), expected, value);
    return false;
}

std::optional<std::string> readNonEmptyString(Diagnostics& diag, const json& value, std::string_view path)
{
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        diag.expected(std::string(path), "a non-empty string", value);
        return std::nullopt;
    }
    return value.get<std::string>();
}

std::optional<std::string> readChoice(Diagnostics& diag, const json& value, std::string_view path,
                                      std::initializer_list<std::string_view> choices)
{
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (std::find(choices.begin(), choices.end(), text) != choices.end())
            return text;
    }
    diag.expected(std::string(path), "one of " + joinNames(choices), value);
    return std::nullopt;
}

std::optional<uint64_t> readPositiveInteger(Diagnostics& diag, const json& value, std::string_view path)
{
    if (value.is_number_unsigned() && value.get<uint64_t>() > 0)
        return value.get<uint64_t>();
    diag.expected(std::string(path), "a positive integer", value);
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> readDuration(Diagnostics& diag, const json& value,
                                                      std::string_view path)
{
    constexpr std::string_view kExpected =
        R"(a duration like "500ms", "30s", "5m", "1h", "2d" or a number of seconds)";
    DurationParseResult parsed;
    if (value.is_string())
        parsed = parseDuration(value.get_ref<const std::string&>());
    else if (value.is_number())
        parsed = durationFromSeconds(value.get<double>());
    else
        parsed.error = "wrong type";
    if (parsed.value)
        return parsed.value;
    std::string message = "expected " + std::string(kExpected) + ", got " + describeJsonValue(value);
    if (value.is_string() || value.is_number())
        message += " (" + parsed.error + ")";
    diag.error(std::string(path), std::move(message));
    return std::nullopt;
}

TextPosition positionOfOffset(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    TextPosition position;
    for (std::size_t pos = 0; pos < offset; ++pos) {
        if (text[pos] == '\n') {
            ++position.line;
            position.column = 1;
        } else if (!isUtf8Continuation(text[pos])) {
            ++position.column;
        }
    }
    return position;
}

std::optional<json> parseJsonText(Diagnostics& diag, std::string_view text)
{
    // The parser callback sees keys and container boundaries but no paths;
    // this stack rebuilds the path of the current value for the messages.
    struct Frame {
        bool isArray = false;
        std::size_t nextIndex = 0;
        std::string path;
        std::set<std::string> keys;
        std::string pendingKey;
    };
    std::vector<Frame> stack;
    const auto currentChildPath = [&]() -> std::string {
        if (stack.empty())
            return {};
        const Frame& top = stack.back();
        return top.isArray ? indexPath(top.path, top.nextIndex) : childPath(top.path, top.pendingKey);
    };
    const auto elementDone = [&] {
        if (!stack.empty() && stack.back().isArray)
            ++stack.back().nextIndex;
    };
    const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start: {
            Frame frame;
            frame.isArray = event == json::parse_event_t::array_start;
            frame.path = currentChildPath();
            stack.push_back(std::move(frame));
            break;
        }
        case json::parse_event_t::key: {
            Frame& top = stack.back();
            top.pendingKey = parsed.get<std::string>();
            if (!top.keys.insert(top.pendingKey).second)
                diag.error(childPath(top.path, top.pendingKey),
                           "duplicate key; only the last value would be used, so an earlier one is silently lost");
            break;
        }
        case json::parse_event_t::value:
            elementDone();
            break;
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            stack.pop_back();
            elementDone();
            break;
        }
        return true;
    };

    try {
        constexpr bool kAllowExceptions = true;
        constexpr bool kIgnoreComments = true;
        return json::parse(text.begin(), text.end(), callback, kAllowExceptions, kIgnoreComments);
    } catch (const json::parse_error& error) {
        // error.byte is the 1-based index of the character that failed.
        const TextPosition position = positionOfOffset(text, error.byte > 0 ? error.byte - 1 : 0);
        ConfigError configError;
        configError.file = diag.fileName();
        configError.message = "invalid JSON: " + syntaxErrorReason(error.what());
        configError.line = position.line;
        configError.column = position.column;
        diag.add(std::move(configError));
        return std::nullopt;
    } catch (const json::out_of_range& error) {
        // 406: a number beyond a double ("1e400"). nlohmann throws it outside
        // parse_error and without a position; it quotes the number, which is
        // found in the text for the line and column. The number itself is
        // not echoed, like any file text (it could sit in a secret's place).
        ConfigError configError;
        configError.file = diag.fileName();
        configError.message = "invalid JSON: a number too large to represent";
        const std::string what = error.what();
        const std::size_t open = what.find('\'');
        const std::size_t close = open == std::string::npos ? std::string::npos : what.find('\'', open + 1);
        if (close != std::string::npos) {
            const std::size_t offset = text.find(std::string_view(what).substr(open + 1, close - open - 1));
            if (offset != std::string_view::npos) {
                const TextPosition position = positionOfOffset(text, offset);
                configError.line = position.line;
                configError.column = position.column;
            }
        }
        diag.add(std::move(configError));
        return std::nullopt;
    }
}

} // namespace slatrack::config

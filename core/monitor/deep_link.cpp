#include "deep_link.hpp"

#include "error_quote.hpp"

#include "json_text.hpp"

#include "core/time/rfc3339.hpp"

#include <charconv>

namespace slatrack::monitor {

namespace {

constexpr std::string_view kScheme = "slatrack";
constexpr std::string_view kHost = "open";
constexpr std::string_view kWhere = "slatrack://open: ";
// Unix ms up to 16 digits: year ~318,000, far past anything real, and
// nowhere near int64 overflow.
constexpr size_t kMaxMsDigits = 16;
// RFC 3339's years 0000..9999: what formatDeepLink can write back and read
// again (rfc3339::formatMs writes other years in a form parseMs refuses).
constexpr int64_t kMinMs = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
constexpr int64_t kMaxMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

bool equalsIgnoringCase(std::string_view text, std::string_view lower)
{
    if (text.size() != lower.size())
        return false;
    for (size_t char_idx = 0; char_idx < text.size(); ++char_idx) {
        char c = text[char_idx];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[char_idx])
            return false;
    }
    return true;
}

std::string shown(std::string_view text)
{
    return quotedForError(text);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

DeepLinkParse failed(std::string message)
{
    DeepLinkParse out;
    out.error = std::string(kWhere) + std::move(message);
    return out;
}

// Percent-decodes a parameter's value; empty `error` on success.
std::string decoded(std::string_view name, std::string_view value, std::string& error)
{
    std::string out;
    out.reserve(value.size());
    for (size_t byte_idx = 0; byte_idx < value.size(); ++byte_idx) {
        if (value[byte_idx] != '%') {
            out += value[byte_idx];
            continue;
        }
        const int high = byte_idx + 1 < value.size() ? hexValue(value[byte_idx + 1]) : -1;
        const int low = byte_idx + 2 < value.size() ? hexValue(value[byte_idx + 2]) : -1;
        if (high < 0 || low < 0) {
            error = std::string(name) + " has a '%' not followed by two hex digits: " + shown(value.substr(byte_idx, 3)) +
                    " at byte " + std::to_string(byte_idx) + " of " + shown(value);
            return {};
        }
        out += static_cast<char>(high * 16 + low);
        byte_idx += 2;
    }
    return out;
}

std::optional<int64_t> unixMs(std::string_view text)
{
    const std::string_view digits = !text.empty() && text.front() == '-' ? text.substr(1) : text;
    if (digits.empty() || digits.size() > kMaxMsDigits)
        return std::nullopt;
    for (char c : digits)
        if (c < '0' || c > '9')
            return std::nullopt;
    int64_t value = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (status != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<int64_t> timeMs(std::string_view text)
{
    if (auto ms = unixMs(text))
        return ms;
    return rfc3339::parseMs(text);
}

struct Parameter {
    std::string_view name;
    std::optional<std::string> value;
};

} // namespace

DeepLinkParse parseDeepLink(std::string_view text)
{
    if (text.size() > kMaxDeepLinkBytes)
        return failed("the link is " + std::to_string(text.size()) + " bytes, more than the " + std::to_string(kMaxDeepLinkBytes) +
                      " accepted");
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || !equalsIgnoringCase(text.substr(0, colon), kScheme))
        return failed("not a slatrack link: " + shown(text) + " (expected slatrack://open?pipeline=...)");
    for (size_t byte_idx = 0; byte_idx < text.size(); ++byte_idx) {
        const auto byte = static_cast<unsigned char>(text[byte_idx]);
        if (byte < 0x20 || byte == 0x7f)
            return failed("control character " + shown(text.substr(byte_idx, 1)) + " at byte " + std::to_string(byte_idx) +
                          " of the link (a link carries such bytes percent-encoded)");
    }
    std::string_view rest = text.substr(colon + 1);
    if (rest.substr(0, 2) != "//")
        return failed(shown(text) + " has no \"//\" after \"slatrack:\" (expected slatrack://open?pipeline=...)");
    rest.remove_prefix(2);
    if (const size_t hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);  // a fragment is for the viewer, not us
    const size_t hostEnd = std::min(rest.find('/'), rest.find('?'));
    const std::string_view host = rest.substr(0, hostEnd);
    if (!equalsIgnoringCase(host, kHost))
        return failed("unknown action " + shown(host) + " in " + shown(text) + " (slatrack://open is the only one)");
    rest = hostEnd == std::string_view::npos ? std::string_view() : rest.substr(hostEnd);
    if (!rest.empty() && rest.front() == '/') {
        const std::string_view path = rest.substr(0, rest.find('?'));
        if (path != "/")
            return failed("unexpected path " + shown(path) + " (expected slatrack://open?pipeline=...)");
        rest.remove_prefix(path.size());
    }
    if (rest.empty() || rest.front() != '?')
        return failed("no pipeline= parameter: which pipeline to open (expected slatrack://open?pipeline=...)");
    rest.remove_prefix(1);

    Parameter pipeline{"pipeline", {}}, from{"from", {}}, to{"to", {}}, id{"id", {}};
    const std::string_view query = rest;
    for (size_t start = 0; start <= query.size();) {
        size_t amp = query.find('&', start);
        if (amp == std::string_view::npos)
            amp = query.size();
        const std::string_view pair = query.substr(start, amp - start);
        start = amp + 1;
        if (pair.empty())
            continue;  // "a=1&&b=2", a trailing '&': nothing to read
        const size_t equals = pair.find('=');
        const std::string_view name = pair.substr(0, equals);
        if (equals == std::string_view::npos)
            return failed("parameter " + shown(name) + " has no value (expected name=value)");
        Parameter* target = nullptr;
        for (Parameter* known : {&pipeline, &from, &to, &id})
            if (name == known->name)
                target = known;
        if (!target)
            return failed("unknown parameter " + shown(name) + " (known: pipeline, from, to, id)");
        if (target->value)
            return failed(std::string(name) + " is given twice");
        std::string error;
        target->value = decoded(name, pair.substr(equals + 1), error);
        if (!error.empty())
            return failed(error);
    }

    DeepLink link;
    if (!pipeline.value || pipeline.value->empty())
        return failed(std::string(pipeline.value ? "pipeline is empty" : "no pipeline= parameter") + ": which pipeline to open");
    if (!isValidUtf8(*pipeline.value))
        return failed("pipeline " + shown(*pipeline.value) + " is not UTF-8 text (a config's \"pipeline\" is)");
    link.pipeline = *pipeline.value;
    for (Parameter* bound : {&from, &to}) {
        if (!bound->value)
            continue;
        const auto ms = timeMs(*bound->value);
        if (!ms)
            return failed(std::string(bound->name) + " " + shown(*bound->value) +
                          " is not an RFC 3339 time (like 2026-12-01T13:30:00Z) or Unix milliseconds");
        if (*ms < kMinMs || *ms > kMaxMs)
            return failed(std::string(bound->name) + " " + shown(*bound->value) + " is outside the years 0000 to 9999");
        (bound == &from ? link.fromMs : link.toMs) = *ms;
    }
    if (link.toMs && !link.fromMs)
        return failed("to " + shown(*to.value) + " without from: a range needs its start");
    if (link.fromMs && link.toMs && *link.toMs <= *link.fromMs)
        return failed("to " + shown(*to.value) + " is not after from " + shown(*from.value));
    if (id.value) {
        if (id.value->empty())
            return failed("id is empty: a record ID has at least one byte");
        link.recordId = std::move(*id.value);
    }
    DeepLinkParse out;
    out.link = std::move(link);
    return out;
}

std::string percentEncode(std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
                                byte == '-' || byte == '.' || byte == '_' || byte == '~' || byte == ':';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        }
    }
    return out;
}

std::string formatDeepLink(const DeepLink& link)
{
    std::string out = "slatrack://open?pipeline=" + percentEncode(link.pipeline);
    if (link.fromMs)
        out += "&from=" + percentEncode(rfc3339::formatMs(*link.fromMs));
    if (link.toMs)
        out += "&to=" + percentEncode(rfc3339::formatMs(*link.toMs));
    if (link.recordId)
        out += "&id=" + percentEncode(*link.recordId);
    return out;
}

std::string lookupTextOfId(std::string_view id)
{
    bool plain = isValidUtf8(id) && id.substr(0, 4) != "hex:";
    for (const char c : id)
        plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
    if (plain)
        return std::string(id);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "hex:";
    for (const char c : id) {
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

bool looksLikeDeepLink(std::string_view argument)
{
    return argument.size() > kScheme.size() && argument[kScheme.size()] == ':' &&
           equalsIgnoringCase(argument.substr(0, kScheme.size()), kScheme);
}

} // namespace slatrack::monitor

#include "id_input.hpp"

#include "error_quote.hpp"

namespace slatrack::monitor {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    return text;
}


std::string quoted(std::string_view text)
{
    return quotedForError(text);
}

constexpr std::string_view kHexPrefix = "hex:";

} // namespace

IdInput IdInput::parse(std::string_view typed, config::IdFormat format)
{
    IdInput input;
    if (format == config::IdFormat::Composite) {
        input.m_composite = true;
        const std::string_view text = trimmed(typed);
        if (text.empty()) {
            input.m_error = "empty ID " + quoted(typed) + ": expected a composite ID (16 hex digits, 0x + hex, or a decimal)";
            return input;
        }
        const auto parsed = engine::composite_id::parse(text);
        if (!parsed.value) {
            input.m_error = "not a composite ID: " + parsed.error;
            return input;
        }
        input.m_key = *parsed.value;
        return input;
    }
    std::string_view text = typed;
    std::string decoded;
    if (text.substr(0, kHexPrefix.size()) == kHexPrefix) {
        const std::string_view digits = text.substr(kHexPrefix.size());
        if (digits.empty() || digits.size() % 2 != 0) {
            input.m_error = "ID " + quoted(typed) + " starts with \"hex:\" but has " + std::to_string(digits.size()) +
                            " hex digits after it (need an even number > 0: two per byte)";
            return input;
        }
        for (size_t digit_idx = 0; digit_idx < digits.size(); digit_idx += 2) {
            const int high = engine::composite_id::hexDigitValue(digits[digit_idx]);
            const int low = engine::composite_id::hexDigitValue(digits[digit_idx + 1]);
            if (high < 0 || low < 0) {
                const size_t bad = kHexPrefix.size() + digit_idx + (high < 0 ? 0 : 1);
                input.m_error = "ID " + quoted(typed) + " starts with \"hex:\" but has " + quoted(typed.substr(bad, 1)) +
                                " at position " + std::to_string(bad) + ", not a hex digit";
                return input;
            }
            decoded += static_cast<char>(high * 16 + low);
        }
        text = decoded;
    }
    if (text.empty()) {
        input.m_error = "empty ID: an opaque ID has at least one byte";
        return input;
    }
    input.m_text.assign(text);
    input.m_key = engine::hashOpaqueId(input.m_text);
    return input;
}

engine::RecordId IdInput::recordId() const
{
    return m_composite ? engine::RecordId::composite(m_key) : engine::RecordId::opaque(m_text);
}

std::string IdInput::display() const
{
    return m_composite ? engine::composite_id::format(m_key) : m_text;
}

} // namespace slatrack::monitor

#include "error_quote.hpp"

namespace slatrack::monitor {

std::string quotedForError(std::string_view text)
{
    constexpr size_t kShown = 64;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (size_t byte_idx = 0; byte_idx < text.size() && byte_idx < kShown; ++byte_idx) {
        const auto byte = static_cast<unsigned char>(text[byte_idx]);
        if (byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\') {
            out += static_cast<char>(byte);
        } else {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        }
    }
    out += text.size() > kShown ? "\"..." : "\"";
    return out;
}

} // namespace slatrack::monitor

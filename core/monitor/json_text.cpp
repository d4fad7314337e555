#include "json_text.hpp"

namespace slatrack::monitor {

namespace {
constexpr std::string_view kHexPrefix = "hex:";
}

bool isValidUtf8(std::string_view text)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t size = text.size();
    size_t at = 0;
    while (at < size) {
        const unsigned char lead = bytes[at];
        if (lead < 0x80) {
            ++at;
            continue;
        }
        size_t length = 0;
        uint32_t code = 0, minimum = 0;
        if ((lead & 0xE0) == 0xC0) {
            length = 2, code = lead & 0x1F, minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, code = lead & 0x0F, minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, code = lead & 0x07, minimum = 0x10000;
        } else {
            return false;  // continuation byte or 0xF8..0xFF as a lead
        }
        if (size - at < length)
            return false;
        for (size_t byte_idx = 1; byte_idx < length; ++byte_idx) {
            const unsigned char next = bytes[at + byte_idx];
            if ((next & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3F);
        }
        if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        at += length;
    }
    return true;
}

std::string jsonSafeId(std::string_view id)
{
    if (isValidUtf8(id) && id.substr(0, kHexPrefix.size()) != kHexPrefix)
        return std::string(id);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(kHexPrefix);
    out.reserve(kHexPrefix.size() + 2 * id.size());
    for (const char byte : id) {
        const auto value = static_cast<unsigned char>(byte);
        out.push_back(kDigits[value >> 4]);
        out.push_back(kDigits[value & 0x0F]);
    }
    return out;
}

std::string dumpJson(const nlohmann::json& value, int indent)
{
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace slatrack::monitor

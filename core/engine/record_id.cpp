#include "core/engine/record_id.hpp"

#include "core/time/rfc3339.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

namespace slatrack::engine {

namespace {

// --- hashing -----------------------------------------------------------------

// Little-endian load assembled from bytes so the hash is the same on every
// platform; compilers turn this into a single load on x86-64 and arm64.
uint64_t loadLe64(const unsigned char* bytes)
{
    uint64_t word = 0;
    for (int byteIdx = 7; byteIdx >= 0; --byteIdx)
        word = (word << 8) | bytes[byteIdx];
    return word;
}

// MurmurHash3's 64-bit finalizer: a bijection whose every input bit flips
// each output bit with probability ~1/2, so similar IDs ("order-1001",
// "order-1002") spread over the whole key space the join table indexes.
uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

// Body of MurmurHash64A (Austin Appleby, public domain): 8 bytes per multiply,
// fast for the 10..40-byte IDs we see. Written out here rather than using
// std::hash because the result is persisted and std::hash may change between
// standard-library versions. Changing the seed or this code changes every
// stored key; test_record_id pins a value to catch that.
constexpr uint64_t kMurmurMultiplier = 0xc6a4a7935bd1e995ULL;
constexpr int kMurmurShift = 47;
constexpr uint64_t kHashSeed = 0x736c617472616b31ULL;  // "slatrak1"

uint64_t murmur64aBody(std::string_view text)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t length = text.size();
    uint64_t h = kHashSeed ^ (static_cast<uint64_t>(length) * kMurmurMultiplier);

    const size_t wholeWords = length / 8;
    for (size_t wordIdx = 0; wordIdx < wholeWords; ++wordIdx) {
        uint64_t k = loadLe64(bytes + wordIdx * 8);
        k *= kMurmurMultiplier;
        k ^= k >> kMurmurShift;
        k *= kMurmurMultiplier;
        h ^= k;
        h *= kMurmurMultiplier;
    }

    const unsigned char* tail = bytes + wholeWords * 8;
    const size_t tailLength = length & 7;
    if (tailLength != 0) {
        for (size_t byteIdx = tailLength; byteIdx-- > 0;)
            h ^= static_cast<uint64_t>(tail[byteIdx]) << (8 * byteIdx);
        h *= kMurmurMultiplier;
    }
    return h;
}

// --- parse errors --------------------------------------------------------------

constexpr size_t kMaxQuotedBytes = 64;  // IDs are short; garbage may be a whole message

// Escapes the delimiter it is shown in, the backslash, and unprintable bytes.
void appendEscaped(std::string& out, unsigned char byte, char delimiter)
{
    if (byte == static_cast<unsigned char>(delimiter) || byte == '\\') {
        out += '\\';
        out += static_cast<char>(byte);
    } else if (byte >= 0x20 && byte < 0x7f) {
        out += static_cast<char>(byte);
    } else {
        // Control and non-ASCII bytes would be invisible or garble the log line.
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", byte);
        out += hex;
    }
}

std::string quoted(std::string_view text)
{
    std::string out = "\"";
    const size_t shown = std::min(text.size(), kMaxQuotedBytes);
    for (size_t byteIdx = 0; byteIdx < shown; ++byteIdx)
        appendEscaped(out, static_cast<unsigned char>(text[byteIdx]), '"');
    if (shown < text.size())
        out += "...";
    out += '"';
    return out;
}

composite_id::ParseResult failure(std::string_view text, const std::string& problem)
{
    return {std::nullopt, quoted(text) + ": " + problem};
}

std::string badCharacter(const char* what, std::string_view text, size_t position)
{
    std::string out = what;
    out += " '";
    appendEscaped(out, static_cast<unsigned char>(text[position]), '\'');
    out += "' at position " + std::to_string(position);
    return out;
}


constexpr size_t kMaxHexDigits = 16;       // 64 bits
constexpr size_t kMaxDecimalDigits = 20;   // 18446744073709551615

// Parses text[start..] as hex; the caller has checked the digit count.
composite_id::ParseResult parseHexDigits(std::string_view text, size_t start)
{
    uint64_t value = 0;
    for (size_t position = start; position < text.size(); ++position) {
        const int digit = composite_id::hexDigitValue(text[position]);
        if (digit < 0)
            return failure(text, badCharacter("invalid hex digit", text, position));
        value = (value << 4) | static_cast<uint64_t>(digit);
    }
    return {value, {}};
}

composite_id::ParseResult parseDecimal(std::string_view text)
{
    uint64_t value = 0;
    for (size_t position = 0; position < text.size(); ++position) {
        const char c = text[position];
        if (c < '0' || c > '9') {
            std::string problem = badCharacter("invalid decimal digit", text, position);
            if (composite_id::hexDigitValue(c) >= 0)
                problem += " (hex IDs need a 0x prefix or exactly 16 digits)";
            return failure(text, problem);
        }
        const auto digit = static_cast<uint64_t>(c - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10)
            return failure(text, "decimal value exceeds 2^64-1 (18446744073709551615)");
        value = value * 10 + digit;
    }
    // Checked after the characters so "12a4...(25 digits)" reports the 'a'.
    if (text.size() > kMaxDecimalDigits)
        return failure(text, "too many decimal digits (" + std::to_string(text.size()) + ", at most 20)");
    return {value, {}};
}

} // namespace

uint64_t hashOpaqueId(std::string_view text)
{
    const uint64_t h = fmix64(murmur64aBody(text));
    // 0 marks an empty slot in the join table; remapping one value in 2^64
    // costs nothing measurable in collisions.
    return h == 0 ? 1 : h;
}

RecordId RecordId::opaque(std::string_view text)
{
    return RecordId{hashOpaqueId(text), text};
}

std::string displayText(const RecordId& id)
{
    if (id.isComposite())
        return composite_id::format(id.key);
    return std::string(id.text);
}

namespace composite_id {

ParseResult parse(std::string_view text)
{
    if (text.empty())
        return {std::nullopt, "empty ID"};

    ParseResult result;
    const bool hasPrefix = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (hasPrefix) {
        const size_t digits = text.size() - 2;
        if (digits == 0)
            return failure(text, "no hex digits after \"0x\"");
        result = parseHexDigits(text, 2);
        // Reported after the characters: a bad digit is the more useful message.
        if (result.value && digits > kMaxHexDigits)
            return failure(text, "too many hex digits (" + std::to_string(digits) + ", at most 16 for 64 bits)");
    } else if (text.size() == kMaxHexDigits) {
        result = parseHexDigits(text, 0);
    } else {
        result = parseDecimal(text);
    }

    if (result.value && *result.value == 0)
        return failure(text, "0 is reserved and never a valid ID");
    return result;
}

bool parseCanonical(std::string_view text, uint64_t& value)
{
    // 0..15 for hex digits, 0xff otherwise; OR-ing every lookup flags a bad
    // character once at the end instead of branching per character.
    static constexpr auto kHex = [] {
        std::array<uint8_t, 256> table{};
        table.fill(0xff);
        for (int digit = 0; digit < 10; ++digit)
            table['0' + digit] = static_cast<uint8_t>(digit);
        for (int digit = 0; digit < 6; ++digit) {
            table['a' + digit] = static_cast<uint8_t>(10 + digit);
            table['A' + digit] = static_cast<uint8_t>(10 + digit);
        }
        return table;
    }();
    if (text.size() != kMaxHexDigits)
        return false;
    uint64_t result = 0;
    uint8_t bad = 0;
    for (const char ch : text) {
        const uint8_t nibble = kHex[static_cast<unsigned char>(ch)];
        bad |= nibble;
        result = (result << 4) | (nibble & 0x0f);
    }
    if ((bad & 0xf0) != 0 || result == 0)
        return false;
    value = result;
    return true;
}

uint64_t make(uint32_t unixSeconds, uint32_t random)
{
    return (static_cast<uint64_t>(unixSeconds) << 32) | random;
}

int64_t creationUnixSeconds(uint64_t id)
{
    return static_cast<int64_t>(id >> 32);
}

std::string format(uint64_t id)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(kMaxHexDigits, '0');
    for (size_t digitIdx = 0; digitIdx < kMaxHexDigits; ++digitIdx)
        out[kMaxHexDigits - 1 - digitIdx] = kDigits[(id >> (4 * digitIdx)) & 0xf];
    return out;
}

std::string formatCreationTime(uint64_t id)
{
    return rfc3339::formatSeconds(creationUnixSeconds(id));
}

} // namespace composite_id

int composite_id::hexDigitValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace slatrack::engine

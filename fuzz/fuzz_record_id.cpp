// Fuzz target: the record ID codec (core/engine/record_id).
// Invariants: parse and parseCanonical agree; an accepted ID is never 0 and
// its canonical text parses back to it; a rejection says why; the opaque
// hash is never the reserved 0 and is deterministic; creation times format
// as RFC 3339 that reads back to the ID's second.

#include "fuzz/fuzz_input.hpp"

#include "core/engine/record_id.hpp"
#include "core/time/rfc3339.hpp"

#include <string>

namespace composite_id = slatrack::engine::composite_id;
using slatrack::engine::RecordId;

namespace {

void checkValue(uint64_t id)
{
    const std::string canonical = composite_id::format(id);
    FUZZ_ASSERT(canonical.size() == 16 && canonical.find_first_not_of("0123456789abcdef") == std::string::npos,
                "format(%llx) = %s", static_cast<unsigned long long>(id), canonical.c_str());
    const composite_id::ParseResult back = composite_id::parse(canonical);
    FUZZ_ASSERT(back.value && *back.value == id, "%s does not parse back", canonical.c_str());
    uint64_t fast = 0;
    FUZZ_ASSERT(composite_id::parseCanonical(canonical, fast) && fast == id, "parseCanonical(%s) failed", canonical.c_str());
    const std::string created = composite_id::formatCreationTime(id);
    const std::optional<int64_t> createdMs = slatrack::rfc3339::parseMs(created);
    FUZZ_ASSERT(createdMs && *createdMs == composite_id::creationUnixSeconds(id) * 1000,
                "creation time of %s printed as %s", canonical.c_str(), created.c_str());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const composite_id::ParseResult parsed = composite_id::parse(text);
    if (parsed.value) {
        FUZZ_ASSERT(*parsed.value != 0, "0 accepted from %zu bytes", size);
        checkValue(*parsed.value);
    } else {
        FUZZ_ASSERT(!parsed.error.empty(), "rejected without an error");
    }
    uint64_t fast = 0;
    if (composite_id::parseCanonical(text, fast))
        FUZZ_ASSERT(parsed.value && *parsed.value == fast, "parseCanonical accepted what parse reads differently");
    else if (text.size() == 16 && !(text[0] == '0' && (text[1] == 'x' || text[1] == 'X')))
        FUZZ_ASSERT(!parsed.value, "parse accepted 16 hex digits parseCanonical refused");

    const uint64_t hash = slatrack::engine::hashOpaqueId(text);
    FUZZ_ASSERT(hash != 0, "hash 0 is reserved");
    FUZZ_ASSERT(hash == slatrack::engine::hashOpaqueId(std::string(text)), "hash depends on the buffer");
    if (!text.empty()) {
        const RecordId id = RecordId::opaque(text);
        FUZZ_ASSERT(!id.isComposite() && id.key == hash && slatrack::engine::displayText(id) == text, "opaque RecordId broken");
    }

    slatrack::fuzz::FuzzInput input(data, size);
    const auto raw = input.integer<uint64_t>();
    if (raw != 0)
        checkValue(raw);
    return 0;
}

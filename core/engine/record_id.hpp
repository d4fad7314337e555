#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slatrack::engine {

// How the engine sees a record ID. `key` is what the join hashes and
// compares; `text` is the ID as the operator will want to read it.
//  - Composite temporal IDs: key is the 64-bit ID itself, text is empty
//    (it is printed back with composite_id::format).
//  - Opaque string IDs: key is hashOpaqueId(text) and text is the ID.
// Key 0 is reserved (it marks empty table slots); neither codec produces it.
// An opaque text must not be empty (a missing ID is rejected before it gets
// here), or the RecordId would read as composite.
struct RecordId {
    uint64_t key = 0;
    std::string_view text;  // borrowed: valid for the duration of the call only

    static RecordId composite(uint64_t id) { return RecordId{id, {}}; }
    static RecordId opaque(std::string_view text);
    bool isComposite() const { return text.empty(); }
};

// 64-bit hash of an opaque ID, never 0. Two different IDs collide with
// probability ~2^-64 per pair; the engine confirms hits on open records on
// the text and counts a collision (see join_engine.hpp for the dedup set,
// which holds no text). Deterministic across builds,
// platforms and standard libraries (no std::hash), because keys outlive the
// process in store snapshots. Any thread.
uint64_t hashOpaqueId(std::string_view text);

// Composite temporal IDs: 64 bits, high 32 = Unix seconds at creation,
// low 32 = random. Example: 0x5d684054fc3540a0 = 2019-08-29T21:15:00Z.
namespace composite_id {

struct ParseResult {
    std::optional<uint64_t> value;
    std::string error;  // set when !value: says what was wrong with the text
};

// Accepts "0x"/"0X" + 1..16 hex digits, exactly 16 hex digits without prefix
// (the canonical form), or a decimal number (1..20 digits, <= 2^64-1). Hex
// digits may be either case. A 16-digit string is always read as hex: a
// decimal that short is below 10^16, i.e. an ID created in January 1970.
// Rejects empty text, other characters (no whitespace or sign), overflow,
// and the value 0. The error quotes the text (escaped, cut at 64 bytes) and
// names the problem, with 0-based byte positions, e.g.
//   "0x12g4": invalid hex digit 'g' at position 4
// All functions here are pure: any thread.
ParseResult parse(std::string_view text);

// The hot path of ingestion: exactly 16 hex digits (the canonical form),
// table-driven and branch-light, no error text. False for anything else,
// including 0; the caller then uses parse() for the full rules and the
// message.
bool parseCanonical(std::string_view text, uint64_t& value);

// make(0, 0) is 0, the reserved key: callers pass a real creation time.
uint64_t make(uint32_t unixSeconds, uint32_t random);
int64_t creationUnixSeconds(uint64_t id);
// Canonical text: 16 lowercase hex digits, no prefix.
std::string format(uint64_t id);
// Creation time as RFC 3339 UTC, e.g. "2019-08-29T21:15:00Z".
std::string formatCreationTime(uint64_t id);

// 0..15 for a hex digit (either case), -1 otherwise. Shared with the
// operator-input parser (core/monitor/id_input), so both read hex alike.
int hexDigitValue(char c);

} // namespace composite_id

// Text for any RecordId: its text, or the canonical composite form.
std::string displayText(const RecordId& id);

} // namespace slatrack::engine

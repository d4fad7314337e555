#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// slatrack://open?pipeline=<pct-encoded>&from=<RFC 3339>&to=<RFC 3339>&id=<pct-encoded>
//
// The link a page carries (core/alerting/page_payload.cpp builds it with
// formatDeepLink) and `slatrack 'slatrack://open?...'` opens: a pipeline,
// optionally a time range, optionally one record. The one definition of its
// text, both ways. Pure functions, no Qt: any thread.
namespace slatrack::monitor {

struct DeepLink {
    std::string pipeline;               // the config's "pipeline" (UTF-8, not empty)
    std::optional<int64_t> fromMs;      // range start (Unix ms)
    std::optional<int64_t> toMs;        // range end; only with fromMs, > fromMs
    std::optional<std::string> recordId;  // the record's ID bytes (any bytes, not empty)

    bool operator==(const DeepLink&) const = default;
};

// Longer links are refused: an ID is cut to 256 bytes in a page, so a real
// link is far below this; the bound keeps a pasted blob out of the window.
inline constexpr size_t kMaxDeepLinkBytes = 64 * 1024;

struct DeepLinkParse {
    std::optional<DeepLink> link;
    std::string error;  // set when !link: "slatrack://open: <what> ..."
    bool ok() const { return link.has_value(); }
};

// Reads a link; never throws. Accepted, beyond what formatDeepLink writes:
//  - scheme and host in any case ("SLATRACK://Open?..."), an empty path
//    "/" before the query (some launchers add one), a "#fragment" (ignored);
//  - from/to as RFC 3339 (rfc3339::parseMs: any offset, any fraction) or as
//    Unix milliseconds (an optional '-' and up to 16 digits);
//  - raw bytes >= 0x80 (a browser may hand over an IRI undecoded), taken as
//    the bytes they are.
// '+' is a plus, not a space (RFC 3986; only HTML forms say otherwise): IDs
// may contain '+', and formatDeepLink writes a space as %20.
// Refused, each with an error that names the part: another scheme or host,
// a path, a missing or empty pipeline, an unknown or repeated parameter, a
// '%' not followed by two hex digits, a control character, a pipeline that
// is not UTF-8 after decoding, a time that is neither form, to without
// from, to not after from, an empty id, a link over kMaxDeepLinkBytes.
DeepLinkParse parseDeepLink(std::string_view text);

// The canonical text: pipeline, then from/to as RFC 3339 UTC with
// milliseconds, then id, each percent-encoded (percentEncode). parse(format(x))
// == x for every valid link, including IDs of arbitrary bytes.
std::string formatDeepLink(const DeepLink& link);

// Every byte except A-Z a-z 0-9 - . _ ~ and ':' as %XX (uppercase hex). ':'
// stays readable in times ("13:30:00"); RFC 3986 allows it in a query.
std::string percentEncode(std::string_view bytes);

// A link's record ID as the lookup box and `slatrack lookup` read it
// (IdInput::parse, opaque IDs): the bytes as they are when they are UTF-8
// text without control characters and do not start with "hex:"; otherwise
// "hex:" + lowercase hex of every byte, so a binary ID, or one with a
// newline (the lookup box takes the first line of what it is given), is
// looked up exactly. Composite IDs are plain text and stay as they are.
std::string lookupTextOfId(std::string_view id);

// Whether a command-line argument is meant as a link (starts with
// "slatrack:", any case), so it is parsed as one rather than taken for an
// unknown mode.
bool looksLikeDeepLink(std::string_view argument);

} // namespace slatrack::monitor

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Silences (issue #11): a rule, or a known poison-pill record ID or ID
// pattern, silenced with a reason, an author and an expiry. A silenced rule
// is still evaluated and its incidents recorded, but pages nothing; a
// silenced record leaves the stuck count the stuck rule judges and the IDs
// pages list. Both come back by themselves when the silence expires.
//
// Plain values and pure functions; any thread.
namespace slatrack::alerting {

struct Silence {
    enum class Kind { Rule, RecordId, IdPattern };
    int64_t id = 0;        // the store's rowid; 0 before it is stored
    Kind kind = Kind::Rule;
    std::string matcher;   // the rule name, the exact ID, or a pattern with * and ?
    std::string reason;
    std::string author;
    int64_t createdMs = 0;
    int64_t expiresMs = 0; // wall clock; active while now < expiresMs

    bool activeAt(int64_t nowMs) const { return nowMs < expiresMs; }
};

const char* silenceKindName(Silence::Kind kind);  // rule | record_id | id_pattern
std::optional<Silence::Kind> silenceKindFromName(std::string_view name);

// Shell-style: * any run of bytes, ? one byte, everything else literal.
// Iterative with one backtrack point: linear in practice, never recursive.
bool globMatch(std::string_view pattern, std::string_view text);

// Whether one active silence in `silences` covers the rule / the record.
bool ruleSilenced(const std::vector<Silence>& silences, std::string_view rule, int64_t nowMs);
bool recordSilenced(const std::vector<Silence>& silences, std::string_view recordId, int64_t nowMs);
// The record silences (ID and pattern) not yet expired at `nowMs`, for the
// monitor's StuckSilencer; empty when there are none.
std::vector<Silence> recordSilences(const std::vector<Silence>& silences, int64_t nowMs);

} // namespace slatrack::alerting

#pragma once

#include <string>
#include <string_view>

namespace slatrack::monitor {

// Quotes operator input (a typed ID, a pasted link) for an error message:
// printable ASCII as is, any other byte as \xNN, cut at 64 bytes with
// "...", so a pasted blob or a binary ID stays readable on one line.
std::string quotedForError(std::string_view text);

} // namespace slatrack::monitor

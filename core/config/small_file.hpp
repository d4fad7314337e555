#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace slatrack::config {

struct FileReadResult {
    std::optional<std::string> content;
    std::string error;  // set when !content, e.g. "No such file or directory"
};

// Reads a whole file that is expected to be small (a config, a secret).
// Fails, rather than reading on, past `maxBytes`: naming a device such as
// /dev/zero or a log file by mistake must not hang or exhaust memory.
// Blocking I/O; any thread but the UI thread.
FileReadResult readSmallFile(const std::filesystem::path& path, std::uintmax_t maxBytes);

} // namespace slatrack::config

#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/config/json_fields.hpp"
#include "core/config/secret.hpp"

// Secret references in config files, so that credentials live in the
// environment or in a file with tight permissions, not in the config:
//   {"env": "KAFKA_PASSWORD"}        the variable's value
//   {"file": "secrets/pd_key"}       the file's content, trailing newline(s)
//                                    stripped; relative to the config's folder
// Reads the environment and the file system: call while loading the config
// (startup), not from a thread that may not block.
namespace slatrack::config {

// Secret files hold a password or a key; anything larger is the wrong file
// (or a device such as /dev/zero that would never end).
inline constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;

// True if `value` has the shape of a reference (an object), so a caller that
// also accepts plain strings knows which reader to use.
bool isSecretRef(const nlohmann::json& value);

// Resolves a reference found at `path`. A malformed reference, an unset or
// empty variable, or an unreadable or empty file is reported as an error at
// `path` (naming the variable or file, never the value) and gives nullopt.
std::optional<Secret> readSecretRef(Diagnostics& diag, const nlohmann::json& value,
                                    std::string_view path, const std::filesystem::path& baseDir);

} // namespace slatrack::config

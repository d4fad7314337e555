#pragma once

#include <string>
#include <vector>

namespace slatrack::config {

// One problem found in a config file. An operator reads it at 3 a.m., so it
// names the file, the field and what was expected versus what was found:
//   orders.json: stages[1].time.format: expected one of epoch_s, epoch_ms,
//   epoch_us, rfc3339, got "millis"
// It never contains the value of a secret.
struct ConfigError {
    std::string file;     // as the caller named it, e.g. "orders.json"
    std::string path;     // e.g. "stages[1].id.pointer"; empty for the whole file
    std::string message;  // what was expected and what was found
    int line = 0;         // 1-based, set for JSON syntax errors only; 0 = unknown
    int column = 0;       // 1-based, in characters (UTF-8 code points)

    // "file:line:col: message" for syntax errors, else "file: path: message".
    std::string toString() const;

    friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

// One error per line, for printing to stderr or a dialog.
std::string formatErrors(const std::vector<ConfigError>& errors);

} // namespace slatrack::config

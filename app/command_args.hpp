#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace slatrack::app {

// Minimal "--name value" / "--flag" parsing for the non-GUI modes, with
// errors that name the option. (QCommandLineParser would need a
// QCoreApplication and QString round trips for these few options.)
struct ParsedArgs {
    std::map<std::string, std::string> values;  // option -> value
    std::set<std::string> flags;
    std::string error;  // non-empty: what was wrong

    std::optional<std::string> value(const std::string& name) const
    {
        auto found = values.find(name);
        return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
    }
    bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

// `withValue` lists options taking a value (aliases as "-c|--config"),
// `flagsAllowed` those that do not. argv[0] is the mode's own name.
ParsedArgs parseArgs(int argc, char* argv[], const std::vector<std::string>& withValue,
                     const std::vector<std::string>& flagsAllowed);

} // namespace slatrack::app

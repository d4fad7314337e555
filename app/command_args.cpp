#include "command_args.hpp"

#include <sstream>

namespace slatrack::app {

namespace {
// "-c|--config" -> canonical "--config" for every alias.
std::map<std::string, std::string> aliasesOf(const std::vector<std::string>& specs)
{
    std::map<std::string, std::string> out;
    for (const std::string& spec : specs) {
        std::vector<std::string> names;
        std::stringstream stream(spec);
        for (std::string name; std::getline(stream, name, '|');)
            names.push_back(name);
        for (const std::string& name : names)
            out[name] = names.back();
    }
    return out;
}
} // namespace

ParsedArgs parseArgs(int argc, char* argv[], const std::vector<std::string>& withValue,
                     const std::vector<std::string>& flagsAllowed)
{
    ParsedArgs out;
    const auto valueNames = aliasesOf(withValue);
    const auto flagNames = aliasesOf(flagsAllowed);
    for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
        std::string arg = argv[arg_idx];
        std::string inlineValue;
        bool hasInline = false;
        if (const auto equals = arg.find('='); arg.rfind("--", 0) == 0 && equals != std::string::npos) {
            inlineValue = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
            hasInline = true;
        }
        if (auto found = valueNames.find(arg); found != valueNames.end()) {
            if (hasInline) {
                out.values[found->second] = inlineValue;
            } else if (arg_idx + 1 < argc) {
                out.values[found->second] = argv[++arg_idx];
            } else {
                out.error = "option " + arg + " needs a value";
                return out;
            }
        } else if (auto flag = flagNames.find(arg); flag != flagNames.end() && !hasInline) {
            out.flags.insert(flag->second);
        } else {
            out.error = "unknown option \"" + arg + "\"";
            return out;
        }
    }
    return out;
}

} // namespace slatrack::app

#include "core/config/config_error.hpp"

namespace slatrack::config {

std::string ConfigError::toString() const
{
    std::string text = file;
    if (line > 0)
        text += ":" + std::to_string(line) + ":" + std::to_string(column);
    text += ": ";
    if (!path.empty())
        text += path + ": ";
    text += message;
    return text;
}

std::string formatErrors(const std::vector<ConfigError>& errors)
{
    std::string text;
    for (const ConfigError& error : errors) {
        text += error.toString();
        text += '\n';
    }
    return text;
}

} // namespace slatrack::config

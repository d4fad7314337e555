#include "core/config/secret.hpp"

#include <ostream>
#include <utility>

#include <nlohmann/json.hpp>

namespace slatrack::config {

Secret::Secret(std::string value, Source source, std::string origin)
    : m_value(std::move(value)), m_source(source), m_origin(std::move(origin))
{
}

std::string Secret::masked() const
{
    std::string text(kMask);
    switch (m_source) {
    case Source::Inline:
        break;
    case Source::Env:
        text += " (env " + m_origin + ")";
        break;
    case Source::File:
        text += " (file " + m_origin + ")";
        break;
    }
    return text;
}

std::ostream& operator<<(std::ostream& out, const Secret&)
{
    return out << Secret::kMask;
}

void to_json(nlohmann::json& out, const Secret&)
{
    out = std::string(Secret::kMask);
}

} // namespace slatrack::config

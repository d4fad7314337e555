#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace slatrack::config {

// A credential: a SASL password, a pager routing key. DESIGN.md promises
// secrets never reach the store, the logs or the screen, so the plain value
// is reachable only through reveal() (grep for it to audit every use), and
// every way of printing a Secret (operator<<, to_json, masked()) gives "***".
//
// Plain value type, copyable; any thread may read a const Secret.
class Secret {
public:
    enum class Source {
        Inline,  // written in the config file itself (only for credential-named properties)
        Env,     // {"env": "NAME"}
        File,    // {"file": "PATH"}
    };

    static constexpr std::string_view kMask = "***";

    Secret() = default;
    // `origin` says where the value came from and must not contain it:
    // the variable name, the resolved file path, or empty for Inline.
    Secret(std::string value, Source source, std::string origin);

    // The only accessor of the plain value. Call it at the last moment, where
    // the value is handed to librdkafka or put in an HTTP request.
    const std::string& reveal() const { return m_value; }

    Source source() const { return m_source; }
    const std::string& origin() const { return m_origin; }

    // "***", or "*** (env KAFKA_PASSWORD)" / "*** (file /etc/slatrack/pw)":
    // where it came from is what an operator needs to debug a failed login,
    // and is not itself secret.
    std::string masked() const;

    friend bool operator==(const Secret&, const Secret&) = default;

private:
    std::string m_value;
    Source m_source = Source::Inline;
    std::string m_origin;
};

// Both print kMask only, so a Secret that slips into a log statement or a
// JSON status line leaks nothing.
std::ostream& operator<<(std::ostream& out, const Secret& secret);
void to_json(nlohmann::json& out, const Secret& secret);

} // namespace slatrack::config

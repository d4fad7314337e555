#pragma once

// Shared by the config test executables: a valid base config that tests
// break with a JSON Patch (RFC 6902), so each test shows only what it breaks.

#include <QByteArray>

#include <string>

#include <nlohmann/json.hpp>

#include "core/config/config_loader.hpp"

namespace config_test {

inline constexpr char kFileName[] = "t.json";
inline constexpr char kPasswordVar[] = "SLATRACK_TEST_PASSWORD";
inline constexpr char kPassword[] = "s3cr3t-Pa55";

// Valid, and as small as a real config gets. Needs kPasswordVar set.
inline constexpr char kBaseConfig[] = R"({
  "pipeline": "orders",
  "kafka": {
    "brokers": "b1:9092,b2:9092",
    "properties": {
      "security.protocol": "SASL_SSL",
      "sasl.password": {"env": "SLATRACK_TEST_PASSWORD"}
    }
  },
  "stages": [
    {"name": "incoming", "topics": ["orders.in"], "id": {"from": "json", "pointer": "/id"}},
    {"name": "processed", "topics": ["orders.out"], "id": {"from": "json", "pointer": "/id"},
     "time": {"from": "json", "pointer": "/ts", "format": "epoch_ms"}}
  ]
})";

inline QByteArray q(const std::string& text)
{
    return QByteArray::fromStdString(text);
}

// kBaseConfig with a JSON Patch applied.
inline std::string patched(const QByteArray& patch)
{
    const nlohmann::json base = nlohmann::json::parse(kBaseConfig);
    return base.patch(nlohmann::json::parse(patch.toStdString())).dump();
}

inline std::string allErrors(const slatrack::config::LoadResult& result)
{
    return slatrack::config::formatErrors(result.errors);
}

} // namespace config_test

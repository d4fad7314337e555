#include "starter_config.hpp"

#include <nlohmann/json.hpp>

namespace slatrack::app {

std::string starterConfigText(const std::string& brokers)
{
    const std::string quoted = nlohmann::json(brokers).dump();
    return R"(// slatrack pipeline config, written by "Create config". Edit the topics and
// the SLA, then start slatrack again (or "Open config..."). Every field is
// explained in the example config shipped with slatrack (example.json).
//
// JSON with comments: // and /* */ are allowed, trailing commas are not.
{
  "pipeline": "my-pipeline",

  "kafka": {
    // bootstrap.servers: a comma-separated host:port list.
    "brokers": )" + quoted + R"(,
    "properties": {
      // A secured cluster: uncomment what it needs. A secret is read from
      // an environment variable or a file only once it is used here:
      //   "security.protocol": "SASL_SSL",
      //   "sasl.mechanism": "SCRAM-SHA-512",
      //   "sasl.username": "slatrack",
      //   "sasl.password": {"env": "KAFKA_PASSWORD"},
      //   "ssl.ca.location": "/etc/ssl/certs/kafka-ca.pem",
      "fetch.wait.max.ms": "100"
    }
  },

  // Where each record enters and where it is done. "id": where the record
  // ID is ({"from": "key"}, {"from": "json", "pointer": "/id"} or
  // {"from": "header", "name": "record-id"}); "time": when it was there
  // (default: the Kafka message timestamp).
  "stages": [
    {"name": "incoming", "topics": ["incoming"], "id": {"from": "key"}, "time": {"from": "kafka"}},
    {"name": "processed", "topics": ["processed"], "id": {"from": "key"}, "time": {"from": "kafka"}}
  ],

  // A record still open after the SLA is stuck; after the window, lost.
  "sla": "30s",
  "window": "10m",
  "grace": "30s"
}
)";
}

} // namespace slatrack::app

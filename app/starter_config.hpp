#pragma once

#include <string>

namespace slatrack::app {

// The config "Create config" writes: the given brokers, two stages on the
// topics "incoming" and "processed" with the ID in the message key and the
// Kafka timestamp as time, and every security setting present but commented
// out, so it loads and runs at once on a plaintext cluster and asks for a
// secret only once the operator turns one on. JSON with comments, the
// format the loader reads. `brokers` is quoted as a JSON string.
std::string starterConfigText(const std::string& brokers);

} // namespace slatrack::app

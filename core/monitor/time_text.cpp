#include "time_text.hpp"

#include "core/time/rfc3339.hpp"

namespace slatrack::monitor {

std::string formatRfc3339(int64_t unixMs)
{
    return rfc3339::formatMs(unixMs);
}

} // namespace slatrack::monitor

#pragma once

// The join written the obvious way, as the benchmark's baseline: the same
// semantics for the steady-state path (open on incoming, match on processed,
// duplicates remembered for the horizon), with std::unordered_map keyed by
// the ID string and a std::unordered_set of matched IDs.
#include "core/engine/latency_histogram.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace slatrack::bench {

class BaselineJoin {
public:
    void incoming(std::string_view id, int64_t timeMs, int32_t partition, int64_t offset)
    {
        std::string key(id);
        if (m_open.count(key) || m_matched.count(key)) {
            ++m_duplicates;
            return;
        }
        m_open.emplace(std::move(key), Open{timeMs, timeMs, offset, partition, 1, false});
    }
    void processed(std::string_view id, int64_t timeMs)
    {
        std::string key(id);
        auto found = m_open.find(key);
        if (found == m_open.end()) {
            ++(m_matched.count(key) ? m_duplicates : m_early);
            return;
        }
        m_latency.record(timeMs - found->second.t0);
        m_open.erase(found);
        m_matched.insert(std::move(key));
    }
    size_t openCount() const { return m_open.size(); }
    uint64_t matchedCount() const { return m_latency.count(); }

private:
    struct Open {
        int64_t t0;
        int64_t lastSeen;
        int64_t offset;
        int32_t partition;
        uint8_t seenMask;
        bool stuck;
    };
    std::unordered_map<std::string, Open> m_open;
    std::unordered_set<std::string> m_matched;
    engine::LatencyHistogram m_latency;
    uint64_t m_duplicates = 0;
    uint64_t m_early = 0;
};

} // namespace slatrack::bench

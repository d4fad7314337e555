#pragma once

#include "monitor_snapshot.hpp"

#include "core/store/lost_record_log.hpp"
#include "core/store/store_reader.hpp"
#include "core/store/store_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace slatrack::monitor {

// What the dashboard shows for a range from the store ("what happened 20
// minutes ago?"): the chart points at a resolution fitting the range, and
// the records lost in it.
struct HistoryResult {
    int64_t fromMs = 0, toMs = 0;
    int64_t resolutionSeconds = 0;
    std::vector<SecondPoint> series;  // ascending; seconds with no record are absent
    uint64_t lostTotal = 0;           // lost in the range, beyond `lost` too
    std::vector<store::StoredLostRecord> lost;  // the first kLostRows by t0
    std::string error;                // empty on success: why the store could not answer

    static constexpr size_t kLostRows = 500;
};

// Answers history ranges on the store's reader thread (its own read-only
// connection, WAL), never on the caller's: `done` runs on that thread, once
// per request, so a GUI posts it to its event loop.
class HistoryQuery {
public:
    HistoryQuery(std::filesystem::path storePath, int stageCount);

    // nowMs: the wall clock, to know whether the range reaches back into
    // rolled-up minutes (then the resolution is at least a minute, so every
    // point spans the same time and rates are right).
    void request(int64_t fromMs, int64_t toMs, int64_t nowMs, std::function<void(HistoryResult)> done);

private:
    static constexpr int64_t kSecondsKeptMs = store::kDefaultKeepSecondsFor * 1000;
    int m_stageCount;
    store::StoreReader m_reader;
};

} // namespace slatrack::monitor

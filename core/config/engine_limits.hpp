#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/engine/latency_histogram.hpp"
#include "core/engine/open_record.hpp"

// The bounds a pipeline config must stay within, taken from the engine that
// has to hold it, so that a config that loads can never make the engine
// throw (issue 8: a window over 7 days, 9 stages or max_open_records under
// 16 passed validation and then aborted the program).
// tests/config/test_config_engine_limits.cpp walks every bound on both sides
// and checks that engine::EngineConfig::validate() agrees.
namespace slatrack::config {

// Latencies are histogrammed up to 7 days; a record may stay open that long.
inline constexpr std::chrono::milliseconds kMaxWindow{engine::LatencyHistogram::kMaxTrackableMs};
// Stage 0 incoming and one processed stage at least; the engine's seen mask is one byte.
inline constexpr std::size_t kMinStageCount = 2;
inline constexpr std::size_t kMaxStageCount = engine::OpenRecord::kMaxStages;
// engine::EngineConfig::validate(): the eviction step (cap / 16) needs room.
inline constexpr uint64_t kMinOpenRecords = 16;
// 24 bytes per open record plus table slack and ID text: a billion is tens of
// GB already; more is a typo (an extra 000), not a plan.
inline constexpr uint64_t kMaxOpenRecords = 1'000'000'000;
// Remembered finished IDs cost memory per record per unit of horizon; the
// horizon need not outlast what the window itself may keep open.
inline constexpr std::chrono::milliseconds kMaxDedupHorizon = kMaxWindow;
// Ingestion already rejects event times more than a day ahead as absurd
// (ingest::ExtractLimits::maxFutureMs), so a larger skew would mean nothing.
inline constexpr std::chrono::milliseconds kMaxClockSkew = std::chrono::hours(24);
// The consumer asks for fetch responses every 100 ms (fetch.wait.max.ms in
// kafka_source.cpp); a partition silent for less than five of those is not
// blind yet, only idle, and a smaller blind_after would flap.
inline constexpr std::chrono::milliseconds kMinBlindAfter = std::chrono::milliseconds(500);

} // namespace slatrack::config

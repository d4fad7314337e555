#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/engine/engine_types.hpp"

// The bounds a pipeline config must stay within, taken from the engine that
// has to hold it (core/engine/engine_types.hpp says why each one is there),
// so that a config that loads can never make the engine throw (issue 8: a
// window over 7 days, 9 stages or max_open_records under 16 passed
// validation and then aborted the program).
// tests/config/test_config_engine_limits.cpp walks every bound on both sides
// and checks that engine::EngineConfig::validate() agrees.
namespace slatrack::config {

inline constexpr std::chrono::milliseconds kMaxWindow{engine::kMaxWindowMs};
inline constexpr std::size_t kMinStageCount = engine::kMinStages;
inline constexpr std::size_t kMaxStageCount = engine::kMaxStages;
inline constexpr uint64_t kMinOpenRecords = engine::kMinOpenRecords;
inline constexpr uint64_t kMaxOpenRecords = engine::kMaxOpenRecords;
inline constexpr std::chrono::milliseconds kMaxDedupHorizon{engine::kMaxDedupHorizonMs};
inline constexpr std::chrono::milliseconds kMaxClockSkew{engine::kMaxClockSkewMs};

// Not an engine limit but the health rules': the consumer asks for fetch
// responses every 100 ms (fetch.wait.max.ms in kafka_source.cpp), so a
// partition silent for less than five of those is idle, not blind, and a
// smaller blind_after would flap.
inline constexpr std::chrono::milliseconds kMinBlindAfter = std::chrono::milliseconds(500);

} // namespace slatrack::config

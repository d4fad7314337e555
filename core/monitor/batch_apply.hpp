#pragma once

#include "core/config/pipeline_config.hpp"
#include "core/engine/join_engine.hpp"
#include "core/ingest/ingest_batch.hpp"

#include <deque>
#include <string>

namespace slatrack::monitor {

// Feeds one ingestion batch to the engine: partition flags first, then
// rejections (counted, and sampled into `rejectedSamples`, newest last,
// at most kRejectedSamplesKept), then the events. wallNowMs: the wall
// clock, against which event times from the future are rejected.
// Thread: the engine's owner thread.
inline constexpr size_t kRejectedSamplesKept = 20;
void applyBatch(engine::JoinEngine& engine, ingest::IngestBatch& batch, const config::PipelineConfig& config,
                std::deque<std::string>& rejectedSamples, int64_t wallNowMs);

} // namespace slatrack::monitor

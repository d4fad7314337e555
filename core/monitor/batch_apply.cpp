#include "batch_apply.hpp"

namespace slatrack::monitor {

void applyBatch(engine::JoinEngine& engine, ingest::IngestBatch& batch, const config::PipelineConfig& config,
                std::deque<std::string>& rejectedSamples, int64_t wallNowMs)
{
    for (const ingest::PartitionFlag& flag : batch.flags) {
        if (flag.forget)
            engine.forgetPartition(flag.stage, flag.partition);
        else
            engine.setCaughtUp(flag.stage, flag.partition, flag.caughtUp);
    }
    for (ingest::Rejection& rejection : batch.rejections) {
        engine.reject(rejection.stage, rejection.reason, rejection.timeMs);
        if (rejection.sample.empty())
            continue;
        rejectedSamples.push_back(config.stages[rejection.stage].name + " " + std::move(rejection.sample));
        if (rejectedSamples.size() > kRejectedSamplesKept)
            rejectedSamples.pop_front();
    }
    engine.ingest(batch.events, wallNowMs);
}

} // namespace slatrack::monitor

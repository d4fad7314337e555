#include "bucket_codec.hpp"

#include <array>
#include <cstdint>

namespace slatrack::store {

using engine::LatencyHistogram;
using engine::MetricBucket;
using engine::StageCounters;

namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kRejectReasons = static_cast<size_t>(engine::RejectReason::Count);

// Tags are forever: a field keeps its tag, a new field takes the next one.
// Rejected-by-reason counters use kRejectedTagBase + reason index.
constexpr std::array kCounterFields{
    &StageCounters::seen, &StageCounters::duplicates, &StageCounters::outOfOrder, &StageCounters::early,
    &StageCounters::orphans, &StageCounters::beforeScope, &StageCounters::matched, &StageCounters::late,
    &StageCounters::lateAfterLost, &StageCounters::lateIncoming, &StageCounters::stuck, &StageCounters::lost,
    &StageCounters::lostOverflow,
};
constexpr uint64_t kRejectedTagBase = 64;
// Catches a StageCounters field added without a tag here: it would silently
// not be stored.
static_assert(sizeof(StageCounters) == sizeof(uint64_t) * (kCounterFields.size() + kRejectReasons),
              "StageCounters changed: give the new field a tag in kCounterFields");

// A stage count above this in a blob is garbage, not a pipeline (the engine
// holds at most 8 stages).
constexpr uint64_t kMaxStagesInBlob = 64;

void putVarint(std::string& out, uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void putSigned(std::string& out, int64_t value)
{
    putVarint(out, (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));  // zigzag
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
    bool varint(uint64_t& value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at >= m_bytes.size())
                return false;
            const auto byte = static_cast<uint8_t>(m_bytes[m_at++]);
            value |= static_cast<uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return true;
        }
        return false;
    }
    bool signedVarint(int64_t& value)
    {
        uint64_t raw = 0;
        if (!varint(raw))
            return false;
        value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
        return true;
    }
    bool byte(uint8_t& value)
    {
        if (m_at >= m_bytes.size())
            return false;
        value = static_cast<uint8_t>(m_bytes[m_at++]);
        return true;
    }
    size_t remaining() const { return m_bytes.size() - m_at; }

private:
    std::string_view m_bytes;
    size_t m_at = 0;
};

void putCounters(std::string& out, const StageCounters& counters)
{
    std::string pairs;
    uint64_t count = 0;
    for (size_t tag = 0; tag < kCounterFields.size(); ++tag) {
        if (const uint64_t value = counters.*kCounterFields[tag]; value != 0) {
            putVarint(pairs, tag);
            putVarint(pairs, value);
            ++count;
        }
    }
    for (size_t reason = 0; reason < kRejectReasons; ++reason) {
        if (const uint64_t value = counters.rejected[reason]; value != 0) {
            putVarint(pairs, kRejectedTagBase + reason);
            putVarint(pairs, value);
            ++count;
        }
    }
    putVarint(out, count);
    out += pairs;
}

bool readCounters(Reader& in, StageCounters& counters)
{
    uint64_t count = 0;
    if (!in.varint(count) || count > in.remaining())
        return false;
    for (uint64_t pair = 0; pair < count; ++pair) {
        uint64_t tag = 0, value = 0;
        if (!in.varint(tag) || !in.varint(value))
            return false;
        if (tag < kCounterFields.size())
            counters.*kCounterFields[tag] = value;
        else if (tag >= kRejectedTagBase && tag - kRejectedTagBase < kRejectReasons)
            counters.rejected[tag - kRejectedTagBase] = value;
        // Other tags: written by a newer slatrack; skipped, not an error.
    }
    return true;
}

void putHistogram(std::string& out, const LatencyHistogram& histogram)
{
    const auto bins = histogram.nonEmptyBins();
    putVarint(out, bins.size());
    for (const auto& [bin, count] : bins) {
        putVarint(out, bin);
        putVarint(out, count);
    }
    if (bins.empty())
        return;
    putSigned(out, histogram.min());
    putSigned(out, histogram.max());
    putSigned(out, histogram.sumMs());
    putVarint(out, histogram.negativeCount());
}

bool readHistogram(Reader& in, LatencyHistogram& histogram)
{
    uint64_t binCount = 0;
    // Each bin takes at least two bytes: a count above that is garbage and
    // must not become a huge reserve().
    if (!in.varint(binCount) || binCount > in.remaining() / 2 || binCount > LatencyHistogram::kBinCount)
        return false;
    if (binCount == 0) {
        histogram = LatencyHistogram();
        return true;
    }
    std::vector<std::pair<uint16_t, uint64_t>> bins;
    bins.reserve(binCount);
    for (uint64_t bin_idx = 0; bin_idx < binCount; ++bin_idx) {
        uint64_t bin = 0, count = 0;
        if (!in.varint(bin) || !in.varint(count) || bin >= LatencyHistogram::kBinCount)
            return false;
        bins.emplace_back(static_cast<uint16_t>(bin), count);
    }
    int64_t minMs = 0, maxMs = 0, sumMs = 0;
    uint64_t negative = 0;
    if (!in.signedVarint(minMs) || !in.signedVarint(maxMs) || !in.signedVarint(sumMs) || !in.varint(negative))
        return false;
    histogram = LatencyHistogram::fromBins(bins, minMs, maxMs, sumMs, negative);
    return true;
}

} // namespace

std::string encodeBucket(const MetricBucket& bucket)
{
    std::string out;
    out.push_back(static_cast<char>(kVersion));
    putSigned(out, bucket.second);
    putVarint(out, bucket.stages.size());
    for (const StageCounters& counters : bucket.stages)
        putCounters(out, counters);
    putHistogram(out, bucket.endToEnd);
    putVarint(out, bucket.hops.size());
    for (const LatencyHistogram& hop : bucket.hops)
        putHistogram(out, hop);
    return out;
}

std::optional<MetricBucket> decodeBucket(std::string_view blob, int stageCount)
{
    Reader in(blob);
    uint8_t version = 0;
    if (!in.byte(version) || version != kVersion)
        return std::nullopt;
    MetricBucket bucket;
    uint64_t stages = 0;
    if (!in.signedVarint(bucket.second) || !in.varint(stages) || stages > kMaxStagesInBlob ||
        stages != static_cast<uint64_t>(stageCount))
        return std::nullopt;
    bucket.stages.resize(stages);
    for (StageCounters& counters : bucket.stages)
        if (!readCounters(in, counters))
            return std::nullopt;
    if (!readHistogram(in, bucket.endToEnd))
        return std::nullopt;
    uint64_t hops = 0;
    if (!in.varint(hops) || (hops != 0 && hops != stages))
        return std::nullopt;
    bucket.hops.resize(hops);
    for (LatencyHistogram& hop : bucket.hops)
        if (!readHistogram(in, hop))
            return std::nullopt;
    if (in.remaining() != 0)
        return std::nullopt;
    return bucket;
}

void mergeBucket(MetricBucket& into, const MetricBucket& from)
{
    const size_t stages = std::min(into.stages.size(), from.stages.size());
    for (size_t stage_idx = 0; stage_idx < stages; ++stage_idx)
        into.stages[stage_idx] += from.stages[stage_idx];
    into.endToEnd.merge(from.endToEnd);
    const size_t hops = std::min(into.hops.size(), from.hops.size());
    for (size_t hop_idx = 0; hop_idx < hops; ++hop_idx)
        into.hops[hop_idx].merge(from.hops[hop_idx]);
}

} // namespace slatrack::store

#include "core/engine/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

namespace slatrack::engine {

namespace {

constexpr int kSubBinCount = 1 << LatencyHistogram::kSubBinBits;
// Largest value with a bin of its own: the top of the last octave, 2^30 - 1.
constexpr int64_t kMaxBinnedMs = (int64_t{LatencyHistogram::kExactLimit} << (LatencyHistogram::kOctaves - 1)) - 1;

static_assert(LatencyHistogram::kExactLimit == 2 * kSubBinCount,
              "binOf's single formula relies on the exact range being two sub-bin counts wide");
static_assert(LatencyHistogram::kBinCount == 1600, "bin layout changed: persisted bin indices would be misread");
static_assert(LatencyHistogram::kBinCount - 1 <= std::numeric_limits<uint16_t>::max(),
              "nonEmptyBins() stores bin indices as uint16_t");
static_assert(kMaxBinnedMs >= LatencyHistogram::kMaxTrackableMs, "the bins must reach 7 days");

// The sum only feeds mean(); saturating keeps an absurd input (or a very long
// history) from being signed-overflow UB, at the price of a mean that is too
// small once INT64_MAX ms (292 million years) of latency has been summed.
int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t result = 0;
    if (__builtin_add_overflow(a, b, &result))
        return b < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    return result;
}

int64_t saturatingProduct(int64_t valueMs, uint64_t times)
{
    int64_t result = 0;
    if (__builtin_mul_overflow(valueMs, times, &result))
        return std::numeric_limits<int64_t>::max();  // valueMs >= 0 here
    return result;
}

} // namespace

int LatencyHistogram::binOf(int64_t valueMs)
{
    // record() calls this for every matched record, so it has no data-dependent
    // branch: the clamp compiles to conditional moves and the octave comes from
    // one count-leading-zeros instruction (bit_width), as in HdrHistogram.
    const auto value = static_cast<uint64_t>(std::clamp<int64_t>(valueMs, 0, kMaxBinnedMs));
    // shift = 0 for the exact range [0, 128) (bit_width(v | 127) == 7), else
    // k - 6 for v in [2^k, 2^(k+1)). Then v >> shift is the v itself in the
    // exact range, or the top 7 bits of v (64..127) above it, and each octave
    // starts 64 bins after the previous one, which gives one formula for both.
    const int shift = static_cast<int>(std::bit_width(value | (kExactLimit - 1))) - (kSubBinBits + 1);
    return (shift << kSubBinBits) + static_cast<int>(value >> shift);
}

int64_t LatencyHistogram::binLowerEdge(int bin)
{
    assert(bin >= 0 && bin < kBinCount && "bin index out of range");
    // Inverse of binOf: bin = (shift << 6) + topBits with topBits in [64, 128)
    // above the exact range; in the exact range shift is 0 and topBits = bin.
    const int shift = std::max(0, (bin >> kSubBinBits) - 1);
    const int64_t topBits = bin - (shift << kSubBinBits);
    return topBits << shift;
}

int64_t LatencyHistogram::binUpperEdge(int bin)
{
    assert(bin >= 0 && bin < kBinCount && "bin index out of range");
    const int shift = std::max(0, (bin >> kSubBinBits) - 1);
    return binLowerEdge(bin) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::record(int64_t latencyMs, uint64_t times)
{
    if (times == 0)
        return;
    if (latencyMs < 0) {
        m_negative += times;
        latencyMs = 0;
    }
    if (m_bins.empty())
        m_bins.assign(kBinCount, 0);
    m_bins[binOf(latencyMs)] += times;
    if (m_count == 0) {
        m_min = latencyMs;
        m_max = latencyMs;
    } else {
        m_min = std::min(m_min, latencyMs);
        m_max = std::max(m_max, latencyMs);
    }
    m_count += times;
    m_sum = saturatingAdd(m_sum, saturatingProduct(latencyMs, times));
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.empty())
        return;
    if (empty()) {
        *this = other;
        return;
    }
    // Both are non-empty, so both have their bins allocated.
    for (int bin = 0; bin < kBinCount; ++bin)
        m_bins[bin] += other.m_bins[bin];
    m_count += other.m_count;
    m_negative += other.m_negative;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_sum = saturatingAdd(m_sum, other.m_sum);
}

void LatencyHistogram::clear()
{
    // Releases the bins too: a cleared histogram is as cheap as a new one.
    *this = LatencyHistogram{};
}

double LatencyHistogram::mean() const
{
    if (m_count == 0)
        return 0.0;
    return static_cast<double>(m_sum) / static_cast<double>(m_count);
}

int64_t LatencyHistogram::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    if (!(p >= 0.0))  // also catches NaN
        p = 0.0;
    p = std::min(p, 100.0);

    // Multiply before dividing and forgive a relative 1e-12 so that decimal
    // percentiles land on the rank they mean: 99.9 is not exact in binary and
    // 99.9 / 100 * 1000 would otherwise ceil to rank 1000 instead of 999.
    const double exactRank = p * static_cast<double>(m_count) / 100.0;
    const double rank = std::ceil(exactRank - exactRank * 1e-12);
    // Compared as doubles first: converting a double >= 2^64 is UB.
    uint64_t targetRank = m_count;
    if (rank < 1.0)
        targetRank = 1;
    else if (rank < static_cast<double>(m_count))
        targetRank = static_cast<uint64_t>(rank);

    // The extreme ranks are known exactly; reporting a bin midpoint for them
    // would show a p100 that differs from the max on the same screen.
    if (targetRank == 1)
        return m_min;
    if (targetRank == m_count)
        return m_max;

    uint64_t seen = 0;
    for (int bin = 0; bin < kBinCount; ++bin) {
        seen += m_bins[bin];
        if (seen >= targetRank) {
            // Every value in this bin is also within [min, max], so narrowing
            // the bin to that range first only shrinks the error. It also
            // lets the overflow bin answer between its edge and max(): it
            // absorbs everything above it, so its real top is max().
            const int64_t binTop = bin == kBinCount - 1 ? m_max : binUpperEdge(bin);
            const int64_t lower = std::max(binLowerEdge(bin), m_min);
            const int64_t upper = std::max(lower, std::min(binTop, m_max));  // outer max: fromBins() data
            return lower + (upper - lower) / 2;
        }
    }
    assert(false && "bin counts sum to less than count()");
    return m_max;
}

std::vector<std::pair<uint16_t, uint64_t>> LatencyHistogram::nonEmptyBins() const
{
    std::vector<std::pair<uint16_t, uint64_t>> result;
    for (int bin = 0; bin < static_cast<int>(m_bins.size()); ++bin) {
        if (m_bins[bin] != 0)
            result.emplace_back(static_cast<uint16_t>(bin), m_bins[bin]);
    }
    return result;
}

LatencyHistogram LatencyHistogram::fromBins(const std::vector<std::pair<uint16_t, uint64_t>>& bins,
                                            int64_t minMs, int64_t maxMs, int64_t sumMs, uint64_t negative)
{
    LatencyHistogram result;
    for (const auto& [bin, binCount] : bins) {
        if (bin >= kBinCount || binCount == 0)
            continue;
        if (result.m_bins.empty())
            result.m_bins.assign(kBinCount, 0);
        result.m_bins[bin] += binCount;
        result.m_count += binCount;
    }
    if (result.m_count == 0)
        return LatencyHistogram{};
    result.m_min = minMs;
    result.m_max = maxMs;
    result.m_sum = sumMs;
    result.m_negative = negative;
    return result;
}

} // namespace slatrack::engine

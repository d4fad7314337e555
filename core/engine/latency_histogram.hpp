#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// A mergeable log-linear latency histogram in whole milliseconds.
//
// Layout (HdrHistogram-style): values 0..127 ms each get an exact bin; above
// that every power-of-two octave [2^k, 2^(k+1)) is split into 64 equal bins,
// so a bin is at most 1/64 of its lower edge wide and reporting its midpoint
// is off by at most 1/128 (0.78 %) of the true value: inside the 1 % bound
// from 1 ms up to kMaxTrackableMs (7 days). The top octave ends at 2^30 - 1 ms
// (about 12.4 days), so values somewhat past 7 days are still binned
// accurately; anything larger lands in the last bin, whose percentiles are
// then only known to lie between its lower edge and max() (exact itself).
//
// Memory: kBinCount (1600) 64-bit counters (12.5 KiB), allocated on the first
// record() so that empty per-bucket histograms cost one empty vector.
//
// Thread-safety: none; one owner thread (the engine's), copies are cheap to
// hand to other threads.
class LatencyHistogram {
public:
    static constexpr int64_t kMaxTrackableMs = 7LL * 24 * 3600 * 1000;
    static constexpr int kSubBinBits = 6;                     // 64 bins per octave
    // 128: below, one bin per ms. Twice the sub-bin count because the octave
    // [64, 128) split 64 ways is already 1 ms wide, so it is exact too.
    static constexpr int kExactLimit = 2 << kSubBinBits;
    // Bin groups: the exact range [0, 2^7) counts as the first, then the 23
    // octaves [2^7, 2^8) .. [2^29, 2^30); 2^30 ms (12.4 days) > 7 days.
    static constexpr int kOctaves = 24;
    static constexpr int kBinCount = kExactLimit + (kOctaves - 1) * (1 << kSubBinBits);

    // Records one latency. Negative values (clock skew between producers)
    // are recorded as 0 and counted in negativeCount().
    void record(int64_t latencyMs, uint64_t times = 1);
    void merge(const LatencyHistogram& other);
    void clear();

    bool empty() const { return m_count == 0; }
    uint64_t count() const { return m_count; }
    uint64_t negativeCount() const { return m_negative; }
    int64_t min() const { return m_min; }   // 0 when empty
    int64_t max() const { return m_max; }   // 0 when empty
    double mean() const;

    // Nearest-rank percentile (the value at rank ceil(p/100 * count)),
    // reported as the midpoint of its bin narrowed to [min, max]; ranks 1
    // and count answer min() and max() exactly. p outside [0, 100] (or NaN)
    // is clamped; an empty histogram answers 0.
    int64_t percentile(double p) const;

    // Sparse form for persistence: (bin index, count) for every non-empty bin,
    // ascending. fromBins() rebuilds an equal histogram given min/max/sum;
    // it accepts any order, adds up repeated indices and drops entries whose
    // index is >= kBinCount (a corrupt row must not crash the loader). When
    // no count survives it returns an empty histogram.
    std::vector<std::pair<uint16_t, uint64_t>> nonEmptyBins() const;
    int64_t sumMs() const { return m_sum; }
    static LatencyHistogram fromBins(const std::vector<std::pair<uint16_t, uint64_t>>& bins,
                                     int64_t minMs, int64_t maxMs, int64_t sumMs, uint64_t negative);

    // binOf maps negatives to bin 0 and values past the top octave to the
    // last bin. The edges take bin in [0, kBinCount); the last bin's upper
    // edge is the nominal 2^30 - 1 even though it also absorbs larger values.
    static int binOf(int64_t valueMs);
    static int64_t binLowerEdge(int bin);   // smallest value in the bin
    static int64_t binUpperEdge(int bin);   // largest value in the bin

private:
    friend struct EngineStateAccess;  // engine_snapshot
    std::vector<uint64_t> m_bins;  // empty until the first record()
    uint64_t m_count = 0;
    uint64_t m_negative = 0;
    int64_t m_min = 0;
    int64_t m_max = 0;
    int64_t m_sum = 0;
};

} // namespace slatrack::engine

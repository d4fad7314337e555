#pragma once

#include <cstdint>

namespace slatrack::engine {

// What the join keeps per unfinished record: 24 bytes, packed because at a
// million open records every byte is a megabyte (the key lives beside it in
// LinearProbeMap, 8 more bytes).
//
//   word 0: [63..16] t0, event time in ms, signed 48 bits (+-4,000 years)
//           [15..8]  seen mask: bit s set once stage s has seen the record
//           [7..0]   flags (kFlagStuck, kFlagDone)
//   word 1: [63..32] last-seen time minus t0, ms, signed 32 bits (+-24 days;
//                    the window is capped at 7 days so this never clips for
//                    a record still held)
//           [31..0]  index of the ID text in IdTextSlab, 0 = composite ID
//   word 2: [63..16] Kafka offset of the record at its first stage seen
//           (48 bits: 2.8e14 messages per partition)
//           [15..0]  partition (stage-local source index)
//
// For an early record (seen on a later stage, not yet on stage 0) t0 holds
// the time of the lowest stage that has seen it; it becomes the incoming
// time once stage 0 sees it.
struct OpenRecord {
    uint64_t word0 = 0;
    uint64_t word1 = 0;
    uint64_t word2 = 0;

    static constexpr uint8_t kFlagStuck = 1;
    // Completed, but an intermediate stage has not been seen: held for the
    // grace period so that stage, read late, is a late hop with its hop
    // latency (t0 and the completion time are here, exact), not a duplicate.
    static constexpr uint8_t kFlagDone = 2;
    static constexpr int kMaxStages = 8;  // seen mask is one byte

    int64_t t0() const { return static_cast<int64_t>(word0) >> 16; }
    uint8_t seenMask() const { return static_cast<uint8_t>(word0 >> 8); }
    uint8_t flags() const { return static_cast<uint8_t>(word0); }
    int64_t lastSeenMs() const { return t0() + static_cast<int32_t>(word1 >> 32); }
    uint32_t textIndex() const { return static_cast<uint32_t>(word1); }
    int64_t offset() const { return static_cast<int64_t>(word2) >> 16; }
    uint16_t partition() const { return static_cast<uint16_t>(word2); }

    bool hasIncoming() const { return (seenMask() & 1u) != 0; }
    bool seenAt(int stage) const { return (seenMask() >> stage) & 1u; }
    bool isStuck() const { return (flags() & kFlagStuck) != 0; }
    bool isDone() const { return (flags() & kFlagDone) != 0; }
    // Lowest stage that has seen the record.
    int firstStage() const { return __builtin_ctz(static_cast<unsigned>(seenMask())); }
    // Highest stage that has seen the record (seen mask is never empty).
    int lastStage() const { return 31 - __builtin_clz(static_cast<unsigned>(seenMask())); }

    void setT0(int64_t timeMs)
    {
        const int64_t lastSeen = lastSeenMs();
        word0 = (static_cast<uint64_t>(timeMs) << 16) | (word0 & 0xffffu);
        setLastSeenMs(lastSeen);
    }
    void setT0AndLastSeen(int64_t t0Ms, int64_t lastSeenMsValue)
    {
        word0 = (static_cast<uint64_t>(t0Ms) << 16) | (word0 & 0xffffu);
        setLastSeenMs(lastSeenMsValue);
    }
    void setLastSeenMs(int64_t timeMs)
    {
        const int64_t delta = clampDelta(timeMs - t0());
        word1 = (static_cast<uint64_t>(static_cast<uint32_t>(static_cast<int32_t>(delta))) << 32) | (word1 & 0xffffffffu);
    }
    void markSeen(int stage) { word0 |= static_cast<uint64_t>(1u << stage) << 8; }
    void setFlag(uint8_t flag) { word0 |= flag; }
    void clearFlag(uint8_t flag) { word0 &= ~static_cast<uint64_t>(flag); }
    void setTextIndex(uint32_t index) { word1 = (word1 & ~0xffffffffULL) | index; }
    void setSource(uint16_t partition, int64_t offset)
    {
        word2 = (static_cast<uint64_t>(offset) << 16) | partition;
    }

private:
    static int64_t clampDelta(int64_t delta)
    {
        constexpr int64_t kMax = INT32_MAX;
        return delta > kMax ? kMax : (delta < -kMax ? -kMax : delta);
    }
};
static_assert(sizeof(OpenRecord) == 24);

} // namespace slatrack::engine

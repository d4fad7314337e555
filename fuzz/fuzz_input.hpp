#pragma once

// Shared by the fuzz targets: the libFuzzer entry point's declaration, a
// reader that turns fuzz bytes into structured choices, and FUZZ_ASSERT.
//
// Each target is built twice: with clang and libFuzzer (SLATRACK_FUZZ=ON,
// fuzz_<target>) and, in the normal build, linked into a QtTest that
// replays every committed corpus and regression file through the same
// LLVMFuzzerTestOneInput (test_fuzz_replay_<target>).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// A violated invariant is a crash to libFuzzer (it keeps the input) and a
// failed test to the replay runner. Says what and where, then aborts: the
// point is to stop at the first wrong state, not to carry on from it.
#define FUZZ_ASSERT(condition, ...)                                                             \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            std::fprintf(stderr, "%s:%d: invariant violated: %s\n  ", __FILE__, __LINE__, #condition); \
            std::fprintf(stderr, __VA_ARGS__);                                                  \
            std::fprintf(stderr, "\n");                                                         \
            std::abort();                                                                       \
        }                                                                                       \
    } while (false)

namespace slatrack::fuzz {

// Consumes the fuzz bytes front to back. Once they run out every read
// returns zeros / empty, so any input decodes to some valid sequence and
// the fuzzer's mutations (truncation, insertion) stay meaningful.
class FuzzInput {
public:
    FuzzInput(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

    bool empty() const { return m_pos >= m_size; }
    size_t remaining() const { return m_size - m_pos; }

    uint8_t byte() { return empty() ? 0 : m_data[m_pos++]; }

    // Little-endian, missing bytes read as 0.
    template <typename T>
    T integer()
    {
        T value{};
        unsigned char bytes[sizeof(T)] = {};
        for (size_t byteIdx = 0; byteIdx < sizeof(T); ++byteIdx)
            bytes[byteIdx] = byte();
        std::memcpy(&value, bytes, sizeof(T));
        return value;
    }

    // A value in [0, count) from one byte (count <= 256).
    unsigned pick(unsigned count) { return count == 0 ? 0 : byte() % count; }

    // A length-prefixed string of at most `maxBytes`.
    std::string_view text(size_t maxBytes)
    {
        const size_t wanted = std::min<size_t>(byte(), maxBytes);
        const size_t taken = std::min(wanted, remaining());
        const std::string_view out(reinterpret_cast<const char*>(m_data + m_pos), taken);
        m_pos += taken;
        return out;
    }

    // Everything not consumed yet.
    std::string_view rest()
    {
        const std::string_view out(reinterpret_cast<const char*>(m_data + m_pos), remaining());
        m_pos = m_size;
        return out;
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

} // namespace slatrack::fuzz

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slatrack::engine {

class JoinEngine;

// The whole state of a JoinEngine as bytes, and back (DESIGN.md "Store":
// a snapshot at a consistent cut). A restored engine continued with the
// same input gives exactly what the uninterrupted one gives: every table
// (open records with their ID text, early and held records, the dedup set
// with its per-second partitioning), the stage clocks, counters,
// histograms, metric buckets and pending lost records are carried over,
// including the bookkeeping that decides when tables are dropped.
//
// Why the encoder allocates nothing and only reads the engine: the store
// captures a big engine (a million open records, millions of dedup
// entries, 150 MB) by fork()ing the engine thread at the cut, and the
// child encodes its copy-on-write image into a pipe. The engine thread
// pauses only for the fork; a child of a multi-threaded process may not
// malloc (another thread may have held the allocator's lock). The caller
// gives the buffer; SnapshotSink::write must not allocate either.
//
// Format: little-endian binary, a header naming the format version and the
// EngineConfig it was taken with (a restore under a different config is
// refused, naming the field), then the sections, then a trailer with the
// byte count and a 64-bit hash of everything before it. Plain C++, no I/O.

class SnapshotSink {
public:
    virtual ~SnapshotSink() = default;
    // false: the reader went away; encoding stops.
    virtual bool write(const char* data, size_t size) = 0;
};

class SnapshotSource {
public:
    virtual ~SnapshotSource() = default;
    // Exactly `size` bytes, or false (end of data, I/O error).
    virtual bool read(char* data, size_t size) = 0;
};

// 2: per-second dedup tables in 8-byte slots (SecondOutcomeTable).
inline constexpr uint32_t kEngineSnapshotVersion = 2;

// Writes the state of `engine` through `buffer` (bufferSize >= 64 KiB is
// sensible) into `sink`. Returns false if the sink refused.
bool encodeEngineState(const JoinEngine& engine, SnapshotSink& sink, char* buffer, size_t bufferSize);

// Restores into `engine`, which must be freshly constructed and not yet
// fed. Empty on success, else what is wrong and where ("open table: key 0
// at entry 17"). On error the engine is in no usable state: discard it.
// Bounds are checked before anything is sized by them, so corrupt input
// yields an error, never a crash or a huge allocation.
std::string decodeEngineState(JoinEngine& engine, SnapshotSource& source);

// In-memory sink and source (tests, benchmarks).
class StringSink final : public SnapshotSink {
public:
    bool write(const char* data, size_t size) override
    {
        bytes.append(data, size);
        return true;
    }
    std::string bytes;
};

class StringSource final : public SnapshotSource {
public:
    explicit StringSource(std::string_view bytes) : m_bytes(bytes) {}
    bool read(char* data, size_t size) override;

private:
    std::string_view m_bytes;
    size_t m_pos = 0;
};

// Encodes into a string (allocates: not for a forked child).
std::string encodeEngineStateToString(const JoinEngine& engine);

} // namespace slatrack::engine

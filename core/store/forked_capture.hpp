#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace slatrack::engine {
class JoinEngine;
}

namespace slatrack::store {

// Takes an engine snapshot at a consistent cut without stopping the engine
// for the copy (DESIGN.md "Store": the engine thread only takes the copy).
//
// The engine thread calls the constructor between two batches: it fork()s,
// and the child, holding a copy-on-write image of the engine exactly as it
// is at that instant, encodes it (engine::encodeEngineState, which neither
// allocates nor writes to the engine) into a pipe and exits. The engine
// thread pauses only for fork() itself - copying page tables, not the
// 100+ MB of tables - and goes on; the store thread reads the pipe with
// next() and writes the chunks to SQLite. Memory: pages the engine writes
// while the child still runs are copied once by the kernel (the engine
// touches a few hot tables, not all of them); the child's output is never
// held whole anywhere.
//
// The child dies with its parent (PR_SET_PDEATHSIG): a kill -9 of slatrack
// leaves no writer behind. It calls only async-signal-safe functions: the
// parent is multi-threaded, and another thread may have held a lock
// (malloc's, librdkafka's) at the fork.
//
// Threading: construct on the engine thread; next()/finish() on one other
// thread (the store's); destroy anywhere (kills and reaps an unfinished child).
class ForkedCapture {
public:
    // Throws std::runtime_error when pipe() or fork() fails (e.g. ENOMEM).
    explicit ForkedCapture(const engine::JoinEngine& engine);
    ~ForkedCapture();
    ForkedCapture(const ForkedCapture&) = delete;
    ForkedCapture& operator=(const ForkedCapture&) = delete;

    // Up to maxBytes of the encoded state into `chunk`; false at the end.
    // Throws std::runtime_error on a read error.
    bool next(std::string& chunk, size_t maxBytes);
    // After next() returned false: empty if the child wrote everything,
    // else what went wrong (its exit status or signal).
    std::string finish();

    // How long the engine thread was stopped for the fork, microseconds.
    int64_t pauseMicros() const { return m_pauseMicros; }

private:
    pid_t m_child = -1;
    int m_readFd = -1;
    int64_t m_pauseMicros = 0;
    std::unique_ptr<char[]> m_buffer;  // the child's encode buffer, allocated before the fork
};

} // namespace slatrack::store

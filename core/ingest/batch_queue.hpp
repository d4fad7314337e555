#pragma once

#include "ingest_batch.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace slatrack::ingest {

// Hands batches from consumer threads to the engine thread. Bounded: when
// the engine falls behind, push() blocks, so consumption slows down instead
// of memory growing (Kafka keeps the backlog, not us).
//
// Threading: push() from any producer thread, pop() from the one consumer.
class BatchQueue {
public:
    explicit BatchQueue(size_t maxBatches = 64) : m_maxBatches(maxBatches) {}

    // Returns false if the queue was closed meanwhile (the batch is dropped).
    bool push(IngestBatch&& batch)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_closed || m_batches.size() < m_maxBatches; });
        if (m_closed)
            return false;
        m_batches.push_back(std::move(batch));
        m_notEmpty.notify_one();
        return true;
    }

    std::optional<IngestBatch> pop(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        if (!m_notEmpty.wait_for(lock, timeout, [&] { return !m_batches.empty(); }))
            return std::nullopt;
        IngestBatch batch = std::move(m_batches.front());
        m_batches.pop_front();
        m_notFull.notify_one();
        return batch;
    }

    // Unblocks producers for good (shutdown).
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_notFull.notify_all();
        m_notEmpty.notify_all();
    }

    size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_batches.size();
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::condition_variable m_notFull;
    std::deque<IngestBatch> m_batches;
    size_t m_maxBatches;
    bool m_closed = false;
};

} // namespace slatrack::ingest

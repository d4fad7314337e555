#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace slatrack::ingest {

// Counts the delivery reports of a simulator producer. librdkafka calls
// dr_cb() from poll()/flush() on the thread that polls; the counters may be
// read from any thread.
class SimulatedDeliveryCounter : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& message) override
    {
        if (message.err() == RdKafka::ERR_NO_ERROR) {
            m_delivered.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        countFailure(message.errstr());
    }

    // Also for records produce() refused outright (called by the thread
    // that produces).
    void countFailure(const std::string& error)
    {
        m_failed.fetch_add(1, std::memory_order_relaxed);
        const std::lock_guard lock(m_errorMutex);
        if (m_firstError.empty()) {
            m_firstError = error;
        }
    }

    uint64_t delivered() const { return m_delivered.load(std::memory_order_relaxed); }
    uint64_t failed() const { return m_failed.load(std::memory_order_relaxed); }
    std::string firstError() const
    {
        const std::lock_guard lock(m_errorMutex);
        return m_firstError;
    }

private:
    std::atomic<uint64_t> m_delivered{0};
    std::atomic<uint64_t> m_failed{0};
    mutable std::mutex m_errorMutex;
    std::string m_firstError;
};

} // namespace slatrack::ingest

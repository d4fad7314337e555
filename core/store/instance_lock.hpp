#pragma once

#include <optional>
#include <string>

namespace slatrack::store {

// One slatrack per store file: an exclusive flock(2) on "<file>.lock",
// holding the owner's PID. Two writers on one file would interleave
// snapshots and double-send pages, so the second is refused, naming the
// first ("held by PID 4242 (slatrack --headless -c orders.json)").
//
// flock locks die with their process, so a kill -9 never leaves a stale
// lock behind; the PID text is only for the message.
class InstanceLock {
public:
    InstanceLock() = default;
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;
    InstanceLock(InstanceLock&& other) noexcept;
    InstanceLock& operator=(InstanceLock&& other) noexcept;

    struct Result;
    // Takes the lock for `storePath` or says who holds it.
    static Result acquire(const std::string& storePath);

    bool held() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

struct InstanceLock::Result {
    std::optional<InstanceLock> lock;
    std::string error;  // when !lock: why, naming the holder when known
};

} // namespace slatrack::store

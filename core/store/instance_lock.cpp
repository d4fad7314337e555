#include "instance_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>
#include <utility>

namespace slatrack::store {

namespace {

std::string readHolderPid(int fd)
{
    char buffer[32] = {};
    const ssize_t got = pread(fd, buffer, sizeof buffer - 1, 0);
    if (got <= 0)
        return {};
    std::string text(buffer, static_cast<size_t>(got));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// "/proc/PID/cmdline" with NULs as spaces, cut to a readable length.
std::string commandLineOf(const std::string& pid)
{
    std::ifstream file("/proc/" + pid + "/cmdline", std::ios::binary);
    std::ostringstream out;
    out << file.rdbuf();
    std::string text = out.str();
    for (char& c : text)
        if (c == '\0')
            c = ' ';
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    constexpr size_t kMaxShown = 120;
    if (text.size() > kMaxShown)
        text = text.substr(0, kMaxShown) + "...";
    return text;
}

} // namespace

InstanceLock::~InstanceLock()
{
    if (m_fd >= 0)
        close(m_fd);  // releases the flock
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

InstanceLock::Result InstanceLock::acquire(const std::string& storePath)
{
    Result result;
    const std::string lockPath = storePath + ".lock";
    const int fd = open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        result.error = "cannot open the lock file " + lockPath + ": " + std::strerror(errno);
        return result;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        if (error == EWOULDBLOCK) {
            const std::string pid = readHolderPid(fd);
            const std::string command = pid.empty() ? std::string() : commandLineOf(pid);
            result.error = "the store " + storePath + " is in use by another slatrack" +
                           (pid.empty() ? std::string() : " (PID " + pid + (command.empty() ? std::string() : ": " + command) + ")") +
                           "; stop it or give this one another store path";
        } else {
            result.error = "cannot lock " + lockPath + ": " + std::strerror(error);
        }
        close(fd);
        return result;
    }
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        // The lock itself is held; only the message for a second instance
        // would lack the PID. Not worth refusing to run for.
    }
    result.lock.emplace();
    result.lock->m_fd = fd;
    return result;
}

} // namespace slatrack::store

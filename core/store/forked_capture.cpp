#include "forked_capture.hpp"

#include "core/engine/engine_snapshot.hpp"
#include "core/engine/join_engine.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace slatrack::store {

namespace {

constexpr size_t kEncodeBufferBytes = size_t{1} << 20;
// A bigger pipe than the default 64 KiB: fewer switches between the child
// and the store thread. A hint: failure only costs speed.
constexpr int kPipeBytes = 1 << 20;

// Only write(2): async-signal-safe, allocates nothing.
class FdSink final : public engine::SnapshotSink {
public:
    explicit FdSink(int fd) : m_fd(fd) {}
    bool write(const char* data, size_t size) override
    {
        while (size > 0) {
            const ssize_t done = ::write(m_fd, data, size);
            if (done < 0 && errno == EINTR)
                continue;
            if (done <= 0)
                return false;  // the reader went away (EPIPE) or I/O error
            data += done;
            size -= static_cast<size_t>(done);
        }
        return true;
    }

private:
    int m_fd;
};

[[noreturn]] void runChild(const engine::JoinEngine& engine, int writeFd, pid_t parent, char* buffer)
{
    // Die with the parent, and do not race it: if it is already gone, stop.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(3);
    // Hold nothing of the parent's but the pipe: above all not the store's
    // instance lock (a flock held by every copy of its descriptor), which a
    // restart right after a kill -9 must find free, nor Kafka's sockets.
    int out = writeFd;
    if (out != 3) {
        if (dup2(out, 3) < 0)
            _exit(4);
        out = 3;
    }
    close_range(4, ~0U, 0);
    // A reader that went away must make write() fail, not kill us silently
    // with an exit status that looks like a crash.
    signal(SIGPIPE, SIG_IGN);
    FdSink sink(out);
    const bool ok = engine::encodeEngineState(engine, sink, buffer, kEncodeBufferBytes);
    _exit(ok ? 0 : 1);
}

} // namespace

ForkedCapture::ForkedCapture(const engine::JoinEngine& engine) : m_buffer(new char[kEncodeBufferBytes])
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("snapshot: pipe failed: ") + std::strerror(errno));
    fcntl(fds[1], F_SETPIPE_SZ, kPipeBytes);
    const pid_t parent = getpid();
    const auto before = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0)
        runChild(engine, fds[1], parent, m_buffer.get());
    m_pauseMicros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - before).count();
    const int forkErrno = errno;
    close(fds[1]);
    if (child < 0) {
        close(fds[0]);
        throw std::runtime_error(std::string("snapshot: fork failed: ") + std::strerror(forkErrno));
    }
    m_child = child;
    m_readFd = fds[0];
}

ForkedCapture::~ForkedCapture()
{
    if (m_readFd >= 0)
        close(m_readFd);
    if (m_child > 0) {
        kill(m_child, SIGKILL);
        while (waitpid(m_child, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
}

bool ForkedCapture::next(std::string& chunk, size_t maxBytes)
{
    chunk.resize(maxBytes);
    size_t filled = 0;
    while (filled < maxBytes) {
        const ssize_t got = ::read(m_readFd, chunk.data() + filled, maxBytes - filled);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw std::runtime_error(std::string("snapshot: reading the capture failed: ") + std::strerror(errno));
        if (got == 0)
            break;
        filled += static_cast<size_t>(got);
    }
    chunk.resize(filled);
    return filled > 0;
}

std::string ForkedCapture::finish()
{
    if (m_child <= 0)
        return "snapshot: no capture running";
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(m_child, &status, 0)) < 0 && errno == EINTR) {
    }
    m_child = -1;
    if (waited < 0)
        return std::string("snapshot: waiting for the capture failed: ") + std::strerror(errno);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {};
    if (WIFSIGNALED(status))
        return "snapshot: the capture process was killed by signal " + std::to_string(WTERMSIG(status));
    return "snapshot: the capture process failed (exit " + std::to_string(WEXITSTATUS(status)) + ")";
}

} // namespace slatrack::store

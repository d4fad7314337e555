#include "stop_signals.hpp"

#include <cerrno>
#include <csignal>
#include <pthread.h>

namespace slatrack::app {

namespace {
sigset_t stopSignalSet()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    return signals;
}
} // namespace

void blockStopSignals()
{
    const sigset_t signals = stopSignalSet();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int waitForStopSignal(std::optional<std::chrono::milliseconds> limit)
{
    const sigset_t signals = stopSignalSet();
    if (!limit) {
        for (;;) {
            const int signal = sigwaitinfo(&signals, nullptr);
            if (signal > 0)
                return signal;
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + *limit;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - std::chrono::steady_clock::now());
        const auto wait = left.count() > 0 ? left : std::chrono::nanoseconds(0);
        timespec timeout{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
        const int signal = sigtimedwait(&signals, nullptr, &timeout);
        if (signal > 0)
            return signal;
        if (errno == EAGAIN)
            return 0;
        // EINTR: another signal interrupted the wait; go on.
    }
}

} // namespace slatrack::app

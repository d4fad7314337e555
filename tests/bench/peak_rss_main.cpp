// slatrack-bench-peak-rss RESULT_FILE COMMAND [ARGS...]
//
// Runs COMMAND (stdin/stdout/stderr inherited), waits for it and writes
// "<peak RSS in KiB> <exit code> <CPU seconds>" to RESULT_FILE (CPU: user +
// system); exits with its exit code.
//
// Why a separate tiny program: Linux charges a child, at exec, the peak RSS
// of the memory image it was forked from (exec_mmap records the old mm's
// high-water mark in the child's maxrss). Spawned straight from the bench,
// whose mock broker holds every produced message, every child would "peak"
// at the bench's size. Spawned from this process, the inherited mark is this
// program's own ~1-2 MB, so wait4's ru_maxrss is the command's own VmHWM.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>

extern char** environ;

int main(int argc, char* argv[])
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: slatrack-bench-peak-rss RESULT_FILE COMMAND [ARGS...]\n");
        return 125;
    }
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[2], nullptr, nullptr, argv + 2, environ) != 0) {
        std::fprintf(stderr, "slatrack-bench-peak-rss: cannot start %s\n", argv[2]);
        return 127;
    }
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid) {
        std::fprintf(stderr, "slatrack-bench-peak-rss: lost track of %s\n", argv[2]);
        return 125;
    }
    const int exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    FILE* result = std::fopen(argv[1], "w");
    if (!result) {
        std::fprintf(stderr, "slatrack-bench-peak-rss: cannot write %s\n", argv[1]);
        return 125;
    }
    const double cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::fprintf(result, "%ld %d %.3f\n", usage.ru_maxrss, exitCode, cpuSeconds);
    std::fclose(result);
    return exitCode;
}

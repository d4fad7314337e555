#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace slatrack::bench {

// One finished child: its wall time, exit code, what it wrote and its own
// peak resident memory (VmHWM, via slatrack-bench-peak-rss: see there why a
// child spawned straight from the bench would report the bench's peak).
struct ChildRun {
    double seconds = 0;
    int exitCode = -1;          // -1: did not start
    long peakRssKb = 0;         // ru_maxrss of the command itself
    double cpuSeconds = 0;      // its user + system time
    std::string out;            // stdout, unless sent to /dev/null
    std::string err;            // stderr
};

inline std::string readWhole(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs argv[0] (looked up on PATH) without a shell, through the peak-RSS
// helper `measurer`. stdout goes to /dev/null when discardStdout (kcat's
// messages), else to a file read back after exit, as stderr always is:
// files, not pipes, so a chatty child never blocks on a pipe nobody reads
// and the bench takes no CPU from the contestants while they run.
inline ChildRun runChild(const std::string& measurer, const std::vector<std::string>& argv, bool discardStdout)
{
    ChildRun run;
    char outPath[] = "/tmp/slatrack-bench-out-XXXXXX";
    char errPath[] = "/tmp/slatrack-bench-err-XXXXXX";
    char rssPath[] = "/tmp/slatrack-bench-rss-XXXXXX";
    const int outFd = mkstemp(outPath);
    const int errFd = mkstemp(errPath);
    const int rssFd = mkstemp(rssPath);
    for (const int fd : {outFd, errFd, rssFd})
        if (fd >= 0)
            close(fd);
    if (outFd < 0 || errFd < 0 || rssFd < 0) {
        run.err = "cannot create a temporary file in /tmp";
        return run;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, discardStdout ? "/dev/null" : outPath, O_WRONLY | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath, O_WRONLY | O_TRUNC, 0600);
    std::vector<char*> args = {const_cast<char*>(measurer.c_str()), rssPath};
    for (const std::string& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);

    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, measurer.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (spawned == 0)
        waitpid(pid, &status, 0);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (spawned == 0) {
        run.out = readWhole(outPath);
        run.err = readWhole(errPath);
        std::istringstream result(readWhole(rssPath));
        if (!(result >> run.peakRssKb >> run.exitCode >> run.cpuSeconds)) {
            run.exitCode = -1;
            run.err += "\n(" + measurer + " reported no result: " + argv[0] + " did not run)";
        }
    } else {
        run.err = "cannot start " + measurer;
    }
    for (const char* path : {outPath, errPath, rssPath})
        std::remove(path);
    return run;
}

// True if `name` is an executable file in a directory of PATH.
inline bool onPath(const std::string& name)
{
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    size_t begin = 0;
    while (begin <= dirs.size()) {
        const size_t end = std::min(dirs.find(':', begin), dirs.size());
        const std::string dir = dirs.substr(begin, end - begin);
        if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0)
            return true;
        begin = end + 1;
    }
    return false;
}

} // namespace slatrack::bench

// Implementation of xbuild/process.hpp.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "../strings.hpp"

extern char** environ;

namespace xbuild {

namespace detail {

inline bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

inline bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

inline std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    out.reserve(argv.size() + 1);
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

inline std::string program_path(const std::vector<std::string>& argv) {
    if (argv.empty()) throw ProcessError("no program to run");
    if (auto found = find_program(argv[0])) return *found;
    throw ProcessError(argv[0] + ": command not found");
}

inline int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 127;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 127;
}

}  // namespace detail

inline std::string self_executable() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

inline std::optional<std::string> find_program(std::string_view name, std::string_view path, bool skip_self) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string_view::npos) {
        std::string p(name);
        return detail::is_executable_file(p) ? std::optional(p) : std::nullopt;
    }
    std::string search;
    if (path.data() == nullptr || path.empty()) {
        const char* env = std::getenv("PATH");
        search = env ? env : "/usr/local/bin:/usr/bin:/bin";
    } else {
        search = path;
    }
    const std::string self = skip_self ? self_executable() : std::string();
    for (std::string_view dir : split(search, ':')) {
        std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + std::string(name);
        if (!detail::is_executable_file(candidate)) continue;
        if (skip_self && !self.empty() && detail::same_file(candidate, self)) continue;
        return candidate;
    }
    return std::nullopt;
}

inline void apply_env_changes(const std::vector<std::string>& env_changes) {
    for (const auto& change : env_changes) {
        auto eq = change.find('=');
        if (eq == std::string::npos) ::unsetenv(change.c_str());
        else ::setenv(change.substr(0, eq).c_str(), change.c_str() + eq + 1, 1);
    }
}

[[noreturn]] inline void exec_program(const std::string& program, const std::vector<std::string>& argv,
                                      const std::vector<std::string>& env_changes) {
    apply_env_changes(env_changes);
    auto args = detail::c_argv(argv);
    ::execv(program.c_str(), args.data());
    throw ProcessError("cannot run " + program + ": " + std::strerror(errno));
}

inline int run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes) {
    const std::string program = detail::program_path(argv);
    pid_t pid = ::fork();
    if (pid < 0) throw ProcessError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        apply_env_changes(env_changes);
        auto args = detail::c_argv(argv);
        ::execv(program.c_str(), args.data());
        ::_exit(127);
    }
    return detail::wait_status(pid);
}

namespace detail {

// Writes what it can of `input` to `fd` with SIGPIPE held back in this thread, so a child that
// closed its standard input early ends the feeding instead of killing us. False once done.
inline bool feed_some(int fd, std::string_view& input) {
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    const ssize_t n = ::write(fd, input.data(), std::min<std::size_t>(input.size(), 1 << 16));
    const bool broken = n < 0 && errno == EPIPE;
    if (broken) {
        const timespec now {0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &now) == SIGPIPE) {}
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (n > 0) input.remove_prefix(static_cast<std::size_t>(n));
    return !(broken || (n < 0 && errno != EINTR && errno != EAGAIN) || input.empty());
}

}  // namespace detail

inline Captured capture_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes,
                                const CaptureOptions& options) {
    const std::string program = detail::program_path(argv);
    int out[2], in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0) throw ProcessError(std::string("pipe: ") + std::strerror(errno));
    if (options.input && ::pipe2(in, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw ProcessError(std::string("pipe: ") + std::strerror(errno));
    }
    auto close_all = [&] {
        for (int fd : {out[0], out[1], in[0], in[1]})
            if (fd >= 0) ::close(fd);
    };
    pid_t pid = ::fork();
    if (pid < 0) {
        close_all();
        throw ProcessError(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        if (in[0] >= 0) ::dup2(in[0], STDIN_FILENO);
        if (options.quiet) {
            const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
        }
        apply_env_changes(env_changes);
        auto args = detail::c_argv(argv);
        ::execv(program.c_str(), args.data());
        ::_exit(127);
    }
    ::close(out[1]);
    if (in[0] >= 0) ::close(in[0]);
    std::string_view input = options.input.value_or(std::string_view());
    int feed = in[1];
    if (feed >= 0 && input.empty()) {
        ::close(feed);
        feed = -1;
    }
    if (feed >= 0) ::fcntl(feed, F_SETFL, O_NONBLOCK);
    Captured result;
    char buf[4096];
    for (;;) {
        pollfd fds[2] = {{out[0], POLLIN, 0}, {feed, POLLOUT, 0}};
        if (::poll(fds, feed >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (feed >= 0 && fds[1].revents && !detail::feed_some(feed, input)) {
            ::close(feed);
            feed = -1;
        }
        if (fds[0].revents) {
            const ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n > 0) result.out.append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR) break;
        }
    }
    if (feed >= 0) ::close(feed);
    ::close(out[0]);
    result.status = detail::wait_status(pid);
    return result;
}

}  // namespace xbuild

// Implementation of xbuild::Process (xbuild/process.hpp): posix_spawn with the child's streams set
// up by file actions, the environment built here (the parent's untouched), pipes read without
// blocking. Included at the end of impl/process.inl.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace xbuild {

namespace detail {

// The name of an environment entry or change: what comes before its '=' (all of it without one).
inline std::string_view env_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// This process's environment with `changes` applied, as an envp pointing into `environ` and into
// `changes` (both must outlive its use). Without changes, environ itself.
inline std::vector<char*> changed_environment(const std::vector<std::string>& changes) {
    std::vector<char*> envp;
    auto changed = [&](std::string_view name, std::size_t from) {
        for (std::size_t i = from; i < changes.size(); ++i)
            if (env_name(changes[i]) == name) return true;
        return false;
    };
    for (char** e = environ; e && *e; ++e)
        if (!changed(env_name(*e), 0)) envp.push_back(*e);
    for (std::size_t i = 0; i < changes.size(); ++i)  // the last change of a name wins, as with setenv
        if (changes[i].find('=') != std::string::npos && !changed(env_name(changes[i]), i + 1))
            envp.push_back(const_cast<char*>(changes[i].c_str()));
    envp.push_back(nullptr);
    return envp;
}

inline void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Appends what `fd` (non-blocking) has now to `into`; at end of file (or on an error, treated the
// same) closes it and sets it to -1.
inline void read_available(int& fd, std::string& into) {
    char buf[8192];
    while (fd >= 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) into.append(buf, static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR) continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        else close_fd(fd);
    }
}

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

// posix_spawn's file actions and attributes, released however spawn ends.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    bool with_attr = false;
    SpawnSetup() { posix_spawn_file_actions_init(&actions); }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        if (with_attr) posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    // Connects the child's `fd` as `how` says; `pipe_end` is the child's end of its pipe.
    void connect(int fd, Stdio how, int pipe_end) {
        if (how == Stdio::null)
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0);
        else if (how == Stdio::pipe) posix_spawn_file_actions_adddup2(&actions, pipe_end, fd);
        else if (how == Stdio::to_stdout) posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, fd);
    }
};

}  // namespace detail

inline Process Process::spawn(const std::string& program, const std::vector<std::string>& argv,
                              const SpawnOptions& options) {
    if (argv.empty()) throw ProcessError("no program to run");
    if (options.in == Stdio::to_stdout || options.out == Stdio::to_stdout || options.err == Stdio::pipe)
        throw std::invalid_argument("Process::spawn: to_stdout is for standard error, pipe for input and output");
    Process p;
    int child_in = -1, child_out = -1;
    auto fail = [&](const std::string& what, int error) {
        detail::close_fd(child_in);
        detail::close_fd(child_out);
        throw ProcessError(what + ": " + std::strerror(error));
    };
    int fds[2];
    if (options.in == Stdio::pipe) {
        if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe", errno);
        child_in = fds[0];
        p.in_ = fds[1];
    }
    if (options.out == Stdio::pipe) {
        if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe", errno);
        child_out = fds[1];
        p.out_ = fds[0];
        ::fcntl(p.out_, F_SETFL, ::fcntl(p.out_, F_GETFL) | O_NONBLOCK);
    }
    detail::SpawnSetup setup;
    setup.connect(STDIN_FILENO, options.in, child_in);
    setup.connect(STDOUT_FILENO, options.out, child_out);
    setup.connect(STDERR_FILENO, options.err, -1);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&setup.actions, options.cwd.c_str());
    if (options.new_process_group) {
        posix_spawnattr_init(&setup.attr);
        setup.with_attr = true;
        posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&setup.attr, 0);
        p.group_ = true;
    }
    auto args = detail::c_argv(argv);
    auto envp = options.env_changes.empty() ? std::vector<char*>() : detail::changed_environment(options.env_changes);
    pid_t pid = -1;
    const int error = ::posix_spawn(&pid, program.c_str(), &setup.actions, setup.with_attr ? &setup.attr : nullptr,
                                    args.data(), envp.empty() ? environ : envp.data());
    if (error != 0) fail("cannot run " + program, error);  // p's destructor closes its ends
    detail::close_fd(child_in);
    detail::close_fd(child_out);
    p.pid_ = pid;
    return p;
}

inline Process Process::start(const std::vector<std::string>& argv, const SpawnOptions& options) {
    return spawn(detail::program_path(argv), argv, options);
}

inline Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      group_(other.group_),
      in_(std::exchange(other.in_, -1)),
      out_(std::exchange(other.out_, -1)),
      partial_(std::move(other.partial_)) {}

inline Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        wait();
        pid_ = std::exchange(other.pid_, -1);
        group_ = other.group_;
        in_ = std::exchange(other.in_, -1);
        out_ = std::exchange(other.out_, -1);
        partial_ = std::move(other.partial_);
    }
    return *this;
}

inline Process::~Process() { wait(); }

inline std::vector<std::string> Process::read_lines() {
    std::vector<std::string> lines;
    detail::read_available(out_, partial_);
    std::size_t start = 0, nl;
    while ((nl = partial_.find('\n', start)) != std::string::npos) {
        lines.push_back(partial_.substr(start, nl - start));
        start = nl + 1;
    }
    partial_.erase(0, start);
    if (out_ < 0 && !partial_.empty()) lines.push_back(std::exchange(partial_, {}));
    return lines;
}

inline std::string Process::communicate(std::string_view input) {
    std::string collected = std::exchange(partial_, {});
    if (input.empty()) close_input();
    if (in_ >= 0) ::fcntl(in_, F_SETFL, ::fcntl(in_, F_GETFL) | O_NONBLOCK);
    const bool reading = out_ >= 0;  // then feeding ends with the output; else it goes on to its end
    while (reading ? out_ >= 0 : in_ >= 0) {
        pollfd fds[2] = {{out_, POLLIN, 0}, {in_, POLLOUT, 0}};
        if (::poll(fds, 2, -1) < 0) {  // a negative fd is ignored
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents && !detail::feed_some(in_, input)) close_input();
        if (fds[0].revents) detail::read_available(out_, collected);
    }
    close_input();
    return collected;
}

inline void Process::close_input() { detail::close_fd(in_); }

inline bool Process::signal(int sig) {
    if (pid_ <= 0) return false;
    return ::kill(group_ ? -pid_ : pid_, sig) == 0;
}

inline int Process::wait() {
    detail::close_fd(in_);
    detail::close_fd(out_);
    if (pid_ <= 0) return -1;
    int status = 0;
    pid_t got;
    while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {}
    pid_ = -1;
    if (got < 0) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace xbuild

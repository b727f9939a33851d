// Implementation of xbuild/process.hpp.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
    struct stat sa {}, sb {};
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

inline Captured capture_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes) {
    const std::string program = detail::program_path(argv);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw ProcessError(std::string("pipe: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw ProcessError(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        apply_env_changes(env_changes);
        auto args = detail::c_argv(argv);
        ::execv(program.c_str(), args.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    Captured result;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) result.out.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    ::close(fds[0]);
    result.status = detail::wait_status(pid);
    return result;
}

}  // namespace xbuild

// Implementation of xbuild/process.hpp.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "../strings.hpp"

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
    const int status = Process::start(argv, {.env_changes = env_changes}).wait();
    return status < 0 ? 127 : status;
}

inline Captured capture_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes,
                                const CaptureOptions& options) {
    SpawnOptions spawn {.env_changes = env_changes, .out = Stdio::pipe};
    if (options.input) spawn.in = Stdio::pipe;
    if (options.quiet) spawn.err = Stdio::null;
    else if (options.merge_errors) spawn.err = Stdio::to_stdout;
    Process child = Process::start(argv, spawn);
    Captured result;
    result.out = child.communicate(options.input.value_or(std::string_view()));
    const int status = child.wait();
    result.status = status < 0 ? 127 : status;
    return result;
}

}  // namespace xbuild

#include "process_spawn.inl"

// Implementation of xbuild/emulation/run.hpp.
#pragma once

#include <fcntl.h>
#include <sys/personality.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../../objfile.hpp"
#include "../../target_env.hpp"
#include "../../targets.hpp"

namespace xbuild::emulation {

inline std::string resolve_program(std::string_view typed, const RunProbe& probe) {
    if (typed.find('/') != std::string_view::npos) return std::string(typed);
    // Like a shell: a bare name is a command on PATH.
    auto found = probe.find_program(typed);
    if (!found) throw RunError(not_found_status, std::string(typed) + ": command not found");
    return *found;
}

inline std::vector<std::byte> read_head(const std::string& path, std::string_view name) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw RunError(not_found_status, std::string(name) + ": no such file");
        throw RunError(cannot_run_status, std::string(name) + ": " + std::strerror(err));
    }
    std::vector<std::byte> head(binfmt_buffer_size);
    std::size_t got = 0;
    while (got < head.size()) {
        ssize_t n = ::read(fd, head.data() + got, head.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += std::size_t(n);
    }
    ::close(fd);
    head.resize(got);
    return head;
}

inline std::string environment_arm_variant() {
    auto env = TargetEnv::from_process();
    const bool has_default_variant =
        std::ranges::any_of(targets(), [&](const Target& t) { return t.arch == env.arch() && t.default_variant; });
    return has_default_variant ? env.variant() : std::string();
}

inline PreparedRun prepare_run(const RunRequest& req, const std::optional<Platform>& wanted, const RunProbe& probe,
                               std::string_view arm_variant, const Platform& host) {
    const std::string name = req.argv0.empty() ? req.program : req.argv0;
    const std::vector<std::byte> head = read_head(req.program, name);
    if (head.size() >= 2 && head[0] == std::byte('#') && head[1] == std::byte('!')) {
        // A script: its interpreter is this machine's; it runs as it is.
        Command cmd {req.program, {name}, {}};
        cmd.argv.insert(cmd.argv.end(), req.args.begin(), req.args.end());
        return {RunPlan {RunVia::native, std::move(cmd), {}}, std::nullopt};
    }
    ObjectInfo info;
    try {
        info = read_object(req.program);
    } catch (const ObjectFileError& e) {
        using R = ObjectFileError::Reason;
        throw RunError(e.reason() == R::not_found ? not_found_status : cannot_run_status, name + ": " + e.what());
    }
    Platform p = wanted ? check_platform(info, name, *wanted) : detect_platform(info, name, arm_variant);
    RunPlan plan = plan_run(req, p, info, head, host, probe);
    return {std::move(plan), std::move(p)};
}

inline void exec_run(const RunPlan& plan, const std::function<void(const Command&)>& announce) {
    if (plan.linux32 && ::personality(PER_LINUX32 | (unsigned(::personality(0xffffffff)) & ~PER_MASK)) == -1)
        throw RunError(cannot_run_status, std::string("cannot set the 32-bit personality: ") + std::strerror(errno));
    if (announce) announce(plan.command);
    std::fflush(stdout);
    exec_program(plan.command.program, plan.command.argv, plan.command.env);
}

}  // namespace xbuild::emulation

// xbuild/emulation/run.hpp: from the program a user typed to the command that runs it, the
// steps xx-run and `xbuild run` share around plan_run (qemu.hpp): the program looked up on PATH,
// its first bytes read for binfmt_misc, a script (#!) run as it is, its headers read, its
// platform checked against --platform or detected, the plan made, and the plan exec'd (under
// the 32-bit personality where the plan says so). Each failure is a RunError whose status is the
// runner's exit status (126 cannot run, 127 missing, as env(1)) and whose message names the
// program as typed; the caller prefixes its own name ("xx-run: ", "xbuild run: ").
//
//   namespace em = xbuild::emulation;
//   auto probe = em::RunProbe::system(em::binfmt_misc_dir());
//   em::RunRequest req {em::resolve_program("./hello", probe), {"a"}, "", "./hello"};
//   em::PreparedRun run = em::prepare_run(req, xbuild::parse_platform("linux/arm64"), probe);
//   em::exec_run(run.plan);  // no return; throws RunError or ProcessError when it cannot
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../platform.hpp"
#include "../process.hpp"
#include "qemu.hpp"

namespace xbuild::emulation {

// The runner's exit statuses when the program cannot be started (env(1)'s).
inline constexpr int cannot_run_status = 126;  // not a program, another platform, nothing runs it
inline constexpr int not_found_status = 127;   // the program, or what it needs, is missing

// `typed` as exec will open it: a name without '/' is a command on PATH (probe.find_program),
// anything else is used as it is. Throws RunError(127, "NAME: command not found").
std::string resolve_program(std::string_view typed, const RunProbe& probe);

// The first binfmt_buffer_size bytes of `path` (fewer for a shorter file), as binfmt_misc sees
// them. Throws RunError naming `name`: 127 "NAME: no such file", else 126 "NAME: <why>".
std::vector<std::byte> read_head(const std::string& path, std::string_view name);

// The variant an ARM binary that does not name one (or names an older one) is taken as: the
// target environment's (TARGETPLATFORM) when its arch is one whose bare name means a variant
// (arm: v7), else "". The `arm_variant` of detect_platform.
std::string environment_arm_variant();

// What prepare_run decided.
struct PreparedRun {
    RunPlan plan;                      // plan.command is what to exec
    std::optional<Platform> platform;  // the binary's platform; nullopt for a script (#!)
};

// The plan for `req` (req.program resolved, req.argv0 the program as typed, which messages
// name): a script runs as it is; else the binary's headers are read and its platform is
// `wanted` when given (check_platform), else detected (detect_platform with `arm_variant`), and
// plan_run makes the command for `host`. Throws RunError (126/127, messages as above).
PreparedRun prepare_run(const RunRequest& req, const std::optional<Platform>& wanted, const RunProbe& probe,
                        std::string_view arm_variant = {}, const Platform& host = host_platform());

// Execs `plan.command`, under the PER_LINUX32 personality when plan.linux32; `announce` (for
// --verbose) sees the command just before, and standard output is flushed. Throws RunError(126)
// when the personality cannot be set, ProcessError when the exec fails.
[[noreturn]] void exec_run(const RunPlan& plan, const std::function<void(const Command&)>& announce = {});

}  // namespace xbuild::emulation

#include "impl/run.inl"

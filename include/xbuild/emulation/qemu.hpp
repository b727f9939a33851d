// xbuild/emulation/qemu.hpp: how to run a target binary on this machine (the model behind xx-run).
//
// Given the platform a binary is built for (from its headers, objfile.hpp, or the user) and what
// this machine offers, it plans one command to exec, in this order:
//  1. windows binaries: wine64 (64-bit) or wine, when found;
//  2. the host CPU runs the platform (xbuild::runs_on): the binary itself. For a 32-bit sibling
//     (386 on amd64, arm on arm64) that is probed, not assumed: a kernel may have its 32-bit
//     support switched off, so a tiny exit(0) program of that machine is tried first;
//  3. an enabled binfmt_misc handler matches the file: the binary itself (the kernel starts the
//     emulator), with QEMU_LD_PREFIX, QEMU_SET_ENV=LD_LIBRARY_PATH=... and QEMU_CPU set for it;
//  4. qemu-<arch>-static, else qemu-<arch>, found on PATH: `-L <sysroot>` and
//     `-E LD_LIBRARY_PATH=<sysroot's lib folders>` for dynamic binaries (a dynamic program that
//     starts a thread hangs under QEMU without the latter), `-cpu <cpu>` where the variant needs
//     one (arm/v6: arm1176, arm/v5: arm926, amd64/v2..v4: max).
// The sysroot of a dynamic binary: --sysroot as given; else the first of /<Alpine triple>,
// /usr/<Debian triple> (Debian's cross libc, libc6-<arch>-cross) and / (Debian multiarch,
// libc6:<arch>) that holds the binary's loader (PT_INTERP). Static binaries need none.
//
// The decision is a pure function of its inputs: the machine is seen only through a RunProbe,
// which tests replace.
//
//   auto info = xbuild::read_object("./hello");
//   auto p = xbuild::emulation::detect_platform(info, "./hello");
//   auto plan = xbuild::emulation::plan_run({"./hello"}, p, info, head, xbuild::host_platform(),
//                                           xbuild::emulation::RunProbe::system());
//   xbuild::exec_program(plan.command.program, plan.command.argv, plan.command.env);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../objfile.hpp"
#include "../platform.hpp"
#include "../process.hpp"
#include "binfmt.hpp"

namespace xbuild::emulation {

// The binary cannot be run here. `status` is the exit status xx-run ends with, as env(1) does:
// 126 when the file cannot be run (not a program, wrong platform, an OS nothing here runs), 127
// when something it needs is missing (an emulator, wine, the target's libc).
class RunError : public std::runtime_error {
   public:
    RunError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

   private:
    int status_;
};

// What this machine offers, looked up lazily; tests substitute their own.
struct RunProbe {
    std::function<std::optional<std::string>(std::string_view name)> find_program;  // PATH, or a path as is
    std::function<bool(const std::string& path)> exists;
    std::function<std::vector<BinfmtEntry>()> binfmt_entries;
    // Only asked for a 32-bit sibling the table says the host runs (386 on amd64, arm on arm64):
    // does this kernel really run its code?
    std::function<bool(const Target& sibling)> runs_natively;
    std::function<std::string(std::string_view name)> getenv;  // LD_LIBRARY_PATH, QEMU_SET_ENV
    // This machine; binfmt_misc entries are read from `binfmt_dir`.
    static RunProbe system(std::string binfmt_dir = "/proc/sys/fs/binfmt_misc");
};

struct RunRequest {
    std::string program;            // the file, as exec and QEMU will open it: ./hello, /usr/bin/x
    std::vector<std::string> args;  // after the program
    std::string sysroot;            // --sysroot; "" to choose one
    std::string argv0;              // what the program sees as argv[0]; "" means `program`
};

enum class RunVia : std::uint8_t { native, binfmt, qemu, wine };
std::string_view to_string(RunVia via) noexcept;  // "native", "binfmt_misc", "qemu", "wine"

struct RunPlan {
    RunVia via = RunVia::native;
    Command command;
    std::string sysroot;  // the one chosen for a dynamic binary under emulation, else ""
    // A 32-bit sibling run natively (386 on amd64, arm on arm64): run it under the PER_LINUX32
    // personality, so it sees its own machine in `uname -m` (i686, armv8l), as on the target.
    bool linux32 = false;
};

// The platform a binary is built for, from its headers: the one row targets_of() gives. An ARM
// binary without Tag_CPU_arch (Go) is any variant's: `arm_variant` when it is one (the target
// environment's variant), else the default (v7). An ARM binary whose tag names an older variant
// than `arm_variant` is taken as `arm_variant` too: lld-linked binaries carry the C runtime's tag
// (v5TE) whatever their own code is, and the newer CPU runs the older code. Throws RunError(126)
// naming `name` when the binary is for no platform of the table (or is no program).
Platform detect_platform(const ObjectInfo& info, std::string_view name, std::string_view arm_variant = "");

// `wanted` (--platform) checked against the binary: accepted when the binary is built for it, or
// for an older variant of the same arch that `wanted` runs (arm/v5 code on arm/v7); returns
// `wanted`. Throws RunError(126) naming both platforms otherwise.
Platform check_platform(const ObjectInfo& info, std::string_view name, const Platform& wanted);

// The command that runs `req` (a binary built for `p`, described by `info`, whose first bytes are
// `head`, for binfmt_misc) on `host`. Throws RunError when there is no way.
RunPlan plan_run(const RunRequest& req, const Platform& p, const ObjectInfo& info, std::span<const std::byte> head,
                 const Platform& host, const RunProbe& probe);

// --- the parts, for tests and messages ------------------------------------------------------

// Debian's GNU triple for a linux platform (aarch64-linux-gnu, arm-linux-gnueabi for arm/v6,
// i686-linux-gnu), and Alpine's (aarch64-alpine-linux-musl, armv6-alpine-linux-musleabihf):
// xx-info's triple with the vendor set to debian / alpine.
std::string debian_triple(const Platform& p);
std::string alpine_triple(const Platform& p);

// The sysroots tried for a dynamic binary, in order: /<Alpine triple>, /usr/<Debian triple>, /.
std::vector<std::string> sysroot_candidates(const Platform& p);

// The sysroot for a binary: `given` when not empty; "" for a static binary; else the first
// candidate holding the binary's loader: those of `p` but /, then those of the variants the
// binary is built for (an arm/v5 binary run as arm/v7 has armel's loader), then /.
// Throws RunError(127) saying what to install.
std::string choose_sysroot(const Platform& p, const ObjectInfo& info, std::string_view name, std::string_view given,
                           const RunProbe& probe);

// The target's library folders in `sysroot`, for LD_LIBRARY_PATH: /lib/<multiarch> and
// /usr/lib/<multiarch> in `/`; <sysroot>/lib, lib64, usr/lib, ... (those that exist) elsewhere.
std::vector<std::string> library_dirs(const Target& t, const std::string& sysroot, const RunProbe& probe);

// A minimal static program for `t`'s machine that only calls exit(0); empty when there is none
// for that machine (only the 32-bit siblings have one: 386 and arm).
std::vector<std::byte> tiny_exit_program(const Target& t);

// The command as a shell would spell it, environment changes first (for --verbose).
std::string shell_words(const Command& cmd);

}  // namespace xbuild::emulation

#include "impl/qemu.inl"

// xx-run: run a target binary on this machine, directly, through binfmt_misc, under QEMU user
// mode or under wine (see xbuild/emulation/qemu.hpp for how the command is chosen, run.hpp for
// the steps around it, shared with `xbuild run`). It is the command CMAKE_CROSSCOMPILING_EMULATOR,
// Meson's exe_wrapper, `go test -exec` and Cargo's runner call, so it takes the program first,
// with or without options before it, and then execs: the program's exit status and signals are
// its own.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>

#include "helpers.hpp"
#include "xbuild/emulation/run.hpp"
#include "xbuild/platform.hpp"

namespace xbuild::xx {

namespace {

namespace em = xbuild::emulation;

constexpr const char* usage_text =
    "Usage: xx-run [--platform P] [--sysroot DIR] [-v] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM, a binary built for another platform, on this machine, and exits as it does.\n"
    "The platform is read from the binary's headers unless --platform says (any spelling, e.g.\n"
    "linux/arm64, aarch64, armhf); an ARM binary that does not name its variant (or names an\n"
    "older one) is taken as TARGETPLATFORM's when that is arm; no variant means arm/v7.\n"
    "Then, in order:\n"
    "  - windows (amd64, 386): wine64 or wine;\n"
    "  - a platform this machine runs (same arch; 386 on amd64 and arm on arm64 when the kernel\n"
    "    really does, which is probed): PROGRAM itself;\n"
    "  - an enabled binfmt_misc handler matches PROGRAM: PROGRAM itself, with QEMU_LD_PREFIX,\n"
    "    QEMU_SET_ENV=LD_LIBRARY_PATH=... and QEMU_CPU set for the emulator;\n"
    "  - else qemu-<arch>-static (or qemu-<arch>) with -L <sysroot>, -E LD_LIBRARY_PATH=<its lib\n"
    "    folders> for dynamic binaries, and -cpu where the variant needs one (arm/v6, arm/v5).\n"
    "The sysroot of a dynamic binary: --sysroot, else the first of /<alpine-triple>,\n"
    "/usr/<debian-triple> (libc6-<arch>-cross) and / (multiarch libc6:<arch>) that holds its loader.\n"
    "\n"
    "Options (only before PROGRAM; `--` ends them):\n"
    "  --platform P    the platform to run PROGRAM as (must match what it is built for)\n"
    "  --sysroot DIR   the target's root for its loader and libraries\n"
    "  -v, --verbose   print the command run on standard error\n"
    "  -h, --help      this text\n"
    "A PROGRAM without '/' is looked up on PATH; a script (#!) is run as it is.\n"
    "XX_BINFMT_MISC names the binfmt_misc folder (default /proc/sys/fs/binfmt_misc).\n"
    "\n"
    "Exit status: PROGRAM's own (128+N when signal N kills it, as a shell reports it); when xx-run\n"
    "cannot start it, as env(1): 125 for a usage error, 126 when PROGRAM cannot be run (not a\n"
    "program, built for another platform, an OS nothing here runs), 127 when PROGRAM or what it\n"
    "needs (QEMU, wine, the target's libc) is missing; the message names the package to install.\n";

constexpr int usage_error = 125;

int fail(int status, const std::string& msg) {
    std::fprintf(stderr, "xx-run: %s\n", msg.c_str());
    return status;
}

}  // namespace

int run_main(std::string_view, Args args) {
    std::optional<std::string> platform_arg;
    std::string sysroot;
    bool verbose = false;
    std::size_t i = 0;
    // Options come before the program; the first other word is the program.
    for (; i < args.size(); ++i) {
        std::string_view a = args[i];
        auto value = [&](std::string_view opt, std::string& out) {
            if (a == opt) {
                if (i + 1 >= args.size()) return false;
                out = args[++i];
                return true;
            }
            out = std::string(a.substr(opt.size() + 1));  // --opt=value
            return true;
        };
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "-h" || a == "--help") {
            std::fputs(usage_text, stdout);
            return 0;
        }
        if (a == "-v" || a == "--verbose") {
            verbose = true;
        } else if (a == "--platform" || a.starts_with("--platform=")) {
            std::string v;
            if (!value("--platform", v)) return fail(usage_error, "--platform needs a value (e.g. linux/arm64)");
            platform_arg = v;
        } else if (a == "--sysroot" || a.starts_with("--sysroot=")) {
            if (!value("--sysroot", sysroot) || sysroot.empty()) return fail(usage_error, "--sysroot needs a folder");
        } else if (a.size() > 1 && a.front() == '-') {
            return fail(usage_error, "unknown option '" + std::string(a) + "' (see xx-run --help)");
        } else {
            break;
        }
    }
    if (i >= args.size()) {
        std::fputs(usage_text, stderr);
        return usage_error;
    }

    try {
        auto probe = em::RunProbe::system(em::binfmt_misc_dir());
        const std::string typed = args[i];
        em::RunRequest req {
            em::resolve_program(typed, probe), {args.begin() + std::ptrdiff_t(i) + 1, args.end()}, sysroot, typed};
        std::optional<xbuild::Platform> wanted;
        if (platform_arg) wanted = xbuild::parse_platform(*platform_arg);
        em::PreparedRun run = em::prepare_run(req, wanted, probe, wanted ? "" : em::environment_arm_variant());
        if (verbose && run.platform)
            std::fprintf(stderr, "xx-run: %s is %s, run via %.*s\n", typed.c_str(), run.platform->str().c_str(),
                         int(em::to_string(run.plan.via).size()), em::to_string(run.plan.via).data());
        em::exec_run(run.plan, [&](const xbuild::Command& cmd) {
            if (verbose) std::fprintf(stderr, "xx-run: %s\n", em::shell_words(cmd).c_str());
        });
    } catch (const em::RunError& e) { return fail(e.status(), e.what()); } catch (const xbuild::PlatformError& e) {
        return fail(usage_error, std::string("--platform: ") + e.what());
    } catch (const std::exception& e) { return fail(em::cannot_run_status, e.what()); }
}

}  // namespace xbuild::xx

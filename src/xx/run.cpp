// xx-run: run a target binary on this machine, directly, through binfmt_misc, under QEMU user
// mode or under wine (see xbuild/emulation/qemu.hpp for how the command is chosen). It is the
// command CMAKE_CROSSCOMPILING_EMULATOR, Meson's exe_wrapper, `go test -exec` and Cargo's
// runner call, so it takes the program first, with or without options before it, and then
// execs: the program's exit status and signals are its own.
#include <fcntl.h>
#include <sys/personality.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "xbuild/emulation/qemu.hpp"
#include "xbuild/process.hpp"
#include "xbuild/target_env.hpp"

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

constexpr int usage_error = 125, cannot_run = 126, not_found = 127;

int fail(int status, const std::string& msg) {
    std::fprintf(stderr, "xx-run: %s\n", msg.c_str());
    return status;
}

// The first bytes of the file, as binfmt_misc sees them; nullopt when it cannot be opened.
std::optional<std::vector<std::byte>> read_head(const std::string& path, int& err) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        err = errno;
        return std::nullopt;
    }
    std::vector<std::byte> head(em::binfmt_buffer_size);
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

[[noreturn]] void exec_or_throw(const xbuild::Command& cmd, bool verbose) {
    if (verbose) std::fprintf(stderr, "xx-run: %s\n", em::shell_words(cmd).c_str());
    std::fflush(stdout);
    xbuild::exec_program(cmd.program, cmd.argv, cmd.env);
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

    em::RunRequest req;
    const std::string typed = args[i];
    req.argv0 = typed;
    req.args.assign(args.begin() + std::ptrdiff_t(i) + 1, args.end());
    req.sysroot = sysroot;
    if (typed.find('/') == std::string::npos) {
        // Like a shell: a bare name is a command on PATH.
        auto found = xbuild::find_program(typed);
        if (!found) return fail(not_found, typed + ": command not found");
        req.program = *found;
    } else {
        req.program = typed;
    }

    try {
        std::optional<xbuild::Platform> wanted;
        if (platform_arg) wanted = xbuild::parse_platform(*platform_arg);

        int err = 0;
        auto head = read_head(req.program, err);
        if (!head) {
            if (err == ENOENT || err == ENOTDIR) return fail(not_found, typed + ": no such file");
            return fail(cannot_run, typed + ": " + std::strerror(err));
        }
        if (head->size() >= 2 && (*head)[0] == std::byte('#') && (*head)[1] == std::byte('!')) {
            // A script: its interpreter is this machine's; it runs as it is.
            xbuild::Command cmd {req.program, {req.argv0}, {}};
            cmd.argv.insert(cmd.argv.end(), req.args.begin(), req.args.end());
            exec_or_throw(cmd, verbose);
        }

        xbuild::ObjectInfo info;
        try {
            info = xbuild::read_object(req.program);
        } catch (const xbuild::ObjectFileError& e) {
            using R = xbuild::ObjectFileError::Reason;
            return fail(e.reason() == R::not_found ? not_found : cannot_run, typed + ": " + e.what());
        }

        xbuild::Platform p;
        if (wanted) {
            p = em::check_platform(info, typed, *wanted);
        } else {
            // An ARM binary that does not say its variant: the target environment's, when its
            // arch is one whose bare name means a variant (arm: v7).
            auto env = xbuild::TargetEnv::from_process();
            const bool has_default_variant = std::ranges::any_of(
                xbuild::targets(), [&](const xbuild::Target& t) { return t.arch == env.arch() && t.default_variant; });
            p = em::detect_platform(info, typed, has_default_variant ? env.variant() : std::string());
        }

        const char* binfmt_dir = std::getenv("XX_BINFMT_MISC");
        auto probe = em::RunProbe::system(binfmt_dir && *binfmt_dir ? binfmt_dir : "/proc/sys/fs/binfmt_misc");
        em::RunPlan plan = em::plan_run(req, p, info, *head, xbuild::host_platform(), probe);
        if (verbose)
            std::fprintf(stderr, "xx-run: %s is %s, run via %.*s\n", typed.c_str(), p.str().c_str(),
                         int(em::to_string(plan.via).size()), em::to_string(plan.via).data());
        if (plan.linux32 && ::personality(PER_LINUX32 | (unsigned(::personality(0xffffffff)) & ~PER_MASK)) == -1)
            return fail(cannot_run, std::string("cannot set the 32-bit personality: ") + std::strerror(errno));
        exec_or_throw(plan.command, verbose);
    } catch (const em::RunError& e) { return fail(e.status(), e.what()); } catch (const xbuild::PlatformError& e) {
        return fail(usage_error, std::string("--platform: ") + e.what());
    } catch (const xbuild::ProcessError& e) { return fail(cannot_run, e.what()); } catch (const std::exception& e) {
        return fail(cannot_run, e.what());
    }
}

}  // namespace xbuild::xx

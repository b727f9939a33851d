// `xbuild run [-p PLATFORM] [--sysroot DIR] [-v] [--] PROGRAM [ARGS...]`: PROGRAM, a binary built
// for another platform, run on this machine natively, through binfmt_misc, under QEMU user mode or
// under wine, as xx-run does (the steps are the library's: xbuild/emulation/run.hpp).
//
//   xbuild run --platform linux/arm64 -- ./hello a b
//
// PROGRAM is the first word after the options (or after `--`); what follows it is its own, even
// words that look like options. A PROGRAM without '/' is looked up on PATH. With --platform the
// binary must be built for it; without, its platform is read from its headers.
// Exit status: PROGRAM's own (xbuild run becomes it); 2 a usage mistake (a bad --platform, no
// PROGRAM); 126 PROGRAM cannot be run here (not a program, another platform); 127 PROGRAM, or what
// it needs (QEMU, wine, the target's libc), is missing. XX_BINFMT_MISC names the binfmt_misc
// folder, as for xx-run.
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "registry_flags.hpp"
#include "xbuild/emulation/run.hpp"
#include "xbuild/platform.hpp"

namespace xbuild::cli {

namespace {

namespace em = xbuild::emulation;

struct RunOptions {
    std::string platform;
    std::string sysroot;
    bool verbose = false;
    std::string never;  // the positional that takes no word (add_run_command)
};

[[noreturn]] void fail(int status, const std::string& message) {
    std::fprintf(stderr, "xbuild run: %s\n", message.c_str());
    throw CLI::RuntimeError(status);
}

// `words`: what CLI11 left after the options, `--` first when it was given.
void run_program(const RunOptions& o, std::vector<std::string> words) {
    // An option CLI11 does not know stops its parsing too: a mistake, unless after `--`.
    if (!words.empty() && words.front().size() > 1 && words.front().front() == '-' && words.front() != "--")
        usage_failure("run", "unknown option '" + words.front() + "' (see xbuild run --help)");
    if (!words.empty() && words.front() == "--") words.erase(words.begin());
    if (words.empty()) usage_failure("run", "no program: give one, e.g. `xbuild run --platform linux/arm64 ./hello`");
    std::optional<xbuild::Platform> wanted;
    if (!o.platform.empty()) {
        try {
            wanted = xbuild::parse_platform(o.platform);
        } catch (const xbuild::PlatformError& e) { usage_failure("run", std::string("--platform: ") + e.what()); }
    }
    try {
        auto probe = em::RunProbe::system(em::binfmt_misc_dir());
        const std::string& typed = words.front();
        em::RunRequest req {em::resolve_program(typed, probe), {words.begin() + 1, words.end()}, o.sysroot, typed};
        em::PreparedRun run = em::prepare_run(req, wanted, probe, wanted ? "" : em::environment_arm_variant());
        if (o.verbose && run.platform)
            std::fprintf(stderr, "xbuild run: %s is %s, run via %.*s\n", typed.c_str(), run.platform->str().c_str(),
                         int(em::to_string(run.plan.via).size()), em::to_string(run.plan.via).data());
        em::exec_run(run.plan, [&](const xbuild::Command& cmd) {
            if (o.verbose) std::fprintf(stderr, "xbuild run: %s\n", em::shell_words(cmd).c_str());
        });
    } catch (const em::RunError& e) { fail(e.status(), e.what()); } catch (const std::exception& e) {
        fail(em::cannot_run_status, e.what());
    }
}

}  // namespace

void add_run_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* run = app.add_subcommand("run", "run a binary built for another platform (QEMU, binfmt_misc, wine)");
    run->footer(
        "PROGRAM and its ARGS come after the options, or after `--`; a PROGRAM without '/' is looked up on PATH.\n"
        "Exit status: PROGRAM's own; 2 a usage mistake; 126 PROGRAM cannot be run here (not a program, built for\n"
        "another platform); 127 PROGRAM or what it needs (QEMU, wine, the target's libc) is missing.");
    run->add_option("-p,--platform", o->platform,
                    "the platform PROGRAM is built for (checked against it), e.g. linux/arm64, armhf; "
                    "default: read from its headers");
    run->add_option("--sysroot", o->sysroot, "the target's root for its loader and libraries");
    run->add_flag("-v,--verbose", o->verbose, "print the platform, the route and the command run on standard error");
    // Everything from PROGRAM on is PROGRAM's: CLI11 leaves it unparsed (prefix_command). `--`
    // reaches us only while the subcommand still has a positional to fill, so it gets one that
    // takes no word (its check rejects every one): a `--` and all after it stay unparsed too.
    run->prefix_command();
    run->validate_positionals();
    run->add_option("PROGRAM", o->never, "the program, then its arguments")
        ->check(CLI::Validator([](const std::string&) { return std::string("PROGRAM is left unparsed"); }, ""));
    run->callback([o, run] { run_program(*o, run->remaining()); });
}

}  // namespace xbuild::cli

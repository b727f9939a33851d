// The helpers of the xx multi-call binary. Each gets the name it was run as (several names can
// share one function: xx-cc, xx-clang, ...) and its arguments after the program name, and
// returns the process exit status.
#pragma once

#include <span>
#include <string_view>

namespace xbuild::xx {

using Args = std::span<char* const>;  // argv[1..argc)
using Run = int (*)(std::string_view invoked_as, Args args);

int info_main(std::string_view invoked_as, Args args);
int verify_main(std::string_view invoked_as, Args args);
int cc_main(std::string_view invoked_as, Args args);       // xx-cc, xx-c++, xx-clang, xx-clang++
int run_main(std::string_view invoked_as, Args args);      // xx-run
int apt_main(std::string_view invoked_as, Args args);      // xx-apt, xx-apt-get
int apk_main(std::string_view invoked_as, Args args);      // xx-apk
int go_main(std::string_view invoked_as, Args args);       // xx-go, and `go` after xx-go --wrap
int cargo_main(std::string_view invoked_as, Args args);    // xx-cargo
int windres_main(std::string_view invoked_as, Args args);  // xx-windres

// Target-prefixed tool names (aarch64-linux-gnu-clang, <triple>-pkg-config, <triple>-ar, ...),
// made by `xx-cc --setup-target-triple`: true when `name` is one, and its runner.
bool is_prefixed_tool(std::string_view name);
int prefixed_tool_main(std::string_view invoked_as, Args args);

struct Helper {
    std::string_view name;  // the link name, e.g. "xx-info"
    Run run;
    std::string_view summary;
};

// Every helper, in the order `xx --help` lists them.
inline constexpr Helper helpers[] = {
    {"xx-info", info_main, "print the target's names (triple, arch, march, pkg-arch, ...)"},
    {"xx-verify", verify_main, "check that binaries are built for the target"},
    {"xx-cc", cc_main, "C compiler for the target (clang, or the target's gcc)"},
    {"xx-c++", cc_main, "C++ compiler for the target"},
    {"xx-clang", cc_main, "clang for the target"},
    {"xx-clang++", cc_main, "clang++ for the target"},
    {"xx-go", go_main, "go for the target (GOOS, GOARCH, GOARM, ...; cgo's C toolchain)"},
    {"xx-cargo", cargo_main, "cargo for the target (--target, linker, C compilers, pkg-config, runner)"},
    {"xx-run", run_main, "run a target binary here (directly, binfmt_misc, QEMU or wine)"},
    {"xx-apt", apt_main, "apt for the target's architecture"},
    {"xx-apt-get", apt_main, "apt-get for the target's architecture"},
    {"xx-apk", apk_main, "apk for the target, into its own root when cross-compiling"},
    {"xx-windres", windres_main, "compile Windows resources (.rc) into an object for the target (llvm-rc)"},
};

}  // namespace xbuild::xx

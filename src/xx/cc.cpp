// xx-cc, xx-c++, xx-clang, xx-clang++: the native C/C++ compiler, run as a cross compiler for
// the target (see xbuild/toolchain/cc.hpp for how the command is chosen).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cc_common.hpp"
#include "helpers.hpp"
#include "xbuild/process.hpp"

namespace xx {

namespace {

using xbuild::toolchain::CcToolchain;
using xbuild::toolchain::Family;
using xbuild::toolchain::Lang;

constexpr const char* usage_text =
    "Usage: xx-cc|xx-c++|xx-clang|xx-clang++ [COMPILER ARGS...]\n"
    "       xx-clang --setup-target-triple | --print-target-triple | --print-sysroot\n"
    "                | --print-cmake-defines | --print-cmake-toolchain | --print-meson-cross-file\n"
    "                | --print-prog-name=TOOL | --wrap | --unwrap\n"
    "\n"
    "Runs clang for the target (TARGETPLATFORM, ...) with --target, the linker and, where needed,\n"
    "the sysroot; xx-cc/xx-c++ fall back to Debian's <triple>-gcc/-g++ when clang is missing.\n"
    "  XX_CC_PREFER_LINKER=ld|lld      choose the linker (default: lld where it serves)\n"
    "  XX_CC_PREFER_COMPILER=gcc|clang choose the compiler for xx-cc/xx-c++\n";

void print(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    if (s.empty() || s.back() != '\n') std::fputc('\n', stdout);
}

// The folder `--wrap` puts plain clang/clang++ links in (ahead of /usr/bin on PATH).
std::string wrap_folder() {
    const char* root = std::getenv("XX_ROOT");
    return std::string(root ? root : "") + "/usr/local/bin";
}

int wrap(bool undo) {
    const std::string dir = wrap_folder();
    const std::string self = xbuild::self_executable();
    int status = 0;
    for (const char* name : {"clang", "clang++"}) {
        const std::string link = dir + "/" + name;
        if (undo) {
            char target[4096];
            ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
            if (n > 0 && std::string(target, std::size_t(n)) == self) ::unlink(link.c_str());
            continue;
        }
        ::mkdir(dir.c_str(), 0755);
        const std::string tmp = link + ".xx-tmp." + std::to_string(::getpid());
        if (::symlink(self.c_str(), tmp.c_str()) != 0 || ::rename(tmp.c_str(), link.c_str()) != 0) {
            std::fprintf(stderr, "xx-cc: cannot create %s: %s\n", link.c_str(), std::strerror(errno));
            ::unlink(tmp.c_str());
            status = 1;
        }
    }
    return status;
}

}  // namespace

int cc_main(std::string_view invoked_as, Args args) {
    const bool cxx = invoked_as == "xx-c++" || invoked_as == "xx-clang++";
    const bool clang_only = invoked_as == "xx-clang" || invoked_as == "xx-clang++";
    const std::string first = args.empty() ? "" : args[0];
    if (first == "--wrap") return wrap(false);
    if (first == "--unwrap") return wrap(true);
    if (first == "--help" && args.size() == 1 && !clang_only) {
        std::fputs(usage_text, stdout);
        return 0;
    }
    try {
        CcToolchain tc(xbuild::TargetEnv::from_process());
        if (first == "--print-target-triple") return print(tc.triple()), 0;
        if (first == "--print-sysroot") return print(tc.sysroot()), 0;
        if (first == "--print-cmake-defines") return print(tc.cmake_defines()), 0;
        if (first == "--print-cmake-toolchain") return setup_target_triple(tc, false), print(tc.cmake_toolchain()), 0;
        if (first == "--print-meson-cross-file") return setup_target_triple(tc, false), print(tc.meson_cross_file()), 0;
        if (first.rfind("--print-prog-name=", 0) == 0) {
            setup_target_triple(tc, false);
            return print(xx_folder() + "/" + tc.triple() + "-" + first.substr(18)), 0;
        }
        if (first == "--setup-target-triple") return setup_target_triple(tc, true) ? 0 : 1;

        // First use makes the prefixed links build systems look for; one stat when they exist.
        ensure_target_triple_links(tc);

        std::vector<std::string> user(args.begin(), args.end());
        auto cmd = tc.compiler(cxx ? Lang::cxx : Lang::c, clang_only ? Family::clang : Family::any, user);
        return exec_command(invoked_as, cmd);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xx

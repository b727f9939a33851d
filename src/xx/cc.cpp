// xx-cc, xx-c++, xx-clang, xx-clang++: the native C/C++ compiler, run as a cross compiler for
// the target (see xbuild/toolchain/cc.hpp for how the command is chosen).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "auto_install.hpp"
#include "cc_common.hpp"
#include "clang_config.hpp"
#include "helpers.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/process.hpp"

namespace xbuild::xx {

namespace {

using xbuild::toolchain::CcToolchain;
using xbuild::toolchain::Family;
using xbuild::toolchain::Lang;

constexpr const char* usage_text =
    "Usage: xx-cc|xx-c++|xx-clang|xx-clang++ [COMPILER ARGS...]\n"
    "       xx-clang --setup-target-triple | --print-target-triple | --print-sysroot\n"
    "                | --print-cmake-defines | --print-cmake-toolchain | --print-meson-cross-file\n"
    "                | --print-cmake-toolchain-path | --print-meson-cross-file-path\n"
    "                | --print-prog-name=TOOL | --wrap | --unwrap\n"
    "\n"
    "Runs clang for the target (TARGETPLATFORM, ...) with --target, the linker and, where needed,\n"
    "the sysroot; xx-cc/xx-c++ fall back to Debian's <triple>-gcc/-g++ when clang is missing.\n"
    "  XX_CC_PREFER_LINKER=ld|lld      choose the linker (default: lld where it serves)\n"
    "  XX_CC_PREFER_COMPILER=gcc|clang choose the compiler for xx-cc/xx-c++\n"
    "  XX_AUTO_INSTALL=1               no compiler for the target: install Debian's <triple>-gcc\n"
    "                                  and the target's libc6-dev first (root, apt-get)\n"
    "--print-cmake-toolchain-path / --print-meson-cross-file-path write that file as <triple>.cmake /\n"
    "<triple>.meson next to xx (rewritten only when it changes) and print its path:\n"
    "  cmake -DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path) ...\n"
    "  meson setup --cross-file=$(xx-cc --print-meson-cross-file-path) ...\n";

void print(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    if (s.empty() || s.back() != '\n') std::fputc('\n', stdout);
}

// `--print-cmake-toolchain-path`, `--print-meson-cross-file-path`: the file, beside the
// <triple>-clang links it names.
int print_file_path(const CcToolchain& tc, const std::string& suffix, const std::string& content) {
    const std::string path = xx_folder() + "/" + tc.triple() + suffix;
    xbuild::write_file_if_changed(path, content);
    return print(path), 0;
}

}  // namespace

int cc_main(std::string_view invoked_as, Args args) {
    const bool cxx = invoked_as == "xx-c++" || invoked_as == "xx-clang++";
    const bool clang_only = invoked_as == "xx-clang" || invoked_as == "xx-clang++";
    const std::string first = args.empty() ? "" : args[0];
    if (first == "--wrap") return wrap_clang(false);
    if (first == "--unwrap") return wrap_clang(true);
    if (first == "--help" && args.size() == 1 && !clang_only) {
        std::fputs(usage_text, stdout);
        return 0;
    }
    try {
        CcToolchain tc(xbuild::TargetEnv::from_process());
        // As the shell helper: xx-clang sets the target up (links, <triple>.cfg) before it says
        // the triple, and fails when there is no clang; xx-cc also serves with gcc alone.
        if (first == "--print-target-triple" || first == "--setup-target-triple") {
            const bool have_clang = has_compiler(tc, cxx ? Lang::cxx : Lang::c, Family::clang);
            if (clang_only && !have_clang)
                throw xbuild::toolchain::ToolchainError(std::string(cxx ? "clang++" : "clang") +
                                                        " not found: apt-get install clang lld");
            if (first == "--setup-target-triple") {
                const bool linked = setup_target_triple(tc, true);
                return setup_clang_config(tc, true) && linked ? 0 : 1;
            }
            // Printing the triple works in folders it cannot write; not without a linker.
            setup_target_triple(tc, false);
            setup_clang_config(tc, false);
            if (have_clang && tc.linker().kind == xbuild::toolchain::CcToolchain::Linker::none)
                tc.clang_config();  // throws the reason
            return print(tc.triple()), 0;
        }
        if (first == "--print-sysroot") return print(tc.sysroot()), 0;
        if (first == "--print-cmake-defines") return print(tc.cmake_defines()), 0;
        if (first == "--print-cmake-toolchain") return setup_target_triple(tc, false), print(tc.cmake_toolchain()), 0;
        if (first == "--print-meson-cross-file") return setup_target_triple(tc, false), print(tc.meson_cross_file()), 0;
        if (first == "--print-cmake-toolchain-path")
            return setup_target_triple(tc, false), print_file_path(tc, ".cmake", tc.cmake_toolchain());
        if (first == "--print-meson-cross-file-path")
            return setup_target_triple(tc, false), print_file_path(tc, ".meson", tc.meson_cross_file());
        if (first.rfind("--print-prog-name=", 0) == 0) {
            setup_target_triple(tc, false);
            return print(xx_folder() + "/" + tc.triple() + "-" + first.substr(18)), 0;
        }

        // First use makes the prefixed links build systems look for, and <triple>.cfg; two lstat
        // calls when they exist.
        ensure_target_triple_links(tc);

        std::vector<std::string> user(args.begin(), args.end());
        auto cmd = compiler_or_install(invoked_as, tc, cxx ? Lang::cxx : Lang::c,
                                       clang_only ? Family::clang : Family::any, user);
        return exec_command(invoked_as, cmd);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx

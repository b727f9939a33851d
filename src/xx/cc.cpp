// xx-cc, xx-c++, xx-clang, xx-clang++: the native C/C++ compiler, run as a cross compiler for
// the target (see xbuild/toolchain/cc.hpp for how the command is chosen).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "auto_install.hpp"
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

// The folder `--wrap` puts plain clang/clang++ links in (ahead of /usr/bin on PATH).
std::string wrap_folder() {
    const char* root = std::getenv("XX_ROOT");
    return std::string(root ? root : "") + "/usr/local/bin";
}

// Writes `content` to `path` unless it already holds exactly that: a temporary name renamed into
// place, so a concurrent reader (a parallel configure) sees the old file or the new one, whole.
void write_if_changed(const std::string& path, const std::string& content) {
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream old;
        if (in && (old << in.rdbuf(), old.str() == content)) return;
    }
    const std::string tmp = path + ".xx-tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.close();
        if (!out) {
            ::unlink(tmp.c_str());
            throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
    }
}

// `--print-cmake-toolchain-path`, `--print-meson-cross-file-path`: the file, beside the
// <triple>-clang links it names.
int print_file_path(const CcToolchain& tc, const std::string& suffix, const std::string& content) {
    const std::string path = xx_folder() + "/" + tc.triple() + suffix;
    write_if_changed(path, content);
    return print(path), 0;
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
        if (first == "--print-cmake-toolchain-path")
            return setup_target_triple(tc, false), print_file_path(tc, ".cmake", tc.cmake_toolchain());
        if (first == "--print-meson-cross-file-path")
            return setup_target_triple(tc, false), print_file_path(tc, ".meson", tc.meson_cross_file());
        if (first.rfind("--print-prog-name=", 0) == 0) {
            setup_target_triple(tc, false);
            return print(xx_folder() + "/" + tc.triple() + "-" + first.substr(18)), 0;
        }
        if (first == "--setup-target-triple") return setup_target_triple(tc, true) ? 0 : 1;

        // First use makes the prefixed links build systems look for; one stat when they exist.
        ensure_target_triple_links(tc);

        std::vector<std::string> user(args.begin(), args.end());
        auto cmd = compiler_or_install(invoked_as, tc, cxx ? Lang::cxx : Lang::c, clang_only ? Family::clang : Family::any, user);
        return exec_command(invoked_as, cmd);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xx

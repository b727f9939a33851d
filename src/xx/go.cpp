// xx-go: `go` with the target's GOOS/GOARCH/GOARM/... and, for cgo, its C toolchain (see
// xbuild/toolchain/go.hpp); `--wrap` makes plain `go` do the same, `--unwrap` undoes it.

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "auto_install.hpp"
#include "cc_common.hpp"
#include "go_std.hpp"
#include "helpers.hpp"
#include "wrap.hpp"
#include "xbuild/process.hpp"
#include "xbuild/toolchain/go.hpp"

namespace xbuild::xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-go [GO ARGS...]      go, building for the target (TARGETPLATFORM, ...)\n"
    "       xx-go --wrap | --unwrap  make plain `go` build for the target, and undo it\n"
    "\n"
    "Sets GOOS, GOARCH and GOARM/GOAMD64/GO386/GOMIPS/GOMIPS64 from the target; with CGO_ENABLED=1\n"
    "also CC, CXX and PKG_CONFIG for it. Variables already set in the environment win.\n"
    "  XX_GO_PREFER_C_COMPILER=clang|gcc|zig   the C compiler cgo uses (default clang)\n"
    "  XX_AUTO_INSTALL=1   with cgo and no C compiler for the target: install Debian's <triple>-gcc\n"
    "                      and the target's libc6-dev first (root, apt-get); with Debian's Go,\n"
    "                      fetch the target's precompiled standard library (golang-1.NN-go:<arch>)\n"
    "`xx-go env` prints the resulting Go environment.\n";

// Go commands that compile cgo code.
bool compiles(const std::string& command) {
    for (const char* c : {"build", "install", "run", "test", "vet", "get"})
        if (command == c) return true;
    return false;
}

// With XX_AUTO_INSTALL=1, a cgo build with no C compiler for the target installs its gcc first.
// (Without it, <triple>-clang says what is missing when go runs it.)
void ensure_cgo_compiler(const xbuild::toolchain::CcToolchain& tc, const xbuild::toolchain::GoToolchain& go,
                         Args args) {
    using xbuild::toolchain::CgoCompiler;
    using xbuild::toolchain::Family;
    if (!xbuild::toolchain::auto_install_enabled() || args.empty() || !compiles(args[0])) return;
    const CgoCompiler cgo = go.cgo_compiler();
    const char* cc = std::getenv("CC");
    if (cgo == CgoCompiler::zig || (cc && *cc)) return;  // not ours to install
    const Family family = cgo == CgoCompiler::gcc ? Family::gcc : Family::any;
    xbuild::toolchain::Missing missing;
    missing.c_compiler = !has_compiler(tc, xbuild::toolchain::Lang::c, family);
    missing.libc = !missing.c_compiler && target_libc_missing(tc);
    auto_install("xx-go", tc.target(), missing);
}

}  // namespace

int go_main(std::string_view invoked_as, Args args) {
    const std::string first = args.empty() ? "" : args[0];
    const bool wrapped = invoked_as == "go";  // a link made by --wrap
    if (!wrapped && first == "--wrap") return wrap_on_path("xx-go", "go");
    if (!wrapped && first == "--unwrap") return unwrap_on_path("xx-go", "go");
    if (!wrapped && first == "--help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    try {
        auto env = xbuild::TargetEnv::from_process();
        xbuild::toolchain::GoToolchain go(env);
        bool target_ar = false;
        if (go.cgo_enabled()) {
            // cgo runs <triple>-clang and <triple>-pkg-config: make them on first use.
            xbuild::toolchain::CcToolchain tc(env);
            ensure_target_triple_links(tc);
            ensure_cgo_compiler(tc, go, args);
            struct stat st {};
            target_ar = ::lstat((xx_folder() + "/" + env.triple() + "-ar").c_str(), &st) == 0;
        }
        std::vector<std::string> changes = go.env_changes(xx_folder(), target_ar);
        auto real_go = xbuild::find_program("go", {}, true);
        if (!real_go)
            throw std::runtime_error("go: not found on PATH (apt-get install golang-go, or use a golang image)");
        ensure_go_std(*real_go, changes, args);  // XX_AUTO_INSTALL=1: the target's precompiled std
        std::vector<std::string> argv {"go"};
        argv.insert(argv.end(), args.begin(), args.end());
        return exec_command(invoked_as, {*real_go, argv, changes});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx

// xbuild/toolchain/go.hpp: the environment that makes `go` build for a target (xx-go).
//
// Go cross-compiles by itself once GOOS/GOARCH and the variant's variable are set; this model
// derives them from the platform table:
//  - GOOS, GOARCH, and the one variable the variant sets (GOARM=5/6/7, GOAMD64=v1..v4,
//    GO386=sse2, GOMIPS/GOMIPS64=hardfloat); a variable the user set explicitly wins;
//  - with CGO_ENABLED=1, CC/CXX/PKG_CONFIG name the target's C toolchain: the target-prefixed
//    clang and pkg-config that `xx-cc --setup-target-triple` makes (XX_GO_PREFER_C_COMPILER=gcc
//    picks Debian's <triple>-gcc, =zig picks `zig cc -target ...`); again, the user's win.
//
//   xbuild::toolchain::GoToolchain go(xbuild::TargetEnv::from_process());
//   auto changes = go.env_changes("/usr/local/bin");   // {"GOOS=linux", "GOARCH=arm64", ...}
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "../target_env.hpp"

namespace xbuild::toolchain {

// Which C compiler cgo gets (XX_GO_PREFER_C_COMPILER).
enum class CgoCompiler { clang, gcc, zig };

class GoToolchain {
   public:
    // `user_env` is where explicit user settings are looked up (GOARCH, CC, CGO_ENABLED, ...).
    explicit GoToolchain(TargetEnv env, EnvLookup user_env = process_env());

    const TargetEnv& target() const { return env_; }

    // The GO* variables of the target, in the order `go env` would list them; throws
    // UnsupportedTarget when the target has no row.
    std::vector<std::pair<std::string, std::string>> go_vars() const;

    // The C compiler cgo uses, from XX_GO_PREFER_C_COMPILER (default clang); throws
    // std::invalid_argument naming the valid values for anything else.
    CgoCompiler cgo_compiler() const;
    // True when the user turned cgo on (CGO_ENABLED=1): only then are CC/CXX/PKG_CONFIG set, as
    // Go itself disables cgo when cross-compiling unless asked.
    bool cgo_enabled() const;

    // The environment changes (NAME=value) for running go: the GO* variables and, with cgo, the
    // C toolchain, minus every variable the user already set. `tool_dir` is where the
    // target-prefixed tools (<triple>-clang, <triple>-pkg-config) live: named bare (CC=<triple>-clang,
    // as the shell helper sets them) when that folder is on PATH, else by full path. `target_ar`:
    // a <triple>-ar is there, and becomes AR.
    std::vector<std::string> env_changes(const std::string& tool_dir, bool target_ar = false) const;

   private:
    TargetEnv env_;
    EnvLookup user_env_;
};

}  // namespace xbuild::toolchain

#include "impl/go.inl"

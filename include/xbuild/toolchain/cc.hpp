// xbuild/toolchain/cc.hpp: turn the native C/C++ compiler into a cross compiler for a target.
//
// The model behind xx-cc, xx-c++, xx-clang, xx-clang++ and the target-prefixed tools
// (<triple>-clang, <triple>-pkg-config, <triple>-ar, ...). It decides, from the target and what
// this machine has installed, which real program to run and with which arguments:
//  - clang with --target=<triple> (the triple xx-info prints), -march where the variant needs it,
//    a --sysroot only where clang cannot find the target's files by itself (Alpine's /<triple>,
//    darwin's /xx-sdk; Debian multiarch and /usr/<triple> cross packages are found without one,
//    and a --sysroot would break their linker scripts), and the linker: lld where it serves,
//    GNU ld (binutils-<triple>) where it does not or where XX_CC_PREFER_LINKER=ld;
//  - else, or with XX_CC_PREFER_COMPILER=gcc, Debian's <triple>-gcc / <triple>-g++.
//
//   auto tc = xbuild::toolchain::CcToolchain(xbuild::TargetEnv::from_process());
//   xbuild::Command cmd = tc.compiler(xbuild::toolchain::Lang::c, Family::any, args);
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../process.hpp"  // Command
#include "../target_env.hpp"

namespace xbuild {

namespace toolchain {

enum class Lang { c, cxx };
enum class Family { any, clang, gcc };  // any: clang when it can serve, else gcc

// The target has no compiler here: says what to install.
class ToolchainError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// What this machine has, looked up lazily; tests substitute their own.
struct Probe {
    std::function<std::optional<std::string>(std::string_view name)> find_program;  // skips xx itself
    std::function<bool(const std::string& path)> exists;
    std::function<std::vector<std::string>(const std::string& dir)> list_dir;
    std::function<std::string(std::string_view name)> getenv;  // XX_CC_PREFER_LINKER, ...
    static Probe system();
};

class CcToolchain {
   public:
    // `triple`: the --target to pass when a prefixed tool name spells it differently from the
    // triple xx-info derives (aarch64-unknown-linux-gnu-clang on Debian); default: env's triple.
    explicit CcToolchain(TargetEnv env, Probe probe = Probe::system(), std::string triple = {});

    const TargetEnv& target() const { return env_; }
    const std::string& triple() const { return triple_; }
    // Debian's name for the target's GNU tools (gcc-<this>, binutils-<this>): aarch64-linux-gnu.
    std::string gnu_triple() const;
    // Where the target's headers and libraries are: /<triple> (Alpine), /xx-sdk (darwin),
    // /usr/<gnu-triple> (Debian cross packages), else / (Debian multiarch).
    std::string sysroot() const;

    // The compiler command for `args` (what the user passed).
    Command compiler(Lang lang, Family family, std::span<const std::string> args) const;

    // pkg-config that sees only the target's .pc files.
    Command pkg_config(std::span<const std::string> args) const;
    // A binutils-style tool (ar, ranlib, nm, strip, objcopy, objdump, readelf, ld, ...): the
    // llvm-<tool> when it exists, else the target's GNU one.
    Command binutil(std::string_view tool, std::span<const std::string> args) const;

    // `--print-cmake-defines`: -D flags for cmake that select clang for the target.
    std::string cmake_defines() const;
    // `--print-meson-cross-file`: a complete Meson cross file; exe_wrapper runs xx-run.
    // `tool_dir`: where the prefixed tools and xx-run are (default: the folder of the running xx).
    std::string meson_cross_file(const std::string& tool_dir = {}) const;
    // `--print-cmake-toolchain`: a CMake toolchain file with the target's values filled in.
    std::string cmake_toolchain(const std::string& tool_dir = {}) const;

    // The tool names `--setup-target-triple` links (<triple>-clang, -clang++, -pkg-config, ...).
    std::vector<std::string> prefixed_tool_names() const;

    // The linker clang runs for the target: lld where it serves; else, or where the user prefers
    // GNU ld (XX_CC_PREFER_LINKER=ld, XX_CC_PREFER_STATIC_LINKER=1 on the targets the table
    // marks), the target's GNU ld. `path` is what -fuse-ld= names. (ld64: clang_config's macOS.)
    struct Linker {
        enum Kind { none, lld, gnu, ld64 } kind = none;
        std::string path;  // "lld", "/usr/bin/aarch64-linux-gnu-ld", "ld64", ""
    };
    Linker linker() const;

    // The clang configuration file the xx shell helpers write as <triple>.cfg (read with
    // `clang --config FILE`): --target, -fuse-ld and what the OS needs (macOS SDK, mingw's
    // folders, Alpine's sysroot), on one line. Throws ToolchainError when there is no linker.
    std::string clang_config() const;
    // The same for /etc/llvm/xx-default.cfg (the native target, no --target): "-fuse-ld=lld".
    std::string clang_default_config() const;

   private:
    std::optional<std::string> find_gcc(Lang lang) const;
    std::string macos_sdk() const;
    std::vector<std::string> clang_flags(Lang lang, std::span<const std::string> args) const;

    TargetEnv env_;
    Probe probe_;
    std::string triple_;
};

// The platform a target-prefixed tool name stands for, from its triple (aarch64-linux-gnu,
// armv7-alpine-linux-musleabihf, x86_64-w64-mingw32): a TARGETPLATFORM value, or "" if unknown.
std::string platform_for_triple(std::string_view triple);

// Splits a prefixed tool name (aarch64-linux-gnu-clang++) into triple and tool; the tool is one
// `--setup-target-triple` makes. nullopt when the name is not such a tool.
struct PrefixedTool {
    std::string triple;
    std::string tool;
};
std::optional<PrefixedTool> split_prefixed_tool(std::string_view name);

}  // namespace toolchain
}  // namespace xbuild

#include "impl/cc.inl"

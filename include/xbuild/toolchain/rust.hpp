// xbuild/toolchain/rust.hpp: cargo for a target (xx-cargo).
//
// Cargo cross-compiles once it is given the target's Rust triple and a linker for it; build
// scripts (the cc and pkg-config crates, or a build.rs of one's own) need the target's C tools
// too. From the platform table and the target environment this model derives:
//  - the Rust triple per libc (aarch64-unknown-linux-gnu, armv7-unknown-linux-musleabihf, ...);
//  - cargo's arguments with `--target <triple>` after the subcommand (build, run, test, ...);
//  - the environment: CARGO_TARGET_<TRIPLE>_LINKER and _RUNNER (xx-run, so `cargo test` and
//    `cargo run` run target binaries under QEMU), CC_/CXX_/AR_<triple> for build scripts, and a
//    pkg-config that sees only the target's libraries (PKG_CONFIG_<triple>, PKG_CONFIG,
//    PKG_CONFIG_ALLOW_CROSS=1) while host build scripts keep the host's (HOST_PKG_CONFIG);
//    RUSTFLAGS gains XX_RUSTFLAGS. Variables the user set win.
//
//   xbuild::toolchain::RustToolchain rust(xbuild::TargetEnv::from_process());
//   auto argv = rust.cargo_args(user_args);   // {"build", "--target", "aarch64-unknown-linux-gnu", ...}
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../target_env.hpp"

namespace xbuild::toolchain {

class RustToolchain {
   public:
    // `user_env` is where explicit user settings are looked up (RUSTFLAGS, XX_RUSTFLAGS, ...).
    explicit RustToolchain(TargetEnv env, EnvLookup user_env = process_env());

    const TargetEnv& target() const { return env_; }
    // The Rust target triple: the table's gnu or musl one, by the target's libc; throws
    // UnsupportedTarget when the target has no row or Rust no triple for it.
    std::string triple() const;

    // `args` (what follows `cargo`) with `--target <triple>` inserted after the subcommand when
    // the subcommand builds for a target and the user gave no --target.
    std::vector<std::string> cargo_args(std::span<const std::string> args) const;
    // True when cargo_args inserted --target; false for plugins and commands without one
    // (env_changes then sets CARGO_BUILD_TARGET instead).
    static bool takes_target(std::span<const std::string> args);

    // Environment changes (NAME=value) for running cargo. `tool_dir`: where the target-prefixed
    // C tools live (<triple>-clang, -clang++, -ar, -pkg-config); `runner`: the xx-run program.
    std::vector<std::string> env_changes(std::span<const std::string> args, const std::string& tool_dir,
                                         const std::string& runner) const;

    // What to do when the target's standard library is missing, for an error message: rustup
    // first when it manages the rustc in use, else Debian's package first.
    std::string missing_std_advice(bool rustup_managed) const;

   private:
    TargetEnv env_;
    EnvLookup user_env_;
};

// A triple as cargo's environment variables spell it: "aarch64-unknown-linux-gnu" ->
// "AARCH64_UNKNOWN_LINUX_GNU" (CARGO_TARGET_*), or "aarch64_unknown_linux_gnu" (CC_*).
std::string cargo_env_key(std::string_view triple, bool upper);

}  // namespace xbuild::toolchain

#include "impl/rust.inl"

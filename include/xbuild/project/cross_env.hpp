// xbuild/project/cross_env.hpp: everything one platform's build sees, for `xbuild cross`.
//
// Each platform builds with the same tools the xx helpers give a Dockerfile stage, set up in a
// folder of its own so that platforms can build side by side:
//  - a tool folder of links to the xx binary: xx-cc, xx-c++, xx-clang, xx-clang++, xx-go,
//    xx-cargo, xx-run, xx-info, xx-verify, xx-windres and the target-prefixed tools
//    (<triple>-clang, <triple>-pkg-config, <triple>-ar, ...), first on PATH;
//  - the variables BuildKit gives a stage (TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT,
//    BUILDPLATFORM, ...), so the helpers and the project's own scripts know the target;
//  - Go's (GOOS, GOARCH, GOARM, ..., CGO_ENABLED) as xx-go sets them;
//  - Cargo's (CARGO_BUILD_TARGET, CARGO_TARGET_<TRIPLE>_LINKER and _RUNNER, CC_<triple>, ...)
//    as xx-cargo sets them, when Rust has a triple for the target;
//  - the C tools (CC, CXX, AR, RANLIB, STRIP, NM, OBJCOPY, PKG_CONFIG) as the prefixed names;
//  - CMake's toolchain file and Meson's cross file, written into the tool folder;
//  - XX_AUTO_INSTALL=0: the helpers name a missing target std or library with the package that has
//    it, and install nothing (set XX_AUTO_INSTALL=1 to let them, as root).
// Variables the user set in the environment win, as they do for the helpers.
//
//   auto setup = xbuild::project::prepare_cross(parse_platform("linux/arm64"), "/tmp/b/tools", xx_path, {});
//   // setup.env: {"PATH=/tmp/b/tools:/usr/bin:...", "TARGETPLATFORM=linux/arm64", "GOARCH=arm64", ...}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../platform.hpp"
#include "../target_env.hpp"

namespace xbuild::project {

// What the build steps of one platform are given.
struct CrossSetup {
    xbuild::Platform platform;
    std::string tool_dir;          // the folder of links, first on PATH
    std::string triple;            // the C triple the prefixed tools carry: aarch64-linux-gnu
    std::string rust_triple;       // aarch64-unknown-linux-gnu; "" when Rust has none
    std::string cmake_toolchain;   // <tool_dir>/toolchain.cmake
    std::string meson_cross_file;  // <tool_dir>/cross.meson
    std::vector<std::string> env;  // NAME=value changes for every step of the platform
    std::string runner() const { return tool_dir + "/xx-run"; }  // runs the platform's programs
};

// How the platform's build is set up beyond the platform itself.
struct CrossOptions {
    std::optional<bool> cgo;  // CGO_ENABLED for Go; default off (static binaries, as ko builds)
};

// Makes (or refreshes) `tool_dir` and returns the platform's setup. `xx_binary` is the xx helper
// binary the links point to. Throws xbuild::UnsupportedTarget for a platform without a table row,
// std::filesystem::filesystem_error when the folder cannot be written.
CrossSetup prepare_cross(const xbuild::Platform& platform, const std::string& tool_dir, const std::string& xx_binary,
                         const CrossOptions& options, const EnvLookup& user_env = process_env());

// The xx binary that belongs to this xbuild: next to the running program, else `xx` on PATH;
// nullopt when neither is there.
std::optional<std::string> find_xx_binary();

}  // namespace xbuild::project

#include "impl/cross_env.inl"

// xbuild/toolchain/auto_install.hpp: what XX_AUTO_INSTALL=1 installs when a target lacks its
// C compiler or Rust's standard library.
//
// Dockerfile stages the frontend rewrites to run on the build machine declare XX_AUTO_INSTALL=1:
// there the image often has gcc and rustc for itself but nothing for the target, and the stage
// cannot be expected to know Debian's cross package names. The helpers (xx-cc, the prefixed
// <triple>-clang, xx-go with cgo, xx-cargo) then install what is missing before going on:
//  - Debian/Ubuntu (apt-get): `xx-apt-get install -y --no-install-recommends gcc libc6-dev`
//    (g++ for C++), which is gcc-<triple> plus the target's libc6-dev:<arch> (multiarch; the
//    cross gcc only recommends its libc, which --no-install-recommends leaves out), and
//    libstd-rust-dev (:<arch>) for Debian's rustc; windows/amd64's std is libstd-rust-dev-windows;
//    libc6-dev alone when the compiler is there but the target's glibc files are not (a cross gcc
//    installed with --no-install-recommends);
//  - Alpine (apk): `apk add clang lld` for the build machine (Alpine has no cross gcc) and
//    `xx-apk add xx-c-essentials` for the target; Alpine has no std for other targets: refused.
// Only as root and with apt-get or apk present; otherwise the plan is a refusal that says why.
//
//   auto plan = plan_auto_install(env, {.c_compiler = true}, {.root = true, .apt_get = true});
//   // plan.commands: {{"xx-apt-get", "install", "-y", "--no-install-recommends", "gcc", "libc6-dev"}}
#pragma once

#include <string>
#include <vector>

#include "../target_env.hpp"

namespace xbuild::toolchain {

// What the target lacks.
struct Missing {
    bool c_compiler = false;
    bool cxx_compiler = false;
    bool rust_std = false;
    bool libc = false;  // glibc's development files (crt1.o, libc.so): a cross gcc only recommends them
    bool any() const { return c_compiler || cxx_compiler || rust_std || libc; }
};

// What this machine allows.
struct InstallHost {
    bool root = false;
    bool apt_get = false;
    bool apk = false;
};

struct InstallPlan {
    std::vector<std::vector<std::string>> commands;  // run in order; argv[0] is a program name
    std::string refusal;                             // non-empty: nothing can be installed, and why
};

// XX_AUTO_INSTALL=1 in `env`.
bool auto_install_enabled(const EnvLookup& env = process_env());

// The commands that install what `missing` names for the target, or a refusal.
InstallPlan plan_auto_install(const TargetEnv& env, Missing missing, InstallHost host);

// Said after an error about a missing compiler or std when XX_AUTO_INSTALL is off.
inline constexpr const char* auto_install_hint = " (or set XX_AUTO_INSTALL=1, as root, to install it)";

}  // namespace xbuild::toolchain

#include "impl/auto_install.inl"

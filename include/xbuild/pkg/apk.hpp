// xbuild/pkg/apk.hpp: xx-apk planning, apk for the target.
//
// Not cross-compiling, xx-apk is apk. Cross-compiling (on Alpine), packages of the target's
// architecture go into a root of their own, /<triple> (xx-info sysroot):
//   apk --root /<triple> --arch <alpine-arch> --no-scripts <the user's arguments>
// with, on first use, <root>/etc/apk made from the system's keys and repositories and the apk
// database created (`--initdb add`). Target programs cannot run here and would confuse PATH
// lookups, so after add/fix/upgrade the files in the root's usr/bin, bin, usr/sbin and sbin are
// deleted unless XX_APK_KEEP_BINARIES is set. Meta names: `xx-c-essentials` -> musl-dev gcc,
// `xx-cxx-essentials` -> musl-dev gcc libstdc++-dev (g++ before Alpine 3.17).
//
// As for apt.hpp, the decisions are pure functions of the command line, the target and a
// snapshot of the system; src/xx/apk.cpp gathers the snapshot and runs the plan.
//
//   auto plan = xbuild::pkg::plan_apk(xbuild::pkg::parse_apk_args({"add", "zlib-dev"}), env,
//                                     {.config_present = true, .db_present = true}, "", false);
//   // plan.commands == {{"apk", "--root", "/aarch64-alpine-linux-musl", "--arch", "aarch64",
//   //                    "--no-scripts", "add", "zlib-dev"}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../target_env.hpp"
#include "apt.hpp"  // UsageError

namespace xbuild::pkg {

// An apk command line: global and applet options anywhere, the first other argument the applet.
struct ApkArgs {
    std::vector<std::string> args;  // as given, without the program name
    int command = -1;               // index of the applet (add, del, info, ...); -1: none
    std::vector<bool> operand;      // args[i] is an operand of the applet
    const std::string& command_name() const;
};

// Splits args; options taking a value (-X/--repository, -p/--root, --arch, --cache-dir,
// --keys-dir, --repositories-file, -t/--virtual, --progress-fd, --cache-max-age, --wait,
// --timeout) take the next argument unless written --opt=value. Throws UsageError.
ApkArgs parse_apk_args(std::vector<std::string> args);

// True for the applets after which the target root's binaries are removed (add, fix, upgrade).
bool apk_command_installs(std::string_view command);

// The packages a meta name means on Alpine `alpine_version` (VERSION_ID, e.g. 3.18.4); empty for
// a name that is not a meta name.
//  xx-c-essentials:   musl-dev gcc  (gcc, not libgcc: libgcc holds only libgcc_s.so.1, while a link
//                     needs crtbegin*.o, libgcc.a and libgcc_eh.a, which Alpine ships in gcc)
//  xx-cxx-essentials: the same plus libstdc++-dev (its own package since 3.17; g++ before, and
//                     when the version is unknown)
std::vector<std::string> apk_meta_packages(std::string_view name, std::string_view alpine_version);

// The folders of the target root whose files are deleted after an install.
inline constexpr std::string_view apk_binary_dirs[] = {"usr/bin", "bin", "usr/sbin", "sbin"};

// The target root: `xx_root` + `xx-info sysroot` without its trailing slash (/<triple>).
std::string apk_target_root(const TargetEnv& env, std::string_view xx_root);

// The target root as it is.
struct ApkSystem {
    bool config_present = false;  // <root>/etc/apk/repositories exists
    bool db_present = false;      // <root>/lib/apk/db exists
};

struct ApkPlan {
    std::string root;                                // the target root; "" when not cross-compiling
    std::string arch;                                // its alpine arch
    bool copy_config = false;                        // create <root>/etc/apk, copy keys and repositories into it
    std::vector<std::vector<std::string>> commands;  // in order; stop at the first failure
    bool remove_binaries = false;                    // after the commands, delete <root>/{apk_binary_dirs}/*
};

// The plan for `apk <args>`. Throws UnsupportedTarget when cross-compiling to a target outside
// the platform table.
ApkPlan plan_apk(const ApkArgs& args, const TargetEnv& env, const ApkSystem& system, std::string_view xx_root,
                 bool keep_binaries);

}  // namespace xbuild::pkg

#include "impl/apk.inl"

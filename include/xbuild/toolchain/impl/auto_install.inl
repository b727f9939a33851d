// Implementation of xbuild/toolchain/auto_install.hpp.
#pragma once

#include "../../platform.hpp"

namespace xbuild::toolchain {

inline bool auto_install_enabled(const EnvLookup& env) { return env("XX_AUTO_INSTALL") == "1"; }

namespace detail {

inline std::string missing_names(const TargetEnv& env, Missing missing) {
    std::string what;
    if (missing.c_compiler || missing.cxx_compiler) what = missing.cxx_compiler ? "a C++ compiler" : "a C compiler";
    if (missing.libc && what.empty()) what = "the C library's development files";
    if (missing.rust_std) what += std::string(what.empty() ? "" : " and ") + "the Rust standard library";
    const Target& t = env.target();
    return what + " for " + std::string(t.os) + "/" + std::string(t.arch) +
           (t.variant.empty() ? "" : "/" + std::string(t.variant));
}

inline std::vector<std::string> debian_install(std::vector<std::string> packages) {
    std::vector<std::string> argv {"xx-apt-get", "install", "-y", "--no-install-recommends"};
    argv.insert(argv.end(), packages.begin(), packages.end());
    return argv;
}

}  // namespace detail

inline InstallPlan plan_auto_install(const TargetEnv& env, Missing missing, InstallHost host) {
    InstallPlan plan;
    if (!missing.any()) return plan;
    const Target& t = env.target();
    const std::string what = detail::missing_names(env, missing);
    if (!host.root) return {{}, "XX_AUTO_INSTALL=1 cannot install " + what + ": it needs root"};
    if (t.os == "darwin")
        return {{}, "XX_AUTO_INSTALL=1 cannot install " + what + ": no package has the macOS SDK (/xx-sdk)"};
    const bool cxx = missing.cxx_compiler;

    if (host.apt_get) {
        std::vector<std::string> packages;
        if (missing.c_compiler || cxx) {
            // xx-apt-get makes gcc/g++ the cross packages (gcc-<triple>); their libc is only a
            // Recommends of theirs: name it (multiarch libc6-dev:<arch>, which the cross gcc finds).
            packages.push_back(cxx ? "g++" : "gcc");
            if (t.os == "linux") packages.push_back("libc6-dev");
        } else if (missing.libc && t.os == "linux") {
            packages.push_back("libc6-dev");
        }
        std::vector<std::vector<std::string>> extra;
        if (missing.rust_std) {
            if (t.os == "linux" && env.libc() == "gnu" && !t.debian.empty()) packages.push_back("libstd-rust-dev");
            else if (!t.debian_rust_std.empty())
                extra.push_back(
                    {"apt-get", "install", "-y", "--no-install-recommends", std::string(t.debian_rust_std)});
            else
                return {{},
                        "XX_AUTO_INSTALL=1 cannot install " + what +
                            ": Debian has no Rust standard library for it (rustup target add)"};
        }
        if (!packages.empty()) plan.commands.push_back(detail::debian_install(packages));
        for (auto& c : extra) plan.commands.push_back(std::move(c));
        return plan;
    }
    if (host.apk) {
        if (missing.rust_std)
            return {{},
                    "XX_AUTO_INSTALL=1 cannot install " + what +
                        ": Alpine has no Rust standard library for other targets (rustup target add)"};
        // Alpine has no cross gcc: clang and lld compile, xx-apk puts the target's libc and
        // libgcc in its root. For the machine itself, its own gcc serves.
        if (env.is_cross()) plan.commands.push_back({"apk", "add", "--no-cache", "clang", "lld"});
        else if (cxx) plan.commands.push_back({"apk", "add", "--no-cache", "g++"});
        plan.commands.push_back({"xx-apk", "add", "--no-cache", cxx ? "xx-cxx-essentials" : "xx-c-essentials"});
        return plan;
    }
    return {{}, "XX_AUTO_INSTALL=1 cannot install " + what + ": neither apt-get nor apk is on PATH"};
}

}  // namespace xbuild::toolchain

// xx-info: prints the target's names, byte-for-byte as the xx shell helper does.
#include <cstdio>
#include <string>
#include <string_view>

#include "helpers.hpp"
#include "xbuild/target_env.hpp"

namespace xbuild::xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-info [COMMAND]\n"
    "\n"
    "Commands:\n"
    "  alpine-arch   Print target architecture for Alpine package repositories\n"
    "  arch          Print target architecture for Docker\n"
    "  debian-arch   Print target architecture for Debian/Ubuntu package repositories\n"
    "  env           Print XX_* variables defining target environment\n"
    "  is-cross      Exit cleanly if target is not native architecture\n"
    "  libc          Print used libc (musl or gnu)\n"
    "  march         Print target machine architecture, uname -m\n"
    "  os            Print target operating system (linux,darwin,windows,freebsd)\n"
    "  os-version    Print OS version (eg. 3.16 for Alpine or 22.04 for Ubuntu)\n"
    "  pkg-arch      Print either alpine-arch, debian-arch or rhel-arch\n"
    "  rhel-arch     Print target architecture for RPM package repositories\n"
    "  sysroot       Print sysroot directory for target architecture\n"
    "  triple        Print target triple in arch[-vendor]-os-abi form (the default)\n"
    "  variant       Print target variant if architecture is arm (eg. v7)\n"
    "  vendor        Print vendor part of target triple\n"
    "\n"
    "The target comes from TARGETPLATFORM, TARGETPAIR or TARGETOS/TARGETARCH/TARGETVARIANT,\n"
    "else the running machine. XX_VENDOR and XX_LIBC override what /etc/os-release implies.\n";

void print(std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
}

}  // namespace

int info_main(std::string_view, Args args) {
    const std::string_view cmd = args.empty() ? "triple" : args[0];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    const auto env = xbuild::TargetEnv::from_process();
    try {
        if (cmd == "triple" || cmd.empty()) print(env.triple());
        else if (cmd == "os") print(env.os());
        else if (cmd == "arch") print(env.arch());
        else if (cmd == "variant") print(env.variant());
        else if (cmd == "march") print(env.march());
        else if (cmd == "alpine-arch") print(env.alpine_arch());
        else if (cmd == "debian-arch") print(env.debian_arch());
        else if (cmd == "rhel-arch") print(env.rhel_arch());
        else if (cmd == "pkg-arch") print(env.pkg_arch());
        else if (cmd == "vendor") print(env.vendor());
        else if (cmd == "libc") print(env.libc());
        else if (cmd == "os-version") print(env.os_version());
        else if (cmd == "sysroot") print(env.sysroot());
        else if (cmd == "is-cross") return env.is_cross() ? 0 : 1;
        else if (cmd == "env") std::fputs(env.env_lines().c_str(), stdout);
        else {
            std::fprintf(stderr, "xx-info: unknown command '%.*s'\n\n%s", int(cmd.size()), cmd.data(), usage_text);
            return 1;
        }
    } catch (const xbuild::UnsupportedTarget& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace xbuild::xx

// Implementation of xbuild/toolchain/inventory.hpp.
#pragma once

#include <filesystem>
#include <system_error>

#include "../../platform.hpp"
#include "../../strings.hpp"
#include "../rust.hpp"

namespace xbuild::toolchain {

namespace detail {

// The row as the helpers see it when TARGETPLATFORM names it, on the probe's machine.
inline TargetEnv inventory_env(const Target& row, const InventoryProbe& probe) {
    const std::string platform = platform_of(row).str();
    EnvLookup env = [platform, getenv = probe.files.getenv](std::string_view name) -> std::string {
        if (name == "TARGETPLATFORM") return platform;
        if (name.starts_with("TARGET")) return {};
        return getenv ? getenv(name) : std::string();
    };
    return TargetEnv::resolve(env, probe.os_release, probe.machine);
}

inline bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec);
}

}  // namespace detail

inline InventoryProbe InventoryProbe::system() {
    InventoryProbe p;
    p.files = Probe::system();
    p.os_release = read_os_release(p.files.getenv("XX_ROOT"));
    p.machine = running_machine(p.files.getenv);
    p.capture = [](const std::vector<std::string>& argv) -> std::optional<std::string> {
        try {
            auto out = capture_program(argv, {}, {.quiet = true});
            if (out.status == 0) return out.out;
        } catch (const std::exception&) {
            // Not startable: the same as failing.
        }
        return std::nullopt;
    };
    return p;
}

inline Inventory::Inventory(InventoryProbe probe) : probe_(std::move(probe)) {}

inline const std::optional<std::string>& Inventory::run_once(const std::vector<std::string>& argv) const {
    auto it = runs_.find(argv);
    if (it == runs_.end()) it = runs_.emplace(argv, probe_.capture(argv)).first;
    return it->second;
}

inline CrossTools Inventory::cross_tools(const Target& row) const {
    CrossTools tools;
    tools.go = go(row);
    tools.c = c(row);
    tools.rust = rust(row, tools.c);
    return tools;
}

inline Finding Inventory::go(const Target& row) const {
    auto go = probe_.files.find_program("go");
    if (!go) return {false, "no go on PATH", "apt-get install golang-go"};
    const auto& version = run_once({*go, "env", "GOVERSION"});
    const std::string name = version ? std::string(trim(*version)) : std::string("go");
    const auto& list = run_once({*go, "tool", "dist", "list"});
    const std::string wanted = std::string(row.os) + "/" + std::string(row.go_arch);
    if (list) {
        for (std::string_view line : split(*list, '\n'))
            if (trim(line) == wanted) return {true, name, {}};
    }
    return {false, name + " cannot build " + wanted + " (go tool dist list)", "a newer Go (golang-go from backports)"};
}

inline Finding Inventory::c(const Target& row) const {
    const TargetEnv env = detail::inventory_env(row, probe_);
    const CcToolchain tc(env, probe_.files);
    Finding f;
    std::string compiler;
    try {
        compiler = tc.compiler(Lang::c, Family::any, {}).argv.at(0);
    } catch (const ToolchainError& e) {
        f.detail = e.what();
        if (row.os == "linux") f.install = "apt-get install clang lld (or gcc-" + tc.gnu_triple() + ")";
        else if (row.os == "windows" && row.runs_under_wine) f.install = "apt-get install mingw-w64";
        return f;
    }
    if (compiler == "clang" && tc.linker().kind == CcToolchain::Linker::none) {
        f.detail = "clang has no linker for " + tc.triple();
        f.install = "apt-get install lld (or binutils-" + tc.gnu_triple() + ")";
        return f;
    }
    // The target's C library: what the compiler cannot do without.
    const auto& files = probe_.files;
    if (row.os == "linux" && env.libc() == "gnu") {
        const std::string multiarch = "/usr/lib/" + std::string(row.multiarch);
        const std::string cross = "/usr/" + tc.gnu_triple() + "/lib";
        const bool libc = files.exists(multiarch + "/crt1.o") || files.exists(cross + "/crt1.o");
        if (!libc) {
            f.detail =
                compiler + ", but no glibc for " + tc.gnu_triple() + " (crt1.o in " + multiarch + " or " + cross + ")";
            f.install = "apt-get install libc6-dev-" + std::string(row.debian) + "-cross";
            return f;
        }
    } else if (row.os == "linux" && env.libc() == "musl") {
        if (!files.exists(env.sysroot() + "usr/lib/crt1.o")) {
            f.detail = compiler + ", but no musl in " + env.sysroot();
            f.install = "TARGETPLATFORM=" + platform_of(row).str() + " xx-apk add xx-c-essentials";
            return f;
        }
    } else if (row.os == "windows") {
        if (!files.exists("/usr/" + tc.triple() + "/lib")) {
            f.detail = compiler + ", but no mingw-w64 runtime in /usr/" + tc.triple();
            // Debian's mingw-w64 is built for the x86 rows only (the ones wine runs too).
            if (row.runs_under_wine) f.install = "apt-get install mingw-w64";
            else f.detail += " (Debian's mingw-w64 has x86 only: llvm-mingw has it)";
            return f;
        }
    } else if (row.os == "darwin") {
        bool sdk = false;
        for (const auto& name : files.list_dir("/xx-sdk")) sdk = sdk || name.starts_with("MacOSX");
        if (!sdk) return {false, compiler + ", but no macOS SDK in /xx-sdk", "a MacOSX*.sdk unpacked into /xx-sdk"};
    } else {
        return {false, "no " + std::string(row.os) + " C library (sysroot) here", {}};
    }
    f.found = true;
    f.detail = compiler.substr(compiler.rfind('/') + 1);
    if (f.detail == "clang") {
        const auto ld = tc.linker();
        f.detail += ld.kind == CcToolchain::Linker::lld ? " + lld" : " + " + ld.path.substr(ld.path.rfind('/') + 1);
    }
    return f;
}

inline Finding Inventory::rust(const Target& row, const Finding& c) const {
    auto rustc = probe_.files.find_program("rustc");
    if (!rustc) return {false, "no rustc on PATH", "apt-get install rustc cargo"};
    const TargetEnv env = detail::inventory_env(row, probe_);
    const std::string triple = RustToolchain(env).triple();
    const auto& sysroot = run_once({*rustc, "--print", "sysroot"});
    const std::string libdir =
        (sysroot ? std::string(trim(*sysroot)) : std::string()) + "/lib/rustlib/" + triple + "/lib";
    bool std_found = false;
    for (const auto& name : probe_.files.list_dir(libdir))
        std_found = std_found || (name.starts_with("libstd-") && name.ends_with(".rlib"));
    if (!std_found) {
        auto rustup = probe_.files.find_program("rustup");
        const bool rustup_managed = rustup && detail::same_file(*rustc, *rustup);
        Finding f {false, "no standard library for " + triple + " in " + libdir, {}};
        if (rustup_managed) f.install = "rustup target add " + triple;
        else if (row.os == "linux" && env.libc() == "gnu" && !row.debian.empty())
            f.install = "TARGETPLATFORM=" + platform_of(row).str() + " xx-apt-get install libstd-rust-dev";
        else if (!row.debian_rust_std.empty()) f.install = "apt-get install " + std::string(row.debian_rust_std);
        return f;
    }
    if (!c.found) return {false, triple + " std found, but no C toolchain to link with", c.install};
    return {true, triple, {}};
}

}  // namespace xbuild::toolchain

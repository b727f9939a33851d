// Implementation of xbuild/toolchain/cc.hpp.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "../../platform.hpp"
#include "../../process.hpp"
#include "../../strings.hpp"

namespace xbuild::toolchain {

namespace detail {

// Tools `--setup-target-triple` links, longest first so clang++ is matched before clang.
inline constexpr std::array<std::string_view, 17> prefixed_tools = {
    "pkg-config", "addr2line", "clang++", "objcopy", "objdump", "readelf", "windres", "dlltool", "strings",
    "ranlib",     "clang",     "strip",   "size",    "ar",      "nm",      "ld",      "as"};

inline bool compile_only(std::span<const std::string> args) {
    if (args.empty()) return true;
    for (const auto& a : args)
        if (a == "-c" || a == "-S" || a == "-E" || a == "-M" || a == "-MM" || a == "-fsyntax-only" ||
            a == "--version" || a == "-dumpversion" || a == "-dumpmachine" || a.rfind("-print-", 0) == 0 ||
            a.rfind("--print-", 0) == 0)
            return true;
    return false;
}

inline bool has_flag_prefix(std::span<const std::string> args, std::string_view prefix) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return a.rfind(prefix, 0) == 0; });
}

inline std::string xx_dir() {
    std::string self = self_executable();
    auto slash = self.rfind('/');
    return slash == std::string::npos ? std::string(".") : self.substr(0, slash);
}

inline std::string quote_meson(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

inline std::string_view system_name(std::string_view os) {
    if (os == "windows") return "Windows";
    if (os == "darwin") return "Darwin";
    if (os == "freebsd") return "FreeBSD";
    return "Linux";
}

}  // namespace detail

inline Probe Probe::system() {
    return {
        [](std::string_view name) { return xbuild::find_program(name, {}, true); },
        [](const std::string& path) { return ::access(path.c_str(), F_OK) == 0; },
        [](const std::string& dir) {
            std::vector<std::string> names;
            if (DIR* d = ::opendir(dir.c_str())) {
                while (dirent* e = ::readdir(d))
                    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
                ::closedir(d);
            }
            std::sort(names.begin(), names.end());
            return names;
        },
        process_env(),
    };
}

inline CcToolchain::CcToolchain(TargetEnv env, Probe probe, std::string triple)
    : env_(std::move(env)), probe_(std::move(probe)), triple_(std::move(triple)) {
    if (triple_.empty()) triple_ = env_.triple();
}

inline std::string CcToolchain::gnu_triple() const {
    const Target& t = env_.target();
    if (t.os != "linux") return triple_;
    // Debian's spelling: no vendor, the glibc triple's arch and ABI.
    return std::string(t.triple_arch) + "-linux-" + env_.libc() + std::string(t.triple_abi);
}

inline std::string CcToolchain::sysroot() const {
    const Target& t = env_.target();
    if (t.os == "darwin") return "/xx-sdk";
    if (env_.vendor() == "alpine" && env_.is_cross()) {
        std::string root = "/" + triple_;
        if (probe_.exists(root)) return root;
    }
    for (const std::string& dir : {"/usr/" + gnu_triple(), "/usr/" + triple_})
        if (probe_.exists(dir + "/include") || probe_.exists(dir + "/lib")) return dir;
    return "/";
}

inline std::optional<std::string> CcToolchain::find_gcc(Lang lang) const {
    const char* suffix = lang == Lang::c ? "-gcc" : "-g++";
    for (const std::string& prefix : {triple_, gnu_triple()})
        if (auto found = probe_.find_program(prefix + suffix)) return found;
    return std::nullopt;
}

inline std::vector<std::string> CcToolchain::clang_flags(Lang lang, std::span<const std::string> args) const {
    const Target& t = env_.target();
    std::vector<std::string> flags {"--target=" + triple_};
    // A --sysroot only where clang cannot find the files itself (see the header).
    if (t.os == "darwin" || (env_.vendor() == "alpine" && env_.is_cross())) {
        std::string root = sysroot();
        if (probe_.exists(root)) flags.push_back("--sysroot=" + root);
    }
    if (!t.cc_march.empty() && !detail::has_flag_prefix(args, "-march="))
        flags.push_back("-march=" + std::string(t.cc_march));

    const Linker ld = linker();
    // Without GNU ld, some targets still link with lld given the right code (riscv64: no relaxations).
    if (ld.kind == Linker::lld && t.needs_gnu_ld && !t.lld_cflags.empty()) flags.push_back(std::string(t.lld_cflags));

    if (!detail::compile_only(args) && !detail::has_flag_prefix(args, "-fuse-ld=")) {
        if (ld.kind == Linker::lld) flags.push_back("-fuse-ld=lld");
        // Debian's <gnu triple>-ld.bfd is what clang finds for -fuse-ld=bfd; another GNU ld by path.
        else if (ld.kind == Linker::gnu && ld.path.find("/" + gnu_triple() + "-ld") != std::string::npos)
            flags.push_back("-fuse-ld=bfd");
        else if (ld.kind == Linker::gnu) flags.push_back("--ld-path=" + ld.path);
    }
    if (t.os == "windows" && !detail::compile_only(args)) {
        // Debian's mingw-w64 keeps libgcc in /usr/lib/gcc/<triple>/<version>-{win32,posix}, a
        // folder clang does not look in.
        std::string base = "/usr/lib/gcc/" + triple_;
        std::vector<std::string> versions = probe_.list_dir(base);
        std::string pick;
        for (const auto& v : versions)
            if (v.size() > 6 && v.compare(v.size() - 6, 6, "-win32") == 0) pick = v;
        if (pick.empty() && !versions.empty()) pick = versions.back();
        if (!pick.empty()) flags.push_back("-L" + base + "/" + pick);
    }
    (void)lang;
    return flags;
}

inline CcToolchain::Linker CcToolchain::linker() const {
    const Target& t = env_.target();
    const std::string prefer = probe_.getenv("XX_CC_PREFER_LINKER");
    const bool static_wants_gnu = t.static_prefers_gnu_ld && !probe_.getenv("XX_CC_PREFER_STATIC_LINKER").empty();
    // Debian's binutils-<gnu triple>, else a GNU ld named for the full triple (Alpine's).
    std::optional<std::string> gnu_ld;
    for (const std::string& name : {gnu_triple() + "-ld", gnu_triple() + "-ld.bfd", triple_ + "-ld"})
        if (!gnu_ld) gnu_ld = probe_.find_program(name);
    const bool have_lld = probe_.find_program("ld.lld").has_value();
    bool use_lld = have_lld && prefer != "ld" && prefer != "bfd";
    if (use_lld && (t.needs_gnu_ld || static_wants_gnu) && gnu_ld && prefer != "lld") use_lld = false;
    if (use_lld) return {Linker::lld, "lld"};
    if (gnu_ld && prefer != "lld") return {Linker::gnu, *gnu_ld};
    return {};
}

// The first /xx-sdk/MacOSX*.sdk, else the name the xx helpers assume before an SDK is there.
inline std::string CcToolchain::macos_sdk() const {
    for (const std::string& name : probe_.list_dir("/xx-sdk"))
        if (name.starts_with("MacOSX") && name.ends_with(".sdk")) return "/xx-sdk/" + name;
    return "/xx-sdk/MacOSX11.1.sdk";
}

inline std::string CcToolchain::clang_config() const {
    Linker ld = linker();
    // For macOS the shell helper names ld64 (the signing one when installed), lld or not.
    if (env_.target().os == "darwin") {
        auto signed_ld = probe_.find_program("ld64.signed");
        ld = {Linker::ld64, signed_ld ? *signed_ld : "ld64"};
    }
    if (ld.kind == Linker::none)
        throw ToolchainError("no suitable linker found for " + triple_ +
                             ": install lld, or the target's GNU ld (Debian: binutils-" + gnu_triple() + ")");
    std::string config = "--target=" + triple_ + " -fuse-ld=" + ld.path;
    if (!env_.is_cross()) return config;
    const Target& t = env_.target();
    if (t.os == "darwin") return config + " -isysroot " + macos_sdk() + " -stdlib=libc++";
    if (t.os == "windows") return config + " -I/usr/" + triple_ + "/include -L/usr/" + triple_ + "/lib";
    if (env_.vendor() == "alpine") {
        config += " --sysroot=/" + triple_ + "/";
        if (ld.kind == Linker::gnu) config += " -Wl,-rpath-link,/" + triple_ + "/usr/lib";
    }
    return config;
}

inline std::string CcToolchain::clang_default_config() const {
    const Linker ld = linker();
    if (ld.kind == Linker::none)
        throw ToolchainError("no suitable linker found for " + triple_ + ": apt-get install lld, or binutils");
    return "-fuse-ld=" + ld.path;
}

inline Command CcToolchain::compiler(Lang lang, Family family, std::span<const std::string> args) const {
    const std::string prefer = probe_.getenv("XX_CC_PREFER_COMPILER");
    if (family == Family::any && prefer == "gcc") family = Family::gcc;
    if (family == Family::any && prefer == "clang") family = Family::clang;
    const char* clang_name = lang == Lang::c ? "clang" : "clang++";
    const Target& t = env_.target();

    std::optional<std::string> clang;
    if (family != Family::gcc) clang = probe_.find_program(clang_name);
    // Windows C++ with clang needs a libstdc++ layout clang does not find in Debian's mingw-w64:
    // the target's g++ is the better compiler there when it is installed.
    if (clang && family == Family::any && t.os == "windows" && lang == Lang::cxx && find_gcc(lang)) clang.reset();

    if (clang) {
        Command cmd {*clang, {clang_name}, {}};
        for (auto& f : clang_flags(lang, args)) cmd.argv.push_back(std::move(f));
        cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
        return cmd;
    }
    if (family != Family::clang) {
        if (auto gcc = find_gcc(lang)) {
            Command cmd {*gcc, {gcc->substr(gcc->rfind('/') + 1)}, {}};
            if (!t.cc_march.empty() && !detail::has_flag_prefix(args, "-march="))
                cmd.argv.push_back("-march=" + std::string(t.cc_march));
            cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
            return cmd;
        }
    }
    const std::string gcc_pkg = (lang == Lang::c ? "gcc-" : "g++-") + gnu_triple();
    if (family == Family::clang)
        throw ToolchainError(std::string(clang_name) + " not found: apt-get install clang lld (or apk add clang lld)");
    throw ToolchainError("no C" + std::string(lang == Lang::c ? "" : "++") + " compiler for " + triple_ +
                         ": apt-get install clang lld, or Debian's " + gcc_pkg);
}

inline Command CcToolchain::pkg_config(std::span<const std::string> args) const {
    auto pc = probe_.find_program("pkg-config");
    if (!pc) pc = probe_.find_program("pkgconf");
    if (!pc) throw ToolchainError("pkg-config not found: apt-get install pkg-config (or apk add pkgconf)");
    const Target& t = env_.target();
    const std::string root = sysroot();
    Command cmd {*pc, {"pkg-config"}, {}};
    std::vector<std::string> dirs;
    if (root != "/" && root.rfind("/usr/", 0) != 0) {
        // A secondary root (Alpine's /<triple>): its .pc files name paths inside it.
        dirs = {root + "/usr/lib/pkgconfig", root + "/usr/share/pkgconfig"};
        cmd.env.push_back("PKG_CONFIG_SYSROOT_DIR=" + root);
    } else {
        // Debian: multiarch packages (zlib1g-dev:arm64), then -cross packages in /usr/<triple>.
        if (!t.multiarch.empty()) dirs.push_back("/usr/lib/" + std::string(t.multiarch) + "/pkgconfig");
        if (root != "/") dirs.push_back(root + "/lib/pkgconfig");
        dirs.push_back("/usr/share/pkgconfig");
    }
    cmd.env.insert(cmd.env.begin(), "PKG_CONFIG_LIBDIR=" + join(dirs, ":"));
    cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
    return cmd;
}

inline Command CcToolchain::binutil(std::string_view tool, std::span<const std::string> args) const {
    std::vector<std::string> candidates;
    if (tool == "ld") {
        // The target's own GNU ld knows its emulation and default paths; lld infers them.
        candidates = {gnu_triple() + "-ld", triple_ + "-ld", "ld.lld"};
    } else if (tool == "as") {
        candidates = {gnu_triple() + "-as", triple_ + "-as"};
    } else {
        candidates = {"llvm-" + std::string(tool), gnu_triple() + "-" + std::string(tool),
                      triple_ + "-" + std::string(tool)};
    }
    for (const auto& name : candidates) {
        if (auto found = probe_.find_program(name)) {
            Command cmd {*found, {name}, {}};
            cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
            return cmd;
        }
    }
    throw ToolchainError(triple_ + "-" + std::string(tool) + ": neither llvm-" + std::string(tool) + " nor " +
                         gnu_triple() + "-" + std::string(tool) + " found: apt-get install llvm lld, or binutils-" +
                         gnu_triple());
}

inline std::vector<std::string> CcToolchain::prefixed_tool_names() const {
    std::vector<std::string> names;
    const bool windows = env_.target().os == "windows";
    for (std::string_view tool : detail::prefixed_tools) {
        if (!windows && (tool == "windres" || tool == "dlltool")) continue;
        names.push_back(triple_ + "-" + std::string(tool));
    }
    return names;
}

inline std::string CcToolchain::cmake_defines() const {
    std::string pc = detail::xx_dir() + "/" + triple_ + "-pkg-config";
    return "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_ASM_COMPILER=clang "
           "-DPKG_CONFIG_EXECUTABLE=" +
           pc + " -DCMAKE_C_COMPILER_TARGET=" + triple_ + " -DCMAKE_CXX_COMPILER_TARGET=" + triple_ +
           " -DCMAKE_ASM_COMPILER_TARGET=" + triple_;
}

inline std::string CcToolchain::meson_cross_file(const std::string& tool_dir) const {
    const Target& t = env_.target();
    const std::string dir = (tool_dir.empty() ? detail::xx_dir() : tool_dir) + "/";
    const std::string platform = platform_of(t).str();
    auto tool = [&](std::string_view name) { return detail::quote_meson(dir + triple_ + "-" + std::string(name)); };
    std::string s;
    s += "# Meson cross file for " + platform + " (" + triple_ + "), made by xx-cc --print-meson-cross-file\n";
    s += "[binaries]\n";
    s += "c = " + tool("clang") + "\n";
    s += "cpp = " + tool("clang++") + "\n";
    s += "ar = " + tool("ar") + "\n";
    s += "strip = " + tool("strip") + "\n";
    s += "ranlib = " + tool("ranlib") + "\n";
    // Meson before 1.3 reads only `pkgconfig`, later ones prefer `pkg-config`: give both.
    s += "pkgconfig = " + tool("pkg-config") + "\n";
    s += "pkg-config = " + tool("pkg-config") + "\n";
    if (t.os == "windows") s += "windres = " + tool("windres") + "\n";
    s += "exe_wrapper = [" + detail::quote_meson(dir + "xx-run") + ", '--platform', " + detail::quote_meson(platform) +
         "]\n\n";
    s += "[host_machine]\n";
    s += "system = " + detail::quote_meson(t.os) + "\n";
    s += "cpu_family = " + detail::quote_meson(t.meson_cpu_family) + "\n";
    s += "cpu = " + detail::quote_meson(t.uname) + "\n";
    s += std::string("endian = ") + (t.endian == Endian::little ? "'little'" : "'big'") + "\n";
    if (!t.cc_march.empty()) {
        const std::string march = "['-march=" + std::string(t.cc_march) + "']";
        s += "\n[built-in options]\nc_args = " + march + "\ncpp_args = " + march + "\n";
    }
    std::string root = sysroot();
    if (root != "/" && root.rfind("/usr/", 0) != 0)
        s += "\n[properties]\nsys_root = " + detail::quote_meson(root) + "\n";
    return s;
}

inline std::string CcToolchain::cmake_toolchain(const std::string& tool_dir) const {
    const Target& t = env_.target();
    const std::string dir = (tool_dir.empty() ? detail::xx_dir() : tool_dir) + "/";
    const std::string platform = platform_of(t).str();
    auto tool = [&](std::string_view name) { return "\"" + dir + triple_ + "-" + std::string(name) + "\""; };
    std::string s;
    s += "# CMake toolchain for " + platform + " (" + triple_ + "), made by xx-cc --print-cmake-toolchain\n";
    s += "set(CMAKE_SYSTEM_NAME " + std::string(detail::system_name(t.os)) + ")\n";
    s += "set(CMAKE_SYSTEM_PROCESSOR " + std::string(t.uname) + ")\n";
    s += "set(CMAKE_C_COMPILER " + tool("clang") + ")\n";
    s += "set(CMAKE_CXX_COMPILER " + tool("clang++") + ")\n";
    s += "set(CMAKE_ASM_COMPILER " + tool("clang") + ")\n";
    s += "set(CMAKE_AR " + tool("ar") + " CACHE FILEPATH \"\")\n";
    s += "set(CMAKE_RANLIB " + tool("ranlib") + " CACHE FILEPATH \"\")\n";
    s += "set(CMAKE_STRIP " + tool("strip") + " CACHE FILEPATH \"\")\n";
    if (t.os == "windows") s += "set(CMAKE_RC_COMPILER " + tool("windres") + ")\n";
    s += "set(PKG_CONFIG_EXECUTABLE " + tool("pkg-config") + " CACHE FILEPATH \"\")\n";
    // The prefixed compilers know the variant only from the triple (arm/v5 and v6 share one):
    // say it in the flags too.
    if (!t.cc_march.empty()) {
        s += "set(CMAKE_C_FLAGS_INIT \"-march=" + std::string(t.cc_march) + "\")\n";
        s += "set(CMAKE_CXX_FLAGS_INIT \"-march=" + std::string(t.cc_march) + "\")\n";
    }
    s += "set(CMAKE_CROSSCOMPILING_EMULATOR \"" + dir + "xx-run;--platform;" + platform + "\")\n";
    std::string root = sysroot();
    if (root != "/" && root.rfind("/usr/", 0) != 0) s += "set(CMAKE_SYSROOT \"" + root + "\")\n";
    s += "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n";
    if (t.os == "linux" && !t.multiarch.empty() && (root == "/" || root.rfind("/usr/", 0) == 0))
        s += "set(CMAKE_LIBRARY_ARCHITECTURE " + std::string(t.multiarch) + ")\n";
    return s;
}

inline std::string platform_for_triple(std::string_view triple) {
    auto parts = split(triple, '-');
    if (parts.size() < 2) return {};
    std::string_view arch = parts[0], last = parts.back();
    std::string_view os = "linux";
    if (triple.find("mingw32") != std::string_view::npos || triple.find("windows") != std::string_view::npos)
        os = "windows";
    else if (triple.find("apple") != std::string_view::npos || triple.find("darwin") != std::string_view::npos)
        os = "darwin";
    else if (triple.find("freebsd") != std::string_view::npos) os = "freebsd";
    else if (triple.find("linux") == std::string_view::npos) return {};
    auto ends_with = [](std::string_view s, std::string_view suffix) {
        return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
    };
    for (const Target& t : targets()) {
        if (t.os != os) continue;
        bool glibc_like = t.triple_arch == arch && (os != "linux" || ends_with(last, t.triple_abi));
        bool alpine_like = t.triple_arch_alpine == arch && (os != "linux" || ends_with(last, t.triple_abi_alpine));
        if (glibc_like || alpine_like) return platform_of(t).str();
    }
    return {};
}

inline std::optional<PrefixedTool> split_prefixed_tool(std::string_view name) {
    for (std::string_view tool : detail::prefixed_tools) {
        if (name.size() <= tool.size() + 1) continue;
        std::string_view tail = name.substr(name.size() - tool.size());
        if (tail != tool || name[name.size() - tool.size() - 1] != '-') continue;
        std::string_view triple = name.substr(0, name.size() - tool.size() - 1);
        if (platform_for_triple(triple).empty()) return std::nullopt;
        return PrefixedTool {std::string(triple), std::string(tool)};
    }
    return std::nullopt;
}

}  // namespace xbuild::toolchain

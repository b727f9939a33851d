// The target-prefixed tools (<triple>-clang, <triple>-pkg-config, <triple>-ar, ...) that
// `xx-cc --setup-target-triple` links to xx, and plain clang/clang++ after `xx-cc --wrap`.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "auto_install.hpp"
#include "cc_common.hpp"
#include "clang_config.hpp"
#include "helpers.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/process.hpp"

namespace xbuild::xx {

using xbuild::toolchain::CcToolchain;
using xbuild::toolchain::Family;
using xbuild::toolchain::Lang;

std::string xx_folder() {
    std::string self = xbuild::self_executable();
    auto slash = self.rfind('/');
    return slash == std::string::npos ? "." : self.substr(0, slash);
}

std::string xx_file_name() {
    std::string self = xbuild::self_executable();
    return self.substr(self.rfind('/') + 1);
}

int exec_command(std::string_view helper, const xbuild::Command& cmd) {
    try {
        xbuild::exec_program(cmd.program, cmd.argv, cmd.env);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(helper.size()), helper.data(), e.what());
    }
    return 127;
}

// Whether `path` is a file someone else put there (not a link to xx). Debian's
// binutils-<triple> installs /usr/bin/<triple>-as, -ld, -ar ..., and its gcc runs them by paths
// of its own (/usr/<triple>/bin/as): with xx in /usr/bin, our link must never replace them.
bool taken_by_another_file(const std::string& path, const std::string& xx_name) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return false;
    if (!S_ISLNK(st.st_mode)) return true;
    char buf[4096];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    if (n < 0) return true;
    const std::string to(buf, std::size_t(n));
    return to != xx_name && !to.ends_with("/" + xx_name);
}

// The binutils the xx shell helper links straight to LLVM's (llvm-ar, ...) when those sit beside
// it; Dockerfiles read the links (readlink <triple>-dlltool), so we do the same.
bool links_to_llvm(const std::string& tool) {
    for (const char* name : {"addr2line", "ar", "as", "ranlib", "nm", "dlltool", "strip", "readelf"})
        if (tool == name) return true;
    return false;
}

bool setup_target_triple(const CcToolchain& tc, bool report_errors) {
    const std::string dir = xx_folder(), target = xx_file_name();
    bool ok = true;
    for (const std::string& name : tc.prefixed_tool_names()) {
        const std::string link = dir + "/" + name;
        if (taken_by_another_file(link, target)) continue;  // the real tool serves
        const std::string tool = name.substr(tc.triple().size() + 1);
        const std::string llvm = "llvm-" + tool;
        const bool to_llvm = links_to_llvm(tool) && ::access((dir + "/" + llvm).c_str(), X_OK) == 0;
        if (!xbuild::replace_symlink(to_llvm ? llvm : target, link)) {
            if (report_errors)
                std::fprintf(stderr, "xx-cc: cannot create %s: %s\n", link.c_str(), std::strerror(errno));
            ok = false;
        }
    }
    return ok;
}

void ensure_target_triple_links(const CcToolchain& tc) {
    const std::string prefix = xx_folder() + "/" + tc.triple();
    if (!xbuild::path_taken(prefix + "-clang")) setup_target_triple(tc, false);
    if (!xbuild::path_taken(prefix + ".cfg")) setup_clang_config(tc, false);
}

CcToolchain toolchain_for_triple(const std::string& triple) {
    auto from_env = xbuild::TargetEnv::from_process();
    // The environment's target when it is this triple (it knows the variant: arm/v5 vs v6 share
    // arm-linux-gnueabi); else the platform the triple spells.
    try {
        if (from_env.triple() == triple) return CcToolchain(from_env, xbuild::toolchain::Probe::system(), triple);
    } catch (const xbuild::UnsupportedTarget&) {}
    const std::string platform = xbuild::toolchain::platform_for_triple(triple);
    auto env = xbuild::process_env();
    auto lookup = [&](std::string_view name) -> std::string {
        if (name == "TARGETPLATFORM") return platform;
        if (name == "TARGETPAIR" || name == "TARGETOS" || name == "TARGETARCH" || name == "TARGETVARIANT") return "";
        return env(name);
    };
    auto te = xbuild::TargetEnv::from_process(lookup);
    return CcToolchain(te, xbuild::toolchain::Probe::system(), triple);
}

bool is_prefixed_tool(std::string_view name) {
    return name == "clang" || name == "clang++" || xbuild::toolchain::split_prefixed_tool(name).has_value();
}

int prefixed_tool_main(std::string_view invoked_as, Args args) {
    std::vector<std::string> user(args.begin(), args.end());
    try {
        if (invoked_as == "clang" || invoked_as == "clang++") return plain_clang_main(invoked_as, args);
        auto tool = xbuild::toolchain::split_prefixed_tool(invoked_as);
        CcToolchain tc = toolchain_for_triple(tool->triple);
        // Family::any: Debian's <triple>-gcc serves when clang is missing (images with gcc only).
        if (tool->tool == "clang")
            return exec_command(invoked_as, compiler_or_install(invoked_as, tc, Lang::c, Family::any, user));
        if (tool->tool == "clang++")
            return exec_command(invoked_as, compiler_or_install(invoked_as, tc, Lang::cxx, Family::any, user));
        if (tool->tool == "pkg-config") return exec_command(invoked_as, tc.pkg_config(user));
        return exec_command(invoked_as, tc.binutil(tool->tool, user));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx

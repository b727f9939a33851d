// XX_AUTO_INSTALL=1: running the install plan (see auto_install.hpp).
#include "auto_install.hpp"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "cc_common.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::xx {

using xbuild::toolchain::CcToolchain;
using xbuild::toolchain::Family;
using xbuild::toolchain::Lang;
using xbuild::toolchain::Missing;

namespace {

// xx-apt-get / xx-apk: the one on PATH (what the user would run), else the link next to xx.
std::string helper_program(const std::string& name) {
    if (name.rfind("xx-", 0) != 0) return name;  // apt-get, apk: run_program looks them up
    if (auto found = xbuild::find_program(name)) return *found;
    return xx_folder() + "/" + name;
}

}  // namespace

bool auto_install(std::string_view helper, const xbuild::TargetEnv& env, Missing missing, bool enabled) {
    if (!missing.any() || !enabled) return false;
    const std::string why =
        xbuild::toolchain::auto_install_enabled() ? "XX_AUTO_INSTALL=1" : "the target's Rust std is missing";
    const xbuild::toolchain::InstallHost host {::geteuid() == 0, xbuild::find_program("apt-get").has_value(),
                                               xbuild::find_program("apk").has_value()};
    auto plan = xbuild::toolchain::plan_auto_install(env, missing, host);
    if (!plan.refusal.empty()) throw std::runtime_error(plan.refusal);
    for (auto argv : plan.commands) {
        std::fprintf(stderr, "%.*s: %s: running %s\n", int(helper.size()), helper.data(), why.c_str(),
                     xbuild::join(argv, " ").c_str());
        std::fflush(stderr);
        const std::string shown = argv[0];
        argv[0] = helper_program(argv[0]);
        if (int status = xbuild::run_program(argv); status != 0)
            throw std::runtime_error(why + ": " + shown + " failed (exit status " + std::to_string(status) + ")");
    }
    return true;
}

bool has_compiler(const CcToolchain& tc, Lang lang, Family family) {
    try {
        tc.compiler(lang, family, {});
        return true;
    } catch (const xbuild::toolchain::ToolchainError&) { return false; }
}

bool target_libc_missing(const CcToolchain& tc) {
    if (!xbuild::toolchain::auto_install_enabled()) return false;
    const xbuild::TargetEnv& env = tc.target();
    const xbuild::Target& t = env.target();
    if (t.os != "linux" || env.libc() != "gnu" || t.multiarch.empty()) return false;
    for (const std::string& dir : {"/usr/lib/" + std::string(t.multiarch), "/usr/" + tc.gnu_triple() + "/lib"})
        if (::access((dir + "/crt1.o").c_str(), F_OK) == 0) return false;
    return true;
}

xbuild::Command compiler_or_install(std::string_view helper, const CcToolchain& tc, Lang lang, Family family,
                                    std::span<const std::string> args) {
    try {
        xbuild::Command cmd = tc.compiler(lang, family, args);
        if (target_libc_missing(tc)) {
            Missing missing;
            missing.libc = true;
            auto_install(helper, tc.target(), missing);
        }
        return cmd;
    } catch (const xbuild::toolchain::ToolchainError& e) {
        if (family == Family::clang) throw;
        Missing missing;
        (lang == Lang::c ? missing.c_compiler : missing.cxx_compiler) = true;
        if (!auto_install(helper, tc.target(), missing))
            throw xbuild::toolchain::ToolchainError(e.what() + std::string(xbuild::toolchain::auto_install_hint));
    }
    return tc.compiler(lang, family, args);
}

}  // namespace xbuild::xx

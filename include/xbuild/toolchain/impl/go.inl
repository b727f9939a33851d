// Implementation of xbuild/toolchain/go.hpp.
#pragma once

#include <stdexcept>

namespace xbuild::toolchain {

inline GoToolchain::GoToolchain(TargetEnv env, EnvLookup user_env)
    : env_(std::move(env)), user_env_(std::move(user_env)) {}

inline std::vector<std::pair<std::string, std::string>> GoToolchain::go_vars() const {
    const Target& t = env_.target();
    std::vector<std::pair<std::string, std::string>> vars {{"GOOS", std::string(t.os)},
                                                           {"GOARCH", std::string(t.go_arch)}};
    if (t.go_var.empty()) return vars;
    // A row with no variant of its own takes Go's own value word from TARGETVARIANT, as the shell
    // helper does (linux/mips/softfloat -> GOMIPS=softfloat; 386/softfloat -> GO386=softfloat).
    const std::string& asked = env_.variant();
    const bool go_word = asked == "softfloat" || asked == "hardfloat" || asked == "sse2";
    vars.emplace_back(t.go_var, t.variant.empty() && go_word ? asked : std::string(t.go_value));
    return vars;
}

inline CgoCompiler GoToolchain::cgo_compiler() const {
    const std::string prefer = user_env_("XX_GO_PREFER_C_COMPILER");
    if (prefer.empty() || prefer == "clang") return CgoCompiler::clang;
    if (prefer == "gcc") return CgoCompiler::gcc;
    if (prefer == "zig") return CgoCompiler::zig;
    throw std::invalid_argument("XX_GO_PREFER_C_COMPILER='" + prefer +
                                "' is not a C compiler xx-go knows; valid: clang, gcc, zig");
}

inline bool GoToolchain::cgo_enabled() const { return user_env_("CGO_ENABLED") == "1"; }

namespace detail {

// `zig cc -target` spelling: <arch>-<os>-<abi>, zig's names for the OS and ABI.
inline std::string zig_target(const TargetEnv& env) {
    const Target& t = env.target();
    const std::string arch(t.zig_arch.empty() ? t.triple_arch : t.zig_arch);
    if (t.os == "darwin") return arch + "-macos";
    if (t.os == "windows") return arch + "-windows-gnu";
    if (t.os != "linux") return arch + "-" + std::string(t.os);
    const bool musl = env.libc() == "musl";
    return arch + "-linux-" + env.libc() + std::string(musl ? t.triple_abi_alpine : t.triple_abi);
}

}  // namespace detail

inline std::vector<std::string> GoToolchain::env_changes(const std::string& tool_dir, bool target_ar) const {
    std::vector<std::string> changes;
    auto set_unless_user = [&](const std::string& name, const std::string& value) {
        if (user_env_(name).empty()) changes.push_back(name + "=" + value);
    };
    for (const auto& [name, value] : go_vars()) set_unless_user(name, value);
    if (!cgo_enabled()) return changes;

    bool on_path = false;
    const std::string path = user_env_("PATH");
    for (auto dir : split(path, ':'))
        if (!dir.empty() && (dir == tool_dir || (dir.back() == '/' && dir.substr(0, dir.size() - 1) == tool_dir)))
            on_path = true;
    auto tool = [&](const std::string& name) { return on_path ? name : tool_dir + "/" + name; };
    const std::string triple = env_.triple();
    switch (cgo_compiler()) {
        case CgoCompiler::clang:
            set_unless_user("CC", tool(triple + "-clang"));
            set_unless_user("CXX", tool(triple + "-clang++"));
            if (target_ar) set_unless_user("AR", tool(triple + "-ar"));
            break;
        case CgoCompiler::gcc:
            // The prefixed tools fall back to Debian's <triple>-gcc; XX_CC_PREFER_COMPILER makes them.
            set_unless_user("CC", tool(triple + "-clang"));
            set_unless_user("CXX", tool(triple + "-clang++"));
            set_unless_user("XX_CC_PREFER_COMPILER", "gcc");
            break;
        case CgoCompiler::zig: {
            const std::string target = detail::zig_target(env_);
            set_unless_user("CC", "zig cc -target " + target);
            set_unless_user("CXX", "zig c++ -target " + target);
            break;
        }
    }
    set_unless_user("PKG_CONFIG", tool(triple + "-pkg-config"));
    return changes;
}

}  // namespace xbuild::toolchain

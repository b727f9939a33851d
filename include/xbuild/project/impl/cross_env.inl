// Implementation of xbuild/project/cross_env.hpp.
#pragma once

#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <system_error>

#include "../../fs.hpp"
#include "../../process.hpp"
#include "../../toolchain/cc.hpp"
#include "../../toolchain/go.hpp"
#include "../../toolchain/rust.hpp"

namespace xbuild::project {

namespace detail {

// The helpers a build may call by their xx names.
inline constexpr std::array<std::string_view, 10> xx_helper_names {
    "xx-cc", "xx-c++", "xx-clang", "xx-clang++", "xx-go", "xx-cargo", "xx-run", "xx-info", "xx-verify", "xx-windres"};

// The C tools handed to build systems through the usual variables, as prefixed tool names.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 8> c_tool_variables {{
    {"CC", "clang"},
    {"CXX", "clang++"},
    {"AR", "ar"},
    {"RANLIB", "ranlib"},
    {"STRIP", "strip"},
    {"NM", "nm"},
    {"OBJCOPY", "objcopy"},
    {"PKG_CONFIG", "pkg-config"},
}};

// `base` with some variables decided here in front of it.
inline EnvLookup overlay(std::map<std::string, std::string, std::less<>> values, EnvLookup base) {
    return [values = std::move(values), base = std::move(base)](std::string_view name) -> std::string {
        if (auto it = values.find(name); it != values.end()) return it->second;
        return base(name);
    };
}

inline std::string variable_name(const std::string& change) { return change.substr(0, change.find('=')); }

}  // namespace detail

inline std::optional<std::string> find_xx_binary() {
    const std::string self = self_executable();
    if (!self.empty()) {
        const auto beside = std::filesystem::path(self).parent_path() / "xx";
        if (::access(beside.c_str(), X_OK) == 0) return beside.string();
    }
    return find_program("xx");
}

inline CrossSetup prepare_cross(const xbuild::Platform& platform, const std::string& tool_dir,
                                const std::string& xx_binary, const CrossOptions& options, const EnvLookup& user_env) {
    CrossSetup setup;
    setup.platform = platform;
    setup.tool_dir = tool_dir;

    // The target as the helpers read it: TARGETPLATFORM alone (the user's TARGET* do not apply).
    const xbuild::Platform build = host_platform();
    std::map<std::string, std::string, std::less<>> target_vars {
        {"TARGETPLATFORM", platform.str()},
        {"TARGETOS", platform.os},
        {"TARGETARCH", platform.arch},
        {"TARGETVARIANT", platform.variant},
        {"TARGETPAIR", ""},
        {"BUILDPLATFORM", build.str()},
        {"BUILDOS", build.os},
        {"BUILDARCH", build.arch},
        {"BUILDVARIANT", build.variant},
    };
    if (user_env("CGO_ENABLED").empty()) target_vars["CGO_ENABLED"] = options.cgo.value_or(false) ? "1" : "0";
    const EnvLookup env = detail::overlay(target_vars, user_env);
    const TargetEnv target = TargetEnv::from_process(env);
    toolchain::CcToolchain cc(target);
    setup.triple = cc.triple();

    // The links: replaced when they point elsewhere (another xx), left alone when right.
    std::filesystem::create_directories(tool_dir);
    std::vector<std::string> links(detail::xx_helper_names.begin(), detail::xx_helper_names.end());
    for (std::string& name : cc.prefixed_tool_names()) links.push_back(std::move(name));
    for (const std::string& name : links)
        if (!replace_symlink(xx_binary, tool_dir + "/" + name))
            throw std::runtime_error(tool_dir + "/" + name + ": cannot link to " + xx_binary + ": " +
                                     std::generic_category().message(errno));

    setup.cmake_toolchain = tool_dir + "/toolchain.cmake";
    setup.meson_cross_file = tool_dir + "/cross.meson";
    write_file_if_changed(setup.cmake_toolchain, cc.cmake_toolchain(tool_dir));
    write_file_if_changed(setup.meson_cross_file, cc.meson_cross_file(tool_dir));

    std::vector<std::string>& out = setup.env;
    const std::string path = user_env("PATH");
    out.push_back("PATH=" + tool_dir + (path.empty() ? "" : ":" + path));
    for (const auto& [name, value] : target_vars)
        if (name != "TARGETPAIR" && name != "CGO_ENABLED") out.push_back(name + "=" + value);
    out.push_back("TARGETPAIR");  // unset: TARGETPLATFORM says it
    if (auto it = target_vars.find("CGO_ENABLED"); it != target_vars.end()) out.push_back("CGO_ENABLED=" + it->second);

    // The variables decided below are skipped when the user set them.
    auto add_unless_set = [&](const std::string& change) {
        if (user_env(detail::variable_name(change)).empty()) out.push_back(change);
    };
    const EnvLookup env_with_path = detail::overlay({{"PATH", tool_dir + ":" + path}}, env);
    for (const std::string& change : toolchain::GoToolchain(target, env_with_path).env_changes(tool_dir, true))
        add_unless_set(change);
    // The helpers install nothing unless asked (XX_AUTO_INSTALL=1): a missing target library or std
    // is named, with the package that has it, instead.
    add_unless_set("XX_AUTO_INSTALL=0");
    for (const auto& [variable, tool] : detail::c_tool_variables)
        add_unless_set(std::string(variable) + "=" + setup.triple + "-" + std::string(tool));

    toolchain::RustToolchain rust(target, env);
    try {
        setup.rust_triple = rust.triple();
    } catch (const UnsupportedTarget&) {
        return setup;  // no Rust for this target: nothing of Cargo's to set
    }
    const std::vector<std::string> cargo_build {"build"};
    for (const std::string& change : rust.env_changes(cargo_build, tool_dir, setup.runner())) add_unless_set(change);
    add_unless_set("CARGO_BUILD_TARGET=" + setup.rust_triple);
    return setup;
}

}  // namespace xbuild::project

// Implementation of xbuild/toolchain/go_std.hpp (included at its end).
#pragma once

#include <algorithm>

namespace xbuild::toolchain {

inline std::optional<std::string> debian_go_release(std::string_view goroot) {
    while (goroot.size() > 1 && goroot.back() == '/') goroot.remove_suffix(1);
    constexpr std::string_view marker = "/usr/lib/go-";
    const std::size_t at = goroot.rfind(marker);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view release = goroot.substr(at + marker.size());
    // 1.NN: digits, one dot, digits.
    const std::size_t dot = release.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot + 1 == release.size()) return std::nullopt;
    for (std::size_t i = 0; i < release.size(); ++i)
        if (i != dot && (release[i] < '0' || release[i] > '9')) return std::nullopt;
    return std::string(release);
}

inline std::string_view go_variant_variable(std::string_view goarch) {
    for (const Target& t : targets())
        if (t.os == "linux" && t.go_arch == goarch) return t.go_var;
    return {};
}

inline std::vector<std::string_view> go_variant_variables() {
    std::vector<std::string_view> names;
    for (const Target& t : targets())
        if (!t.go_var.empty() && std::find(names.begin(), names.end(), t.go_var) == names.end())
            names.push_back(t.go_var);
    return names;
}

inline std::optional<std::string> debian_arch_for_go(std::string_view goarch, std::string_view variant) {
    // The linux row of that GOARCH built for `variant` (any row when the GOARCH has no variable).
    for (const Target& t : targets()) {
        if (t.os != "linux" || t.go_arch != goarch) continue;
        if (!t.go_var.empty() && t.go_value != variant) continue;
        if (t.debian_go.empty()) return std::nullopt;
        return std::string(t.debian_go);
    }
    return std::nullopt;
}

inline std::string go_std_cache_home(const char* xdg_cache_home, const char* home) {
    if (xdg_cache_home && xdg_cache_home[0] == '/') return xdg_cache_home;
    if (home && home[0] == '/') return std::string(home) + (std::string_view(home) == "/" ? ".cache" : "/.cache");
    return {};
}

inline GoStdPlan plan_go_std(const GoStdFacts& f) {
    GoStdPlan plan;
    auto none = [&](std::string why) {
        plan.reason = std::move(why);
        return plan;
    };
    if (!f.enabled) return none("XX_AUTO_INSTALL is not 1");
    if (!f.compiles) return none("the go command compiles nothing");
    if (f.goos == f.gohostos && f.goarch == f.gohostarch) return none("not cross-compiling");
    const auto release = debian_go_release(f.goroot);
    if (!release) return none("GOROOT " + f.goroot + " is not Debian's (/usr/lib/go-1.NN)");
    if (f.target_pkg_exists) return none("the target's standard library is already in GOROOT/pkg");
    if (f.installed_version.empty()) return none("golang-" + *release + "-go is not installed by dpkg");
    const std::string dir = f.goos + "_" + f.goarch;
    const auto arch = f.goos == "linux" ? debian_arch_for_go(f.goarch, f.go_variant) : std::nullopt;
    if (!arch) {
        const auto var = go_variant_variable(f.goarch);
        return none("Debian ships no Go standard library for " + f.goos + "/" + f.goarch +
                    (var.empty() ? std::string() : " with " + std::string(var) + "=" + f.go_variant));
    }

    plan.package = "golang-" + *release + "-go:" + *arch + "=" + f.installed_version;
    plan.member = "./usr/lib/go-" + *release + "/pkg/" + dir;
    // The target's own row when its Debian architecture is the package's, else the first such.
    const Target* apt_row = nullptr;
    for (const Target& t : targets()) {
        if (t.os != "linux" || t.debian != *arch) continue;
        if (!apt_row) apt_row = &t;
        if (t.go_arch == f.goarch && (t.go_var.empty() || t.go_value == f.go_variant)) {
            apt_row = &t;
            break;
        }
    }
    if (apt_row) {
        plan.apt_platform = std::string(apt_row->os) + "/" + std::string(apt_row->arch);
        if (!apt_row->variant.empty()) plan.apt_platform += "/" + std::string(apt_row->variant);
    }
    std::string root = f.goroot;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    plan.destination = root + "/pkg/" + dir;
    if (!f.cache_home.empty()) {
        std::string home = f.cache_home;
        while (home.size() > 1 && home.back() == '/') home.pop_back();
        // The .deb's name: golang-1.19-go_1.19.8-2_arm64.
        plan.cache_entry =
            home + "/xx/go-std/golang-" + *release + "-go_" + f.installed_version + "_" + *arch + "/" + dir;
    }
    std::string lacking;
    if (!f.root) lacking = "not root";
    else if (f.cached && !plan.cache_entry.empty()) {
        plan.action = GoStdAction::copy;
        plan.reason = "installing Debian's precompiled standard library for " + f.goos + "/" + f.goarch + " (" +
                      plan.package + ") from " + plan.cache_entry + " into " + plan.destination;
        return plan;
    } else if (!f.apt_get) lacking = "no apt-get";
    else if (!f.dpkg_deb) lacking = "no dpkg-deb";
    if (!lacking.empty()) {
        plan.action = GoStdAction::warn;
        plan.reason = "cannot fetch Debian's precompiled standard library for " + f.goos + "/" + f.goarch + " (" +
                      plan.package + "): " + lacking + "; it is compiled instead";
        return plan;
    }
    plan.action = GoStdAction::fetch;
    plan.reason = "fetching Debian's precompiled standard library for " + f.goos + "/" + f.goarch + " (" +
                  plan.package + ") into " + plan.destination;
    return plan;
}

}  // namespace xbuild::toolchain

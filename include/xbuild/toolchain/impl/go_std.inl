// Implementation of xbuild/toolchain/go_std.hpp (included at its end).
#pragma once

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

inline std::optional<std::string> debian_arch_for_go(std::string_view goarch, std::string_view goarm) {
    // The linux row of that GOARCH whose GOARM is `goarm`, else the GOARCH's first row (any
    // other GOARM, and the arches without one); its debian_go column.
    const Target* row = nullptr;
    for (const Target& t : targets()) {
        if (t.os != "linux" || t.go_arch != goarch) continue;
        if (t.go_var == "GOARM" && t.go_value == goarm) {
            row = &t;
            break;
        }
        if (!row) row = &t;
    }
    if (!row || row->debian_go.empty()) return std::nullopt;
    return std::string(row->debian_go);
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
    const auto arch = f.goos == "linux" ? debian_arch_for_go(f.goarch, f.goarm) : std::nullopt;
    if (!arch) return none("Debian ships no Go standard library for " + f.goos + "/" + f.goarch);

    plan.package = "golang-" + *release + "-go:" + *arch + "=" + f.installed_version;
    plan.member = "./usr/lib/go-" + *release + "/pkg/" + dir;
    std::string root = f.goroot;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    plan.destination = root + "/pkg/" + dir;
    std::string lacking;
    if (!f.root) lacking = "not root";
    else if (!f.apt_get) lacking = "no apt-get";
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

// Implementation of xbuild/pkg/apk.hpp.
#pragma once

#include <charconv>

namespace xbuild::pkg {

namespace detail {

inline bool apk_option_takes_value(std::string_view a) {
    static constexpr std::string_view with_value[] = {"-X",
                                                      "--repository",
                                                      "-p",
                                                      "--root",
                                                      "--arch",
                                                      "--cache-dir",
                                                      "--keys-dir",
                                                      "--repositories-file",
                                                      "-t",
                                                      "--virtual",
                                                      "--progress-fd",
                                                      "--cache-max-age",
                                                      "--wait",
                                                      "--timeout"};
    return contains(with_value, a);
}

// Alpine 3.<minor> at least `minor`; false when the version cannot be read.
inline bool alpine_at_least(std::string_view version, int major, int minor) {
    auto parts = split(version, '.');
    if (parts.size() < 2) return false;
    int ma = 0, mi = 0;
    auto r1 = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), ma);
    auto r2 = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), mi);
    if (r1.ec != std::errc() || r2.ec != std::errc()) return false;
    return ma > major || (ma == major && mi >= minor);
}

}  // namespace detail

inline const std::string& ApkArgs::command_name() const {
    static const std::string none;
    return command >= 0 ? args[command] : none;
}

inline ApkArgs parse_apk_args(std::vector<std::string> args) {
    ApkArgs out;
    out.operand.assign(args.size(), false);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 1 && a[0] == '-') {
            if (detail::apk_option_takes_value(a)) {
                if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
                ++i;
            }
            continue;
        }
        if (out.command < 0) out.command = static_cast<int>(i);
        else out.operand[i] = true;
    }
    out.args = std::move(args);
    return out;
}

inline bool apk_command_installs(std::string_view command) {
    return command == "add" || command == "fix" || command == "upgrade";
}

inline std::vector<std::string> apk_meta_packages(std::string_view name, std::string_view alpine_version) {
    if (name == detail::c_essentials) return {"musl-dev", "gcc"};
    if (name == detail::cxx_essentials)
        return {"musl-dev", "gcc", detail::alpine_at_least(alpine_version, 3, 17) ? "libstdc++-dev" : "g++"};
    return {};
}

inline std::string apk_target_root(const TargetEnv& env, std::string_view xx_root) {
    std::string sysroot = env.sysroot();
    if (sysroot == "/") sysroot = "/" + env.triple();  // apk on a distro other than Alpine
    while (sysroot.size() > 1 && sysroot.back() == '/') sysroot.pop_back();
    return std::string(xx_root) + sysroot;
}

inline ApkPlan plan_apk(const ApkArgs& args, const TargetEnv& env, const ApkSystem& system, std::string_view xx_root,
                        bool keep_binaries) {
    ApkPlan plan;
    const std::string& cmd = args.command_name();
    std::vector<std::string> main {"apk"};
    const bool cross = env.is_cross();
    if (cross) {
        plan.root = apk_target_root(env, xx_root);
        plan.arch = env.alpine_arch();
        main.insert(main.end(), {"--root", plan.root, "--arch", plan.arch, "--no-scripts"});
    }
    const bool expand = cmd == "add" || cmd == "del";
    std::vector<std::string> expanded;
    for (std::size_t i = 0; i < args.args.size(); ++i) {
        const std::string& a = args.args[i];
        auto meta = expand && args.operand[i] ? apk_meta_packages(a, env.os_version()) : std::vector<std::string> {};
        if (meta.empty()) {
            main.push_back(a);
            continue;
        }
        for (auto& p : meta) {
            if (detail::contains(expanded, p)) continue;
            expanded.push_back(p);
            main.push_back(p);
        }
    }
    if (cross && !cmd.empty()) {
        plan.copy_config = !system.config_present;
        if (!system.db_present)
            plan.commands.push_back(
                {"apk", "--root", plan.root, "--arch", plan.arch, "--no-scripts", "--initdb", "add"});
        plan.remove_binaries = apk_command_installs(cmd) && !keep_binaries;
    }
    plan.commands.push_back(std::move(main));
    return plan;
}

}  // namespace xbuild::pkg

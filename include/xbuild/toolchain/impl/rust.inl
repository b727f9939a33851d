// Implementation of xbuild/toolchain/rust.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <optional>

namespace xbuild::toolchain {

namespace detail {

// Cargo's own subcommands that accept --target (and their one-letter aliases).
inline constexpr std::array<std::string_view, 21> cargo_target_commands = {
    "build",   "b",   "check", "c",     "clippy",  "doc",  "d", "fetch", "fix",  "install", "package",
    "publish", "run", "r",     "rustc", "rustdoc", "test", "t", "bench", "tree", "clean"};

// Options cargo takes before the subcommand whose value is the next argument.
inline bool cargo_global_takes_value(std::string_view arg) {
    return arg == "--color" || arg == "--config" || arg == "-Z" || arg == "-C" || arg == "--explain";
}

// Index of the subcommand in cargo's arguments, or nullopt (`cargo --version`, `cargo` alone).
inline std::optional<std::size_t> cargo_subcommand(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i == 0 && a.starts_with('+')) continue;  // +toolchain (rustup)
        if (a == "--") return std::nullopt;
        if (cargo_global_takes_value(a)) {
            ++i;
            continue;
        }
        if (a.starts_with('-')) continue;
        return i;
    }
    return std::nullopt;
}

// True when the user chose the target: --target X / --target=X before any `--`.
inline bool has_target_option(std::span<const std::string> args) {
    for (const std::string& a : args) {
        if (a == "--") return false;
        if (a == "--target" || a.starts_with("--target=")) return true;
    }
    return false;
}

}  // namespace detail

inline std::string cargo_env_key(std::string_view triple, bool upper) {
    std::string key(triple);
    for (char& c : key) {
        if (c == '-' || c == '.') c = '_';
        else if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return key;
}

inline RustToolchain::RustToolchain(TargetEnv env, EnvLookup user_env)
    : env_(std::move(env)), user_env_(std::move(user_env)) {}

inline std::string RustToolchain::triple() const {
    const Target& t = env_.target();
    std::string_view triple = env_.libc() == "musl" ? t.rust_musl : t.rust_gnu;
    if (triple.empty())
        throw UnsupportedTarget("Rust has no target triple for " + std::string(t.os) + "/" + std::string(t.arch) +
                                (t.variant.empty() ? "" : "/" + std::string(t.variant)) + " with libc " + env_.libc());
    return std::string(triple);
}

inline bool RustToolchain::takes_target(std::span<const std::string> args) {
    auto sub = detail::cargo_subcommand(args);
    return sub && std::find(detail::cargo_target_commands.begin(), detail::cargo_target_commands.end(), args[*sub]) !=
                      detail::cargo_target_commands.end();
}

inline std::vector<std::string> RustToolchain::cargo_args(std::span<const std::string> args) const {
    std::vector<std::string> out(args.begin(), args.end());
    if (!takes_target(args) || detail::has_target_option(args)) return out;
    const std::size_t sub = *detail::cargo_subcommand(args);
    const std::string t = triple();
    out.insert(out.begin() + std::ptrdiff_t(sub) + 1, {"--target", t});
    return out;
}

inline std::vector<std::string> RustToolchain::env_changes(std::span<const std::string> args,
                                                           const std::string& tool_dir,
                                                           const std::string& runner) const {
    std::vector<std::string> changes;
    auto set_unless_user = [&](const std::string& name, const std::string& value) {
        if (user_env_(name).empty()) changes.push_back(name + "=" + value);
    };
    const std::string rust = triple(), cc = tool_dir + "/" + env_.triple() + "-";
    const std::string upper = cargo_env_key(rust, true), lower = cargo_env_key(rust, false);

    if (detail::cargo_subcommand(args) && !takes_target(args) && !detail::has_target_option(args))
        set_unless_user("CARGO_BUILD_TARGET", rust);  // plugins (cargo zigbuild, nextest, ...)
    set_unless_user("CARGO_TARGET_" + upper + "_LINKER", cc + "clang");
    if (env_.is_cross()) set_unless_user("CARGO_TARGET_" + upper + "_RUNNER", runner);
    // Build scripts: the cc crate and a build.rs of one's own find the target's C tools here.
    set_unless_user("CC_" + lower, cc + "clang");
    set_unless_user("CXX_" + lower, cc + "clang++");
    set_unless_user("AR_" + lower, cc + "ar");
    // pkg-config for the target's libraries; build scripts built for the host keep the host's.
    set_unless_user("PKG_CONFIG_" + lower, cc + "pkg-config");
    set_unless_user("PKG_CONFIG", cc + "pkg-config");
    set_unless_user("HOST_PKG_CONFIG", "pkg-config");
    set_unless_user("PKG_CONFIG_ALLOW_CROSS", "1");
    if (const std::string extra = user_env_("XX_RUSTFLAGS"); !extra.empty()) {
        const std::string current = user_env_("RUSTFLAGS");
        changes.push_back("RUSTFLAGS=" + (current.empty() ? extra : current + " " + extra));
    }
    return changes;
}

inline std::string RustToolchain::missing_std_advice(bool rustup_managed) const {
    const std::string rust = triple();
    const std::string rustup = "`rustup target add " + rust + "` (needs network)";
    std::string debian;
    const Target& t = env_.target();
    if (t.os == "linux" && !t.debian.empty() && env_.libc() == "gnu")  // Debian ships gnu std only
        debian =
            "Debian's rustc with `xx-apt-get install libstd-rust-dev` (libstd-rust-dev:" + std::string(t.debian) + ")";
    else if (!t.debian_rust_std.empty())
        debian = "Debian's rustc with `apt-get install " + std::string(t.debian_rust_std) + "`";
    if (debian.empty()) return rustup;
    return rustup_managed ? rustup + ", or " + debian : debian + ", or " + rustup;
}

}  // namespace xbuild::toolchain

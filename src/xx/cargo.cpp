// xx-cargo: `cargo` for the target: --target, linker, runner, C tools and pkg-config for build
// scripts (see xbuild/toolchain/rust.hpp); checks that the target's standard library is there
// and adds it with rustup when it can (with XX_AUTO_INSTALL=1, with apt for Debian's rustc).
#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "auto_install.hpp"
#include "cc_common.hpp"
#include "helpers.hpp"
#include "rust_std.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/toolchain/rust.hpp"

namespace xbuild::xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-cargo [CARGO ARGS...]        cargo, building for the target (TARGETPLATFORM, ...)\n"
    "       xx-cargo --print-target-triple  the target's Rust triple\n"
    "\n"
    "Inserts --target <rust triple> after the subcommand and sets, for that target, the linker,\n"
    "xx-run as the runner (so `xx-cargo test` and `xx-cargo run` work under QEMU), CC/CXX/AR and\n"
    "pkg-config for build scripts. Variables already set in the environment win.\n"
    "  XX_RUSTFLAGS    flags added to RUSTFLAGS (target crates only)\n"
    "  XX_AUTO_INSTALL=1  install what is missing first (root, apt-get): Debian's libstd-rust-dev\n"
    "                  for the target (Debian's rustc) and, with no C compiler for it, its gcc\n"
    "Debian's rustc without the target's std (unless XX_AUTO_INSTALL=0): only the rlibs of\n"
    "libstd-rust-dev:<arch> are fetched (xx-apt-get download, dpkg-deb) into /usr/lib/rustlib/<triple>/lib,\n"
    "not the package with its libllvm; apt-get install libstd-rust-dev when that fails.\n";

// rustc's flags that move the standard library: --sysroot in RUSTFLAGS / XX_RUSTFLAGS.
std::vector<std::string> sysroot_flags() {
    std::vector<std::string> out;
    for (const char* var : {"RUSTFLAGS", "XX_RUSTFLAGS"}) {
        const char* value = std::getenv(var);
        if (!value) continue;
        auto words = xbuild::split(std::string_view(value), ' ');
        for (std::size_t i = 0; i < words.size(); ++i) {
            if (words[i].starts_with("--sysroot=")) out.emplace_back(words[i]);
            else if (words[i] == "--sysroot" && i + 1 < words.size())
                out.insert(out.end(), {"--sysroot", std::string(words[i + 1])});
        }
    }
    return out;
}

bool has_std(const std::string& libdir) {
    bool found = false;
    if (DIR* d = ::opendir(libdir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            std::string_view name = e->d_name;
            if (name.starts_with("libstd-") && name.ends_with(".rlib")) found = true;
        }
        ::closedir(d);
    }
    return found;
}

// The folder rustc takes the target's standard library from, "" when rustc cannot say.
std::string target_libdir(const std::string& rustc, const std::string& triple) {
    std::vector<std::string> argv {rustc, "--print", "target-libdir", "--target", triple};
    for (auto& f : sysroot_flags()) argv.push_back(std::move(f));
    auto out = xbuild::capture_program(argv);
    return out.status == 0 ? std::string(xbuild::trim(out.out)) : std::string();
}

// Whether the target's std is there; rustup adds it when it manages rustc.
struct StdCheck {
    bool missing = false;
    bool debian = false;  // Debian's rustc (std in /usr/lib/rustlib): libstd-rust-dev would add it
    std::string error;    // what to say when it stays missing
    std::string libdir;   // where rustc looks for it
};

StdCheck check_std(const xbuild::toolchain::RustToolchain& rust) {
    const char* rustc_env = std::getenv("RUSTC");
    auto rustc = xbuild::find_program(rustc_env && *rustc_env ? rustc_env : "rustc");
    if (!rustc) throw std::runtime_error("rustc: not found on PATH (apt-get install rustc cargo, or install rustup)");
    const std::string triple = rust.triple();
    std::string libdir = target_libdir(*rustc, triple);
    if (libdir.empty() || has_std(libdir)) return {};  // an unknown target: let cargo say why
    // rustup manages this rustc when rustc is its proxy (a link to the rustup binary).
    auto rustup = xbuild::find_program("rustup");
    const bool rustup_managed = rustup && xbuild::detail::same_file(*rustc, *rustup);
    if (rustup_managed) {
        std::fprintf(stderr, "xx-cargo: adding the %s standard library: rustup target add %s\n", triple.c_str(),
                     triple.c_str());
        if (xbuild::run_program({"rustup", "target", "add", triple}) == 0) return {};
    }
    StdCheck check {true, !rustup_managed && libdir.starts_with("/usr/lib/rustlib/"), {}, libdir};
    check.error = "the Rust standard library for " + triple + " is not installed for " + *rustc + " (" + libdir +
                  "): " + rust.missing_std_advice(rustup_managed);
    const std::string debian_std = "/usr/lib/rustlib/" + triple + "/lib";
    if (*rustc != "/usr/bin/rustc" && has_std(debian_std))
        check.error += "; Debian's /usr/bin/rustc has it: put /usr/bin first on PATH";
    return check;
}

// Makes sure the target's std, and a C compiler to link with, are there; with XX_AUTO_INSTALL=1
// installs them (Debian's rustc: libstd-rust-dev's rlibs, else the package; the cross gcc), else
// a clear error.
void ensure_target_tools(const xbuild::toolchain::RustToolchain& rust, const xbuild::toolchain::CcToolchain& tc,
                         std::span<const std::string> user, bool target_inserted) {
    using xbuild::toolchain::Family;
    using xbuild::toolchain::Lang;
    StdCheck std_check = target_inserted ? check_std(rust) : StdCheck {};
    const bool auto_on = xbuild::toolchain::auto_install_enabled();
    // The std is installed unless XX_AUTO_INSTALL=0: the shell helper always installs it.
    const char* setting = std::getenv("XX_AUTO_INSTALL");
    const bool std_auto = auto_on || !setting || !*setting;
    // Debian's rustc: the rlibs alone first (rust_std.hpp), apt's whole libstd-rust-dev if that fails.
    if (std_check.missing && std_check.debian && std_auto &&
        fetch_rust_std(rust.target(), rust.triple(), std_check.libdir))
        std_check = check_std(rust);
    xbuild::toolchain::Missing missing;
    missing.rust_std = std_check.missing && std_check.debian;
    // The linker is <triple>-clang (clang, else the cross gcc): only checked when we may install,
    // as `cargo check` and friends do not link.
    const bool builds = auto_on && (xbuild::toolchain::RustToolchain::takes_target(user) || target_inserted);
    missing.c_compiler = builds && !has_compiler(tc, Lang::c, Family::any);
    missing.libc = builds && !missing.c_compiler && target_libc_missing(tc);
    if (std_check.missing && auto_on && !std_check.debian) throw std::runtime_error(std_check.error);
    if (auto_install("xx-cargo", rust.target(), missing,
                     auto_on || (std_auto && !missing.c_compiler && !missing.libc)) &&
        std_check.missing)
        std_check = check_std(rust);
    if (std_check.missing)
        throw std::runtime_error(std_check.error +
                                 (std_check.debian && !std_auto ? xbuild::toolchain::auto_install_hint : ""));
}

// `cargo chef cook`: cargo-chef builds the dependencies with the CARGO_BUILD_TARGET xx-cargo sets
// for plugins, so the target's std and linker must be there as for `cargo build`.
bool plugin_builds(std::span<const std::string> user) {
    namespace d = xbuild::toolchain::detail;
    const auto sub = d::cargo_subcommand(user);
    if (!sub || d::has_target_option(user) || std::getenv("CARGO_BUILD_TARGET")) return false;
    return user[*sub] == "chef" && *sub + 1 < user.size() && user[*sub + 1] == "cook";
}

}  // namespace

int cargo_main(std::string_view invoked_as, Args args) {
    const std::string first = args.empty() ? "" : args[0];
    if (first == "--help" && args.size() == 1) {
        std::fputs(usage_text, stdout);
        return 0;
    }
    try {
        auto env = xbuild::TargetEnv::from_process();
        xbuild::toolchain::RustToolchain rust(env);
        if (first == "--print-target-triple") {
            std::printf("%s\n", rust.triple().c_str());
            return 0;
        }
        std::vector<std::string> user(args.begin(), args.end());
        // First, as the shell helper: no cargo is the error a user sees, before anything is set up.
        auto cargo = xbuild::find_program("cargo", {}, true);
        if (!cargo) throw std::runtime_error("cargo: not found on PATH (apt-get install cargo, or install rustup)");
        const std::string dir = xx_folder();
        // Linking and build scripts run <triple>-clang, -ar, -pkg-config: make them on first use.
        xbuild::toolchain::CcToolchain tc(env);
        ensure_target_triple_links(tc);
        std::vector<std::string> cargo_args = rust.cargo_args(user);
        // We chose the target: are its std and linker there?
        ensure_target_tools(rust, tc, user, cargo_args.size() > user.size() || plugin_builds(user));

        std::vector<std::string> argv {"cargo"};
        for (auto& a : cargo_args) argv.push_back(std::move(a));
        struct stat st {};
        const std::string runner = ::lstat((dir + "/xx-run").c_str(), &st) == 0 ? dir + "/xx-run" : "xx-run";
        return exec_command(invoked_as, {*cargo, argv, rust.env_changes(user, dir, runner)});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx

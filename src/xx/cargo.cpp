// xx-cargo: `cargo` for the target: --target, linker, runner, C tools and pkg-config for build
// scripts (see xbuild/toolchain/rust.hpp); checks that the target's standard library is there
// and adds it with rustup when it can.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cc_common.hpp"
#include "helpers.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/toolchain/rust.hpp"

namespace xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-cargo [CARGO ARGS...]        cargo, building for the target (TARGETPLATFORM, ...)\n"
    "       xx-cargo --print-target-triple  the target's Rust triple\n"
    "\n"
    "Inserts --target <rust triple> after the subcommand and sets, for that target, the linker,\n"
    "xx-run as the runner (so `xx-cargo test` and `xx-cargo run` work under QEMU), CC/CXX/AR and\n"
    "pkg-config for build scripts. Variables already set in the environment win.\n"
    "  XX_RUSTFLAGS    flags added to RUSTFLAGS (target crates only)\n";

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
    std::vector<std::string> argv{rustc, "--print", "target-libdir", "--target", triple};
    for (auto& f : sysroot_flags()) argv.push_back(std::move(f));
    auto out = xbuild::capture_program(argv);
    return out.status == 0 ? std::string(xbuild::trim(out.out)) : std::string();
}

// Makes sure the target's std is installed: rustup adds it when it exists; else a clear error.
void ensure_std(const xbuild::toolchain::RustToolchain& rust) {
    const char* rustc_env = std::getenv("RUSTC");
    auto rustc = xbuild::find_program(rustc_env && *rustc_env ? rustc_env : "rustc");
    if (!rustc) throw std::runtime_error("rustc not found on PATH: apt-get install rustc cargo (or install rustup)");
    const std::string triple = rust.triple();
    std::string libdir = target_libdir(*rustc, triple);
    if (libdir.empty() || has_std(libdir)) return;  // an unknown target: let cargo say why
    // rustup manages this rustc when rustc is its proxy (a link to the rustup binary).
    auto rustup = xbuild::find_program("rustup");
    const bool rustup_managed = rustup && xbuild::detail::same_file(*rustc, *rustup);
    if (rustup_managed) {
        std::fprintf(stderr, "xx-cargo: adding the %s standard library: rustup target add %s\n", triple.c_str(),
                     triple.c_str());
        if (xbuild::run_program({"rustup", "target", "add", triple}) == 0) return;
    }
    std::string msg = "the Rust standard library for " + triple + " is not installed for " + *rustc + " (" +
                      libdir + "): " + rust.missing_std_advice(rustup_managed);
    const std::string debian_std = "/usr/lib/rustlib/" + triple + "/lib";
    if (*rustc != "/usr/bin/rustc" && has_std(debian_std))
        msg += "; Debian's /usr/bin/rustc has it: put /usr/bin first on PATH";
    throw std::runtime_error(msg);
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
        const std::string dir = xx_folder();
        // Linking and build scripts run <triple>-clang, -ar, -pkg-config: make them on first use.
        xbuild::toolchain::CcToolchain tc(env);
        ensure_target_triple_links(tc);
        std::vector<std::string> cargo_args = rust.cargo_args(user);
        if (cargo_args.size() > user.size()) ensure_std(rust);  // we chose the target: is its std there?

        auto cargo = xbuild::find_program("cargo", {}, true);
        if (!cargo) throw std::runtime_error("cargo not found on PATH: apt-get install cargo (or install rustup)");
        std::vector<std::string> argv{"cargo"};
        for (auto& a : cargo_args) argv.push_back(std::move(a));
        struct stat st {};
        const std::string runner = ::lstat((dir + "/xx-run").c_str(), &st) == 0 ? dir + "/xx-run" : "xx-run";
        return exec_command(invoked_as, {*cargo, argv, rust.env_changes(user, dir, runner)});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", int(invoked_as.size()), invoked_as.data(), e.what());
        return 1;
    }
}

}  // namespace xx

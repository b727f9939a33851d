// Tests of xbuild/toolchain/rust.hpp: Rust triples per target and libc, where `--target` goes in
// cargo's arguments, the environment cargo and build scripts get, and the missing-std advice.
#include "xbuild/toolchain/rust.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using xbuild::OsRelease;
using xbuild::TargetEnv;
using xbuild::toolchain::cargo_env_key;
using xbuild::toolchain::RustToolchain;

namespace {

using test_support::platform_name;
using test_support::sets;
using test_support::value_of;

using Vars = std::map<std::string, std::string, std::less<>>;
using Strings = std::vector<std::string>;

const OsRelease debian {true, "debian", "12"};
const OsRelease alpine {true, "alpine", "3.18"};
const std::string tool_dir = "/opt/xx/bin";
const std::string runner = "/opt/xx/bin/xx-run";

xbuild::EnvLookup lookup(const Vars& vars) {
    return [vars](std::string_view name) {
        auto it = vars.find(name);
        return it == vars.end() ? std::string() : it->second;
    };
}

// cargo for `platform` on `rel`, run on an x86_64 machine; `user` is the rest of the environment.
RustToolchain rust_for(const std::string& platform, Vars user = {}, const OsRelease& rel = debian,
                       const std::string& machine = "x86_64") {
    Vars target_vars = user;
    target_vars["TARGETPLATFORM"] = platform;
    return RustToolchain(TargetEnv::resolve(lookup(target_vars), rel, machine), lookup(user));
}

Strings env_for(const std::string& platform, const Strings& args, Vars user = {}, const OsRelease& rel = debian) {
    return rust_for(platform, std::move(user), rel).env_changes(args, tool_dir, runner);
}

}  // namespace

TEST_CASE("triple: every linux row's gnu triple on Debian, musl triple on Alpine or with XX_LIBC=musl") {
    int rows = 0;
    for (const xbuild::Target& t : xbuild::targets()) {
        if (t.os != "linux") continue;
        const std::string platform = platform_name(t);
        CAPTURE(platform);
        REQUIRE_FALSE(t.rust_gnu.empty());
        REQUIRE_FALSE(t.rust_musl.empty());
        CHECK(rust_for(platform).triple() == t.rust_gnu);
        CHECK(rust_for(platform, {}, alpine).triple() == t.rust_musl);
        CHECK(rust_for(platform, {{"XX_LIBC", "musl"}}).triple() == t.rust_musl);
        CHECK(rust_for(platform, {{"XX_LIBC", "gnu"}}, alpine).triple() == t.rust_gnu);
        ++rows;
    }
    CHECK(rows >= 18);
}

TEST_CASE("triple: written out by hand") {
    struct Case {
        std::string platform;
        const OsRelease* rel;
        std::string triple;
    };
    const Case cases[] = {
        {"linux/amd64", &debian, "x86_64-unknown-linux-gnu"},
        {"linux/amd64/v3", &debian, "x86_64-unknown-linux-gnu"},
        {"linux/amd64", &alpine, "x86_64-unknown-linux-musl"},
        {"linux/arm64", &debian, "aarch64-unknown-linux-gnu"},
        {"linux/arm64", &alpine, "aarch64-unknown-linux-musl"},
        {"linux/arm/v7", &debian, "armv7-unknown-linux-gnueabihf"},
        {"linux/arm", &debian, "armv7-unknown-linux-gnueabihf"},
        {"linux/arm/v7", &alpine, "armv7-unknown-linux-musleabihf"},
        {"linux/arm/v6", &debian, "arm-unknown-linux-gnueabi"},
        {"linux/arm/v6", &alpine, "arm-unknown-linux-musleabihf"},
        {"linux/arm/v5", &debian, "armv5te-unknown-linux-gnueabi"},
        {"linux/arm/v5", &alpine, "armv5te-unknown-linux-musleabi"},
        {"linux/arm/v8", &debian, "armv7-unknown-linux-gnueabihf"},
        {"linux/riscv64", &debian, "riscv64gc-unknown-linux-gnu"},
        {"linux/riscv64", &alpine, "riscv64gc-unknown-linux-musl"},
        {"linux/ppc64le", &debian, "powerpc64le-unknown-linux-gnu"},
        {"linux/s390x", &debian, "s390x-unknown-linux-gnu"},
        {"linux/loong64", &debian, "loongarch64-unknown-linux-gnu"},
        {"linux/386", &debian, "i686-unknown-linux-gnu"},
        {"linux/386", &alpine, "i686-unknown-linux-musl"},
        {"linux/mips", &debian, "mips-unknown-linux-gnu"},
        {"linux/mipsle", &debian, "mipsel-unknown-linux-gnu"},
        {"linux/mips64", &debian, "mips64-unknown-linux-gnuabi64"},
        {"linux/mips64le", &debian, "mips64el-unknown-linux-gnuabi64"},
        {"linux/mips64le", &alpine, "mips64el-unknown-linux-muslabi64"},
        {"windows/amd64", &debian, "x86_64-pc-windows-gnu"},
        {"windows/amd64", &alpine, "x86_64-pc-windows-gnu"},
        {"windows/386", &debian, "i686-pc-windows-gnu"},
        {"windows/arm64", &debian, "aarch64-pc-windows-gnullvm"},
        {"darwin/arm64", &debian, "aarch64-apple-darwin"},
        {"darwin/arm64", &alpine, "aarch64-apple-darwin"},
        {"darwin/amd64", &debian, "x86_64-apple-darwin"},
        {"freebsd/amd64", &debian, "x86_64-unknown-freebsd"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.platform);
        CAPTURE(c.rel->id);
        CHECK(rust_for(c.platform, {}, *c.rel).triple() == c.triple);
    }
}

TEST_CASE("triple: an unknown target throws UnsupportedTarget") {
    CHECK_THROWS_WITH_AS((void)rust_for("linux/foo").triple(),
                         doctest::Contains("unsupported target: os=linux arch=foo"), xbuild::UnsupportedTarget);
    CHECK_THROWS_AS((void)rust_for("plan9/amd64").triple(), xbuild::UnsupportedTarget);
    const Strings build {"build"};
    CHECK_THROWS_AS((void)rust_for("linux/foo").cargo_args(build), xbuild::UnsupportedTarget);
    CHECK_THROWS_AS((void)rust_for("linux/foo").env_changes(build, tool_dir, runner), xbuild::UnsupportedTarget);
}

TEST_CASE("cargo_args: --target after the subcommand, unless the user chose one or the command takes none") {
    const std::string T = "aarch64-unknown-linux-gnu";
    struct Case {
        Strings args, want;
        bool takes_target;
    };
    const Case cases[] = {
        {{"build"}, {"build", "--target", T}, true},
        {{"build", "--release"}, {"build", "--target", T, "--release"}, true},
        {{"+nightly", "build"}, {"+nightly", "build", "--target", T}, true},
        {{"-v", "build"}, {"-v", "build", "--target", T}, true},
        {{"-vv", "--locked", "build"}, {"-vv", "--locked", "build", "--target", T}, true},
        {{"--color", "always", "build"}, {"--color", "always", "build", "--target", T}, true},
        {{"--color=always", "build"}, {"--color=always", "build", "--target", T}, true},
        {{"--config", "x=1", "test"}, {"--config", "x=1", "test", "--target", T}, true},
        {{"-Z", "unstable-options", "build"}, {"-Z", "unstable-options", "build", "--target", T}, true},
        {{"+nightly", "-Z", "build-std", "build"}, {"+nightly", "-Z", "build-std", "build", "--target", T}, true},
        {{"run", "--", "--target", "foo"}, {"run", "--target", T, "--", "--target", "foo"}, true},
        {{"test", "--", "--nocapture"}, {"test", "--target", T, "--", "--nocapture"}, true},
        {{"build", "--target=x"}, {"build", "--target=x"}, true},
        {{"build", "--target", "x"}, {"build", "--target", "x"}, true},
        {{"--version"}, {"--version"}, false},
        {{"-V"}, {"-V"}, false},
        {{}, {}, false},
        {{"+nightly"}, {"+nightly"}, false},
        {{"metadata"}, {"metadata"}, false},
        {{"metadata", "--format-version", "1"}, {"metadata", "--format-version", "1"}, false},
        {{"zigbuild"}, {"zigbuild"}, false},
        {{"zigbuild", "--release"}, {"zigbuild", "--release"}, false},
        {{"help", "build"}, {"help", "build"}, false},
        {{"b"}, {"b", "--target", T}, true},
        {{"t"}, {"t", "--target", T}, true},
        {{"r", "--bin", "x"}, {"r", "--target", T, "--bin", "x"}, true},
        {{"c"}, {"c", "--target", T}, true},
        {{"check", "--all-targets"}, {"check", "--target", T, "--all-targets"}, true},
        {{"clippy"}, {"clippy", "--target", T}, true},
        {{"doc"}, {"doc", "--target", T}, true},
        {{"bench"}, {"bench", "--target", T}, true},
        {{"rustc", "--", "-C", "opt-level=3"}, {"rustc", "--target", T, "--", "-C", "opt-level=3"}, true},
        {{"install", "--path", "."}, {"install", "--target", T, "--path", "."}, true},
        {{"clean"}, {"clean", "--target", T}, true},
        {{"--", "build"}, {"--", "build"}, false},
    };
    auto rust = rust_for("linux/arm64");
    for (const Case& c : cases) {
        std::string shown;
        for (const auto& a : c.args) shown += " " + a;
        CAPTURE(shown);
        CHECK(rust.cargo_args(c.args) == c.want);
        CHECK(RustToolchain::takes_target(c.args) == c.takes_target);
    }
    // The triple follows the target and libc.
    CHECK(rust_for("linux/arm/v7", {}, alpine).cargo_args(Strings {"build"}) ==
          Strings {"build", "--target", "armv7-unknown-linux-musleabihf"});
    CHECK(rust_for("windows/amd64").cargo_args(Strings {"build"}) ==
          Strings {"build", "--target", "x86_64-pc-windows-gnu"});
}

TEST_CASE("env_changes: linker, build scripts' C tools, pkg-config for the target") {
    const Strings build {"build"};
    auto got = env_for("linux/arm64", build);
    CHECK(got == Strings {
                     "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=/opt/xx/bin/aarch64-linux-gnu-clang",
                     "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=/opt/xx/bin/xx-run",
                     "CC_aarch64_unknown_linux_gnu=/opt/xx/bin/aarch64-linux-gnu-clang",
                     "CXX_aarch64_unknown_linux_gnu=/opt/xx/bin/aarch64-linux-gnu-clang++",
                     "AR_aarch64_unknown_linux_gnu=/opt/xx/bin/aarch64-linux-gnu-ar",
                     "PKG_CONFIG_aarch64_unknown_linux_gnu=/opt/xx/bin/aarch64-linux-gnu-pkg-config",
                     "PKG_CONFIG=/opt/xx/bin/aarch64-linux-gnu-pkg-config",
                     "HOST_PKG_CONFIG=pkg-config",
                     "PKG_CONFIG_ALLOW_CROSS=1",
                 });

    SUBCASE("the C tools are named by the distro's GNU triple, the variables by the Rust triple") {
        auto v7 = env_for("linux/arm/v7", build, {}, alpine);
        CHECK(value_of(v7, "CARGO_TARGET_ARMV7_UNKNOWN_LINUX_MUSLEABIHF_LINKER") ==
              "/opt/xx/bin/armv7-alpine-linux-musleabihf-clang");
        CHECK(value_of(v7, "CC_armv7_unknown_linux_musleabihf") == "/opt/xx/bin/armv7-alpine-linux-musleabihf-clang");
        CHECK(value_of(v7, "AR_armv7_unknown_linux_musleabihf") == "/opt/xx/bin/armv7-alpine-linux-musleabihf-ar");
        CHECK(value_of(v7, "PKG_CONFIG_armv7_unknown_linux_musleabihf") ==
              "/opt/xx/bin/armv7-alpine-linux-musleabihf-pkg-config");
        auto riscv = env_for("linux/riscv64", build);
        CHECK(value_of(riscv, "CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_LINKER") ==
              "/opt/xx/bin/riscv64-linux-gnu-clang");
        auto win = env_for("windows/amd64", build);
        CHECK(value_of(win, "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER") == "/opt/xx/bin/x86_64-w64-mingw32-clang");
        CHECK(value_of(win, "CC_x86_64_pc_windows_gnu") == "/opt/xx/bin/x86_64-w64-mingw32-clang");
    }
}

TEST_CASE("env_changes: RUNNER only when the target is not this machine") {
    const Strings build {"build"};
    CHECK(value_of(env_for("linux/arm64", build), "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER") == runner);
    CHECK(sets(env_for("linux/386", build), "CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUNNER"));
    CHECK(sets(env_for("windows/amd64", build), "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER"));
    CHECK_FALSE(sets(env_for("linux/amd64", build), "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER"));
    CHECK_FALSE(sets(env_for("linux/amd64/v3", build), "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER"));
    // The linker is set either way.
    CHECK(value_of(env_for("linux/amd64", build), "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER") ==
          "/opt/xx/bin/x86_64-linux-gnu-clang");
    // On an arm64 machine it is the other way round.
    auto native = rust_for("linux/arm64", {}, debian, "aarch64").env_changes(build, tool_dir, runner);
    CHECK_FALSE(sets(native, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER"));
    auto amd64 = rust_for("linux/amd64", {}, debian, "aarch64").env_changes(build, tool_dir, runner);
    CHECK(sets(amd64, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER"));
}

TEST_CASE("env_changes: CARGO_BUILD_TARGET only for subcommands that get no --target") {
    const std::string T = "aarch64-unknown-linux-gnu";
    CHECK(value_of(env_for("linux/arm64", {"zigbuild"}), "CARGO_BUILD_TARGET") == T);
    CHECK(value_of(env_for("linux/arm64", {"+nightly", "zigbuild", "--release"}), "CARGO_BUILD_TARGET") == T);
    CHECK(value_of(env_for("linux/arm64", {"nextest", "run"}), "CARGO_BUILD_TARGET") == T);
    CHECK_FALSE(sets(env_for("linux/arm64", {"build"}), "CARGO_BUILD_TARGET"));
    CHECK_FALSE(sets(env_for("linux/arm64", {"b", "--release"}), "CARGO_BUILD_TARGET"));
    CHECK_FALSE(sets(env_for("linux/arm64", {"run", "--", "x"}), "CARGO_BUILD_TARGET"));
    // The user gave --target: theirs.
    CHECK_FALSE(sets(env_for("linux/arm64", {"build", "--target", "x"}), "CARGO_BUILD_TARGET"));
    CHECK_FALSE(sets(env_for("linux/arm64", {"zigbuild", "--target", "x"}), "CARGO_BUILD_TARGET"));
    CHECK_FALSE(sets(env_for("linux/arm64", {"zigbuild", "--target=x"}), "CARGO_BUILD_TARGET"));
    // No subcommand at all: nothing to build.
    CHECK_FALSE(sets(env_for("linux/arm64", {"--version"}), "CARGO_BUILD_TARGET"));
    CHECK_FALSE(sets(env_for("linux/arm64", {}), "CARGO_BUILD_TARGET"));
    // The user's own CARGO_BUILD_TARGET wins.
    CHECK_FALSE(sets(env_for("linux/arm64", {"zigbuild"}, {{"CARGO_BUILD_TARGET", "x"}}), "CARGO_BUILD_TARGET"));
}

TEST_CASE("env_changes: the user's variables win") {
    const Strings build {"build"};
    const Vars user {{"CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", "mylinker"},
                     {"CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER", "myrunner"},
                     {"CC_aarch64_unknown_linux_gnu", "mycc"},
                     {"CXX_aarch64_unknown_linux_gnu", "mycxx"},
                     {"AR_aarch64_unknown_linux_gnu", "myar"},
                     {"PKG_CONFIG_aarch64_unknown_linux_gnu", "mypc"},
                     {"PKG_CONFIG", "mypc"},
                     {"HOST_PKG_CONFIG", "myhostpc"},
                     {"PKG_CONFIG_ALLOW_CROSS", "0"}};
    CHECK(env_for("linux/arm64", build, user).empty());
    for (const auto& entry : user) {
        const std::string& name = entry.first;  // (clang 14 cannot capture a structured binding)
        const std::string& value = entry.second;
        CAPTURE(name);
        auto got = env_for("linux/arm64", build, {{name, value}});
        CHECK_FALSE(sets(got, name));
        CHECK(got.size() == 8);  // the other eight of the nine
    }
}

TEST_CASE("env_changes: XX_RUSTFLAGS appended to RUSTFLAGS") {
    const Strings build {"build"};
    CHECK(value_of(env_for("linux/arm64", build, {{"RUSTFLAGS", "-C a"}, {"XX_RUSTFLAGS", "-C b"}}), "RUSTFLAGS") ==
          "-C a -C b");
    CHECK(value_of(env_for("linux/arm64", build, {{"XX_RUSTFLAGS", "-C b"}}), "RUSTFLAGS") == "-C b");
    CHECK_FALSE(sets(env_for("linux/arm64", build), "RUSTFLAGS"));
    CHECK_FALSE(sets(env_for("linux/arm64", build, {{"RUSTFLAGS", "-C a"}}), "RUSTFLAGS"));
    // Exactly one RUSTFLAGS change.
    auto got = env_for("linux/arm64", build, {{"RUSTFLAGS", "-C a"}, {"XX_RUSTFLAGS", "-C b"}});
    CHECK(std::count_if(got.begin(), got.end(), [](const std::string& c) { return c.rfind("RUSTFLAGS=", 0) == 0; }) ==
          1);
    CHECK(std::find(got.begin(), got.end(), "RUSTFLAGS=-C a -C b") != got.end());
}

TEST_CASE("cargo_env_key") {
    CHECK(cargo_env_key("aarch64-unknown-linux-gnu", true) == "AARCH64_UNKNOWN_LINUX_GNU");
    CHECK(cargo_env_key("aarch64-unknown-linux-gnu", false) == "aarch64_unknown_linux_gnu");
    CHECK(cargo_env_key("x86_64-pc-windows-gnu", true) == "X86_64_PC_WINDOWS_GNU");
    CHECK(cargo_env_key("x86_64-pc-windows-gnu", false) == "x86_64_pc_windows_gnu");
    CHECK(cargo_env_key("armv7-unknown-linux-gnueabihf", true) == "ARMV7_UNKNOWN_LINUX_GNUEABIHF");
    CHECK(cargo_env_key("mips64el-unknown-linux-gnuabi64", true) == "MIPS64EL_UNKNOWN_LINUX_GNUABI64");
    CHECK(cargo_env_key("thumbv7a-pc-windows-msvc", true) == "THUMBV7A_PC_WINDOWS_MSVC");
    CHECK(cargo_env_key("my.custom-target", true) == "MY_CUSTOM_TARGET");
    CHECK(cargo_env_key("my.custom-target", false) == "my_custom_target");
    CHECK(cargo_env_key("ALREADY_UPPER", false) == "ALREADY_UPPER");
    CHECK(cargo_env_key("", true).empty());
}

TEST_CASE("missing_std_advice: Debian's package or rustup, first the one that fits") {
    auto arm64 = rust_for("linux/arm64");
    const std::string debian_first = arm64.missing_std_advice(false);
    CHECK(debian_first.rfind("Debian's rustc", 0) == 0);
    CHECK(debian_first.find("libstd-rust-dev:arm64") != std::string::npos);
    CHECK(debian_first.find("rustup target add aarch64-unknown-linux-gnu") != std::string::npos);
    CHECK(debian_first.find("libstd-rust-dev:arm64") < debian_first.find("rustup"));

    const std::string rustup_first = arm64.missing_std_advice(true);
    CHECK(rustup_first.rfind("`rustup target add aarch64-unknown-linux-gnu`", 0) == 0);
    CHECK(rustup_first.find("libstd-rust-dev:arm64") != std::string::npos);

    CHECK(rust_for("linux/arm/v7").missing_std_advice(false).find("libstd-rust-dev:armhf") != std::string::npos);
    CHECK(rust_for("linux/ppc64le").missing_std_advice(false).find("libstd-rust-dev:ppc64el") != std::string::npos);
    CHECK(rust_for("linux/riscv64").missing_std_advice(false).find("rustup target add riscv64gc-unknown-linux-gnu") !=
          std::string::npos);

    SUBCASE("windows/amd64: Debian's windows std") {
        for (bool managed : {false, true}) {
            const std::string advice = rust_for("windows/amd64").missing_std_advice(managed);
            CAPTURE(advice);
            CHECK(advice.find("libstd-rust-dev-windows") != std::string::npos);
            CHECK(advice.find("rustup target add x86_64-pc-windows-gnu") != std::string::npos);
        }
        CHECK(rust_for("windows/amd64").missing_std_advice(false).rfind("Debian's rustc", 0) == 0);
        CHECK(rust_for("windows/amd64").missing_std_advice(true).rfind("`rustup", 0) == 0);
    }
    SUBCASE("darwin and other Windows: only rustup") {
        for (const std::string platform : {"darwin/arm64", "darwin/amd64", "windows/arm64", "windows/386"}) {
            for (bool managed : {false, true}) {
                const std::string advice = rust_for(platform).missing_std_advice(managed);
                CAPTURE(platform);
                CAPTURE(advice);
                CHECK(advice.rfind("`rustup target add ", 0) == 0);
                CHECK(advice.find("Debian") == std::string::npos);
                CHECK(advice.find("libstd-rust-dev") == std::string::npos);
            }
        }
        CHECK(rust_for("darwin/arm64").missing_std_advice(false) ==
              "`rustup target add aarch64-apple-darwin` (needs network)");
    }
}

// Tests of xbuild/toolchain/auto_install.hpp: what XX_AUTO_INSTALL=1 installs per distro and
// target, and when it refuses.
#include "xbuild/toolchain/auto_install.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using xbuild::OsRelease;
using xbuild::TargetEnv;
using xbuild::toolchain::InstallHost;
using xbuild::toolchain::Missing;
using xbuild::toolchain::plan_auto_install;

namespace {

using Strings = std::vector<std::string>;
using Vars = std::map<std::string, std::string, std::less<>>;

const OsRelease debian {true, "debian", "12"};
const OsRelease alpine {true, "alpine", "3.18"};
const InstallHost apt_root {true, true, false};
const InstallHost apk_root {true, false, true};

xbuild::EnvLookup lookup(const Vars& vars) {
    return [vars](std::string_view name) {
        auto it = vars.find(name);
        return it == vars.end() ? std::string() : it->second;
    };
}

// The target `platform` on `rel`, run on an x86_64 machine.
TargetEnv target(const std::string& platform, const OsRelease& rel = debian, Vars vars = {}) {
    vars["TARGETPLATFORM"] = platform;
    return TargetEnv::resolve(lookup(vars), rel, "x86_64");
}

Missing c_only() {
    Missing m;
    m.c_compiler = true;
    return m;
}
Missing cxx_only() {
    Missing m;
    m.cxx_compiler = true;
    return m;
}
Missing std_only() {
    Missing m;
    m.rust_std = true;
    return m;
}

}  // namespace

TEST_CASE("XX_AUTO_INSTALL: only the value 1 turns it on") {
    CHECK(xbuild::toolchain::auto_install_enabled(lookup({{"XX_AUTO_INSTALL", "1"}})));
    CHECK_FALSE(xbuild::toolchain::auto_install_enabled(lookup({})));
    CHECK_FALSE(xbuild::toolchain::auto_install_enabled(lookup({{"XX_AUTO_INSTALL", "0"}})));
    CHECK_FALSE(xbuild::toolchain::auto_install_enabled(lookup({{"XX_AUTO_INSTALL", "yes"}})));
}

TEST_CASE("Debian: the cross gcc (xx-apt-get's gcc) and the target's libc6-dev, one xx-apt-get call") {
    auto plan = plan_auto_install(target("linux/arm64"), c_only(), apt_root);
    CHECK(plan.refusal.empty());
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] == Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "gcc", "libc6-dev"});
    plan = plan_auto_install(target("linux/arm64"), cxx_only(), apt_root);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] == Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "g++", "libc6-dev"});
}

TEST_CASE("Debian: compiler and Rust std together in one call; the std alone") {
    Missing both = c_only();
    both.rust_std = true;
    auto plan = plan_auto_install(target("linux/arm/v7"), both, apt_root);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] ==
          Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "gcc", "libc6-dev", "libstd-rust-dev"});
    plan = plan_auto_install(target("linux/s390x"), std_only(), apt_root);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] == Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "libstd-rust-dev"});
}

TEST_CASE("Debian: windows/amd64's std is libstd-rust-dev-windows, from plain apt-get; no libc6-dev for windows") {
    Missing both = c_only();
    both.rust_std = true;
    auto plan = plan_auto_install(target("windows/amd64"), both, apt_root);
    CHECK(plan.refusal.empty());
    REQUIRE(plan.commands.size() == 2);
    CHECK(plan.commands[0] == Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "gcc"});
    CHECK(plan.commands[1] ==
          Strings {"apt-get", "install", "-y", "--no-install-recommends", "libstd-rust-dev-windows"});
}

TEST_CASE("refusals name the reason: not root, no package manager, no Debian std, macOS") {
    auto plan = plan_auto_install(target("linux/arm64"), c_only(), InstallHost {false, true, false});
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.find("needs root") != std::string::npos);
    CHECK(plan.refusal.find("C compiler for linux/arm64") != std::string::npos);
    plan = plan_auto_install(target("linux/arm64"), c_only(), InstallHost {true, false, false});
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.find("neither apt-get nor apk") != std::string::npos);
    plan = plan_auto_install(target("linux/riscv64", debian, {{"XX_LIBC", "musl"}}), std_only(), apt_root);
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.find("Debian has no Rust standard library") != std::string::npos);
    plan = plan_auto_install(target("darwin/arm64"), c_only(), apt_root);
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.find("macOS SDK") != std::string::npos);
}

TEST_CASE("Alpine: clang and lld for the machine, xx-apk's essentials for the target; no std for others") {
    auto plan = plan_auto_install(target("linux/arm64", alpine), c_only(), apk_root);
    REQUIRE(plan.commands.size() == 2);
    CHECK(plan.commands[0] == Strings {"apk", "add", "--no-cache", "clang", "lld"});
    CHECK(plan.commands[1] == Strings {"xx-apk", "add", "--no-cache", "xx-c-essentials"});
    plan = plan_auto_install(target("linux/arm64", alpine), cxx_only(), apk_root);
    REQUIRE(plan.commands.size() == 2);
    CHECK(plan.commands[1] == Strings {"xx-apk", "add", "--no-cache", "xx-cxx-essentials"});
    plan = plan_auto_install(target("linux/amd64", alpine), c_only(), apk_root);  // not cross: its own gcc
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] == Strings {"xx-apk", "add", "--no-cache", "xx-c-essentials"});
    plan = plan_auto_install(target("linux/arm64", alpine), std_only(), apk_root);
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.find("Alpine has no Rust standard library") != std::string::npos);
}

TEST_CASE("nothing missing: nothing to run") {
    auto plan = plan_auto_install(target("linux/arm64"), Missing {}, InstallHost {});
    CHECK(plan.commands.empty());
    CHECK(plan.refusal.empty());
}

TEST_CASE("Debian: the compiler there but not the target's glibc files: libc6-dev alone") {
    Missing libc;
    libc.libc = true;
    auto plan = plan_auto_install(target("linux/arm64"), libc, apt_root);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] == Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "libc6-dev"});
    libc.rust_std = true;
    plan = plan_auto_install(target("linux/arm64"), libc, apt_root);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] ==
          Strings {"xx-apt-get", "install", "-y", "--no-install-recommends", "libc6-dev", "libstd-rust-dev"});
}

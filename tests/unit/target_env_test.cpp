// Tests of xbuild/target_env.hpp: os-release variants and the xx-info resolution rules.
#include "xbuild/target_env.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using xbuild::OsRelease;
using xbuild::parse_os_release;
using xbuild::TargetEnv;

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

TargetEnv resolve(const Vars& vars, const OsRelease& rel, std::string_view machine = "x86_64") {
    return TargetEnv::resolve(
        [&](std::string_view name) {
            auto it = vars.find(name);
            return it == vars.end() ? std::string() : it->second;
        },
        rel, machine);
}

const OsRelease debian =
    parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
const OsRelease ubuntu = parse_os_release("NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n");
const OsRelease alpine = parse_os_release("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\n");
const OsRelease fedora = parse_os_release("NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=39\n");
const OsRelease none {};

}  // namespace

TEST_CASE("os-release: quoting as a shell reads it") {
    CHECK(debian.id == "debian");
    CHECK(debian.version_id == "12");
    CHECK(alpine.version_id == "3.18.4");
    auto rel = parse_os_release("# comment\n\n  ID='rhel'\nVERSION_ID=\"9.\\\"3\"\nID_LIKE=\"fedora\"\r\n");
    CHECK(rel.present);
    CHECK(rel.id == "rhel");
    CHECK(rel.version_id == "9.\"3");
    CHECK(parse_os_release("ID=rocky # trailing\n").id == "rocky");
    CHECK(parse_os_release("ID=\"unterminated\nVERSION_ID=1").id == "unterminated");
    CHECK(parse_os_release("garbage\n=\nID").id.empty());
    CHECK(parse_os_release("").present);
    CHECK_FALSE(xbuild::read_os_release("/nonexistent-root").present);
}

TEST_CASE("target selection: TARGETPLATFORM, TARGETPAIR, TARGETOS/ARCH/VARIANT, the machine") {
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64"}}, debian).triple() == "aarch64-linux-gnu");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm"}}, debian).variant() == "v7");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm/v9"}}, debian).variant() == "v7");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm/v6"}}, debian).variant() == "v6");
    CHECK(resolve({{"TARGETPLATFORM", "linux/amd64/v3"}}, debian).variant() == "v3");
    CHECK(resolve({{"TARGETPLATFORM", "linux/amd64/v1"}}, debian).variant().empty());
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64/v8"}}, debian).variant().empty());
    // TARGETPLATFORM wins over TARGETARCH, TARGETARCH over TARGETPAIR.
    CHECK(resolve({{"TARGETPLATFORM", "linux/s390x"}, {"TARGETARCH", "arm64"}}, debian).arch() == "s390x");
    CHECK(resolve({{"TARGETPAIR", "linux-arm64"}, {"TARGETARCH", "riscv64"}}, debian).arch() == "riscv64");
    auto pair = resolve({{"TARGETPAIR", "linux-armv6"}}, debian);
    CHECK(pair.arch() == "arm");
    CHECK(pair.variant() == "v6");
    CHECK(pair.triple() == "arm-linux-gnueabi");
    for (const char* glued : {"linux-armv7", "linux-armv9", "linux-arm"}) {
        CAPTURE(glued);
        auto te = resolve({{"TARGETPAIR", glued}}, debian);
        CHECK(te.arch() == "arm");
        CHECK(te.variant() == "v7");
    }
    CHECK(resolve({{"TARGETOS", "windows"}, {"TARGETARCH", "386"}}, debian).triple() == "i686-w64-mingw32");
    CHECK(resolve({}, debian, "aarch64").arch() == "arm64");
    CHECK(resolve({}, debian, "armv6l").variant() == "v6");
    CHECK(resolve({}, debian, "x86_64").os() == "linux");
}

TEST_CASE("plain fields never fail; names that need the table do") {
    auto foo = resolve({{"TARGETPLATFORM", "foo/bar"}}, debian);
    CHECK(foo.os() == "foo");
    CHECK(foo.arch() == "bar");
    CHECK_THROWS_WITH_AS(foo.triple(), doctest::Contains("unsupported target: os=foo arch=bar"),
                         xbuild::UnsupportedTarget);
    CHECK_THROWS_WITH(resolve({{"TARGETPLATFORM", "linux/ppc64"}}, debian).march(),
                      doctest::Contains("unsupported target: os=linux arch=ppc64"));
    CHECK_THROWS_WITH(resolve({{"TARGETPAIR", "linux-amd64v3"}}, debian).triple(),
                      doctest::Contains("unsupported target: os=linux arch=amd64v3"));
    CHECK_THROWS_WITH(resolve({}, debian, "pdp11").triple(),
                      doctest::Contains("unsupported target: os=linux arch=unknown"));
}

TEST_CASE("vendor and libc per distro") {
    auto arm = Vars {{"TARGETPLATFORM", "linux/arm/v7"}};
    CHECK(resolve(arm, debian).triple() == "arm-linux-gnueabihf");
    CHECK(resolve(arm, ubuntu).triple() == "arm-linux-gnueabihf");
    CHECK(resolve(arm, fedora).triple() == "arm-linux-gnueabihf");
    CHECK(resolve(arm, alpine).triple() == "armv7-alpine-linux-musleabihf");
    CHECK(resolve(arm, none).triple() == "arm-unknown-linux-gnueabihf");
    CHECK(resolve(arm, none).vendor() == "unknown");
    CHECK(resolve(arm, parse_os_release("ID=arch\n")).triple() == "arm-arch-linux-gnueabihf");
    CHECK(resolve(arm, alpine).libc() == "musl");
    CHECK(resolve(arm, debian).libc() == "gnu");
    Vars over = arm;
    over["XX_VENDOR"] = "alpine";
    CHECK(resolve(over, debian).triple() == "armv7-alpine-linux-musleabihf");
    over["XX_LIBC"] = "gnu";
    CHECK(resolve(over, debian).triple() == "armv7-alpine-linux-gnueabihf");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm/v6"}}, alpine).triple() == "armv6-alpine-linux-musleabihf");
    CHECK(resolve({{"TARGETPLATFORM", "linux/386"}}, alpine).triple() == "i586-alpine-linux-musl");
    CHECK(resolve({{"TARGETPLATFORM", "linux/mips64le"}}, alpine).triple() == "mips64el-alpine-linux-muslabi64");
}

TEST_CASE("pkg-arch follows the distro") {
    auto arm6 = Vars {{"TARGETPLATFORM", "linux/arm/v6"}};
    CHECK(resolve(arm6, debian).pkg_arch() == "armel");
    CHECK(resolve(arm6, alpine).pkg_arch() == "armhf");
    CHECK(resolve(arm6, fedora).pkg_arch() == "armv6hl");
    CHECK(resolve(arm6, none).pkg_arch() == "arm");
    CHECK(resolve({{"TARGETPLATFORM", "linux/386"}}, alpine).pkg_arch() == "x86");
}

TEST_CASE("darwin, windows, overrides") {
    CHECK(resolve({{"TARGETPLATFORM", "darwin/amd64"}}, debian).triple() == "x86_64-apple-macos10.6");
    CHECK(resolve({{"TARGETPLATFORM", "darwin/arm64"}}, debian).triple() == "arm64-apple-macos11.0");
    CHECK(resolve({{"TARGETPLATFORM", "darwin/arm64"}, {"MACOSX_VERSION_MIN", "12.0"}}, debian).triple() ==
          "arm64-apple-macos12.0");
    CHECK(resolve({{"TARGETPLATFORM", "darwin/arm64"}}, debian).march() == "arm64");
    CHECK(resolve({{"TARGETPLATFORM", "darwin/arm64"}}, debian).vendor() == "apple");
    CHECK(resolve({{"TARGETPLATFORM", "windows/arm64"}}, alpine).triple() == "aarch64-w64-mingw32");
    CHECK(resolve({{"TARGETPLATFORM", "windows/arm"}}, debian).triple() == "armv7-w64-mingw32");
    CHECK(resolve({{"TARGETPLATFORM", "windows/amd64"}}, debian).libc() == "mingw32");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm"}, {"ARM_TARGET_ARCH", "armv7a"}}, debian).triple() ==
          "armv7a-linux-gnueabihf");
    CHECK(resolve({{"TARGETPLATFORM", "linux/riscv64"}, {"RISCV64_TARGET_ARCH", "riscv64gc"}}, debian).triple() ==
          "riscv64gc-linux-gnu");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64"}, {"ARM_TARGET_ARCH", "armv7a"}}, debian).triple() ==
          "aarch64-linux-gnu");
}

TEST_CASE("is-cross and sysroot") {
    CHECK_FALSE(resolve({}, debian, "x86_64").is_cross());
    CHECK_FALSE(resolve({{"TARGETPLATFORM", "linux/amd64/v3"}}, debian, "x86_64").is_cross());
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64"}}, debian, "x86_64").is_cross());
    CHECK(resolve({{"TARGETPLATFORM", "linux/386"}}, debian, "x86_64").is_cross());
    CHECK_FALSE(resolve({{"TARGETPLATFORM", "linux/386"}}, debian, "i686").is_cross());
    CHECK(resolve({{"TARGETPLATFORM", "windows/amd64"}}, debian, "x86_64").is_cross());
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64"}}, alpine).sysroot() == "/aarch64-alpine-linux-musl/");
    CHECK(resolve({{"TARGETPLATFORM", "linux/amd64"}}, alpine).sysroot() == "/");
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm64"}}, debian).sysroot() == "/");
}

TEST_CASE("env lines") {
    CHECK(resolve({{"TARGETPLATFORM", "linux/arm/v7"}}, alpine).env_lines() ==
          "XX_OS=linux\nXX_MARCH=armv7l\nXX_VENDOR=alpine\nXX_PKG_ARCH=armv7\n"
          "XX_TRIPLE=armv7-alpine-linux-musleabihf\nXX_LIBC=musl\nTARGETOS=linux\nTARGETARCH=arm\n"
          "TARGETVARIANT=v7\n");
}

// Tests of xbuild/platform.hpp: the normalization table, lists, errors and matching.
#include "xbuild/platform.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using xbuild::parse_platform;
using xbuild::parse_platform_list;
using xbuild::Platform;
using xbuild::PlatformError;

namespace {

std::string normalized(std::string_view spec) { return parse_platform(spec).str(); }

std::string error_of(std::string_view spec) {
    try {
        return "parsed as " + parse_platform(spec).str();
    } catch (const PlatformError& e) { return e.what(); }
}

}  // namespace

TEST_CASE("normalization table") {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"linux/amd64", "linux/amd64"},
        {"amd64", "linux/amd64"},
        {"x86_64", "linux/amd64"},
        {"x86-64", "linux/amd64"},
        {"linux/x86_64", "linux/amd64"},
        {"LINUX/AMD64", "linux/amd64"},
        {"Linux/X86_64", "linux/amd64"},
        {"linux/amd64/v1", "linux/amd64"},
        {"linux/amd64/1", "linux/amd64"},
        {"linux/amd64/v2", "linux/amd64/v2"},
        {"linux/amd64/v3", "linux/amd64/v3"},
        {"linux/amd64/V4", "linux/amd64/v4"},
        {"linux/amd64/2", "linux/amd64/v2"},
        {"linux/x86_64/v3", "linux/amd64/v3"},
        {"aarch64", "linux/arm64"},
        {"arm64", "linux/arm64"},
        {"linux/arm64", "linux/arm64"},
        {"linux/arm64/v8", "linux/arm64"},
        {"linux/arm64/8", "linux/arm64"},
        {"linux/aarch64", "linux/arm64"},
        {"linux/aarch64/v8", "linux/arm64"},
        {"AArch64", "linux/arm64"},
        {"armhf", "linux/arm/v7"},
        {"armel", "linux/arm/v6"},
        {"arm", "linux/arm/v7"},
        {"linux/arm", "linux/arm/v7"},
        {"linux/arm/v7", "linux/arm/v7"},
        {"linux/arm/7", "linux/arm/v7"},
        {"linux/arm/v6", "linux/arm/v6"},
        {"linux/arm/6", "linux/arm/v6"},
        {"linux/arm/v5", "linux/arm/v5"},
        {"linux/arm/v8", "linux/arm/v8"},
        {"linux/armhf", "linux/arm/v7"},
        {"linux/armel", "linux/arm/v6"},
        {"i386", "linux/386"},
        {"i686", "linux/386"},
        {"386", "linux/386"},
        {"linux/i386", "linux/386"},
        {"linux/i686", "linux/386"},
        {"riscv64", "linux/riscv64"},
        {"ppc64le", "linux/ppc64le"},
        {"linux/ppc64el", "linux/ppc64le"},
        {"s390x", "linux/s390x"},
        {"loong64", "linux/loong64"},
        {"linux/loongarch64", "linux/loong64"},
        {"mips", "linux/mips"},
        {"mipsle", "linux/mipsle"},
        {"mipsel", "linux/mipsle"},
        {"mips64", "linux/mips64"},
        {"mips64le", "linux/mips64le"},
        {"mips64el", "linux/mips64le"},
        {"windows/amd64", "windows/amd64"},
        {"windows/x86_64", "windows/amd64"},
        {"windows/arm64", "windows/arm64"},
        {"windows/386", "windows/386"},
        {"windows/arm", "windows/arm/v7"},
        {"Windows/ARM/v7", "windows/arm/v7"},
        {"darwin/arm64", "darwin/arm64"},
        {"macos/arm64", "darwin/arm64"},
        {"macOS/amd64", "darwin/amd64"},
        {"darwin/aarch64", "darwin/arm64"},
        {"darwin/x86_64", "darwin/amd64"},
        {"freebsd/amd64", "freebsd/amd64"},
        {"freebsd/arm64", "freebsd/arm64"},
        {" linux/arm64 ", "linux/arm64"},
        {"\tarmhf\n", "linux/arm/v7"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(normalized(c.in) == c.out);
    }
}

TEST_CASE("bad input names the bad part and what is valid") {
    struct Case {
        const char* in;
        const char* message_part;
    };
    const Case cases[] = {
        {"", "empty platform; expected os/arch[/variant]"},
        {"   ", "empty platform"},
        {"linux/", "empty part in 'linux/'"},
        {"/arm64", "empty part in '/arm64'"},
        {"linux//arm", "empty part"},
        {"linux/arm65", "unknown architecture 'arm65' in 'linux/arm65'; known: amd64, 386, arm64, arm,"},
        {"linux/ppc64", "unknown architecture 'ppc64'"},
        {"linux/sparc64", "unknown architecture 'sparc64'"},
        {"lnux/amd64", "unknown operating system 'lnux' in 'lnux/amd64'; known: linux, windows, darwin, freebsd"},
        {"plan9/amd64", "unknown operating system 'plan9'"},
        {"linux/arm/v9", "unknown variant 'v9' for arm in 'linux/arm/v9'; known: v5, v6, v7, v8"},
        {"linux/arm/v4", "unknown variant 'v4' for arm"},
        {"linux/arm64/v9", "unknown variant 'v9' for arm64 in 'linux/arm64/v9'; known: none"},
        {"linux/amd64/v5", "unknown variant 'v5' for amd64"},
        {"linux/riscv64/v1", "unknown variant 'v1' for riscv64"},
        {"linux/amd64/v2/x", "too many parts in 'linux/amd64/v2/x'"},
        {"darwin/riscv64", "unsupported platform 'darwin/riscv64'; known for darwin: amd64, arm64"},
        {"windows/s390x", "unsupported platform 'windows/s390x'; known for windows: amd64, 386, arm64, arm/v7"},
        {"windows/amd64/v3", "unsupported platform 'windows/amd64/v3'"},
        {"windows/arm/v6", "unsupported platform 'windows/arm/v6'"},
        {"freebsd/386", "unsupported platform 'freebsd/386'"},
        {"foo", "unknown operating system or architecture 'foo'; known operating systems: linux,"},
        {"linux/amd64 x", "unknown architecture 'amd64 x'"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(error_of(c.in).find(c.message_part) != std::string::npos);
    }
}

TEST_CASE("local and a bare OS mean this machine") {
    const Platform host = xbuild::host_platform();
    REQUIRE_FALSE(host.arch.empty());
    CHECK(parse_platform("local") == host);
    CHECK(parse_platform("LOCAL") == host);
    CHECK(parse_platform("linux") == host);
    CHECK(parse_platform("windows").os == "windows");
    CHECK(parse_platform("windows").arch == host.arch);
}

TEST_CASE("machine names map to platforms") {
    CHECK(xbuild::platform_for_machine("x86_64").str() == "linux/amd64");
    CHECK(xbuild::platform_for_machine("aarch64").str() == "linux/arm64");
    CHECK(xbuild::platform_for_machine("arm64").str() == "linux/arm64");
    CHECK(xbuild::platform_for_machine("armv7l").str() == "linux/arm/v7");
    CHECK(xbuild::platform_for_machine("armv8l").str() == "linux/arm/v8");
    CHECK(xbuild::platform_for_machine("armv6l").str() == "linux/arm/v6");
    CHECK(xbuild::platform_for_machine("i686").str() == "linux/386");
    CHECK(xbuild::platform_for_machine("loongarch64").str() == "linux/loong64");
    CHECK(xbuild::platform_for_machine("pdp11").arch.empty());
}

TEST_CASE("lists: commas, blanks, duplicates, bad items") {
    auto list = parse_platform_list("linux/amd64, linux/arm64 ,armhf");
    REQUIRE(list.size() == 3);
    CHECK(list[0].str() == "linux/amd64");
    CHECK(list[1].str() == "linux/arm64");
    CHECK(list[2].str() == "linux/arm/v7");
    CHECK(parse_platform_list("amd64,x86_64,linux/amd64/v1").size() == 1);
    CHECK(parse_platform_list("linux/arm/v7,linux/arm").size() == 1);
    CHECK_THROWS_WITH_AS(parse_platform_list(""), doctest::Contains("empty platform list"), PlatformError);
    CHECK_THROWS_WITH_AS(parse_platform_list("linux/amd64,,linux/arm64"),
                         doctest::Contains("empty item in platform list"), PlatformError);
    CHECK_THROWS_WITH_AS(parse_platform_list("linux/amd64,"), doctest::Contains("empty item"), PlatformError);
    CHECK_THROWS_WITH_AS(parse_platform_list("linux/amd64,bogus"), doctest::Contains("'bogus'"), PlatformError);
}

TEST_CASE("runs_on: what a host CPU runs natively (containerd's Only)") {
    auto runs = [](const char* host, const char* p) {
        return xbuild::runs_on(parse_platform(host), parse_platform(p));
    };
    CHECK(runs("linux/amd64", "linux/amd64"));
    CHECK(runs("linux/amd64", "linux/386"));
    CHECK(runs("linux/amd64/v3", "linux/amd64/v2"));
    CHECK(runs("linux/amd64/v3", "linux/amd64"));
    CHECK(runs("linux/amd64/v3", "linux/386"));
    CHECK_FALSE(runs("linux/amd64/v3", "linux/amd64/v4"));
    CHECK_FALSE(runs("linux/amd64", "linux/amd64/v2"));
    CHECK(runs("linux/arm/v8", "linux/arm/v7"));
    CHECK(runs("linux/arm/v8", "linux/arm/v6"));
    CHECK(runs("linux/arm/v8", "linux/arm/v5"));
    CHECK(runs("linux/arm/v7", "linux/arm/v6"));
    CHECK_FALSE(runs("linux/arm/v7", "linux/arm/v8"));
    CHECK_FALSE(runs("linux/arm/v6", "linux/arm/v7"));
    CHECK(runs("linux/arm64", "linux/arm/v7"));
    CHECK(runs("linux/arm64", "linux/arm/v8"));
    CHECK_FALSE(runs("linux/arm64", "linux/amd64"));
    CHECK_FALSE(runs("linux/386", "linux/amd64"));
    CHECK_FALSE(runs("linux/amd64", "windows/amd64"));
    CHECK_FALSE(runs("linux/amd64", "linux/arm64"));
    CHECK(runs("windows/amd64", "windows/386"));
}

TEST_CASE("matches_strict: the same platform, nothing else (containerd's OnlyStrict)") {
    auto strict = [](const char* a, const char* b) {
        return xbuild::matches_strict(parse_platform(a), parse_platform(b));
    };
    CHECK(strict("linux/amd64", "x86_64"));
    CHECK(strict("linux/arm64", "linux/arm64/v8"));
    CHECK(strict("armhf", "linux/arm/v7"));
    CHECK_FALSE(strict("linux/amd64", "linux/386"));
    CHECK_FALSE(strict("linux/arm/v7", "linux/arm/v6"));
    CHECK_FALSE(strict("linux/amd64/v3", "linux/amd64/v2"));
}

TEST_CASE("str() and target_of round-trip through the table") {
    for (const xbuild::Target& t : xbuild::targets()) {
        Platform p = xbuild::platform_of(t);
        CAPTURE(p.str());
        CHECK(parse_platform(p.str()) == p);
        CHECK(&xbuild::target_of(p) == &t);
    }
    CHECK_THROWS_AS(xbuild::target_of(Platform {"linux", "vax", ""}), PlatformError);
}

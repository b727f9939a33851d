// Tests of xbuild/toolchain/go.hpp: the Go variables per target, the user's variables winning,
// and cgo's C toolchain (clang, gcc, zig) per target and distro.
#include "xbuild/toolchain/go.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using xbuild::OsRelease;
using xbuild::TargetEnv;
using xbuild::toolchain::CgoCompiler;
using xbuild::toolchain::GoToolchain;

namespace {

using test_support::platform_name;
using test_support::sets;
using test_support::value_of;

using Vars = std::map<std::string, std::string, std::less<>>;
using Changes = std::vector<std::string>;

const OsRelease debian {true, "debian", "12"};
const OsRelease alpine {true, "alpine", "3.18"};
const std::string tool_dir = "/opt/xx/bin";

xbuild::EnvLookup lookup(const Vars& vars) {
    return [vars](std::string_view name) {
        auto it = vars.find(name);
        return it == vars.end() ? std::string() : it->second;
    };
}

// The target of `platform` on `rel`, as a helper run with TARGETPLATFORM=<platform> sees it;
// `user` is the rest of the environment (GOARCH, CC, CGO_ENABLED, ...), seen by both.
GoToolchain go_for(const std::string& platform, Vars user = {}, const OsRelease& rel = debian) {
    Vars target_vars = user;
    target_vars["TARGETPLATFORM"] = platform;
    return GoToolchain(TargetEnv::resolve(lookup(target_vars), rel, "x86_64"), lookup(user));
}

Changes changes_for(const std::string& platform, Vars user = {}, const OsRelease& rel = debian) {
    return go_for(platform, std::move(user), rel).env_changes(tool_dir);
}

bool has(const Changes& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Written out by hand: what `go` needs for each platform of the table.
struct GoCase {
    std::string platform, goos, goarch, var, value;  // var "" when the platform needs none
};
const GoCase go_cases[] = {
    {"linux/amd64", "linux", "amd64", "GOAMD64", "v1"},
    {"linux/amd64/v2", "linux", "amd64", "GOAMD64", "v2"},
    {"linux/amd64/v3", "linux", "amd64", "GOAMD64", "v3"},
    {"linux/amd64/v4", "linux", "amd64", "GOAMD64", "v4"},
    {"linux/386", "linux", "386", "GO386", "sse2"},
    {"linux/arm64", "linux", "arm64", "", ""},
    {"linux/arm/v7", "linux", "arm", "GOARM", "7"},
    {"linux/arm/v6", "linux", "arm", "GOARM", "6"},
    {"linux/arm/v5", "linux", "arm", "GOARM", "5"},
    {"linux/arm/v8", "linux", "arm", "GOARM", "7"},  // GOARM has no 8: v8's 32-bit code is v7's
    {"linux/riscv64", "linux", "riscv64", "", ""},
    {"linux/ppc64le", "linux", "ppc64le", "", ""},
    {"linux/s390x", "linux", "s390x", "", ""},
    {"linux/loong64", "linux", "loong64", "", ""},
    {"linux/mips", "linux", "mips", "GOMIPS", "hardfloat"},
    {"linux/mipsle", "linux", "mipsle", "GOMIPS", "hardfloat"},
    {"linux/mips64", "linux", "mips64", "GOMIPS64", "hardfloat"},
    {"linux/mips64le", "linux", "mips64le", "GOMIPS64", "hardfloat"},
    {"windows/amd64", "windows", "amd64", "GOAMD64", "v1"},
    {"windows/386", "windows", "386", "GO386", "sse2"},
    {"windows/arm64", "windows", "arm64", "", ""},
    {"windows/arm/v7", "windows", "arm", "GOARM", "7"},
    {"darwin/amd64", "darwin", "amd64", "GOAMD64", "v1"},
    {"darwin/arm64", "darwin", "arm64", "", ""},
    {"freebsd/amd64", "freebsd", "amd64", "GOAMD64", "v1"},
    {"freebsd/arm64", "freebsd", "arm64", "", ""},
};

Changes expected_changes(const GoCase& c) {
    Changes want {"GOOS=" + c.goos, "GOARCH=" + c.goarch};
    if (!c.var.empty()) want.push_back(c.var + "=" + c.value);
    return want;
}

}  // namespace

TEST_CASE("every row with a Go arch: GOOS, GOARCH and the variant's variable, as written out by hand") {
    std::set<std::string> checked;
    for (const xbuild::Target& t : xbuild::targets()) {
        if (t.go_arch.empty()) continue;
        const std::string platform = platform_name(t);
        CAPTURE(platform);
        auto hand = std::find_if(std::begin(go_cases), std::end(go_cases),
                                 [&](const GoCase& c) { return c.platform == platform; });
        REQUIRE_MESSAGE(hand != std::end(go_cases), "no hand-written expectation for " << platform);
        const Changes got = changes_for(platform);
        CHECK(got == expected_changes(*hand));
        // ... which is also what the table's own columns say.
        CHECK(value_of(got, "GOOS") == t.os);
        CHECK(value_of(got, "GOARCH") == t.go_arch);
        if (!t.go_var.empty()) CHECK(value_of(got, std::string(t.go_var)) == t.go_value);
        checked.insert(platform);
    }
    // Every hand-written case is a row of the table.
    for (const GoCase& c : go_cases) CHECK_MESSAGE(checked.count(c.platform) == 1, c.platform);
}

TEST_CASE("go_vars: in `go env` order, the variant's variable last") {
    using Vec = std::vector<std::pair<std::string, std::string>>;
    CHECK(go_for("linux/arm/v6").go_vars() == Vec {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}});
    CHECK(go_for("linux/arm64").go_vars() == Vec {{"GOOS", "linux"}, {"GOARCH", "arm64"}});
    CHECK(go_for("darwin/arm64").go_vars() == Vec {{"GOOS", "darwin"}, {"GOARCH", "arm64"}});
    // Platform spellings the table resolves: bare arm is arm/v7, amd64/v1 is amd64.
    CHECK(changes_for("linux/arm") == Changes {"GOOS=linux", "GOARCH=arm", "GOARM=7"});
    CHECK(changes_for("linux/amd64/v1") == Changes {"GOOS=linux", "GOARCH=amd64", "GOAMD64=v1"});
    CHECK(changes_for("linux/aarch64") == Changes {"GOOS=linux", "GOARCH=arm64"});
}

TEST_CASE("the user's Go variables win") {
    SUBCASE("GOARCH") {
        auto got = changes_for("linux/arm64", {{"GOARCH", "amd64"}});
        CHECK_FALSE(sets(got, "GOARCH"));
        CHECK(has(got, "GOOS=linux"));
    }
    SUBCASE("GOARM") {
        auto got = changes_for("linux/arm/v7", {{"GOARM", "6"}});
        CHECK(got == Changes {"GOOS=linux", "GOARCH=arm"});
    }
    SUBCASE("GOOS and GOAMD64") {
        auto got = changes_for("windows/amd64", {{"GOOS", "linux"}, {"GOAMD64", "v3"}});
        CHECK(got == Changes {"GOARCH=amd64"});
    }
    SUBCASE("all of them: no changes at all") {
        CHECK(changes_for("linux/mips64le", {{"GOOS", "linux"}, {"GOARCH", "mips64le"}, {"GOMIPS64", "softfloat"}})
                  .empty());
    }
    SUBCASE("an empty value counts as unset") {
        CHECK(has(changes_for("linux/arm64", {{"GOARCH", ""}}), "GOARCH=arm64"));
    }
}

TEST_CASE("cgo: no C toolchain unless CGO_ENABLED=1") {
    for (const Vars& user : {Vars {}, Vars {{"CGO_ENABLED", "0"}}, Vars {{"CGO_ENABLED", ""}}}) {
        CAPTURE(user.size());
        auto go = go_for("linux/arm64", user);
        CHECK_FALSE(go.cgo_enabled());
        auto got = go.env_changes(tool_dir);
        CHECK(got == Changes {"GOOS=linux", "GOARCH=arm64"});
        CHECK_FALSE(sets(got, "CC"));
        CHECK_FALSE(sets(got, "CXX"));
        CHECK_FALSE(sets(got, "PKG_CONFIG"));
    }
    // Even an invalid compiler choice does not matter while cgo is off.
    CHECK_NOTHROW(changes_for("linux/arm64", {{"XX_GO_PREFER_C_COMPILER", "bogus"}}));
}

TEST_CASE("cgo with clang: the target-prefixed tools in the tool folder, named by the GNU triple") {
    struct Case {
        std::string platform;
        OsRelease rel;
        std::string triple;
    };
    const Case cases[] = {
        {"linux/arm64", debian, "aarch64-linux-gnu"},
        {"linux/arm/v7", debian, "arm-linux-gnueabihf"},
        {"linux/arm/v6", debian, "arm-linux-gnueabi"},
        {"linux/386", debian, "i686-linux-gnu"},
        {"linux/mips64le", debian, "mips64el-linux-gnuabi64"},
        {"linux/arm64", alpine, "aarch64-alpine-linux-musl"},
        {"linux/arm/v6", alpine, "armv6-alpine-linux-musleabihf"},
        {"windows/amd64", debian, "x86_64-w64-mingw32"},
        {"darwin/arm64", debian, "arm64-apple-macos11.0"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.platform);
        CAPTURE(c.rel.id);
        auto go = go_for(c.platform, {{"CGO_ENABLED", "1"}}, c.rel);
        CHECK(go.cgo_enabled());
        CHECK(go.cgo_compiler() == CgoCompiler::clang);
        REQUIRE(go.target().triple() == c.triple);
        auto got = go.env_changes(tool_dir);
        CHECK(value_of(got, "CC") == tool_dir + "/" + c.triple + "-clang");
        CHECK(value_of(got, "CXX") == tool_dir + "/" + c.triple + "-clang++");
        CHECK(value_of(got, "PKG_CONFIG") == tool_dir + "/" + c.triple + "-pkg-config");
        CHECK_FALSE(sets(got, "XX_CC_PREFER_COMPILER"));
        CHECK_FALSE(sets(got, "CGO_ENABLED"));  // the user's own
    }
    // The whole list, in order, for the common case.
    CHECK(changes_for("linux/arm64", {{"CGO_ENABLED", "1"}}) ==
          Changes {"GOOS=linux", "GOARCH=arm64", "CC=/opt/xx/bin/aarch64-linux-gnu-clang",
                   "CXX=/opt/xx/bin/aarch64-linux-gnu-clang++", "PKG_CONFIG=/opt/xx/bin/aarch64-linux-gnu-pkg-config"});
    // XX_GO_PREFER_C_COMPILER=clang is the default spelled out.
    CHECK(changes_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", "clang"}}) ==
          changes_for("linux/arm64", {{"CGO_ENABLED", "1"}}));
}

TEST_CASE("cgo: the user's CC, CXX and PKG_CONFIG win") {
    auto got = changes_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"CC", "my-cc"}});
    CHECK_FALSE(sets(got, "CC"));
    CHECK(value_of(got, "CXX") == "/opt/xx/bin/aarch64-linux-gnu-clang++");
    CHECK(value_of(got, "PKG_CONFIG") == "/opt/xx/bin/aarch64-linux-gnu-pkg-config");
    got = changes_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"CXX", "my-c++"}, {"PKG_CONFIG", "my-pc"}});
    CHECK(sets(got, "CC"));
    CHECK_FALSE(sets(got, "CXX"));
    CHECK_FALSE(sets(got, "PKG_CONFIG"));
    // With zig too.
    got = changes_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"CC", "my-cc"}, {"XX_GO_PREFER_C_COMPILER", "zig"}});
    CHECK_FALSE(sets(got, "CC"));
    CHECK(value_of(got, "CXX") == "zig c++ -target aarch64-linux-gnu");
}

TEST_CASE("cgo with XX_GO_PREFER_C_COMPILER=gcc: the prefixed tools, told to prefer gcc") {
    auto go = go_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", "gcc"}});
    CHECK(go.cgo_compiler() == CgoCompiler::gcc);
    auto got = go.env_changes(tool_dir);
    CHECK(has(got, "XX_CC_PREFER_COMPILER=gcc"));
    CHECK(value_of(got, "CC") == "/opt/xx/bin/aarch64-linux-gnu-clang");
    CHECK(value_of(got, "CXX") == "/opt/xx/bin/aarch64-linux-gnu-clang++");
    CHECK(value_of(got, "PKG_CONFIG") == "/opt/xx/bin/aarch64-linux-gnu-pkg-config");
    // The user's own XX_CC_PREFER_COMPILER wins.
    CHECK_FALSE(sets(
        changes_for("linux/arm64",
                    {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", "gcc"}, {"XX_CC_PREFER_COMPILER", "clang"}}),
        "XX_CC_PREFER_COMPILER"));
}

TEST_CASE("cgo with XX_GO_PREFER_C_COMPILER=zig: `zig cc -target` in zig's spelling") {
    struct Case {
        std::string platform;
        OsRelease rel;
        std::string zig_target;
    };
    const Case cases[] = {
        {"linux/arm64", debian, "aarch64-linux-gnu"},
        {"linux/amd64", debian, "x86_64-linux-gnu"},
        {"linux/386", debian, "x86-linux-gnu"},
        {"linux/arm/v7", debian, "arm-linux-gnueabihf"},
        {"linux/arm/v6", debian, "arm-linux-gnueabi"},
        {"linux/riscv64", debian, "riscv64-linux-gnu"},
        {"linux/mips64le", debian, "mips64el-linux-gnuabi64"},
        {"darwin/arm64", debian, "aarch64-macos"},
        {"darwin/amd64", debian, "x86_64-macos"},
        {"windows/amd64", debian, "x86_64-windows-gnu"},
        {"windows/386", debian, "x86-windows-gnu"},
        {"linux/arm64", alpine, "aarch64-linux-musl"},
        {"linux/amd64", alpine, "x86_64-linux-musl"},
        {"linux/386", alpine, "x86-linux-musl"},
        {"linux/arm/v7", alpine, "arm-linux-musleabihf"},
        {"linux/arm/v6", alpine, "arm-linux-musleabihf"},
        {"linux/arm/v5", alpine, "arm-linux-musleabi"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.platform);
        CAPTURE(c.rel.id);
        auto go = go_for(c.platform, {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", "zig"}}, c.rel);
        CHECK(go.cgo_compiler() == CgoCompiler::zig);
        auto got = go.env_changes(tool_dir);
        CHECK(value_of(got, "CC") == "zig cc -target " + c.zig_target);
        CHECK(value_of(got, "CXX") == "zig c++ -target " + c.zig_target);
        // pkg-config still the target's.
        CHECK(value_of(got, "PKG_CONFIG") == tool_dir + "/" + go.target().triple() + "-pkg-config");
        CHECK_FALSE(sets(got, "XX_CC_PREFER_COMPILER"));
    }
    // XX_LIBC=musl on Debian is musl too.
    auto musl =
        changes_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", "zig"}, {"XX_LIBC", "musl"}});
    CHECK(value_of(musl, "CC") == "zig cc -target aarch64-linux-musl");
}

TEST_CASE("an invalid XX_GO_PREFER_C_COMPILER throws, naming it and the valid ones") {
    for (const std::string bad : {"bogus", "Clang", "tcc", "gcc-12"}) {
        CAPTURE(bad);
        auto go = go_for("linux/arm64", {{"CGO_ENABLED", "1"}, {"XX_GO_PREFER_C_COMPILER", bad}});
        try {
            (void)go.env_changes(tool_dir);
            FAIL("no exception for XX_GO_PREFER_C_COMPILER=" << bad);
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            CHECK(what.find(bad) != std::string::npos);
            CHECK(what.find("XX_GO_PREFER_C_COMPILER") != std::string::npos);
            CHECK(what.find("clang") != std::string::npos);
            CHECK(what.find("gcc") != std::string::npos);
            CHECK(what.find("zig") != std::string::npos);
        }
        CHECK_THROWS_AS((void)go.cgo_compiler(), std::invalid_argument);
    }
}

TEST_CASE("an unknown target throws UnsupportedTarget") {
    for (const std::string platform : {"linux/foo", "plan9/amd64", "linux/ppc64"}) {
        CAPTURE(platform);
        CHECK_THROWS_AS((void)changes_for(platform), xbuild::UnsupportedTarget);
        CHECK_THROWS_AS((void)go_for(platform).go_vars(), xbuild::UnsupportedTarget);
    }
    CHECK_THROWS_WITH_AS((void)changes_for("linux/foo"), doctest::Contains("unsupported target: os=linux arch=foo"),
                         xbuild::UnsupportedTarget);
    // ... even when the user set every Go variable.
    CHECK_THROWS_AS((void)changes_for("linux/foo", {{"GOOS", "linux"}, {"GOARCH", "arm64"}}),
                    xbuild::UnsupportedTarget);
}

TEST_CASE("a Go value word as TARGETVARIANT of a row without variants: GOMIPS/GOMIPS64/GO386 take it") {
    auto vars = [](const char* arch, const char* variant) {
        auto env = xbuild::TargetEnv::resolve(
            [&](std::string_view n) -> std::string {
                if (n == "TARGETOS") return "linux";
                if (n == "TARGETARCH") return arch;
                if (n == "TARGETVARIANT") return variant;
                return "";
            },
            xbuild::OsRelease {}, "x86_64");
        return xbuild::toolchain::GoToolchain(env, [](std::string_view) { return std::string(); }).go_vars();
    };
    using V = std::vector<std::pair<std::string, std::string>>;
    CHECK(vars("mips", "softfloat") == V {{"GOOS", "linux"}, {"GOARCH", "mips"}, {"GOMIPS", "softfloat"}});
    CHECK(vars("mips64le", "softfloat") == V {{"GOOS", "linux"}, {"GOARCH", "mips64le"}, {"GOMIPS64", "softfloat"}});
    CHECK(vars("mipsle", "") == V {{"GOOS", "linux"}, {"GOARCH", "mipsle"}, {"GOMIPS", "hardfloat"}});
    CHECK(vars("386", "softfloat") == V {{"GOOS", "linux"}, {"GOARCH", "386"}, {"GO386", "softfloat"}});
    CHECK(vars("mips", "v7") == V {{"GOOS", "linux"}, {"GOARCH", "mips"}, {"GOMIPS", "hardfloat"}});  // not Go's word
    CHECK(vars("arm", "v6") == V {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}});  // rows with variants: theirs
}

TEST_CASE("cgo tools named bare when their folder is on PATH (as the shell helper names them), AR when there") {
    auto env = xbuild::TargetEnv::resolve(
        [](std::string_view n) -> std::string { return n == "TARGETPLATFORM" ? "linux/arm64" : ""; },
        xbuild::OsRelease {}, "x86_64");
    auto changes = [&](std::string path, bool ar) {
        return xbuild::toolchain::GoToolchain(env,
                                              [path](std::string_view n) -> std::string {
                                                  if (n == "CGO_ENABLED") return "1";
                                                  return n == "PATH" ? path : "";
                                              })
            .env_changes("/usr/bin", ar);
    };
    auto has = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    const auto bare = changes("/usr/local/bin:/usr/bin:/bin", true);
    CHECK(has(bare, "CC=" + env.triple() + "-clang"));
    CHECK(has(bare, "CXX=" + env.triple() + "-clang++"));
    CHECK(has(bare, "AR=" + env.triple() + "-ar"));
    CHECK(has(bare, "PKG_CONFIG=" + env.triple() + "-pkg-config"));
    const auto full = changes("/opt/bin", false);
    CHECK(has(full, "CC=/usr/bin/" + env.triple() + "-clang"));
    CHECK(std::none_of(full.begin(), full.end(), [](const std::string& c) { return c.rfind("AR=", 0) == 0; }));
}

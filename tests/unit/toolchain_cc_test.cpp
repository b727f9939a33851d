// Tests of xbuild/toolchain/cc.hpp: the compiler command per target, with a fake machine.
#include "xbuild/toolchain/cc.hpp"

#include <doctest/doctest.h>

#include "fake_machine.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace xbuild;
using namespace xbuild::toolchain;

namespace {

using test_support::FakeMachine;

TargetEnv target(const std::string& platform, const std::string& distro = "debian") {
    return TargetEnv::resolve(
        [&](std::string_view name) { return name == "TARGETPLATFORM" ? platform : std::string(); },
        parse_os_release("ID=" + distro + "\n"), "x86_64");
}

std::vector<std::string> argv_of(const CcToolchain& tc, Lang lang, Family family, std::vector<std::string> args) {
    return tc.compiler(lang, family, args).argv;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<std::string> link_args {"-o", "hello", "hello.c"};
const std::vector<std::string> compile_args {"-c", "hello.c"};

}  // namespace

TEST_CASE("clang with the target, lld, and the user's arguments last") {
    FakeMachine m {{"clang", "clang++", "ld.lld"}};
    CcToolchain tc(target("linux/arm64"), m.probe());
    auto argv = argv_of(tc, Lang::c, Family::any, link_args);
    CHECK(argv ==
          std::vector<std::string> {"clang", "--target=aarch64-linux-gnu", "-fuse-ld=lld", "-o", "hello", "hello.c"});
    CHECK(tc.compiler(Lang::c, Family::any, link_args).program == "/usr/bin/clang");
    CHECK(argv_of(tc, Lang::cxx, Family::any, link_args).front() == "clang++");
    // Compiling only: no linker flag, so -Werror builds see no unused-argument warning.
    CHECK_FALSE(has(argv_of(tc, Lang::c, Family::any, compile_args), "-fuse-ld=lld"));
    // The user's own -fuse-ld wins.
    auto own = argv_of(tc, Lang::c, Family::any, {"-fuse-ld=bfd", "-o", "x", "x.c"});
    CHECK_FALSE(has(own, "-fuse-ld=lld"));
}

TEST_CASE("variants add -march unless the user chose one") {
    FakeMachine m {{"clang", "ld.lld"}};
    CHECK(
        has(argv_of(CcToolchain(target("linux/arm/v6"), m.probe()), Lang::c, Family::any, link_args), "-march=armv6"));
    CHECK(has(argv_of(CcToolchain(target("linux/arm/v5"), m.probe()), Lang::c, Family::any, link_args),
              "-march=armv5te"));
    CHECK(has(argv_of(CcToolchain(target("linux/amd64/v3"), m.probe()), Lang::c, Family::any, link_args),
              "-march=x86-64-v3"));
    auto v7 = argv_of(CcToolchain(target("linux/arm/v7"), m.probe()), Lang::c, Family::any, link_args);
    CHECK(std::none_of(v7.begin(), v7.end(), [](const std::string& a) { return a.rfind("-march", 0) == 0; }));
    auto mine = argv_of(CcToolchain(target("linux/arm/v6"), m.probe()), Lang::c, Family::any, {"-march=armv6k", "x.c"});
    CHECK_FALSE(has(mine, "-march=armv6"));
}

TEST_CASE("GNU ld where lld cannot serve; -mno-relax for riscv64 when there is no GNU ld") {
    FakeMachine with_ld {{"clang", "ld.lld", "s390x-linux-gnu-ld", "riscv64-linux-gnu-ld"}};
    CHECK(has(argv_of(CcToolchain(target("linux/s390x"), with_ld.probe()), Lang::c, Family::any, link_args),
              "-fuse-ld=bfd"));
    auto rv = argv_of(CcToolchain(target("linux/riscv64"), with_ld.probe()), Lang::c, Family::any, link_args);
    CHECK(has(rv, "-fuse-ld=bfd"));
    CHECK_FALSE(has(rv, "-mno-relax"));
    FakeMachine lld_only {{"clang", "ld.lld"}};
    auto rv2 = argv_of(CcToolchain(target("linux/riscv64"), lld_only.probe()), Lang::c, Family::any, link_args);
    CHECK(has(rv2, "-fuse-ld=lld"));
    CHECK(has(rv2, "-mno-relax"));
    CHECK(has(argv_of(CcToolchain(target("linux/riscv64"), lld_only.probe()), Lang::c, Family::any, compile_args),
              "-mno-relax"));
    FakeMachine prefer {{"clang", "ld.lld", "aarch64-linux-gnu-ld"}, {}, {}, {{"XX_CC_PREFER_LINKER", "ld"}}};
    CHECK(has(argv_of(CcToolchain(target("linux/arm64"), prefer.probe()), Lang::c, Family::any, link_args),
              "-fuse-ld=bfd"));
}

TEST_CASE("the target's gcc when clang is missing or not preferred") {
    FakeMachine gcc_only {{"aarch64-linux-gnu-gcc", "aarch64-linux-gnu-g++"}};
    CcToolchain tc(target("linux/arm64"), gcc_only.probe());
    CHECK(argv_of(tc, Lang::c, Family::any, link_args) ==
          std::vector<std::string> {"aarch64-linux-gnu-gcc", "-o", "hello", "hello.c"});
    CHECK(argv_of(tc, Lang::cxx, Family::any, link_args).front() == "aarch64-linux-gnu-g++");
    CHECK_THROWS_WITH_AS(tc.compiler(Lang::c, Family::clang, link_args),
                         doctest::Contains("clang not found: apt-get install clang lld"), ToolchainError);
    FakeMachine both {{"clang", "arm-linux-gnueabi-gcc"}, {}, {}, {{"XX_CC_PREFER_COMPILER", "gcc"}}};
    auto v6 = argv_of(CcToolchain(target("linux/arm/v6"), both.probe()), Lang::c, Family::any, link_args);
    CHECK(v6 == std::vector<std::string> {"arm-linux-gnueabi-gcc", "-march=armv6", "-o", "hello", "hello.c"});
    FakeMachine none {};
    CHECK_THROWS_WITH(
        CcToolchain(target("linux/riscv64"), none.probe()).compiler(Lang::cxx, Family::any, link_args),
        doctest::Contains(
            "no C++ compiler for riscv64-linux-gnu: apt-get install clang lld, or Debian's g++-riscv64-linux-gnu"));
}

TEST_CASE("sysroots: Alpine's secondary root, darwin's SDK, none for Debian") {
    FakeMachine alpine {{"clang", "ld.lld"}, {"/aarch64-alpine-linux-musl"}};
    CcToolchain a(target("linux/arm64", "alpine"), alpine.probe());
    CHECK(a.triple() == "aarch64-alpine-linux-musl");
    CHECK(a.sysroot() == "/aarch64-alpine-linux-musl");
    CHECK(has(argv_of(a, Lang::c, Family::any, link_args), "--sysroot=/aarch64-alpine-linux-musl"));
    FakeMachine debian_cross {{"clang"}, {"/usr/aarch64-linux-gnu/include"}};
    CcToolchain d(target("linux/arm64"), debian_cross.probe());
    CHECK(d.sysroot() == "/usr/aarch64-linux-gnu");
    auto argv = argv_of(d, Lang::c, Family::any, link_args);
    CHECK(std::none_of(argv.begin(), argv.end(), [](const std::string& s) { return s.rfind("--sysroot", 0) == 0; }));
    CHECK(CcToolchain(target("linux/arm64"), FakeMachine {}.probe()).sysroot() == "/");
    FakeMachine sdk {{"clang"}, {"/xx-sdk"}};
    CHECK(has(argv_of(CcToolchain(target("darwin/arm64"), sdk.probe()), Lang::c, Family::any, link_args),
              "--sysroot=/xx-sdk"));
}

TEST_CASE("windows: mingw's libgcc folder for clang, g++ for C++") {
    FakeMachine m {{"clang", "clang++", "ld.lld", "x86_64-w64-mingw32-g++"},
                   {},
                   {{"/usr/lib/gcc/x86_64-w64-mingw32", {"12-posix", "12-win32"}}}};
    CcToolchain tc(target("windows/amd64"), m.probe());
    CHECK(has(argv_of(tc, Lang::c, Family::any, link_args), "-L/usr/lib/gcc/x86_64-w64-mingw32/12-win32"));
    CHECK(argv_of(tc, Lang::cxx, Family::any, link_args).front() == "x86_64-w64-mingw32-g++");
    CHECK(argv_of(tc, Lang::cxx, Family::clang, link_args).front() == "clang++");
}

TEST_CASE("pkg-config sees only the target's .pc files") {
    FakeMachine m {{"pkg-config"}};
    auto cmd = CcToolchain(target("linux/arm64"), m.probe()).pkg_config(std::vector<std::string> {"--libs", "zlib"});
    CHECK(has(cmd.env, "PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig"));
    CHECK(cmd.argv == std::vector<std::string> {"pkg-config", "--libs", "zlib"});
    FakeMachine alpine {{"pkg-config"}, {"/aarch64-alpine-linux-musl"}};
    auto a = CcToolchain(target("linux/arm64", "alpine"), alpine.probe()).pkg_config(std::vector<std::string> {});
    CHECK(has(a.env, "PKG_CONFIG_SYSROOT_DIR=/aarch64-alpine-linux-musl"));
    FakeMachine cross {{"pkg-config"}, {"/usr/aarch64-linux-gnu/lib"}};
    auto c = CcToolchain(target("linux/arm64"), cross.probe()).pkg_config(std::vector<std::string> {});
    CHECK(has(c.env,
              "PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/aarch64-linux-gnu/lib/pkgconfig:/usr/share/"
              "pkgconfig"));
    CHECK_THROWS_AS(CcToolchain(target("linux/arm64"), FakeMachine {}.probe()).pkg_config(std::vector<std::string> {}),
                    ToolchainError);
}

TEST_CASE("binutils: llvm tools first, then the target's GNU ones") {
    FakeMachine m {{"llvm-ar", "aarch64-linux-gnu-ld", "aarch64-linux-gnu-strip"}};
    CcToolchain tc(target("linux/arm64"), m.probe());
    CHECK(tc.binutil("ar", std::vector<std::string> {"rcs"}).argv == std::vector<std::string> {"llvm-ar", "rcs"});
    CHECK(tc.binutil("strip", std::vector<std::string> {}).argv.front() == "aarch64-linux-gnu-strip");
    CHECK(tc.binutil("ld", std::vector<std::string> {}).argv.front() == "aarch64-linux-gnu-ld");
    CHECK_THROWS_WITH(tc.binutil("nm", std::vector<std::string> {}), doctest::Contains("binutils-aarch64-linux-gnu"));
}

TEST_CASE("build-system files name the prefixed tools and xx-run") {
    FakeMachine m {{"clang"}};
    CcToolchain tc(target("linux/arm/v7"), m.probe());
    std::string meson = tc.meson_cross_file();
    CHECK(meson.find("c = '") != std::string::npos);
    CHECK(meson.find("arm-linux-gnueabihf-clang'") != std::string::npos);
    CHECK(meson.find("cpu_family = 'arm'") != std::string::npos);
    CHECK(meson.find("\npkgconfig = '") != std::string::npos);  // what Meson 1.0 (bookworm) reads
    CHECK(meson.find("endian = 'little'") != std::string::npos);
    CHECK(meson.find("'--platform', 'linux/arm/v7']") != std::string::npos);
    std::string cmake = tc.cmake_toolchain();
    CHECK(cmake.find("set(CMAKE_SYSTEM_NAME Linux)") != std::string::npos);
    CHECK(cmake.find("set(CMAKE_SYSTEM_PROCESSOR armv7l)") != std::string::npos);
    CHECK(cmake.find("xx-run;--platform;linux/arm/v7") != std::string::npos);
    CHECK(cmake.find("set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)") != std::string::npos);
    CHECK(tc.cmake_defines().find("-DCMAKE_C_COMPILER_TARGET=arm-linux-gnueabihf") != std::string::npos);
    CHECK(CcToolchain(target("linux/s390x"), m.probe()).meson_cross_file().find("endian = 'big'") != std::string::npos);
}

TEST_CASE("triples in tool names map back to platforms") {
    CHECK(platform_for_triple("aarch64-linux-gnu") == "linux/arm64");
    CHECK(platform_for_triple("aarch64-unknown-linux-gnu") == "linux/arm64");
    CHECK(platform_for_triple("arm-linux-gnueabihf") == "linux/arm/v7");
    CHECK(platform_for_triple("arm-linux-gnueabi") == "linux/arm/v6");
    CHECK(platform_for_triple("armv7-alpine-linux-musleabihf") == "linux/arm/v7");
    CHECK(platform_for_triple("armv6-alpine-linux-musleabihf") == "linux/arm/v6");
    CHECK(platform_for_triple("i586-alpine-linux-musl") == "linux/386");
    CHECK(platform_for_triple("mips64el-linux-gnuabi64") == "linux/mips64le");
    CHECK(platform_for_triple("x86_64-w64-mingw32") == "windows/amd64");
    CHECK(platform_for_triple("arm64-apple-macos11.0") == "darwin/arm64");
    CHECK(platform_for_triple("sparc64-linux-gnu").empty());
    CHECK(platform_for_triple("nonsense").empty());
    auto t = split_prefixed_tool("aarch64-linux-gnu-clang++");
    REQUIRE(t);
    CHECK(t->triple == "aarch64-linux-gnu");
    CHECK(t->tool == "clang++");
    CHECK(split_prefixed_tool("x86_64-w64-mingw32-windres")->tool == "windres");
    CHECK(split_prefixed_tool("arm-linux-gnueabihf-pkg-config")->tool == "pkg-config");
    CHECK_FALSE(split_prefixed_tool("clang"));
    CHECK_FALSE(split_prefixed_tool("sparc-linux-gnu-clang"));
    CHECK_FALSE(split_prefixed_tool("xx-info"));
}

TEST_CASE("the linker: lld, else the target's GNU ld by path; GNU ld where lld falls short or is not wanted") {
    FakeMachine m {{"clang", "ld.lld", "s390x-linux-gnu-ld", "powerpc64le-linux-gnu-ld"}};
    using L = CcToolchain::Linker;
    CHECK(CcToolchain(target("linux/arm64"), m.probe()).linker().kind == L::lld);
    auto s390x = CcToolchain(target("linux/s390x"), m.probe()).linker();
    CHECK(s390x.kind == L::gnu);
    CHECK(s390x.path == "/usr/bin/s390x-linux-gnu-ld");
    CHECK(CcToolchain(target("linux/ppc64le"), m.probe()).linker().kind == L::lld);
    m.env["XX_CC_PREFER_STATIC_LINKER"] = "1";
    CHECK(CcToolchain(target("linux/ppc64le"), m.probe()).linker().path == "/usr/bin/powerpc64le-linux-gnu-ld");
    CHECK(CcToolchain(target("linux/arm64"), m.probe()).linker().kind == L::lld);  // no GNU ld for it here
    FakeMachine bare {{"clang"}};
    CHECK(CcToolchain(target("linux/arm64"), bare.probe()).linker().kind == L::none);
}

TEST_CASE("clang_config: the xx shell helper's <triple>.cfg line, per OS") {
    FakeMachine m {{"clang", "ld.lld"}};
    CHECK(CcToolchain(target("linux/arm64"), m.probe()).clang_config() == "--target=aarch64-linux-gnu -fuse-ld=lld");
    CHECK(CcToolchain(target("linux/amd64"), m.probe()).clang_default_config() == "-fuse-ld=lld");
    CHECK(CcToolchain(target("windows/amd64"), m.probe()).clang_config() ==
          "--target=x86_64-w64-mingw32 -fuse-ld=lld -I/usr/x86_64-w64-mingw32/include -L/usr/x86_64-w64-mingw32/lib");
    CHECK(CcToolchain(target("darwin/amd64"), m.probe()).clang_config() ==
          "--target=x86_64-apple-macos10.6 -fuse-ld=ld64 -isysroot /xx-sdk/MacOSX11.1.sdk -stdlib=libc++");
    m.dirs["/xx-sdk"] = {"MacOSX12.3.sdk"};
    m.programs.insert("ld64.signed");
    CHECK(
        CcToolchain(target("darwin/arm64"), m.probe()).clang_config() ==
        "--target=arm64-apple-macos11.0 -fuse-ld=/usr/bin/ld64.signed -isysroot /xx-sdk/MacOSX12.3.sdk -stdlib=libc++");
    FakeMachine alpine {{"clang", "aarch64-alpine-linux-musl-ld"}};
    CHECK(CcToolchain(target("linux/arm64", "alpine"), alpine.probe()).clang_config() ==
          "--target=aarch64-alpine-linux-musl -fuse-ld=/usr/bin/aarch64-alpine-linux-musl-ld "
          "--sysroot=/aarch64-alpine-linux-musl/ -Wl,-rpath-link,/aarch64-alpine-linux-musl/usr/lib");
    FakeMachine bare {{"clang"}};
    CHECK_THROWS_WITH_AS(CcToolchain(target("linux/arm64"), bare.probe()).clang_config(),
                         doctest::Contains("no suitable linker found for aarch64-linux-gnu"), ToolchainError);
}

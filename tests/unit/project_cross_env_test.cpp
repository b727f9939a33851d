// xbuild/project/cross_env.hpp: one platform's tool folder and environment.
#include <doctest/doctest.h>
#include <unistd.h>

#include <map>

#include "test_support.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/project/cross_env.hpp"

namespace fs = std::filesystem;
using namespace xbuild::project;
using test_support::sets;
using test_support::value_of;

namespace {

xbuild::EnvLookup lookup(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::string {
        auto it = vars.find(std::string(name));
        return it == vars.end() ? "" : it->second;
    };
}

struct ToolDir {
    fs::path path = fs::temp_directory_path() / ("xbuild-cross-env-" + std::to_string(::getpid()));
    ~ToolDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("prepare_cross: the target's variables, tools first on PATH, links to xx") {
    ToolDir dir;
    const auto setup = prepare_cross(xbuild::parse_platform("linux/arm64"), dir.path.string(), "/bin/true", {},
                                     lookup({{"PATH", "/usr/bin:/bin"}, {"TARGETPLATFORM", "linux/s390x"}}));
    CHECK(setup.triple == "aarch64-linux-gnu");
    CHECK(setup.rust_triple == "aarch64-unknown-linux-gnu");
    CHECK(value_of(setup.env, "PATH") == dir.path.string() + ":/usr/bin:/bin");
    CHECK(value_of(setup.env, "TARGETPLATFORM") == "linux/arm64");  // the user's TARGET* do not apply
    CHECK(value_of(setup.env, "TARGETARCH") == "arm64");
    CHECK(value_of(setup.env, "GOARCH") == "arm64");
    CHECK(value_of(setup.env, "CGO_ENABLED") == "0");
    CHECK(value_of(setup.env, "XX_AUTO_INSTALL") == "0");
    CHECK(value_of(setup.env, "CC") == "aarch64-linux-gnu-clang");
    CHECK(value_of(setup.env, "PKG_CONFIG") == "aarch64-linux-gnu-pkg-config");
    CHECK(value_of(setup.env, "CARGO_BUILD_TARGET") == "aarch64-unknown-linux-gnu");
    CHECK(value_of(setup.env, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER") == setup.runner());
    CHECK(fs::read_symlink(dir.path / "xx-run") == "/bin/true");
    CHECK(fs::read_symlink(dir.path / "aarch64-linux-gnu-clang") == "/bin/true");
    const auto toolchain = xbuild::read_file(setup.cmake_toolchain);
    REQUIRE(toolchain);
    CHECK(toolchain->find(dir.path.string() + "/aarch64-linux-gnu-clang") != std::string::npos);
    CHECK(toolchain->find(dir.path.string() + "/xx-run;--platform;linux/arm64") != std::string::npos);
    const auto cross = xbuild::read_file(setup.meson_cross_file);
    REQUIRE(cross);
    CHECK(cross->find("cpu_family = 'aarch64'") != std::string::npos);
}

TEST_CASE("prepare_cross: what the user set wins; cgo on request; arm's variant") {
    ToolDir dir;
    const auto setup = prepare_cross(xbuild::parse_platform("linux/arm/v7"), dir.path.string(), "/bin/true",
                                     {.cgo = true}, lookup({{"PATH", "/usr/bin"}, {"CC", "my-cc"}}));
    CHECK_FALSE(sets(setup.env, "CC"));
    CHECK(value_of(setup.env, "GOARM") == "7");
    CHECK(value_of(setup.env, "CGO_ENABLED") == "1");
    CHECK(value_of(setup.env, "TARGETVARIANT") == "v7");

    const auto user_cgo = prepare_cross(xbuild::parse_platform("linux/amd64"), dir.path.string(), "/bin/true",
                                        {.cgo = true}, lookup({{"CGO_ENABLED", "0"}}));
    CHECK_FALSE(sets(user_cgo.env, "CGO_ENABLED"));  // theirs stays in the environment
}

TEST_CASE("prepare_cross: a links folder made for another xx is brought up to date") {
    ToolDir dir;
    prepare_cross(xbuild::parse_platform("linux/riscv64"), dir.path.string(), "/bin/false", {}, lookup({}));
    prepare_cross(xbuild::parse_platform("linux/riscv64"), dir.path.string(), "/bin/true", {}, lookup({}));
    CHECK(fs::read_symlink(dir.path / "xx-cc") == "/bin/true");
}

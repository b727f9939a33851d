// xbuild/project/steps.hpp: the commands each kind of project is built and tested with.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>

#include "xbuild/project/steps.hpp"

using namespace xbuild::project;

namespace {

CrossSetup arm64_setup() {
    CrossSetup s;
    s.platform = xbuild::parse_platform("linux/arm64");
    s.tool_dir = "/b/tools";
    s.triple = "aarch64-linux-gnu";
    s.rust_triple = "aarch64-unknown-linux-gnu";
    s.cmake_toolchain = "/b/tools/toolchain.cmake";
    s.meson_cross_file = "/b/tools/cross.meson";
    return s;
}

bool has(const std::vector<std::string>& argv, const std::string& word) {
    return std::find(argv.begin(), argv.end(), word) != argv.end();
}

StepPlan plan(ProjectKind kind, const Config& config, bool test = false, std::vector<std::string> command = {}) {
    static const CrossSetup setup = arm64_setup();
    return plan_steps({.kind = kind,
                       .config = config,
                       .source = "/src",
                       .build_dir = "/b",
                       .stage = "/b/stage",
                       .cross = setup,
                       .jobs = 2,
                       .command = std::move(command),
                       .test = test});
}

}  // namespace

TEST_CASE("go: build into the stage; test under xx-run") {
    Config c;
    c.go.ldflags = "-s -w";
    c.go.tags = {"netgo", "osusergo"};
    auto p = plan(ProjectKind::go, c);
    REQUIRE(p.steps.size() == 1);
    const auto& argv = p.steps[0].argv;
    CHECK(argv[0] == "go");
    CHECK(argv[1] == "build");
    CHECK(has(argv, "-ldflags=-s -w"));
    CHECK(has(argv, "-tags=netgo,osusergo"));
    CHECK(has(argv, "/b/stage/"));
    CHECK(argv.back() == "./...");
    CHECK(p.steps[0].cwd == "/src");

    c.go.packages = {"./cmd/a", "./cmd/b"};
    auto t = plan(ProjectKind::go, c, true);
    CHECK(t.steps[0].argv[1] == "test");
    CHECK(has(t.steps[0].argv, "/b/tools/xx-run"));
    CHECK_FALSE(has(t.steps[0].argv, "-o"));
    CHECK(t.steps[0].argv.back() == "./cmd/b");
}

TEST_CASE("cargo: the target, its own target folder, the profile's programs collected") {
    Config c;
    c.rust.features = {"a", "b"};
    c.rust.no_default_features = true;
    auto p = plan(ProjectKind::cargo, c);
    const auto& argv = p.steps[0].argv;
    CHECK(argv[0] == "xx-cargo");  // it adds --target, and names the package of a missing std
    CHECK(has(argv, "/b/target"));
    CHECK(has(argv, "a,b"));
    CHECK(has(argv, "--no-default-features"));
    CHECK(p.collect.from == Collect::From::programs);
    CHECK(p.collect.dir == "/b/target/aarch64-unknown-linux-gnu/release");
    c.rust.profile = "dev";
    CHECK(plan(ProjectKind::cargo, c).collect.dir.filename() == "debug");
    CHECK(cargo_profile_dir("size") == "size");
}

TEST_CASE("cmake and meson: our toolchain, installed into the stage; tests through the emulator") {
    Config c;
    c.cmake.args = {"-DWITH_X=ON"};
    auto p = plan(ProjectKind::cmake, c);
    REQUIRE(p.steps.size() == 3);
    CHECK(has(p.steps[0].argv, "-DCMAKE_TOOLCHAIN_FILE=/b/tools/toolchain.cmake"));
    CHECK(has(p.steps[0].argv, "-DCMAKE_BUILD_TYPE=Release"));
    CHECK(has(p.steps[0].argv, "-DWITH_X=ON"));
    CHECK(p.steps[2].name == "install");
    CHECK(has(p.steps[2].env, "DESTDIR=/b/stage"));
    CHECK(p.collect.from == Collect::From::tree);  // a project without install() rules
    CHECK(p.collect.dir == "/b/cmake");
    CHECK(plan(ProjectKind::cmake, c, true).steps[2].argv[0] == "ctest");

    auto m = plan(ProjectKind::meson, c);
    CHECK(has(m.steps[0].argv, "/b/tools/cross.meson"));
    CHECK(has(m.steps[2].argv, "--destdir"));
    CHECK(plan(ProjectKind::meson, c, true).steps[2].argv[1] == "test");
}

TEST_CASE("configure and make: --host, the tools on make's command line, install only when there is one") {
    Config c;
    auto conf = plan(ProjectKind::configure, c);
    CHECK(has(conf.steps[1].argv, "--host=aarch64-linux-gnu"));
    CHECK(conf.steps[1].argv[0] == "/src/configure");
    CHECK(has(conf.steps.back().argv, "DESTDIR=/b/stage"));

    auto make = plan(ProjectKind::make, c);
    const auto build =
        std::find_if(make.steps.begin(), make.steps.end(), [](const Step& s) { return s.name == "build"; });
    REQUIRE(build != make.steps.end());
    CHECK(has(build->argv, "CC=aarch64-linux-gnu-clang"));
    CHECK(build->cwd == "/b/make");  // a copy: platforms never share one tree
    const Step& copy = make.steps[1];
    CHECK(copy.argv[0] == "sh");
    CHECK(has(copy.argv, "--exclude=./.git"));
    CHECK(make.steps.back().name == "install");
    CHECK_FALSE(make.steps.back().only_if.empty());
    CHECK(make.collect.from == Collect::From::tree);
}

TEST_CASE("command: the user's command with the stage named; none is an error") {
    Config c;
    auto p = plan(ProjectKind::command, c, false, {"sh", "-c", "make dist"});
    CHECK(p.steps[0].argv[2] == "make dist");
    CHECK(has(p.steps[0].env, "XBUILD_OUTPUT=/b/stage"));
    CHECK_THROWS_WITH_AS(plan(ProjectKind::command, c), doctest::Contains("needs a command"), std::invalid_argument);
    c.command = {"./build.sh"};
    CHECK(plan(ProjectKind::command, c).steps[0].argv[0] == "./build.sh");
}

TEST_CASE("cargo for a platform Rust has no target for") {
    CrossSetup s = arm64_setup();
    s.rust_triple.clear();
    Config c;
    CHECK_THROWS_WITH(plan_steps({.kind = ProjectKind::cargo,
                                  .config = c,
                                  .source = "/src",
                                  .build_dir = "/b",
                                  .stage = "/b/stage",
                                  .cross = s}),
                      doctest::Contains("Rust has no target for linux/arm64"));
}

TEST_CASE("make: outputs inside the project are left out of the copy") {
    const CrossSetup s = arm64_setup();
    Config c;
    auto p = plan_steps({.kind = ProjectKind::make,
                         .config = c,
                         .source = "/src",
                         .build_dir = "/b",
                         .stage = "/b/stage",
                         .cross = s,
                         .skip_in_copy = {"dist", "out/images"}});
    CHECK(has(p.steps[1].argv, "--exclude=./dist"));
    CHECK(has(p.steps[1].argv, "--exclude=./out/images"));
}

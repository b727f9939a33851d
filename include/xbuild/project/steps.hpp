// xbuild/project/steps.hpp: the commands that build (or test) a project for one platform.
//
// Each kind of project is built the way its own users build it, with the platform's cross setup
// (cross_env.hpp) in the environment:
//   go         go build -trimpath -buildvcs=false [-ldflags ..] [-tags ..] -o <stage>/ <packages, default ./...>
//              test: go test -exec <xx-run> [-tags ..] <packages>
//   cargo      xx-cargo build (--target <rust triple>) --target-dir <build>/target --profile <release> [features]
//              then the profile folder's programs are collected; test: cargo test (runner: xx-run)
//   cmake      cmake -S <src> -B <build>/cmake [-G Ninja] -DCMAKE_TOOLCHAIN_FILE=.. -DCMAKE_BUILD_TYPE=Release
//              -DCMAKE_INSTALL_PREFIX=/usr/local, cmake --build, cmake --install with DESTDIR=<stage>;
//              test: ctest (the toolchain names xx-run as CMAKE_CROSSCOMPILING_EMULATOR)
//   meson      meson setup --cross-file .. --prefix /usr/local --buildtype release, meson compile,
//              meson install --destdir <stage>; test: meson test (exe_wrapper: xx-run)
//   configure  <src>/configure --host=<triple> --prefix=/usr/local in <build>/configure, make -jN,
//              make install DESTDIR=<stage>; test: make check
//   make       the tree copied to <build>/make (builds must not share one tree; without .git and the
//              outputs of earlier runs), make -jN with CC, CXX,
//              AR, ... on the command line, make install DESTDIR=<stage> PREFIX=/usr/local when the
//              Makefile has an install target, else its programs are collected; test: make check or test
//   command    the user's command in the project folder, with XBUILD_OUTPUT=<stage> (what it writes
//              there is the platform's result) and XBUILD_BUILD_DIR=<build>
// A project whose install installs nothing (no install() rules) has the programs it built collected
// from its build folder instead.
//
//   auto plan = plan_steps({.kind = ProjectKind::go, .config = cfg, .source = "examples/go",
//                           .build_dir = "/tmp/b/linux_arm64", .stage = "/tmp/b/linux_arm64/stage", .cross = setup});
//   for (const Step& s : plan.steps) ... run s.argv in s.cwd with setup.env + s.env
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config.hpp"
#include "cross_env.hpp"
#include "detect.hpp"

namespace xbuild::project {

// One command of a platform's build.
struct Step {
    std::string name;               // what the display shows: "configure", "build", "install", "test"
    std::vector<std::string> argv;  // argv[0] looked up on the platform's PATH
    std::filesystem::path cwd;
    std::vector<std::string> env;  // NAME=value on top of the platform's
    // Run first, silently; when it fails the step is skipped (a Makefile without `install`).
    std::vector<std::string> only_if;
};

// Where the results are, beyond what the steps put into the stage themselves.
struct Collect {
    enum class From {
        stage,     // the steps wrote the results into the stage
        programs,  // the programs (and shared libraries) at the top of `dir` are copied into the stage
        tree,      // when the install put nothing into the stage (a project without install rules, a
                   // Makefile without `install`): the programs and shared libraries anywhere under
                   // `dir`, keeping their relative paths
    } from = From::stage;
    std::filesystem::path dir;
};

struct StepPlan {
    std::vector<Step> steps;
    Collect collect;
};

// What plan_steps needs to know.
struct StepContext {
    ProjectKind kind = ProjectKind::go;
    const Config& config;
    std::filesystem::path source;     // the project folder (absolute)
    std::filesystem::path build_dir;  // this platform's own folder, kept between runs
    std::filesystem::path stage;      // where this platform's results go (empty at the start)
    const CrossSetup& cross;
    unsigned jobs = 1;                 // parallel jobs inside the build (make -j, cmake --build -j)
    std::vector<std::string> command;  // kind command: the argv after `--` (or config.command)
    // make: folders of the project not to copy (relative: "dist", where the outputs go); .git never is.
    std::vector<std::string> skip_in_copy;
    bool test = false;  // plan the tests instead of the build
};

// The steps for ctx. Throws std::invalid_argument for a plan that cannot be made (kind command
// without a command, a Rust build for a platform Rust has no triple for).
StepPlan plan_steps(const StepContext& ctx);

// The folder name of a cargo profile's outputs: release -> release, dev and test -> debug, other -> itself.
std::string cargo_profile_dir(std::string_view profile);

}  // namespace xbuild::project

#include "impl/steps.inl"

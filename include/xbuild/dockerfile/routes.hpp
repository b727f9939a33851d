// xbuild/dockerfile/routes.hpp: how a stage's RUN commands are routed through the xx helpers
// when the stage goes cross, and what the commands say about the stage.
//
//   go build / go install           -> xx-go ...  (&& xx-verify OUT for -o OUT); CGO_ENABLED=1
//                                      when the stage installs -dev packages (cgo, as natively)
//   cargo build / b / install       -> xx-cargo ... (target/<profile> mirrored from target/<triple>)
//   gcc cc clang  g++ c++ clang++   -> xx-cc xx-cc xx-clang  xx-c++ xx-c++ xx-clang++
//                                      (&& xx-verify OUT when the command links -o OUT)
//   make                            -> make CC=xx-cc CXX=xx-c++
//   cmake (configuring)             -> cmake -DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path)
//   meson setup / meson DIR         -> meson setup --cross-file=$(xx-cc --print-meson-cross-file-path)
//   ./configure                     -> ./configure --host=$(xx-cc --print-target-triple) CC=xx-cc CXX=xx-c++
//   apt-get/apt install, apk add    -> the build machine's tools stay; -dev libraries go to
//                                      xx-apt-get / xx-apk (for the target), and so does a cross
//                                      C compiler when the stage compiles C (C/C++, cgo, cargo's linker)
//
// A heredoc that is the RUN's shell script (`RUN <<EOF` with no #! or a shell's, `RUN bash -e
// <<EOF`) is routed line by line like the RUN's own text. Tests (go test, cargo test, ctest, make
// check, ...), running what was built and package installs that build native modules (npm, pip,
// gem) need the target's CPU. What the routes cannot place safely (a build inside a heredoc that
// is data or another language's script, exec form, a quote left open, a compiler the user picked,
// a package list in a variable) makes the planner unsure, and it leaves the stage as written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edit.hpp"
#include "parser.hpp"
#include "shell_commands.hpp"
#include "../targets.hpp"

namespace xbuild::dockerfile {

// A setting that names one architecture whatever the platform being built: GOARCH=amd64,
// cargo --target x86_64-unknown-linux-musl, CC=x86_64-linux-gnu-gcc, -march=x86-64. The stage is
// left as written (it cross-compiles by hand, or picks its own compiler); the plan warns.
struct HardCoded {
    int line = 0;
    std::string setting;             // as written: "GOARCH=amd64", "--target x86_64-unknown-linux-musl"
    const Target* target = nullptr;  // the platform it builds for; null when no row says (-march)
    std::string fix;                 // what to write instead
};

// A package install seen in a stage: routed once the whole stage is known (whether it
// compiles C decides if a cross compiler joins the target's packages).
struct PackageInstall {
    ShellCommand command;
    std::size_t base = 0;  // offset of the command's text in the Dockerfile
    int line = 0;
    bool apk = false;  // apk add (else apt-get/apt install)
};

// What a stage's commands are, from its RUN lines, and the edits that route them.
struct StageFacts {
    std::vector<std::string> builds;         // "go build", "cargo build", "make", "cmake", ...
    std::vector<std::string> needs_target;   // why it needs the target's CPU
    std::vector<std::string> unsure;         // why the planner will not rewrite it
    std::vector<std::string> already_cross;  // helper calls, GOARCH=, --host=, a toolchain file ...
    std::vector<std::string> c_libraries;    // -dev packages installed: cgo / -sys crates link them
    std::vector<PackageInstall> installs;
    // `apt-get update` / `apt update`: where the program word is, [first, second) in the Dockerfile
    std::vector<std::pair<std::size_t, std::size_t>> apt_updates;
    std::vector<HardCoded> hard_coded;
    std::vector<std::string> target_vars;      // GOOS=$TARGETOS, GOARCH=$TARGETARCH: cross by hand on the build machine
    std::vector<std::size_t> plain_go_builds;  // offsets of `xx-go` edits whose command sets no CGO_ENABLED
    bool cgo_disabled = false;                 // CGO_ENABLED=0 on the go builds or in ENV
    bool cgo_enabled = false;                  // CGO_ENABLED=1 on the go builds or in ENV
    bool compiles_c = false;                   // C/C++ compilers or build systems run
    bool compiles_cxx = false;                 // C++ compilers run
    bool build_system = false;                 // make, cmake, meson, ninja, configure run
    bool tools_only =
        false;  // a base stage: go, cargo, compilers, build systems build the build machine's tools: not routed
    std::string target_os = "linux";  // the platforms' OS: GOOS set to it is not cross-compiling by hand
    std::vector<Edit> edits;
};

// What a stage's `ENV NAME=value` says (GOOS, GOARCH, CGO_ENABLED, CARGO_BUILD_TARGET, CC, ...),
// like the same assignment before a command.
void route_env(const std::string& name, const std::string& value, int line, StageFacts& facts);

// Adds what one RUN says to `facts` (text: the whole Dockerfile; escape: its escape character).
void route_run(std::string_view text, const Instruction& run, char escape, StageFacts& facts);

// Once the stage's RUNs are all seen: the package installs' edits, and the cgo switch for
// go builds that will link -dev libraries.
void route_stage(StageFacts& facts);

}  // namespace xbuild::dockerfile

#include "impl/routes.inl"

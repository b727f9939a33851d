// xbuild/dockerfile/plan.hpp: which stages of a Dockerfile run on the build machine (cross) and
// which on the target, and why.
//
// A stage is **cross** when it builds code the helpers can retarget (go, cargo, C/C++ compilers,
// make/cmake/meson/configure: routes.hpp has the table), nothing in it needs the target's CPU
// (tests, running what it built, npm/pip installs with native modules), and its results reach the
// image only through COPY --from / RUN --mount from=: it then runs at native speed with
// FROM --platform=$BUILDPLATFORM, its commands routed through the helpers and its -dev packages
// installed for the target. The image's own stages (the target and its FROM chain) run on the
// **target**. Everything else is left **unchanged**, and the plan says why: already pinned to a
// platform or cross-compiling by hand, not needed for the target, nothing to cross-compile, or
// something the planner is not sure of (a build in exec form, the user's own CC). `# xbuild:cross`
// / `# xbuild:emulate` on the line above a FROM override the decision for that stage;
// Options::enabled=false turns it all off.
//
//   auto file = xbuild::dockerfile::parse(text);
//   auto plan = xbuild::dockerfile::plan_stages(text, file, {});
//   for (const auto& s : plan.stages) s.mode, s.reason, s.edits;
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../platform.hpp"
#include "edit.hpp"
#include "instructions.hpp"
#include "parser.hpp"

namespace xbuild::dockerfile {

enum class StageMode { cross, target, unchanged };
std::string_view mode_name(StageMode mode);  // "cross", "target", "unchanged"

struct StagePlan {
    int index = 0;
    std::string name;                  // AS name, "" when none
    int from_line = 0;                 // the FROM instruction's line
    std::size_t from_instruction = 0;  // the FROM's index in Dockerfile::instructions
    StageMode mode = StageMode::unchanged;
    std::string reason;       // why, for `xbuild dockerfile explain`
    std::vector<Edit> edits;  // the changes inside the stage (cross stages only)
    // Cross stages: what the rewrite adds. A stage built FROM a stage that runs on the build
    // machine gets its platform from it (BuildKit ignores its own --platform), and the helpers
    // too when that base is one of ours.
    bool pin_platform = true;  // FROM --platform=$BUILDPLATFORM
    bool add_helpers = true;   // COPY --from=xbuild-xx /usr/bin/xx* /usr/bin/
    // Where `ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT` goes: before the first
    // instruction that depends on the target (a routed one), so that the steps above it are the
    // same for every platform and BuildKit builds them once. npos: no instruction needs them.
    std::size_t target_args_at = std::string::npos;
    int target_args_line = 0;  // that instruction's first line
};

struct PlanOptions {
    bool enabled = true;                  // false: every stage unchanged (build-arg XBUILD_REWRITE=0)
    std::string target_stage;             // --target; "" means the last stage
    std::string filename = "Dockerfile";  // for error messages
    // The platforms being built (empty: this machine's) and the build's --build-arg values: a
    // stage whose FROM or commands depend on them is judged for each of those platforms.
    std::vector<Platform> platforms;
    std::map<std::string, std::string> build_args;
};

// A line that builds for one architecture whatever the target platform (GOARCH=amd64, cargo
// --target x86_64-unknown-linux-musl, CC=x86_64-linux-gnu-gcc, -march=x86-64): every other
// platform's image gets a program for the wrong CPU, with or without the frontend. The stage is
// built as written; `explain` and the frontend's build output show these.
struct Warning {
    int line = 0;         // the instruction's first line
    std::string message;  // "GOARCH=amd64 builds for linux/amd64 whatever the target platform"
    std::string fix;      // "use GOARCH=$TARGETARCH after ARG TARGETARCH, or drop it: the frontend routes go build"
};

struct Plan {
    std::vector<StagePlan> stages;
    std::vector<Warning> warnings;  // in line order
    int target = -1;                // index of the target stage
    bool any_cross() const;
};

// `text` must be the text `file` was parsed from (edits and comments are found in it). Throws
// StageError (stages.hpp) for what BuildKit's stage rules refuse: an unknown --target, a
// duplicate stage name, a flag FROM does not take, ...
Plan plan_stages(std::string_view text, const Dockerfile& file, const PlanOptions& options = {});

}  // namespace xbuild::dockerfile

#include "impl/plan.inl"

// xbuild/dockerfile/stages.hpp: the stages of a parsed Dockerfile, what each is built from and
// copies from, which of them a build needs, and the ARG/ENV variables in scope at every line,
// the way BuildKit's frontend/dockerfile/dockerfile2llb works them out.
//
//   auto df = xbuild::dockerfile::parse(text);          // must outlive the graph
//   BuildContext ctx{.build_platform = parse_platform("linux/amd64"),
//                    .target_platform = parse_platform("linux/arm64"),
//                    .build_args = {{"GO_VERSION", "1.22"}}};
//   StageGraph g = build_stage_graph(df, ctx);
//   // ARG GO_VERSION=1.19
//   // FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
//   // ARG TARGETARCH
//   // RUN GOARCH=$TARGETARCH go build -o /out/app .
//   // FROM scratch
//   // COPY --from=build /out/app /app
//   g.stages[0].base;                                    // "golang:1.22"
//   g.stages[0].platform->str();                         // "linux/amd64"
//   g.stages[1].copies_from[0].stage_index;              // 0
//   expand_word("$TARGETARCH", variables_at(g, ctx, 0, 1), {.escape = df.escape});  // "arm64"
//
// Scoping, as BuildKit does it:
//   - ARGs before the first FROM are global: FROM lines (image and --platform; the AS name is not
//     expanded) see them, a stage sees one only after re-declaring it (`ARG NAME`, no default,
//     takes the global value). A global default is expanded with the global ARGs above it.
//   - The automatic platform ARGs BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT TARGETPLATFORM
//     TARGETOS TARGETARCH TARGETVARIANT are global ARGs of their own: usable in FROM lines as
//     they are, in a stage after `ARG TARGETARCH` etc. A variant is "" when the platform has none;
//     a --build-arg of the same name replaces one.
//   - A --build-arg replaces the default of an ARG that is declared (globally or in the stage);
//     it is taken as it is, not expanded. An undeclared one is never seen.
//   - ARG and ENV values are expanded when their line is reached, with what is in scope there;
//     all pairs of one ENV line see the scope before that line. Both write the same scope, so
//     the later line wins (an ENV after an ARG of the same name overrides it, and so does an ARG
//     with a value after an ENV: BuildKit's ARG writes the build state's environment).
//   - A stage built FROM another stage starts with everything that stage ended with: its ENV and
//     also its ARGs (BuildKit hands the whole build state on), then that stage's own ONBUILD
//     ARG/ENV triggers. A stage FROM scratch starts with PATH (the default BuildKit puts in the
//     config of an image that has none); the environment of an image or named context is not
//     known here, so names it would set are unset.
//   - Stage names are lower-cased and must match [a-z][a-z0-9-_.]*. COPY --from and --target
//     find stages case-insensitively, by name or (COPY only) by index; FROM finds only earlier
//     stages, by the exact (expanded) name. RUN --mount=...,from=X finds stages by name only.
//     A name that is no stage is a named context when the BuildContext lists it, `scratch`, or
//     an image reference. Neither --from nor a mount's from= is expanded; a `$` in from= is an
//     error, as in BuildKit.
//   - A build needs the target stage, its FROM-stage chain and every stage it copies or mounts
//     from, transitively (`reachable`). Only needed stages are checked past their FROM line:
//     an ARG/ENV that cannot be expanded or a --from naming a later stage is an error there only.
//
// Errors are StageError, "Dockerfile:LINE: message" with the line of the offending instruction:
//   "Dockerfile:4: duplicate stage name \"build\""
//   "Dockerfile:9: cannot copy from stage \"test\", it needs to be defined before current stage \"build\""
//   "Dockerfile: target stage \"prod\" could not be found; stages: build, test"   (no line)
//
// Not modelled: ONBUILD triggers that copy from stages, a named context replacing a stage of the
// same name, the environment of base images, BUILDOSVERSION/TARGETOSVERSION/TARGETSTAGE and the
// BUILDKIT_* args.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../platform.hpp"
#include "expand.hpp"
#include "instructions.hpp"
#include "parser.hpp"

namespace xbuild::dockerfile {

// What BuildKit knows before it reads the file.
struct BuildContext {
    Platform build_platform;                        // BUILDPLATFORM etc.; empty (no arch): the host
    Platform target_platform;                       // TARGETPLATFORM etc.; empty (no arch): the build platform
    std::map<std::string, std::string> build_args;  // --build-arg NAME=value
    std::string target_stage;                       // --target; "" means the last stage
    std::set<std::string> named_contexts;           // --build-context NAME=...
};

// Variable name -> value, for a point of the file (ordered, looks up std::string_view too).
using Vars = std::map<std::string, std::string, std::less<>>;

// A global ARG (before the first FROM), one per name=value word.
struct GlobalArg {
    std::string name;
    std::optional<std::string> default_raw;  // after '=', as written: "${BASE}:1"; nullopt: `ARG NAME`
    std::optional<std::string> value;        // the --build-arg, else the expanded default; nullopt: unset
    const Instruction* instruction = nullptr;
};

// What a FROM, COPY --from or RUN --mount from= names.
struct StageRef {
    enum Kind { stage, image, context, scratch };
    Kind kind = image;
    std::string name;                          // as written, expanded for FROM: "build", "1", "alpine:3.19", "scratch"
    int stage_index = -1;                      // the stage, when kind == stage
    const Instruction* instruction = nullptr;  // the FROM, COPY or RUN it is on
};

struct Stage {
    int index = 0;
    std::string name;  // AS name, lower-cased; "" when none
    const Instruction* from = nullptr;
    std::string base_raw;                          // FROM's image word as written: "golang:${GO_VERSION}"
    std::string base;                              // expanded with the global ARGs: "golang:1.22"
    StageRef base_ref;                             // an earlier stage, an image, a named context or scratch
    std::string platform_raw;                      // FROM --platform as written: "$BUILDPLATFORM"; "" if none
    std::optional<Platform> platform;              // expanded and parsed; nullopt when none or not a known platform
    std::vector<const Instruction*> instructions;  // after FROM, up to the next FROM
    std::vector<StageRef> copies_from;             // COPY --from and RUN --mount from=, in order
    std::set<std::string> declared_args;           // names of the stage's own ARGs (TARGETARCH too when declared)
    bool reachable = false;                        // needed to build the target stage
    // In scope before the first instruction (see above); nullopt when the base stage's ARG/ENV
    // lines cannot be expanded (an unreachable stage: vars_at throws that error).
    std::optional<Vars> inherited;

    // How BuildKit names the stage in messages: the name, or "stage-N".
    std::string label() const { return name.empty() ? "stage-" + std::to_string(index) : name; }
};

struct StageGraph {
    std::vector<GlobalArg> global_args;
    Vars meta_args;  // what FROM lines see: the automatic platform ARGs and the global ARGs
    std::vector<Stage> stages;
    int target = 0;      // index of the target stage
    char escape = '\\';  // the Dockerfile's escape character, for expanding
};

// A Dockerfile whose stages BuildKit would refuse to build. what() is "<file>:<line>: <message>",
// or "<file>: <message>" when no line is to blame (line 0).
class StageError : public std::runtime_error {
   public:
    StageError(std::string_view filename, int line, std::string message)
        : std::runtime_error(std::string(filename) + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message),
          line(line),
          message(std::move(message)) {}
    int line;
    std::string message;
};

// The stage graph of `df`, which must outlive it (it points into df's instructions). Throws
// StageError: "no build stage in current context" (an instruction other than ARG before the
// first FROM), "dockerfile contains no stages to build", "FROM requires either one or three
// arguments", "invalid name for build stage: ...", "duplicate stage name ...", "base name (...)
// should not be blank", "empty platform value from expression ...", "invalid stage index N",
// "circular dependency detected on stage: ...", "target stage ... could not be found; ...",
// "cannot copy from stage ...", "'from' doesn't support variable expansion, ...", the word
// expansion errors of FROM lines and of needed stages' ARG/ENV lines.
StageGraph build_stage_graph(const Dockerfile& df, const BuildContext& ctx, std::string_view filename = "Dockerfile");

// The variables in scope at stage `stage`'s instruction `instruction` (an index into its
// `instructions`; instructions.size() gives the scope after the last one), i.e. what that line's
// words and a RUN there see. Throws std::out_of_range for bad indexes and StageError when an
// ARG/ENV line on the way cannot be expanded (only in stages that are not reachable: for
// reachable ones build_stage_graph has thrown already).
Vars vars_at(const StageGraph& g, const BuildContext& ctx, int stage, int instruction,
             std::string_view filename = "Dockerfile");
VarLookup variables_at(const StageGraph& g, const BuildContext& ctx, int stage, int instruction,
                       std::string_view filename = "Dockerfile");

// A Vars as a VarLookup (it keeps its own copy).
VarLookup lookup(Vars vars);

}  // namespace xbuild::dockerfile

#include "impl/stages.inl"

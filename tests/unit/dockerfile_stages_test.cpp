// Tests of xbuild/dockerfile/stages.hpp: stages and what they are built and copied from,
// reachability, the ARG/ENV scopes BuildKit gives FROM lines and stage lines, the errors, and
// the examples' cross-compiling Dockerfiles.
#include "xbuild/dockerfile/stages.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xbuild/strings.hpp"

namespace df = xbuild::dockerfile;

namespace {

// Build on amd64 for arm/v7, so that the variant args have something to show.
df::BuildContext context(std::map<std::string, std::string> build_args = {}, std::string target = {}) {
    df::BuildContext ctx;
    ctx.build_platform = xbuild::parse_platform("linux/amd64");
    ctx.target_platform = xbuild::parse_platform("linux/arm/v7");
    ctx.build_args = std::move(build_args);
    ctx.target_stage = std::move(target);
    return ctx;
}

std::string render(const df::StageRef& r) {
    switch (r.kind) {
        case df::StageRef::stage: return "#" + std::to_string(r.stage_index);
        case df::StageRef::image: return "image:" + r.name;
        case df::StageRef::context: return "context:" + r.name;
        case df::StageRef::scratch: return "scratch";
    }
    return "?";
}

// One line a stage: "1 test <- #0 @linux/amd64 from[#0 image:alpine] unreachable", then the target.
std::string render(const df::StageGraph& g) {
    std::vector<std::string> lines;
    for (const df::Stage& st : g.stages) {
        std::string s = std::to_string(st.index) + " " + (st.name.empty() ? "-" : st.name) + " <- " +
                        (st.base_ref.kind == df::StageRef::image ? st.base : render(st.base_ref));
        if (!st.platform_raw.empty()) s += " @" + (st.platform ? st.platform->str() : "?");
        if (!st.copies_from.empty()) {
            std::vector<std::string> refs;
            for (const df::StageRef& r : st.copies_from) refs.push_back(render(r));
            s += " from[" + xbuild::join(refs, " ") + "]";
        }
        if (!st.reachable) s += " unreachable";
        lines.push_back(s);
    }
    lines.push_back("target " + std::to_string(g.target));
    return xbuild::join(lines, "\n");
}

std::string render(std::string_view text, const df::BuildContext& ctx) {
    try {
        const df::Dockerfile d = df::parse(text);
        return render(df::build_stage_graph(d, ctx));
    } catch (const df::StageError& e) { return std::string("error: ") + e.what(); }
}

// `word` expanded with the scope at stage `stage`, instruction `at` (-1: after the last).
std::string value_at(std::string_view text, const df::BuildContext& ctx, int stage, int at, std::string_view word) {
    try {
        const df::Dockerfile d = df::parse(text);
        const df::StageGraph g = df::build_stage_graph(d, ctx);
        if (at < 0) at = static_cast<int>(g.stages[static_cast<std::size_t>(stage)].instructions.size());
        return df::expand_word(word, df::variables_at(g, ctx, stage, at), {.escape = d.escape});
    } catch (const df::StageError& e) { return std::string("error: ") + e.what(); }
}

struct GraphCase {
    const char* name;
    std::string_view in;
    df::BuildContext ctx;
    std::string out;
};

void check_graphs(const std::vector<GraphCase>& cases) {
    for (const GraphCase& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        CAPTURE(c.in);
        CHECK(render(c.in, c.ctx) == c.out);
    }
}

struct VarCase {
    const char* name;
    std::string_view in;
    df::BuildContext ctx;
    int stage, at;
    std::string_view word;
    std::string out;
};

void check_vars(const std::vector<VarCase>& cases) {
    for (const VarCase& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        CAPTURE(c.in);
        CHECK(value_at(c.in, c.ctx, c.stage, c.at, c.word) == c.out);
    }
}

std::string read_example(const std::string& relative) {
    const std::filesystem::path path = std::filesystem::path(XBUILD_SOURCE_DIR) / "examples" / relative;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("dockerfile stages: FROM lines and global ARGs") {
    check_graphs({
        {"one stage", "FROM alpine:3.19\nRUN true\n", context(), "0 - <- alpine:3.19\ntarget 0"},
        {"global ARG default", "ARG GO_VERSION=1.19\nFROM golang:${GO_VERSION} AS build\n", context(),
         "0 build <- golang:1.19\ntarget 0"},
        {"build-arg overrides the global default", "ARG GO_VERSION=1.19\nFROM golang:${GO_VERSION}\n",
         context({{"GO_VERSION", "1.22"}}), "0 - <- golang:1.22\ntarget 0"},
        {"build-arg for an ARG without default", "ARG TAG\nFROM alpine:${TAG:-latest}\n", context({{"TAG", "3.19"}}),
         "0 - <- alpine:3.19\ntarget 0"},
        {"undeclared build-arg is not seen", "FROM alpine:${TAG:-latest}\n", context({{"TAG", "3.19"}}),
         "0 - <- alpine:latest\ntarget 0"},
        {"global default sees the globals above it", "ARG REG=docker.io\nARG IMG=$REG/library/alpine\nFROM $IMG\n",
         context(), "0 - <- docker.io/library/alpine\ntarget 0"},
        {"a build-arg is not expanded", "ARG IMG\nFROM $IMG\n", context({{"IMG", "a$B"}}), "0 - <- a$B\ntarget 0"},
        {"automatic platform args in FROM without ARG",
         "FROM --platform=$BUILDPLATFORM golang AS build\nFROM --platform=${TARGETOS}/${TARGETARCH}/${TARGETVARIANT} "
         "alpine\n",
         context(), "0 build <- golang @linux/amd64 unreachable\n1 - <- alpine @linux/arm/v7\ntarget 1"},
        {"TARGETPLATFORM in the image name", "FROM img-${TARGETARCH}${TARGETVARIANT}:${BUILDOS}\n", context(),
         "0 - <- img-armv7:linux\ntarget 0"},
        {"an unknown platform parses to nothing", "FROM --platform=plan9/386 alpine\n", context(),
         "0 - <- alpine @?\ntarget 0"},
        {"the AS name is not expanded", "ARG N=x\nFROM alpine AS $N\n", context(),
         "error: Dockerfile:2: invalid name for build stage: \"$N\", name can't start with a number or contain "
         "symbols"},
        {"stage names are lower-cased", "FROM alpine aS Build\nFROM build\n", context(),
         "0 build <- alpine\n1 - <- #0\ntarget 1"},
        {"FROM finds an earlier stage through a global ARG", "ARG BASE=build\nFROM alpine AS build\nFROM ${BASE}\n",
         context(), "0 build <- alpine\n1 - <- #0\ntarget 1"},
        {"FROM matches stage names exactly", "FROM alpine AS build\nFROM Build\n", context(),
         "0 build <- alpine unreachable\n1 - <- Build\ntarget 1"},
        {"FROM does not find later stages", "FROM later\nFROM alpine AS later\n", context(),
         "0 - <- later unreachable\n1 later <- alpine\ntarget 1"},
        {"scratch", "FROM scratch\nCOPY a /\n", context(), "0 - <- scratch\ntarget 0"},
        {"named context", "FROM deps\nCOPY --from=src / /\n",
         [] {
             auto c = context();
             c.named_contexts = {"deps", "src"};
             return c;
         }(),
         "0 - <- context:deps from[context:src]\ntarget 0"},
    });
}

TEST_CASE("dockerfile stages: COPY --from and RUN --mount from=") {
    check_graphs({
        {"by name, case-insensitive", "FROM golang AS build\nFROM alpine\nCOPY --from=BUILD /out /\n", context(),
         "0 build <- golang\n1 - <- alpine from[#0]\ntarget 1"},
        {"by index", "FROM golang\nFROM alpine\nCOPY --from=0 /out /\n", context(),
         "0 - <- golang\n1 - <- alpine from[#0]\ntarget 1"},
        {"an image", "FROM alpine\nCOPY --from=busybox:1.36 /bin/busybox /\n", context(),
         "0 - <- alpine from[image:busybox:1.36]\ntarget 0"},
        {"scratch", "FROM alpine\nCOPY --from=scratch / /\n", context(), "0 - <- alpine from[scratch]\ntarget 0"},
        {"--from is not expanded", "ARG S=build\nFROM alpine AS build\nFROM alpine\nCOPY --from=$S / /\n", context(),
         "0 build <- alpine unreachable\n1 - <- alpine from[image:$S]\ntarget 1"},
        {"cache mount from a stage",
         "FROM alpine AS cache\nFROM golang\nRUN --mount=type=cache,target=/c,from=cache go build\n", context(),
         "0 cache <- alpine\n1 - <- golang from[#0]\ntarget 1"},
        {"bind mount from a stage and an image",
         "FROM alpine AS src\nFROM golang\nRUN --mount=type=bind,from=src,target=/s "
         "--mount=type=bind,from=alpine:3,target=/a make\n",
         context(), "0 src <- alpine\n1 - <- golang from[#0 image:alpine:3]\ntarget 1"},
        {"quoted CSV field, key case",
         "FROM alpine AS src\nFROM golang\nRUN --mount=\"type=bind,FROM=src\",target=/s make\n", context(),
         "0 src <- alpine\n1 - <- golang from[#0]\ntarget 1"},
        {"mounts find stages by name only", "FROM alpine\nFROM golang\nRUN --mount=from=0,target=/s make\n", context(),
         "0 - <- alpine unreachable\n1 - <- golang from[image:0]\ntarget 1"},
        {"mounts without from= add nothing", "FROM golang\nRUN --mount=type=cache,target=/root/.cache go build\n",
         context(), "0 - <- golang\ntarget 0"},
        {"in order",
         "FROM a AS x\nFROM b AS y\nFROM c\nCOPY --from=y / /\nRUN --mount=from=x true\nCOPY --from=0 / /\n", context(),
         "0 x <- a\n1 y <- b\n2 - <- c from[#1 #0 #0]\ntarget 2"},
    });
}

TEST_CASE("dockerfile stages: reachability and --target") {
    const std::string_view file =
        "FROM golang AS build\n"
        "FROM build AS test\nRUN go test\n"
        "FROM alpine AS tools\n"
        "FROM debian AS release\nCOPY --from=build /app /\n"
        "FROM release AS debug\nCOPY --from=tools / /\n";
    check_graphs({
        {"the last stage by default", file, context(),
         "0 build <- golang\n1 test <- #0 unreachable\n2 tools <- alpine\n3 release <- debian from[#0]\n4 debug <- #3 "
         "from[#2]\ntarget 4"},
        {"--target release", file, context({}, "release"),
         "0 build <- golang\n1 test <- #0 unreachable\n2 tools <- alpine unreachable\n3 release <- debian from[#0]\n4 "
         "debug <- #3 from[#2] unreachable\ntarget 3"},
        {"--target is case-insensitive", file, context({}, "TEST"),
         "0 build <- golang\n1 test <- #0\n2 tools <- alpine unreachable\n3 release <- debian from[#0] unreachable\n4 "
         "debug <- #3 from[#2] unreachable\ntarget 1"},
        {"transitively through copies",
         "FROM a AS one\nFROM b AS two\nCOPY --from=one / /\nFROM c AS three\nFROM d\nCOPY --from=two / /\n", context(),
         "0 one <- a\n1 two <- b from[#0]\n2 three <- c unreachable\n3 - <- d from[#1]\ntarget 3"},
        {"unknown --target lists the stages", file, context({}, "prod"),
         "error: Dockerfile: target stage \"prod\" could not be found; stages: build, test, tools, release, debug"},
        {"unknown --target, no names", "FROM a\n", context({}, "x"),
         "error: Dockerfile: target stage \"x\" could not be found; no stage has a name"},
        {"an unneeded stage may copy from a later one", "FROM a AS x\nCOPY --from=y / /\nFROM b AS y\n", context(),
         "0 x <- a from[#1] unreachable\n1 y <- b\ntarget 1"},
    });
}

TEST_CASE("dockerfile stages: errors") {
    check_graphs({
        {"duplicate stage name", "FROM a AS build\nRUN x\nFROM b AS Build\n", context(),
         "error: Dockerfile:3: duplicate stage name \"build\""},
        {"instruction before FROM", "ARG A\nRUN true\nFROM a\n", context(),
         "error: Dockerfile:2: no build stage in current context"},
        {"only ARGs", "ARG A=1\n", context(), "error: Dockerfile: dockerfile contains no stages to build"},
        {"FROM with two words", "FROM a b\n", context(),
         "error: Dockerfile:1: FROM requires either one or three arguments"},
        {"FROM with a bad name", "FROM a AS 1st\n", context(),
         "error: Dockerfile:1: invalid name for build stage: \"1st\", name can't start with a number or contain "
         "symbols"},
        {"FROM unknown flag", "FROM --pull a\n", context(), "error: Dockerfile:1: unknown flag: pull"},
        {"blank base", "ARG BASE\nFROM $BASE\n", context(),
         "error: Dockerfile:2: base name ($BASE) should not be blank"},
        {"empty platform", "FROM --platform=$NOPE a\n", context(),
         "error: Dockerfile:1: empty platform value from expression $NOPE"},
        {"expansion error in FROM", "FROM ${BASE:?set_BASE}\n", context(), "error: Dockerfile:1: BASE: set_BASE"},
        {"bad index", "FROM a\nFROM b\nCOPY --from=2 / /\n", context(), "error: Dockerfile:3: invalid stage index 2"},
        {"copy from itself", "FROM a AS x\nFROM b AS y\nCOPY --from=y / /\n", context(),
         "error: Dockerfile:2: circular dependency detected on stage: y"},
        {"a cycle", "FROM a AS x\nCOPY --from=y / /\nFROM b AS y\nCOPY --from=x / /\n", context(),
         "error: Dockerfile:1: circular dependency detected on stage: x"},
        {"a needed stage copies from a later one",
         "FROM a\nCOPY --from=1 / /\nFROM b AS y\nFROM c\nCOPY --from=0 / /\n", context(),
         "error: Dockerfile:2: cannot copy from stage \"1\", it needs to be defined before current stage \"stage-0\""},
        {"a needed stage mounts from a later one",
         "FROM a AS x\nRUN --mount=from=y true\nFROM b AS y\nCOPY --from=x / /\n", context(),
         "error: Dockerfile:1: circular dependency detected on stage: x"},
        {"mount from a later stage", "FROM a AS x\nRUN --mount=from=y true\nFROM b AS y\nFROM c\nCOPY --from=x / /\n",
         context(),
         "error: Dockerfile:2: cannot mount from stage \"y\", stage needs to be defined before current command"},
        {"variable in a mount's from=", "FROM a\nRUN --mount=from=$X true\n", context(),
         "error: Dockerfile:2: 'from' doesn't support variable expansion, define alias stage instead"},
        {"ARG with a blank name", "FROM a\nARG =1\n", context(), "error: Dockerfile:2: ARG names can not be blank"},
        {"expansion error in a needed stage", "FROM a\nENV X=${Y:?need_Y}\n", context(),
         "error: Dockerfile:2: Y: need_Y"},
        {"... but not in an unneeded one", "FROM a AS x\nENV X=${Y:?need_Y}\nFROM b\n", context(),
         "0 x <- a unreachable\n1 - <- b\ntarget 1"},
    });
    // The error keeps its parts.
    const df::Dockerfile d = df::parse("FROM a AS x\nFROM b AS x\n");
    try {
        df::build_stage_graph(d, context(), "build/Dockerfile.cross");
        FAIL("no error");
    } catch (const df::StageError& e) {
        CHECK(e.line == 2);
        CHECK(e.message == "duplicate stage name \"x\"");
        CHECK(std::string(e.what()) == "build/Dockerfile.cross:2: duplicate stage name \"x\"");
    }
}

TEST_CASE("dockerfile stages: ARG scoping in a stage") {
    check_vars({
        {"a global ARG is not seen in the stage", "ARG V=1\nFROM a\nRUN x\n", context(), 0, 1, "[${V-unset}]",
         "[unset]"},
        {"re-declared, it takes the global value", "ARG V=1\nFROM a\nARG V\nRUN x\n", context(), 0, 1, "$V", "1"},
        {"re-declared, the build-arg wins", "ARG V=1\nFROM a\nARG V\n", context({{"V", "2"}}), 0, -1, "$V", "2"},
        {"before its ARG line it is unset", "ARG V=1\nFROM a\nRUN x\nARG V\n", context(), 0, 1, "[${V-unset}]",
         "[unset]"},
        {"a stage default", "FROM a\nARG V=3\n", context(), 0, -1, "$V", "3"},
        {"the build-arg beats a stage default", "FROM a\nARG V=3\n", context({{"V", "4"}}), 0, -1, "$V", "4"},
        {"a stage default over a global one", "ARG V=1\nFROM a\nARG V=3\n", context(), 0, -1, "$V", "3"},
        {"a stage default is expanded in the stage's scope", "FROM a\nENV D=/opt\nARG P=$D/bin\n", context(), 0, -1,
         "$P", "/opt/bin"},
        {"declared without value and nothing to take: unset", "FROM a\nARG V\n", context(), 0, -1, "[${V-unset}]",
         "[unset]"},
        {"one ARG line, several names", "FROM a\nARG A=1 B=\"x y\" C\n", context({{"C", "c"}}), 0, -1, "$A|$B|$C",
         "1|x y|c"},
        {"the scope ends with the stage", "FROM a\nARG V=1\nFROM b\n", context(), 1, 0, "[${V-unset}]", "[unset]"},
        {"a global ARG's expanded default", "ARG A=x\nARG B=${A}y\nFROM a\nARG B\n", context(), 0, -1, "$B", "xy"},
    });
}

TEST_CASE("dockerfile stages: automatic platform ARGs") {
    check_vars({
        {"not declared: unset", "FROM a\nRUN x\n", context(), 0, 0, "[${TARGETARCH-unset}]", "[unset]"},
        {"declared: the target's", "FROM a\nARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT\n", context(), 0, -1,
         "$TARGETPLATFORM $TARGETOS $TARGETARCH $TARGETVARIANT", "linux/arm/v7 linux arm v7"},
        {"declared: the build platform's", "FROM a\nARG BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT\n", context(), 0,
         -1, "$BUILDPLATFORM $BUILDOS $BUILDARCH [$BUILDVARIANT]", "linux/amd64 linux amd64 []"},
        {"no variant: empty, but set", "FROM a\nARG TARGETVARIANT\n",
         [] {
             auto c = context();
             c.target_platform = xbuild::parse_platform("linux/arm64");
             return c;
         }(),
         0, -1, "[${TARGETVARIANT-unset}]", "[]"},
        {"a stage's --platform does not change TARGETPLATFORM",
         "FROM --platform=$BUILDPLATFORM a\nARG TARGETPLATFORM\n", context(), 0, -1, "$TARGETPLATFORM", "linux/arm/v7"},
        {"declared with a default: the default", "FROM a\nARG TARGETARCH=riscv64\n", context(), 0, -1, "$TARGETARCH",
         "riscv64"},
        {"a build-arg replaces an automatic one", "FROM a\nARG TARGETARCH\n", context({{"TARGETARCH", "s390x"}}), 0, -1,
         "$TARGETARCH", "s390x"},
        {"the target platform defaults to the build platform", "FROM a\nARG TARGETPLATFORM\n",
         [] {
             df::BuildContext c;
             c.build_platform = xbuild::parse_platform("linux/riscv64");
             return c;
         }(),
         0, -1, "$TARGETPLATFORM", "linux/riscv64"},
    });
}

TEST_CASE("dockerfile stages: ENV") {
    check_vars({
        {"ENV sees ARGs and ENVs above it", "FROM a\nARG V=1\nENV A=$V B=${V}0\nENV C=$A$B\n", context(), 0, -1, "$C",
         "110"},
        {"pairs of one line see the scope before it", "FROM a\nENV X=old\nENV X=new Y=$X\n", context(), 0, -1, "$X $Y",
         "new old"},
        {"legacy form keeps blanks", "FROM a\nENV P /opt/bin:$PATH\n", context(), 0, -1, "[$P]", "[/opt/bin:]"},
        {"ENV overrides an ARG for later lines", "FROM a\nARG V=arg\nENV V=env\n", context({{"V", "cli"}}), 0, -1, "$V",
         "env"},
        {"at the ENV line, the ARG still holds", "FROM a\nARG V=arg\nENV V=env\n", context(), 0, 1, "$V", "arg"},
        {"an ARG with a value after an ENV writes over it", "FROM a\nENV V=env\nARG V=arg\n", context(), 0, -1, "$V",
         "arg"},
        {"an ARG without a value leaves an ENV alone", "FROM a\nENV V=env\nARG V\n", context(), 0, -1, "$V", "env"},
        {"quotes are removed", "FROM a\nENV A=\"x  y\" B='$A'\n", context(), 0, -1, "$A|$B", "x  y|$A"},
        {"FROM stage inherits ENV", "FROM a AS base\nENV GOPATH=/go\nFROM base AS test\nENV P=$GOPATH/bin\n", context(),
         1, -1, "$P", "/go/bin"},
        {"... and ARGs (BuildKit passes the build state on)", "FROM a AS base\nARG V=1\nFROM base\n", context(), 1, 0,
         "$V", "1"},
        {"... across two levels", "FROM a AS one\nENV A=1\nFROM one AS two\nENV B=2\nFROM two\n", context(), 2, 0,
         "$A$B", "12"},
        {"... but not from a stage it copies from", "FROM a AS base\nENV A=1\nFROM b\nCOPY --from=base / /\n",
         context(), 1, -1, "[${A-unset}]", "[unset]"},
        {"ONBUILD ENV of the base stage runs in the child", "FROM a AS base\nONBUILD ENV O=1\nFROM base\n", context(),
         1, 0, "${O-unset}", "1"},
        {"... not in the stage itself", "FROM a AS base\nONBUILD ENV O=1\n", context(), 0, -1, "${O-unset}", "unset"},
        {"scratch starts with PATH", "FROM scratch\nENV PATH=/app:$PATH\n", context(), 0, -1, "$PATH",
         "/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
        {"escape directive", "# escape=`\nFROM a\nENV A=x B=\"`$A\"\n", context(), 0, -1, "$B", "$A"},
    });
}

TEST_CASE("dockerfile stages: the graph's fields") {
    const df::Dockerfile d = df::parse(
        "ARG GO_VERSION=1.19\nARG XX\n"
        "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS Build\n"
        "ARG TARGETARCH\nENV CGO_ENABLED=0\nRUN go build\n"
        "FROM scratch\nCOPY --from=build /app /\n");
    const auto ctx = context({{"GO_VERSION", "1.22"}});
    const df::StageGraph g = df::build_stage_graph(d, ctx);
    REQUIRE(g.global_args.size() == 2);
    CHECK(g.global_args[0].name == "GO_VERSION");
    CHECK(g.global_args[0].default_raw == "1.19");
    CHECK(g.global_args[0].value == "1.22");
    CHECK(g.global_args[0].instruction == &d.instructions[0]);
    CHECK(g.global_args[1].name == "XX");
    CHECK(!g.global_args[1].default_raw);
    CHECK(!g.global_args[1].value);
    CHECK(g.meta_args.at("GO_VERSION") == "1.22");
    CHECK(g.meta_args.at("TARGETPLATFORM") == "linux/arm/v7");
    CHECK(g.meta_args.count("XX") == 0);

    REQUIRE(g.stages.size() == 2);
    const df::Stage& b = g.stages[0];
    CHECK(b.name == "build");
    CHECK(b.label() == "build");
    CHECK(b.from == &d.instructions[2]);
    CHECK(b.base_raw == "golang:${GO_VERSION}");
    CHECK(b.base == "golang:1.22");
    CHECK(b.base_ref.kind == df::StageRef::image);
    CHECK(b.platform_raw == "$BUILDPLATFORM");
    REQUIRE(b.platform);
    CHECK(*b.platform == xbuild::parse_platform("linux/amd64"));
    CHECK(b.instructions.size() == 3);
    CHECK(b.declared_args == std::set<std::string> {"TARGETARCH"});
    CHECK(b.reachable);

    const df::Stage& s = g.stages[1];
    CHECK(s.label() == "stage-1");
    CHECK(s.base_ref.kind == df::StageRef::scratch);
    CHECK(!s.platform);
    REQUIRE(s.copies_from.size() == 1);
    CHECK(s.copies_from[0].name == "build");
    CHECK(s.copies_from[0].stage_index == 0);
    CHECK(s.copies_from[0].instruction == &d.instructions[7]);
    CHECK(g.target == 1);

    const df::Vars at_run = df::vars_at(g, ctx, 0, 2);
    CHECK(at_run == df::Vars {{"CGO_ENABLED", "0"}, {"TARGETARCH", "arm"}});
    CHECK_THROWS_AS(df::vars_at(g, ctx, 0, 4), std::out_of_range);
    CHECK_THROWS_AS(df::vars_at(g, ctx, 2, 0), std::out_of_range);

    // An unneeded stage's bad line is reported when its scope is asked for, also by its children.
    const df::Dockerfile bad = df::parse("FROM a AS x\nRUN true\nENV A=${B:?no_B}\nFROM x AS y\nFROM c\n");
    const df::StageGraph gb = df::build_stage_graph(bad, ctx);
    CHECK(gb.stages[0].inherited.has_value());
    CHECK(!gb.stages[1].inherited.has_value());
    CHECK(df::vars_at(gb, ctx, 0, 1).empty());
    CHECK_THROWS_WITH_AS(df::vars_at(gb, ctx, 0, 2), "Dockerfile:3: B: no_B", df::StageError);
    CHECK_THROWS_WITH_AS(df::vars_at(gb, ctx, 1, 0), "Dockerfile:3: B: no_B", df::StageError);
}

TEST_CASE("dockerfile stages: the examples' Dockerfiles") {
    {
        const std::string text = read_example("go/Dockerfile.cross");
        const df::Dockerfile d = df::parse(text);
        const auto ctx = context();
        const df::StageGraph g = df::build_stage_graph(d, ctx);
        CHECK(render(g) ==
              "0 xx <- xbuild/xx @linux/amd64\n1 build <- golang:1.19-bookworm @linux/amd64 from[#0]\n"
              "2 - <- debian:bookworm-slim from[#1]\ntarget 2");
        CHECK(g.stages[0].base_raw == "${XX_IMAGE}");
        CHECK(render(df::build_stage_graph(d, context({{"XX_IMAGE", "tonistiigi/xx:1.4"}}, "build"))) ==
              "0 xx <- tonistiigi/xx:1.4 @linux/amd64\n1 build <- golang:1.19-bookworm @linux/amd64 from[#0]\n"
              "2 - <- debian:bookworm-slim from[#1] unreachable\ntarget 1");
        // The RUN that calls xx-go sees TARGETPLATFORM, declared in the stage, and not XX_IMAGE.
        const df::Stage& build = g.stages[1];
        int run = -1;
        for (std::size_t i = 0; i < build.instructions.size(); ++i)
            if (build.instructions[i]->text.find("xx-go") != std::string::npos) run = static_cast<int>(i);
        REQUIRE(run >= 0);
        const df::VarLookup vars = df::variables_at(g, ctx, 1, run);
        CHECK(vars("TARGETPLATFORM") == "linux/arm/v7");
        CHECK(!vars("XX_IMAGE"));
        CHECK(!vars("TARGETARCH"));
        CHECK(build.declared_args == std::set<std::string> {"TARGETPLATFORM"});
    }
    {
        const std::string text = read_example("rust/Dockerfile.case");
        const df::Dockerfile d = df::parse(text);
        auto ctx = context();
        ctx.target_platform = xbuild::parse_platform("linux/arm64");
        const df::StageGraph g = df::build_stage_graph(d, ctx);
        CHECK(render(g) ==
              "0 build <- rust:1.75-bookworm @linux/amd64\n1 - <- debian:bookworm-slim from[#0]\ntarget 1");
        for (std::size_t i = 0; i < g.stages[0].instructions.size(); ++i) {
            if (g.stages[0].instructions[i]->keyword != "RUN") continue;
            CAPTURE(i);
            CHECK(df::variables_at(g, ctx, 0, static_cast<int>(i))("TARGETPLATFORM") == "linux/arm64");
        }
    }
}

// Unit tests of the frontend's pure parts: the rewrite it applies and the LLB it builds.
#include <doctest/doctest.h>

#include "llb.hpp"
#include "rewrite_hook.hpp"

using xbuild::frontend::rewrite_dockerfile;

namespace {
std::string rewritten(const std::string& text, std::map<std::string, std::string> opts = {}) {
    return rewrite_dockerfile(text, opts).rewritten.text;
}
}  // namespace

TEST_CASE("the syntax directive goes, line numbers stay") {
    CHECK(rewritten("# syntax=r/fe:dev\nFROM a\nRUN b\n") == "\nFROM a\nRUN b\n");
    CHECK(rewritten("#syntax = r/fe:dev\nFROM a\n") == "\nFROM a\n");
    // Other directives stay directives (still at the top), instructions keep their lines.
    CHECK(rewritten("# syntax=r/fe\n# escape=`\nFROM a\n") == "# escape=`\n\nFROM a\n");
    CHECK(rewritten("# escape=`\n# SYNTAX=r/fe\nFROM a\n") == "# escape=`\n\nFROM a\n");
    // No directive: unchanged; a syntax line after the directives is a comment: unchanged.
    CHECK(rewritten("FROM a\n# syntax=r/fe\n") == "FROM a\n# syntax=r/fe\n");
    CHECK(rewritten("# a comment\n# syntax=r/fe\nFROM a") == "# a comment\n# syntax=r/fe\nFROM a");
    // A broken Dockerfile: the error names the file and line.
    CHECK_THROWS_WITH(rewritten("FROM a\nRUN <<EOF\nx\n", {{"filename", "app.Dockerfile"}}),
                      "app.Dockerfile:2: unterminated heredoc <<EOF");
}

TEST_CASE("the planner's rewrite, the helpers from the frontend's own image, and the off switch") {
    const std::string naive =
        "# syntax=127.0.0.1:5000/xbuild/frontend:dev\nFROM golang AS b\nRUN go build -o /x .\n"
        "FROM scratch\nCOPY --from=b /x /x\nBOGUS\n";
    std::map<std::string, std::string> opts {{"source", "127.0.0.1:5000/xbuild/frontend:dev"}};
    // (BOGUS would fail in dockerfile.v0; here it must not stop the rewrite.)
    CHECK_THROWS(rewrite_dockerfile(naive, opts));  // our parser rejects an unknown instruction first
    const std::string ok = naive.substr(0, naive.size() - 6);
    auto result = rewrite_dockerfile(ok, opts);
    const auto& r = result.rewritten;
    CHECK(r.text ==
          "\nFROM --platform=$BUILDPLATFORM 127.0.0.1:5000/xbuild/frontend:dev AS xbuild-xx\n"
          "FROM --platform=$BUILDPLATFORM golang AS b\n"
          "COPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n"
          "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT XX_AUTO_INSTALL=1\n"
          "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx xx-go build "
          "-o /x . && xx-verify /x\n"
          "FROM scratch\nCOPY --from=b /x /x\n");
    // The engine's line numbers of that text, mapped back to the user's.
    CHECK(xbuild::frontend::map_lines("dockerfile parse error line 6: unknown flag", r) ==
          "dockerfile parse error line 3: unknown flag");
    CHECK(xbuild::frontend::map_lines("Dockerfile:8: x", r) == "Dockerfile:5: x");
    opts["build-arg:XBUILD_REWRITE"] = "0";
    CHECK(rewritten(ok, opts) == "\nFROM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n");
}

TEST_CASE("the build's platforms and build arguments reach the planner") {
    using xbuild::frontend::plan_options;
    auto p = plan_options({{"platform", "linux/arm64, linux/arm/v7"},
                           {"build-arg:GOFLAGS", "-mod=vendor"},
                           {"build-arg:EMPTY", ""},
                           {"build-arg:XBUILD_REWRITE", "off"},
                           {"buildarg:NOT", "x"},
                           {"target", "build"},
                           {"filename", "app.Dockerfile"}});
    REQUIRE(p.platforms.size() == 2);
    CHECK(p.platforms[0].str() == "linux/arm64");
    CHECK(p.platforms[1].str() == "linux/arm/v7");
    CHECK(p.build_args ==
          std::map<std::string, std::string> {{"EMPTY", ""}, {"GOFLAGS", "-mod=vendor"}, {"XBUILD_REWRITE", "off"}});
    CHECK_FALSE(p.enabled);
    CHECK(p.target_stage == "build");
    CHECK(p.filename == "app.Dockerfile");
    // No `platform` option: the worker's default platform, else this machine's.
    CHECK(plan_options({}, "linux/arm/v7").platforms == xbuild::parse_platform_list("linux/arm/v7"));
    CHECK(plan_options({}).platforms == std::vector<xbuild::Platform> {xbuild::host_platform()});
    CHECK(plan_options({}, "plan9/vax").platforms == std::vector<xbuild::Platform> {xbuild::host_platform()});
    CHECK(plan_options({}).enabled);
    CHECK(plan_options({}).filename == "Dockerfile");
    CHECK_THROWS_AS(plan_options({{"platform", "linux/arm65"}}), xbuild::PlatformError);
    // A platform the table does not know: the Dockerfile as written (BuildKit may still build
    // it), and a warning.
    const std::string naive = "FROM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n";
    auto r = rewrite_dockerfile(naive, {{"platform", "linux/arm65"}});
    CHECK(r.rewritten.text == naive);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].line == 0);
    const auto said = xbuild::frontend::warning_line("Dockerfile", r.warnings[0]);
    CHECK(said.starts_with("[xbuild] warning: Dockerfile: unknown architecture 'arm65' in 'linux/arm65'"));
    CHECK(said.ends_with(": the Dockerfile is built as written"));
}

TEST_CASE("the plan's warnings come back with the user's line numbers") {
    const std::string text =
        "# syntax=r/fe\nFROM golang AS build\nRUN GOARCH=amd64 go build -o /app .\nFROM scratch\n"
        "COPY --from=build /app /app\n";
    auto r = rewrite_dockerfile(text, {{"platform", "linux/arm64"}});
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].line == 3);
    CHECK(xbuild::frontend::warning_line("Dockerfile", r.warnings[0])
              .starts_with("[xbuild] warning: Dockerfile:3: GOARCH=amd64 builds for linux/amd64 whatever the target "
                           "platform; fix: "));
}

TEST_CASE("a warning is a step of its own in the build output, named after the line") {
    xbuild::dockerfile::Warning w {5, "GOARCH=amd64 builds for linux/amd64 whatever the target platform",
                                   "use GOARCH=$TARGETARCH"};
    const std::string line = xbuild::frontend::warning_line("Dockerfile", w);
    CHECK(line ==
          "[xbuild] warning: Dockerfile:5: GOARCH=amd64 builds for linux/amd64 whatever the target platform; fix: "
          "use GOARCH=$TARGETARCH");
    CHECK(xbuild::frontend::warning_line("a.Dockerfile", {3, "m", ""}) == "[xbuild] warning: a.Dockerfile:3: m");

    auto def = xbuild::frontend::warning_vertex(line);
    REQUIRE(def.def_size() == 2);
    pb::Op op;
    REQUIRE(op.ParseFromString(def.def(0)));
    CHECK(op.inputs_size() == 0);  // on scratch: nothing to pull, nothing to fail
    REQUIRE(op.file().actions_size() == 1);
    CHECK(op.file().actions(0).mkfile().path() == "/xbuild-warning");
    CHECK(op.file().actions(0).mkfile().data() == line + "\n");
    const auto& meta = def.metadata().at(xbuild::frontend::digest(def.def(0)));
    CHECK(meta.description().at("llb.customname") == line);
    CHECK(meta.caps().at("file.base"));
    // The same warning, the same op: a second build finds it cached.
    CHECK(xbuild::frontend::marshal(def) == xbuild::frontend::marshal(xbuild::frontend::warning_vertex(line)));
}

TEST_CASE("digests are sha256 of the deterministic bytes") {
    CHECK(xbuild::frontend::digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    auto a = xbuild::frontend::dockerfile_source("session", "Dockerfile");
    auto b = xbuild::frontend::dockerfile_source("session", "Dockerfile");
    CHECK(xbuild::frontend::marshal(a) == xbuild::frontend::marshal(b));
    REQUIRE(a.def_size() == 2);
    pb::Op src, terminal;
    REQUIRE(src.ParseFromString(a.def(0)));
    REQUIRE(terminal.ParseFromString(a.def(1)));
    CHECK(src.source().identifier() == "local://dockerfile");
    CHECK(src.source().attrs().at("local.followpaths") == R"(["Dockerfile","Dockerfile.dockerignore"])");
    REQUIRE(terminal.inputs_size() == 1);
    CHECK(terminal.inputs(0).digest() == xbuild::frontend::digest(a.def(0)));
    CHECK(a.metadata().size() == 2);  // every op has an entry
    CHECK(a.metadata().count(xbuild::frontend::digest(a.def(1))) == 1);
}

TEST_CASE("one file, folders first") {
    auto d = xbuild::frontend::single_file("sub/dir/Dockerfile", "FROM a\n");
    REQUIRE(d.def_size() == 2);
    pb::Op op;
    REQUIRE(op.ParseFromString(d.def(0)));
    REQUIRE(op.file().actions_size() == 2);
    const auto& mkdir = op.file().actions(0);
    CHECK(mkdir.mkdir().path() == "/sub/dir");
    CHECK(mkdir.mkdir().makeparents());
    CHECK(mkdir.input() == -1);
    CHECK(mkdir.output() == -1);
    const auto& mkfile = op.file().actions(1);
    CHECK(mkfile.input() == 0);  // the mkdir's result
    CHECK(mkfile.output() == 0);
    CHECK(mkfile.mkfile().path() == "/sub/dir/Dockerfile");
    CHECK(mkfile.mkfile().data() == "FROM a\n");
    CHECK(mkfile.mkfile().mode() == 0644);
    CHECK(mkfile.mkfile().timestamp() == -1);

    auto plain = xbuild::frontend::single_file("Dockerfile", "x");
    REQUIRE(op.ParseFromString(plain.def(0)));
    REQUIRE(op.file().actions_size() == 1);
    CHECK(op.file().actions(0).input() == -1);
    CHECK(op.file().actions(0).secondaryinput() == -1);
}

// Tests of xbuild/dockerfile/instructions.hpp: the typed form of each keyword, with its flags,
// and the errors BuildKit's instructions package gives, with their messages.
#include "xbuild/dockerfile/instructions.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace df = xbuild::dockerfile;

namespace {

// The typed form of the one instruction of `text` (kept alive in a static, as `source` points into it).
template <class T>
T one(const std::string& text, df::InstructionChecks checks = {}) {
    static std::vector<df::Dockerfile> keep;
    keep.push_back(df::parse(text));
    const df::Command cmd = df::parse_instruction(keep.back().instructions.at(0), "Dockerfile", checks);
    REQUIRE(std::holds_alternative<T>(cmd));
    CHECK(&df::source_of(cmd) == &keep.back().instructions.at(0));
    return std::get<T>(cmd);
}

// The ParseError message of the first instruction of `text` ("" when none).
std::string error_of(const std::string& text, df::InstructionChecks checks = {}) {
    const df::Dockerfile file = df::parse(text);
    try {
        df::parse_instruction(file.instructions.at(0), "Dockerfile", checks);
    } catch (const df::ParseError& e) { return e.what(); }
    return "";
}

}  // namespace

TEST_CASE("FROM: image, AS name, --platform") {
    auto f = one<df::From>("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n");
    CHECK(f.image == "golang:1.22");
    CHECK(f.stage_name == "build");
    CHECK(f.stage_name_raw == "Build");
    CHECK(f.platform == "$BUILDPLATFORM");
    CHECK(f.source->first_line == 1);
    auto plain = one<df::From>("FROM alpine\n");
    CHECK(plain.image == "alpine");
    CHECK(plain.stage_name.empty());
    CHECK(!plain.platform);
    CHECK(one<df::From>("FROM alpine as x\n").stage_name == "x");
}

TEST_CASE("FROM errors") {
    CHECK(error_of("\nFROM a b\n") == "Dockerfile:2: FROM requires either one or three arguments");
    CHECK(error_of("FROM a AS b c\n") == "Dockerfile:1: FROM requires either one or three arguments");
    CHECK(error_of("FROM a TO b\n") == "Dockerfile:1: FROM requires either one or three arguments");
    CHECK(error_of("FROM a AS 1x\n") ==
          "Dockerfile:1: invalid name for build stage: \"1x\", name can't start with a number or contain symbols");
    CHECK(error_of("FROM --platfrom=linux a\n") == "Dockerfile:1: unknown flag: platfrom");
    CHECK(error_of("FROM --platform a\n") == "Dockerfile:1: missing a value on flag: platform");
    CHECK(error_of("FROM --platform=a --platform=b a\n") == "Dockerfile:1: duplicate flag specified: platform");
    // The checks off: no error, a best-effort view.
    CHECK(one<df::From>("FROM a b\n", {false, false}).image == "a");
}

TEST_CASE("RUN: mounts, network, security, both forms") {
    auto r = one<df::Run>(
        "RUN --mount=type=cache,target=/root/.cache,id=go --mount=from=build,src=/out,dst=/in "
        "--network=none --security=insecure go build\n");
    REQUIRE(r.mounts.size() == 2);
    CHECK(r.mounts[0].type == "cache");
    CHECK(r.mounts[0].target == "/root/.cache");
    CHECK(r.mounts[0].id == "go");
    CHECK(r.mounts[1].type == "bind");
    CHECK(r.mounts[1].from == "build");
    CHECK(r.mounts[1].source == "/out");
    CHECK(r.mounts[1].target == "/in");
    CHECK(r.mounts[1].fields.size() == 3);
    CHECK(r.network == "none");
    CHECK(r.security == "insecure");
    CHECK(!r.json_form);
    CHECK(r.args == std::vector<std::string> {"go build"});
    auto quoted = one<df::Run>("RUN --mount=\"type=secret,\"\"id=a\"\"\",ro true\n");
    REQUIRE(quoted.mounts.size() == 1);
    CHECK(quoted.mounts[0].type == "secret");
    auto json = one<df::Run>("RUN [\"echo\", \"hi\"]\n");
    CHECK(json.json_form);
    CHECK(json.args == std::vector<std::string> {"echo", "hi"});
    CHECK(error_of("RUN --mnt=type=cache true\n") == "Dockerfile:1: unknown flag: mnt");
    CHECK(error_of("RUN --network true\n") == "Dockerfile:1: missing a value on flag: network");
}

TEST_CASE("COPY and ADD: sources, dest and flags") {
    auto c = one<df::Copy>("COPY --from=build --chown=app:app --chmod=755 --link --exclude=*.md a b /dst/\n");
    CHECK(c.sources == std::vector<std::string> {"a", "b"});
    CHECK(c.dest == "/dst/");
    CHECK(c.from == "build");
    CHECK(c.chown == "app:app");
    CHECK(c.chmod == "755");
    CHECK(c.link);
    CHECK(c.excludes == std::vector<std::string> {"*.md"});
    CHECK(!one<df::Copy>("COPY --link=false a b\n").link);
    CHECK(one<df::Copy>("COPY [\"a b\", \"/c\"]\n").sources == std::vector<std::string> {"a b"});
    auto heredoc = one<df::Copy>("COPY <<EOF /x\nhello\nEOF\n");
    CHECK(heredoc.sources == std::vector<std::string> {"<<EOF"});
    CHECK(heredoc.dest == "/x");
    auto a = one<df::Add>("ADD --checksum=sha256:00 --keep-git-dir https://x/y.tar /y\n");
    CHECK(a.checksum == "sha256:00");
    CHECK(a.keep_git_dir);
    CHECK(a.dest == "/y");
    CHECK(error_of("COPY a\n") ==
          "Dockerfile:1: COPY requires at least two arguments, but only one was provided. Destination could not "
          "be determined.");
    CHECK(error_of("ADD --from=x a b\n") == "Dockerfile:1: unknown flag: from");
    CHECK(error_of("COPY --link=yes a b\n") == "Dockerfile:1: expecting boolean value for flag link, not: yes");
    CHECK(error_of("COPY --from=a --from=b a b\n") == "Dockerfile:1: duplicate flag specified: from");
    CHECK(error_of("COPY --exclude=a --exclude=b a b\n").empty());
}

TEST_CASE("ARG, ENV, LABEL: pairs") {
    auto a = one<df::Arg>("ARG A B=2 C=\n");
    REQUIRE(a.pairs.size() == 3);
    CHECK(a.pairs[0].first == "A");
    CHECK(!a.pairs[0].second);
    CHECK(a.pairs[1].second == "2");
    CHECK(a.pairs[2].second == "");
    auto e = one<df::Env>("ENV A=1 B=\"two words\"\n");
    REQUIRE(e.pairs.size() == 2);
    CHECK(e.pairs[1].key == "B");
    CHECK(e.pairs[1].value == "\"two words\"");
    CHECK(!e.legacy);
    auto legacy = one<df::Env>("ENV PATH /usr/bin:/bin\n");
    REQUIRE(legacy.pairs.size() == 1);
    CHECK(legacy.pairs[0].key == "PATH");
    CHECK(legacy.pairs[0].value == "/usr/bin:/bin");
    CHECK(legacy.legacy);
    auto l = one<df::Label>("LABEL org.opencontainers.image.title=x a=b\n");
    REQUIRE(l.pairs.size() == 2);
    CHECK(l.pairs[0].key == "org.opencontainers.image.title");
    CHECK(error_of("ARG =x\n") == "Dockerfile:1: ARG names can not be blank");
    CHECK(error_of("ENV =x\n") == "Dockerfile:1: ENV names can not be blank");
    CHECK(error_of("LABEL =x\n") == "Dockerfile:1: LABEL names can not be blank");
    CHECK(error_of("ARG --x=1 A\n") == "Dockerfile:1: unknown flag: x");
}

TEST_CASE("one-value and list instructions") {
    CHECK(one<df::Workdir>("WORKDIR /src\n").path == "/src");
    CHECK(one<df::User>("USER app:app\n").user == "app:app");
    CHECK(one<df::Stopsignal>("STOPSIGNAL SIGTERM\n").signal == "SIGTERM");
    CHECK(one<df::Maintainer>("MAINTAINER Jane Doe <j@x>\n").name == "Jane Doe <j@x>");
    CHECK(one<df::Expose>("EXPOSE 80/tcp 443\n").ports == std::vector<std::string> {"80/tcp", "443"});
    CHECK(one<df::Volume>("VOLUME /a /b\n").paths == std::vector<std::string> {"/a", "/b"});
    CHECK(one<df::Volume>("VOLUME [\"/data\"]\n").paths == std::vector<std::string> {"/data"});
    CHECK(error_of("VOLUME [\"\"]\n") == "Dockerfile:1: VOLUME specified can not be an empty string");
}

TEST_CASE("CMD, ENTRYPOINT, SHELL") {
    auto c = one<df::Cmd>("CMD [\"/app\", \"-v\"]\n");
    CHECK(c.json_form);
    CHECK(c.args == std::vector<std::string> {"/app", "-v"});
    auto e = one<df::Entrypoint>("ENTRYPOINT /app -v\n");
    CHECK(!e.json_form);
    CHECK(e.args == std::vector<std::string> {"/app -v"});
    CHECK(one<df::Shell>("SHELL [\"/bin/bash\", \"-c\"]\n").args.size() == 2);
    CHECK(error_of("SHELL /bin/bash -c\n") == "Dockerfile:1: SHELL requires the arguments to be in JSON form");
}

TEST_CASE("HEALTHCHECK and ONBUILD") {
    auto h = one<df::Healthcheck>("HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/\n");
    CHECK(!h.none);
    CHECK(h.interval == "30s");
    CHECK(h.retries == "3");
    CHECK(h.command == std::vector<std::string> {"curl -f http://localhost/"});
    CHECK(one<df::Healthcheck>("HEALTHCHECK NONE\n").none);
    CHECK(error_of("HEALTHCHECK --intervl=3s CMD true\n") == "Dockerfile:1: unknown flag: intervl");
    auto o = one<df::Onbuild>("ONBUILD COPY --from=x a b\n");
    REQUIRE(o.inner);
    const df::Command inner = df::parse_instruction(*o.inner);
    REQUIRE(std::holds_alternative<df::Copy>(inner));
    CHECK(std::get<df::Copy>(inner).from == "x");
}

TEST_CASE("valid_stage_name") {
    CHECK(df::valid_stage_name("build-1.x_y"));
    CHECK(!df::valid_stage_name("1build"));
    CHECK(!df::valid_stage_name("Build"));
    CHECK(!df::valid_stage_name(""));
}

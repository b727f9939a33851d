// Tests of xbuild/dockerfile/shell_commands.hpp, plan.hpp and rewrite.hpp: which stages go
// cross and why, and that the rewrite changes only what it must.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "xbuild/dockerfile/rewrite.hpp"
#include "xbuild/dockerfile/shell_commands.hpp"
#include "xbuild/strings.hpp"

using namespace xbuild::dockerfile;
using xbuild::join;

namespace {

using Words = std::vector<std::string>;

std::vector<Words> commands(std::string_view text) {
    std::vector<Words> out;
    for (const auto& c : shell_commands(text)) out.push_back(c.words);
    return out;
}

Plan plan_of(const std::string& text, PlanOptions options = {}) { return plan_stages(text, parse(text), options); }

std::string rewritten(const std::string& text) {
    auto file = parse(text);
    return rewrite(text, file, plan_stages(text, file), {.xx_image = "xx:test"}).text;
}

const std::string naive_go =
    "FROM golang:1.19 AS build\n"
    "WORKDIR /src\n"
    "COPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/app . && \\\n"
    "    ls -l /out\n"
    "FROM debian\n"
    "COPY --from=build /out/app /app\n";

}  // namespace

TEST_CASE("shell_commands: the simple commands and their words") {
    struct Case {
        std::string text;
        std::vector<Words> want;
    } cases[] = {
        {"go build -o /out/app .", {{"go", "build", "-o", "/out/app", "."}}},
        {"CGO_ENABLED=0 GOOS=linux go build", {{"go", "build"}}},
        {"a && b || c; d | e & f", {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}}},
        {"echo 'a && b' \"c; d\"", {{"echo", "'a && b'", "\"c; d\""}}},
        {"echo $(go build) `x;y`", {{"echo", "$(go build)", "`x;y`"}}},
        {"if true; then make; fi", {{"true"}, {"make"}}},
        {"sudo env A=1 cargo build", {{"cargo", "build"}}},
        {"go \\\n  build .", {{"go", "build", "."}}},
        {"(cd x && make)", {{"cd", "x"}, {"make"}}},
        {"  # a comment\nls", {{"ls"}}},
        {"", {}},
        {"&&;||", {}},
        {"echo \"unterminated", {{"echo", "\"unterminated"}}},
        // BuildKit's continuations: blanks or a CR after the escape; comment and empty lines dropped.
        {"gcc -o /x \\  \r\n  a.c\n", {{"gcc", "-o", "/x", "a.c"}}},
        {"gcc -o /x \\\n  # the sources\n\n  a.c\n", {{"gcc", "-o", "/x", "a.c"}}},
        {"make # and then \\\n go build\nls", {{"make"}, {"ls"}}},
        {"gcc -o /x\\\n  a.c", {{"gcc", "-o", "/x", "a.c"}}},
        {"gcc -o /x \\\\\n  a.c", {{"gcc", "-o", "/x", "\\", "a.c"}}},  // the last \ continues the line
        {"gcc -o /x\\\na.c", {{"gcc", "-o", "/x\\\na.c"}}},             // one word once the lines are joined
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(commands(c.text) == c.want);
    }
    // A script's lines (a heredoc body) are the shell's: a comment ends at its line, `\ ` is a space.
    Words words;
    for (const auto& c : shell_commands("gcc -o /x \\\n  # no\n  a.c \\ b.c\n", '\\', Lines::shell))
        words.insert(words.end(), c.words.begin(), c.words.end());
    CHECK(words == Words {"gcc", "-o", "/x", "a.c", "\\ b.c"});
    auto cs = shell_commands("A=1 /usr/local/go/bin/go build");
    REQUIRE(cs.size() == 1);
    CHECK(program_name(cs[0]) == "go");
    CHECK(cs[0].assignments == Words {"A=1"});
    CHECK(cs[0].offsets[0] == 4);
}

TEST_CASE("plan: a naive Go Dockerfile: the build stage goes cross, the image stays on the target") {
    auto plan = plan_of(naive_go);
    REQUIRE(plan.stages.size() == 2);
    CHECK(plan.target == 1);
    CHECK(plan.stages[0].mode == StageMode::cross);
    CHECK(plan.stages[0].name == "build");
    CHECK(plan.stages[0].reason.find("go build") != std::string::npos);
    CHECK(plan.stages[1].mode == StageMode::target);
    CHECK(plan.any_cross());
}

TEST_CASE("plan: stages left alone, and why") {
    struct Case {
        std::string name, text, want_reason;
        StageMode want;
    } cases[] = {
        {"already pinned",
         "FROM --platform=$BUILDPLATFORM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n",
         "already pinned", StageMode::unchanged},
        {"helpers already", "FROM golang AS b\nRUN xx-go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n",
         "already cross-compiles", StageMode::unchanged},
        {"GOARCH set", "FROM golang AS b\nRUN GOARCH=arm64 go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n",
         "already cross-compiles", StageMode::unchanged},
        {"go test", "FROM golang AS b\nRUN go build -o /x . && go test ./...\nFROM scratch\nCOPY --from=b /x /x\n",
         "go test runs the tests", StageMode::target},
        {"runs what it built",
         "FROM golang AS b\nRUN go build -o /x . && /x --version\nFROM scratch\nCOPY --from=b /x /x\n", "runs /x",
         StageMode::target},
        {"npm", "FROM node AS b\nRUN npm ci && go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n", "native modules",
         StageMode::target},
        {"make with the user's CC", "FROM gcc AS b\nRUN make CC=gcc-12\nFROM scratch\nCOPY --from=b /x /x\n",
         "make with the user's own CC", StageMode::unchanged},
        {"cmake with the user's compiler",
         "FROM gcc AS b\nRUN cmake -DCMAKE_C_COMPILER=gcc -S . -B o\nFROM scratch\nCOPY --from=b /x /x\n",
         "cmake with the user's own compiler", StageMode::unchanged},
        {"versioned compiler", "FROM gcc AS b\nRUN gcc-12 -o /x x.c\nFROM scratch\nCOPY --from=b /x /x\n",
         "gcc-12: a compiler version", StageMode::unchanged},
        {"package list in a variable",
         "FROM gcc AS b\nRUN apt-get install -y $PKGS && make\nFROM scratch\nCOPY --from=b /x /x\n",
         "a package list the planner cannot read ($PKGS)", StageMode::unchanged},
        {"toolchain file already",
         "FROM gcc AS b\nRUN cmake --toolchain t.cmake . && make\nFROM scratch\nCOPY --from=b /x /x\n",
         "cmake with a toolchain file", StageMode::unchanged},
        {"configure --host already",
         "FROM gcc AS b\nRUN ./configure --host=$HOST && make\nFROM scratch\nCOPY --from=b /x /x\n", "configure --host",
         StageMode::unchanged},
        {"make check", "FROM gcc AS b\nRUN ./configure && make && make check\nFROM scratch\nCOPY --from=b /x /x\n",
         "make check runs what it built", StageMode::target},
        {"ctest",
         "FROM gcc AS b\nRUN cmake -B o && cmake --build o && cd o && ctest\nFROM scratch\nCOPY --from=b /x /x\n",
         "ctest runs the tests", StageMode::target},
        {"a build in a heredoc written to a file",
         "FROM gcc AS b\nRUN cat <<EOF >/b.sh && sh /b.sh\nmake\nEOF\nFROM scratch\nCOPY --from=b /x /x\n",
         "make in a heredoc that is not the RUN's shell script", StageMode::unchanged},
        {"a heredoc that bash -c does not read as its script",
         "FROM golang AS b\nRUN bash -c \"$(cat)\" <<EOF\ngo build -o /x .\nEOF\nFROM scratch\nCOPY --from=b /x /x\n",
         "go in a heredoc that is not", StageMode::unchanged},
        {"another interpreter's script",
         "FROM gcc AS b\nRUN <<EOF\n#!/usr/bin/env python3\nmake\nEOF\nFROM scratch\nCOPY --from=b /x /x\n",
         "make in a heredoc that is not", StageMode::unchanged},
        {"exec form", "FROM golang AS b\nRUN [\"go\", \"build\"]\nFROM scratch\nCOPY --from=b /x /x\n", "exec form",
         StageMode::unchanged},
        {"unused stage", "FROM golang AS b\nRUN go build -o /x .\nFROM scratch\n", "not needed", StageMode::unchanged},
        {"base of another",
         "FROM golang AS b\nRUN go build -o /x .\nFROM b AS c\nRUN true\nFROM scratch\nCOPY --from=c /x /x\n",
         "another stage builds on it", StageMode::unchanged},
        {"emulate comment",
         "# xbuild:emulate\nFROM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n",
         "xbuild:emulate", StageMode::target},
        {"nothing to build", "FROM alpine AS b\nRUN wget x\nFROM scratch\nCOPY --from=b /x /x\n",
         "nothing to cross-compile", StageMode::target},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto plan = plan_of(c.text);
        REQUIRE(!plan.stages.empty());
        CHECK(plan.stages[0].mode == c.want);
        CHECK(plan.stages[0].reason.find(c.want_reason) != std::string::npos);
        CHECK(plan.stages[0].edits.empty());
    }
}

TEST_CASE("plan: COPY --from by index and RUN --mount from= make a stage needed; --target and the off switch") {
    std::string text =
        "FROM golang\nRUN go build -o /x .\nFROM golang AS m\nRUN go install ./cmd/y\n"
        "FROM scratch\nCOPY --from=0 /x /x\nRUN --mount=type=bind,from=m,target=/m true\n";
    auto plan = plan_of(text);
    CHECK(plan.stages[0].mode == StageMode::cross);
    CHECK(plan.stages[1].mode == StageMode::cross);
    auto only_m = plan_of(text, {.enabled = true, .target_stage = "M"});
    CHECK(only_m.target == 1);
    CHECK(only_m.stages[0].mode == StageMode::unchanged);
    CHECK(only_m.stages[1].mode == StageMode::target);
    CHECK_THROWS_AS(plan_of(text, {.enabled = true, .target_stage = "nope"}), StageError);
    auto off = plan_of(text, {.enabled = false, .target_stage = ""});
    for (const auto& s : off.stages) CHECK(s.mode == StageMode::unchanged);
    auto cross = plan_of("# xbuild:cross\nFROM alpine AS b\nRUN wget x\nFROM scratch\nCOPY --from=b /x /x\n");
    CHECK(cross.stages[0].mode == StageMode::cross);
}

TEST_CASE("rewrite: only the cross stage's lines change; everything else byte for byte") {
    const std::string out = rewritten(naive_go);
    CHECK(out ==
          "FROM --platform=$BUILDPLATFORM xx:test AS xbuild-xx\n"
          "FROM --platform=$BUILDPLATFORM golang:1.19 AS build\n"
          "COPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n"
          "WORKDIR /src\n"
          "COPY . .\n"
          "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT XX_AUTO_INSTALL=1\n"
          "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 "
          "xx-go build -o /out/app . && "
          "xx-verify /out/app && \\\n"
          "    ls -l /out\n"
          "FROM debian\n"
          "COPY --from=build /out/app /app\n");
    // The rewritten text parses, and a second pass changes nothing: it already cross-compiles.
    auto again_file = parse(out);
    auto again = rewrite(out, again_file, plan_stages(out, again_file));
    CHECK_FALSE(again.changed);
    CHECK(again.text == out);
}

TEST_CASE("rewrite: line map, cargo's output folder, the syntax line, CRLF") {
    auto file = parse(naive_go);
    auto out = rewrite(naive_go, file, plan_stages(naive_go, file));
    CHECK(out.original_line == std::vector<int> {1, 1, 1, 2, 3, 4, 4, 5, 6, 7});
    CHECK(map_error_lines("Dockerfile:7: unknown flag", out) == "Dockerfile:4: unknown flag");
    CHECK(map_error_lines("failed: Dockerfile:99: x at 10:30", out) == "failed: Dockerfile:99: x at 10:30");

    const std::string rust =
        "FROM rust AS b\nRUN cargo build --release --target-dir /t\nFROM scratch\nCOPY --from=b /t/release/a /a\n";
    CHECK(rewritten(rust).find("RUN xx-cargo build --release --target-dir /t && mkdir -p /t/release && "
                               "cp -a /t/$(xx-cargo --print-target-triple)/release/. /t/release/\n") !=
          std::string::npos);

    const std::string with_syntax = "# syntax=127.0.0.1:5000/xbuild/frontend\n" + naive_go;
    auto sf = parse(with_syntax);
    auto stripped = rewrite(with_syntax, sf, plan_stages(with_syntax, sf), {.xx_image = "x", .strip_syntax = true});
    // The syntax line gives way to an empty line: the user's lines keep their numbers.
    CHECK(stripped.text.rfind("\nFROM --platform=$BUILDPLATFORM x AS xbuild-xx\n", 0) == 0);
    CHECK(stripped.original_line[0] == 1);
    CHECK(stripped.original_line[1] == 2);

    const std::string crlf = "FROM golang AS b\r\nRUN go build -o /x .\r\nFROM scratch\r\nCOPY --from=b /x /x\r\n";
    const std::string crlf_out = rewritten(crlf);
    CHECK(crlf_out.find("RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx "
                        "xx-go build -o /x . && xx-verify /x\r\n") != std::string::npos);
    CHECK(crlf_out.find("FROM scratch\r\nCOPY --from=b /x /x\r\n") != std::string::npos);
    CHECK_NOTHROW(parse(crlf_out));

    // Unicode white space before FROM (U+0085, skipped as Go's TrimSpace does): --platform goes
    // after the keyword, not into it (the fuzzer found `FR --platform=$BUILDPLATFORMOM`).
    const std::string nel =
        "\xC2\x85"
        "FROM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n";
    CHECK(rewritten(nel).find("\xC2\x85"
                              "FROM --platform=$BUILDPLATFORM golang AS b\n") != std::string::npos);
    // ... and past continuations before the keyword and inside it (BuildKit joins the lines first).
    const std::string split = "\\\n  FR\\\nOM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\n";
    CHECK(rewritten(split).find("\\\n  FR\\\nOM --platform=$BUILDPLATFORM golang AS b\n") != std::string::npos);

    // The helpers' stage goes in before the first cross stage: COPY --from by index follows.
    const std::string by_index =
        "FROM alpine\nRUN true\nFROM golang\nRUN go build -o /app .\nFROM alpine\n"
        "COPY --from=1 /app /app\nCOPY --from=0 /etc/os-release /x\n"
        "COPY --chown=a\\ b --chmod=\"6 44\" \\\n  --from=+1 /app /b\n";
    const std::string by_index_out = rewritten(by_index);
    CHECK(by_index_out.find("COPY --from=2 /app /app\nCOPY --from=0 /etc/os-release /x\n") != std::string::npos);
    // Flags as the parser splits them (\ escapes, quotes, continuations): the third one is --from.
    CHECK(by_index_out.find("COPY --chown=a\\ b --chmod=\"6 44\" \\\n  --from=2 /app /b\n") != std::string::npos);
    auto by_index_file = parse(by_index_out);
    CHECK_FALSE(plan_stages(by_index_out, by_index_file).any_cross());

    // The helpers' stage goes above the comments over the first cross FROM, below the directives.
    const std::string commented =
        "# syntax=x/y\n# xbuild:cross\nFROM busybox\nRUN uname -m > /o\nFROM busybox\nCOPY --from=0 /o /o\n";
    CHECK(
        rewritten(commented).rfind("# syntax=x/y\nFROM --platform=$BUILDPLATFORM xx:test AS xbuild-xx\n# xbuild:cross\n"
                                   "FROM --platform=$BUILDPLATFORM busybox\n",
                                   0) == 0);

    const std::string no_newline = "FROM golang AS b\nRUN go build -o /x .\nFROM scratch\nCOPY --from=b /x /x";
    CHECK(rewritten(no_newline).ends_with("COPY --from=b /x /x"));
}

namespace {

// The RUN lines of the rewritten build stage (the lines that start with RUN, continuations joined).
std::vector<std::string> rewritten_runs(const std::string& text) {
    std::vector<std::string> runs;
    const std::string out = rewritten(text);
    for (const auto& in : parse(out).instructions)
        if (in.keyword == "RUN") runs.push_back(out.substr(in.begin, in.end - in.begin));
    return runs;
}

std::string build_stage(const std::string& base, const std::string& runs) {
    return "FROM " + base + " AS b\n" + runs + "FROM debian\nCOPY --from=b /out /out\n";
}

// A build stage FROM `base` with these RUN lines goes cross, and its RUN lines come out as `want`.
void check_routed(const std::string& base, const std::string& runs, const std::vector<std::string>& want) {
    const std::string text = build_stage(base, runs);
    auto plan = plan_of(text);
    REQUIRE(plan.stages.size() == 2);
    CHECK(plan.stages[0].mode == StageMode::cross);
    CHECK(join(rewritten_runs(text), "---\n") == join(want, "---\n"));
}

}  // namespace

TEST_CASE("routes: C/C++ compilers and build systems go through the helpers") {
    struct Case {
        std::string name, runs;
        std::vector<std::string> want;
    } cases[] = {
        {"gcc links, verified",
         "RUN gcc -O2 -o /out/app main.c && strip /out/app\n",
         {"RUN xx-cc -O2 -o /out/app main.c && xx-verify /out/app && strip /out/app\n"}},
        {"compile only: nothing to verify",
         "RUN cc -c a.c -o a.o && g++ -o /out/app a.o b.cpp\n",
         {"RUN xx-cc -c a.c -o a.o && xx-c++ -o /out/app a.o b.cpp && xx-verify /out/app\n"}},
        {"clang keeps clang",
         "RUN clang -o /out/a a.c; clang++ -o /out/b b.cc\n",
         {"RUN xx-clang -o /out/a a.c && xx-verify /out/a; xx-clang++ -o /out/b b.cc && xx-verify /out/b\n"}},
        {"make",
         "RUN make -j4 && make install PREFIX=/out\n",
         {"RUN make CC=xx-cc CXX=xx-c++ -j4 && make CC=xx-cc CXX=xx-c++ install PREFIX=/out\n"}},
        {"cmake configure, build, install",
         "RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build && cmake --install build --prefix "
         "/out\n",
         {"RUN cmake -DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path) -S . -B build "
          "-DCMAKE_BUILD_TYPE=Release && "
          "cmake --build build && cmake --install build --prefix /out\n"}},
        {"meson setup and the old spelling",
         "RUN meson setup o && meson compile -C o\nRUN meson p\n",
         {"RUN meson setup --cross-file=$(xx-cc --print-meson-cross-file-path) o && meson compile -C o\n",
          "RUN meson --cross-file=$(xx-cc --print-meson-cross-file-path) p\n"}},
        {"autoconf",
         "RUN ./autogen.sh && ./configure --prefix=/out && make && make install\n",
         {"RUN ./autogen.sh && ./configure --host=$(xx-cc --print-target-triple) CC=xx-cc CXX=xx-c++ --prefix=/out && "
          "make CC=xx-cc CXX=xx-c++ && make CC=xx-cc CXX=xx-c++ install\n"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        check_routed("gcc", c.runs, c.want);
    }
}

TEST_CASE("routes: a heredoc that is the RUN's shell script is routed line by line") {
    struct Case {
        std::string name, base, runs;
        std::vector<std::string> want;
    } cases[] = {
        {"RUN <<EOF",
         "golang",
         "RUN <<EOF\nset -e\ngo build -o /out/app .\nEOF\n",
         {"RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx <<EOF\nset "
          "-e\nxx-go build -o /out/app . && xx-verify "
          "/out/app\nEOF\n"}},
        {"a shell reading it, tabs stripped",
         "gcc",
         "RUN bash -ex <<-\"X\"\n\tcd /src\n\tmake -j2\nX\n",
         {"RUN bash -ex <<-\"X\"\n\tcd /src\n\tmake CC=xx-cc CXX=xx-c++ -j2\nX\n"}},
        {"a shell's #! line",
         "gcc",
         "RUN <<EOF\n#!/bin/bash\ngcc -o /out/a a.c\nEOF\n",
         {"RUN <<EOF\n#!/bin/bash\nxx-cc -o /out/a a.c && xx-verify /out/a\nEOF\n"}},
        {"the RUN's own text and a data heredoc",
         "gcc",
         "RUN cat <<EOF >a.c && gcc -o /out/a a.c\nint main(void) { return 0; }\nEOF\n",
         {"RUN cat <<EOF >a.c && xx-cc -o /out/a a.c && xx-verify /out/a\nint main(void) { return 0; }\nEOF\n"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        check_routed(c.base, c.runs, c.want);
    }
    // A script's continuation is the shell's backslash, whatever the Dockerfile's escape; and
    // each routed command is named by its own line.
    const std::string backtick =
        "# escape=`\nFROM gcc AS b\nRUN <<EOF\ncd /src\ngcc -o /out/a \\\n  a.c\nEOF\nFROM debian\nCOPY --from=b /out "
        "/out\n";
    const auto runs = rewritten_runs(backtick);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0] == "RUN <<EOF\ncd /src\nxx-cc -o /out/a \\\n  a.c && xx-verify /out/a\nEOF\n");
    const auto plan = plan_of(backtick);
    REQUIRE(!plan.stages[0].edits.empty());
    CHECK(plan.stages[0].edits[0].why.rfind("line 5: ", 0) == 0);
}

TEST_CASE("routes: package installs split between the build machine and the target") {
    struct Case {
        std::string name, base, runs;
        std::vector<std::string> want;
    } cases[] = {
        {"C build with gcc: the cross gcc and libc join the target's",
         "debian",
         "RUN apt-get update && apt-get install -y --no-install-recommends gcc make zlib1g-dev && rm -rf "
         "/var/lib/apt/lists/*\n"
         "RUN make\n",
         {"RUN xx-apt-get update && apt-get install -y --no-install-recommends gcc make && xx-apt-get -y "
          "--no-install-recommends "
          "install zlib1g-dev gcc libc6-dev && rm -rf /var/lib/apt/lists/*\n",
          "RUN make CC=xx-cc CXX=xx-c++\n"}},
        {"clang: lld for the build machine, the essentials for the target",
         "debian",
         "RUN DEBIAN_FRONTEND=noninteractive apt-get install -y clang \\\n    libssl-dev\nRUN clang -o /out/a a.c "
         "-lssl\n",
         {"RUN DEBIAN_FRONTEND=noninteractive apt-get install -y clang lld && DEBIAN_FRONTEND=noninteractive "
          "xx-apt-get -y "
          "install libssl-dev xx-c-essentials\n",
          "RUN xx-clang -o /out/a a.c -lssl && xx-verify /out/a\n"}},
        {"only libraries: the same command through xx-apt-get",
         "gcc",
         "RUN apt-get install -y libz-dev libpng-dev\nRUN apt-get install -y gcc\nRUN cc -o /out/a a.c\n",
         {"RUN xx-apt-get install -y libz-dev libpng-dev gcc libc6-dev\n", "RUN apt-get install -y gcc\n",
          "RUN xx-cc -o /out/a a.c && xx-verify /out/a\n"}},
        {"apk: clang for the build machine, the target's libc and libraries",
         "alpine",
         "RUN apk add --no-cache gcc musl-dev zlib-dev make\nRUN make\n",
         {"RUN apk add --no-cache gcc make clang lld && xx-apk --no-cache add musl-dev zlib-dev xx-c-essentials\n",
          "RUN make CC=xx-cc CXX=xx-c++\n"}},
        {"cgo: -dev packages make go build link them",
         "golang",
         "RUN apt-get update && apt-get install -y zlib1g-dev pkg-config\nRUN go build -o /out/z ./cgo\n",
         {"RUN xx-apt-get update && apt-get install -y pkg-config && xx-apt-get -y install zlib1g-dev gcc libc6-dev\n",
          "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=1 "
          "xx-go build -o /out/z ./cgo && xx-verify "
          "/out/z\n"}},
        {"CGO_ENABLED=0: the -dev packages are the build machine's business",
         "golang",
         "RUN apt-get install -y libz-dev\nRUN CGO_ENABLED=0 go build -o /out/z .\n",
         {"RUN apt-get install -y libz-dev\n",
          "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 "
          "xx-go build -o /out/z . && xx-verify "
          "/out/z\n"}},
        {"cargo: libraries for -sys crates, a cross linker",
         "rust",
         "RUN apt-get install -y gcc pkg-config libssl-dev dpkg-dev golang-github-x-dev\nRUN cargo build --release\n",
         {"RUN apt-get install -y gcc pkg-config dpkg-dev golang-github-x-dev && xx-apt-get -y install libssl-dev gcc "
          "libc6-dev\n",
          "RUN xx-cargo build --release && mkdir -p target/release && cp -a target/$(xx-cargo "
          "--print-target-triple)/release/. "
          "target/release/\n"}},
        {"a qualified package stays as written",
         "debian",
         "RUN apt-get install -y gcc zlib1g-dev:amd64\nRUN make\n",
         {"RUN apt-get install -y gcc zlib1g-dev:amd64 && xx-apt-get -y install gcc libc6-dev\n",
          "RUN make CC=xx-cc CXX=xx-c++\n"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        check_routed(c.base, c.runs, c.want);
        const std::string text = build_stage(c.base, c.runs);
        // The rewrite parses again and a second pass leaves it alone (it calls the helpers).
        const std::string out = rewritten(text);
        CHECK_FALSE(plan_stages(out, parse(out)).any_cross());
    }
}

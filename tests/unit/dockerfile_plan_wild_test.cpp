// Tests of xbuild/dockerfile/plan.hpp and rewrite.hpp on the forms found in real Dockerfiles:
// GOOS-only go builds, hard-coded architectures (warned, built as written), go/cargo installs,
// cargo-chef's base stage, `sh -c`, and where the target's ARGs are declared.
#include <doctest/doctest.h>

#include <string>

#include "xbuild/dockerfile/rewrite.hpp"
#include "xbuild/platform.hpp"

using namespace xbuild::dockerfile;

namespace {

Plan plan_for(const std::string& text, const std::string& platforms = "") {
    PlanOptions options;
    if (!platforms.empty()) options.platforms = xbuild::parse_platform_list(platforms);
    return plan_stages(text, parse(text), options);
}

std::string rewritten(const std::string& text) {
    auto file = parse(text);
    return rewrite(text, file, plan_stages(text, file), {.xx_image = "xx:test"}).text;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string go_image = "FROM golang:1.19 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\n";
const std::string runtime = "FROM debian\nCOPY --from=build /out/app /app\n";

}  // namespace

TEST_CASE("GOOS set to the target's OS is not cross-compiling by hand: the build is routed") {
    for (const std::string run : {"RUN CGO_ENABLED=0 GOOS=linux go build -o /out/app .\n",
                                  "RUN GOOS=linux GOARCH=$TARGETARCH go build -o /out/app .\n",
                                  "RUN GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -o /out/app .\n",
                                  "ENV GOOS=linux\nRUN go build -o /out/app .\n"}) {
        CAPTURE(run);
        const std::string text = go_image + run + runtime;
        auto plan = plan_for(text, "linux/arm/v7");
        CHECK(plan.stages[0].mode == StageMode::cross);
        CHECK(plan.warnings.empty());
        CHECK(has(rewritten(text), "xx-go build -o /out/app . && xx-verify /out/app"));
    }
    // Another OS is cross-compiling by hand: left as written.
    auto windows = plan_for(go_image + "RUN GOOS=windows go build -o /out/app.exe .\n" + runtime);
    CHECK(windows.stages[0].mode == StageMode::unchanged);
    CHECK(has(windows.stages[0].reason, "sets GOOS itself"));
}

TEST_CASE("a hard-coded architecture is warned about, for the platforms it is wrong for, and built as written") {
    const std::string text = go_image + "RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /out/app .\n" + runtime;
    auto plan = plan_for(text, "linux/amd64,linux/arm64");
    CHECK(plan.stages[0].mode == StageMode::unchanged);
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0].line == 6);
    CHECK(plan.warnings[0].message == "GOARCH=amd64 builds for linux/amd64 whatever the target platform");
    CHECK(has(plan.warnings[0].fix, "GOARCH=$TARGETARCH"));
    CHECK(plan_for(text, "linux/amd64").warnings.empty());  // right for the one platform built
    CHECK_FALSE(rewritten(text).find("xx-go") != std::string::npos);

    struct Case {
        std::string stage, setting;
    } cases[] = {
        {"FROM rust AS build\nRUN cargo build --release --target x86_64-unknown-linux-musl\n",
         "--target x86_64-unknown-linux-musl builds for linux/amd64"},
        {"FROM rust AS build\nENV CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu\nRUN cargo build\n",
         "CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu builds for linux/amd64"},
        {"FROM debian AS build\nRUN CC=x86_64-linux-gnu-gcc make\n", "CC=x86_64-linux-gnu-gcc builds for linux/amd64"},
        {"FROM debian AS build\nRUN make CC=aarch64-linux-gnu-gcc\n",
         "CC=aarch64-linux-gnu-gcc builds for linux/arm64"},
        {"FROM debian AS build\nRUN gcc -O2 -march=x86-64 -o /out/app main.c\n", "-march=x86-64 builds for"},
        {"FROM debian AS build\nRUN CFLAGS=\"-O2 -march=armv8-a\" make\n", "-march=armv8-a builds for"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.stage);
        auto p = plan_for(c.stage + runtime, "linux/arm/v7");
        CHECK(p.stages[0].mode == StageMode::unchanged);
        REQUIRE(p.warnings.size() == 1);
        CHECK(has(p.warnings[0].message, c.setting));
    }
    // A variable is the user's choice per platform: no warning.
    CHECK(plan_for("FROM rust AS build\nRUN cargo build --target $RUST_TARGET\n" + runtime).warnings.empty());
    // -march=native under emulation is the target's CPU: not sure cross, but nothing named to warn of.
    auto native = plan_for("FROM debian AS build\nRUN gcc -march=native -o /out/app a.c\n" + runtime);
    CHECK(native.stages[0].mode == StageMode::unchanged);
    CHECK(native.warnings.empty());
}

TEST_CASE("go install and cargo install: the program is routed, a tool for the build machine is not") {
    const std::string gi = rewritten(go_image + "RUN go install ./cmd/app\n" + runtime);
    CHECK(has(
        gi,
        "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx xx-go install "
        "./cmd/app && { xxd=$(go env "
        "GOPATH)/bin/$(xx-go env GOOS)_$(xx-go env GOARCH);"));
    const std::string tool = go_image + "RUN go install github.com/a/tool@v1.2.3\n" + runtime;
    CHECK(plan_for(tool).stages[0].mode == StageMode::target);  // nothing of the program is built

    const std::string path = rewritten("FROM rust AS build\nRUN cargo install --path . --root /out\n" + runtime);
    CHECK(has(path, "RUN xx-cargo install --path . --root /out\n"));
    auto chef = plan_for("FROM rust AS build\nRUN cargo install cargo-chef\n" + runtime);
    CHECK(chef.stages[0].mode == StageMode::target);
}

TEST_CASE("cargo-chef: the base stage goes to the build machine with the stages built on it") {
    const std::string text =
        "FROM rust:1.75 AS chef\n"
        "RUN cargo install cargo-chef\n"
        "WORKDIR /app\n"
        "FROM chef AS planner\n"
        "COPY . .\n"
        "RUN cargo chef prepare --recipe-path recipe.json\n"
        "FROM chef AS builder\n"
        "COPY --from=planner /app/recipe.json recipe.json\n"
        "RUN cargo chef cook --release --recipe-path recipe.json\n"
        "COPY . .\n"
        "RUN cargo build --release\n"
        "FROM debian AS runtime\n"
        "COPY --from=builder /app/target/release/app /usr/local/bin/app\n";
    auto plan = plan_for(text, "linux/arm64");
    REQUIRE(plan.stages.size() == 4);
    CHECK(plan.stages[0].mode == StageMode::cross);
    CHECK(plan.stages[0].reason == "the base of planner, builder (FROM): runs on the build machine with them");
    CHECK(plan.stages[1].mode == StageMode::cross);
    CHECK(plan.stages[2].mode == StageMode::cross);
    const std::string out = rewritten(text);
    CHECK(has(out,
              "FROM --platform=$BUILDPLATFORM rust:1.75 AS chef\nCOPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n"
              "RUN cargo install cargo-chef\n"));                               // the tool stays the build machine's
    CHECK(has(out, "FROM chef AS planner\nCOPY . .\nRUN cargo chef prepare"));  // inherits, nothing added
    CHECK(has(out, "FROM chef AS builder\n"));
    CHECK(has(out,
              "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT XX_AUTO_INSTALL=1\n"
              "RUN xx-cargo chef cook --release"));
    CHECK(has(out, "RUN xx-cargo build --release && mkdir -p target/release"));
    auto again_file = parse(out);
    CHECK_NOTHROW(plan_stages(out, again_file));

    // A base the image also builds on stays on the target, and so do the stages built on it.
    const std::string shared =
        "FROM golang AS base\nWORKDIR /src\nFROM base AS build\nRUN go build -o /out/app .\n"
        "FROM base\nCOPY --from=build /out/app /app\n";
    auto sp = plan_for(shared);
    CHECK(sp.stages[0].mode == StageMode::target);
    CHECK(sp.stages[1].mode == StageMode::unchanged);
    CHECK(has(sp.stages[1].reason, "which runs on the target"));

    // A base the user put on the build machine: the stage on it is routed, without --platform.
    const std::string pinned =
        "FROM --platform=$BUILDPLATFORM golang AS base\nFROM base AS build\n"
        "RUN go build -o /out/app .\n" +
        runtime;
    const std::string po = rewritten(pinned);
    CHECK(has(po, "FROM base AS build\nCOPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n"));
    CHECK(has(po, "xx-go build -o /out/app ."));
}

TEST_CASE("sh -c: the script inside the quotes is routed") {
    const std::string out = rewritten(go_image + "RUN sh -c \"CGO_ENABLED=0 go build -o /out/app .\"\n" + runtime);
    CHECK(has(out, "sh -c \"CGO_ENABLED=0 xx-go build -o /out/app . && xx-verify /out/app\"\n"));
    const std::string single = rewritten(go_image + "RUN /bin/bash -c 'go build -o /out/app .'\n" + runtime);
    CHECK(has(single, "-c 'xx-go build -o /out/app . && xx-verify /out/app'\n"));
}

TEST_CASE("the target's ARGs come right before the first step that depends on the target") {
    const std::string out = rewritten(go_image + "RUN CGO_ENABLED=0 go build -o /out/app .\n" + runtime);
    // go mod download and the COPYs are the same for every platform: BuildKit builds them once.
    CHECK(has(out,
              "RUN go mod download\nCOPY . .\nARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT "
              "XX_AUTO_INSTALL=1\nRUN --mount=type=cache,target=/root/.cache/go-build "
              "--mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 xx-go"));
    // An existing Go cache mount is kept, not doubled.
    const std::string mounted =
        rewritten(go_image + "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app .\n" + runtime);
    CHECK(has(mounted, "RUN --mount=type=cache,target=/root/.cache/go-build xx-go build"));
}

TEST_CASE("GOARCH=$TARGETARCH on a base the user put on the build machine is cross-compiling already") {
    const std::string text =
        "FROM --platform=${BUILDPLATFORM} golang AS base\nWORKDIR /src\n"
        "FROM base AS build\nARG TARGETOS\nARG TARGETARCH\n"
        "RUN GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -o /out/app .\n" +
        runtime;
    auto plan = plan_for(text, "linux/arm64");
    CHECK(plan.stages[1].mode == StageMode::unchanged);
    CHECK(has(plan.stages[1].reason, "GOOS=${TARGETOS} on the build machine"));
    CHECK(rewritten(text) == text);
}

TEST_CASE("the dummy main.rs trick: both cargo builds routed, the manifests' COPY shared by every platform") {
    const std::string text =
        "FROM rust AS build\nWORKDIR /app\nCOPY Cargo.toml Cargo.lock ./\n"
        "RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release && rm -rf src\n"
        "COPY . .\nRUN touch src/main.rs && cargo build --release\n"
        "FROM debian\nCOPY --from=build /app/target/release/app /app\n";
    auto plan = plan_for(text, "linux/arm64,linux/arm/v7");
    CHECK(plan.stages[0].mode == StageMode::cross);
    const std::string out = rewritten(text);
    CHECK(has(out, "COPY Cargo.toml Cargo.lock ./\nARG TARGETPLATFORM"));
    CHECK(has(out,
              "src/main.rs && xx-cargo build --release && mkdir -p target/release && cp -a "
              "target/$(xx-cargo --print-target-triple)/release/. target/release/ && rm -rf src\n"));
    CHECK(has(out, "RUN touch src/main.rs && xx-cargo build --release && mkdir -p target/release"));
}

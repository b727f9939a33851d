#!/usr/bin/env bats
# `xbuild dockerfile parse`, run as a user would: the bundled examples' Dockerfiles as text and as
# JSON (read back with python3), and broken Dockerfiles, whose errors name the file and line.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  cd "$BATS_TEST_TMPDIR"
}

# keywords FILE: the instruction keywords of the JSON AST, space-separated.
keywords() {
  xbuild dockerfile parse --format json -f "$1" |
    python3 -c 'import json,sys; print(" ".join(i["keyword"] for i in json.load(sys.stdin)["instructions"]))'
}

@test "examples/go/Dockerfile.cross: directives, stages, flags, exec form" {
  run keywords "$TOP/examples/go/Dockerfile.cross"
  assert_success
  assert_output "ARG FROM FROM COPY ARG WORKDIR COPY RUN COPY RUN FROM COPY EXPOSE ENTRYPOINT"
  run xbuild dockerfile parse --format json -f "$TOP/examples/go/Dockerfile.cross"
  assert_success
  run python3 -c '
import json, sys
ast = json.load(open(sys.argv[1]))
assert ast["directives"] == [{"name": "syntax", "value": "docker/dockerfile:1", "line": 1}], ast["directives"]
frm = ast["instructions"][1]
assert frm["flags"] == [{"name": "platform", "value": "$BUILDPLATFORM"}], frm["flags"]
assert frm["lines"] == [8, 8], frm["lines"]
last = ast["instructions"][-1]
assert last["keyword"] == "ENTRYPOINT" and last["json_form"] and last["args"] == ["server"], last
print("ok")' <(xbuild dockerfile parse --format json -f "$TOP/examples/go/Dockerfile.cross")
  assert_success
  assert_output ok
}

@test "every bundled Dockerfile parses" {
  for f in "$TOP"/examples/*/Dockerfile*; do
    run xbuild dockerfile parse -f "$f"
    [ "$status" -eq 0 ] || fail "$f: $output"
  done
}

@test "text output: a line per instruction with its line numbers" {
  printf 'FROM debian\nRUN apt-get update && \\\n    apt-get install -y gcc\n' > Dockerfile
  run xbuild dockerfile parse
  assert_success
  assert_line --index 0 $'1\tFROM debian'
  assert_line --index 1 --partial $'2-3\tRUN apt-get update'
}

@test "heredocs and standard input" {
  printf 'FROM debian\nRUN <<EOF\necho hi\nEOF\n' > Dockerfile
  run bash -c 'xbuild dockerfile parse --format json -f - < Dockerfile |
    python3 -c "import json,sys; h=json.load(sys.stdin)[\"instructions\"][1][\"heredocs\"][0]; print(h[\"delimiter\"], repr(h[\"content\"]))"'
  assert_success
  assert_output "EOF 'echo hi\\n'"
}

@test "errors: the file and line, and what was expected" {
  printf 'FROM debian\n\nRUN <<EOF\necho never ends\n' > Dockerfile
  run xbuild dockerfile parse
  assert_failure
  assert_output --partial "Dockerfile:3: unterminated heredoc <<EOF"
  printf 'FROM debian\nBUILD it\n' > Dockerfile.bad
  run xbuild dockerfile parse -f Dockerfile.bad
  assert_failure
  assert_output --partial "Dockerfile.bad:2:"
  assert_output --partial "BUILD"
  run xbuild dockerfile parse -f missing/Dockerfile
  assert_failure
  assert_output --partial "cannot read missing/Dockerfile"
  run xbuild dockerfile parse --format yaml
  assert_failure
}

@test "explain: the naive Go Dockerfile's build stage goes cross, the image stays on the target" {
  run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile" --platform linux/arm64,linux/arm/v7
  assert_success
  assert_line --partial "for linux/arm64, linux/arm/v7"
  assert_output --partial "stage 0 (build), line 5: cross"
  assert_output --partial "line 10: go build -> xx-go build"
  assert_output --partial "stage 1, line 12: target"
  run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile.cross"
  assert_success
  assert_output --partial "nothing to rewrite"
  assert_output --partial "already pinned: FROM --platform=\$BUILDPLATFORM"
  run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile" --platform linux/arm65
  assert_failure
  assert_output --partial "unknown architecture 'arm65' in 'linux/arm65'"
}

@test "rewrite: changes only the build stage; written atomically with -o; a cross Dockerfile is left as is" {
  run xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile" --xx-image 127.0.0.1:5000/xbuild/frontend:dev
  assert_success
  assert_line "FROM --platform=\$BUILDPLATFORM 127.0.0.1:5000/xbuild/frontend:dev AS xbuild-xx"
  assert_line "FROM --platform=\$BUILDPLATFORM golang:1.19-bookworm AS build"
  assert_line "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 xx-go build -o /out/server . && xx-verify /out/server"
  # Everything but the four inserted lines and the two edited ones is as the user wrote it.
  diff <(xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile") "$TOP/examples/go/Dockerfile" | grep -c '^[<>]' | grep -qx 7
  xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile" -o out.Dockerfile
  run xbuild dockerfile parse -f out.Dockerfile
  assert_success
  if ls -a | grep -q '\.tmp\.'; then fail "a temporary file was left behind"; fi
  run xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile.cross"
  assert_success
  [ "$output" = "$(cat "$TOP/examples/go/Dockerfile.cross")" ] || fail "a Dockerfile that already cross-compiles was changed"
}

@test "rewrite and explain take --platform and --build-arg, as docker build does; mistakes exit 2" {
  run xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile" --platform linux/arm64,linux/arm/v7 \
    --build-arg GOFLAGS=-mod=vendor --build-arg EMPTY= --build-arg FROM_ENV
  assert_success
  assert_line "FROM --platform=\$BUILDPLATFORM golang:1.19-bookworm AS build"
  FROM_ENV=1 run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile" --build-arg FROM_ENV --build-arg A=b=c
  assert_success
  assert_output --partial "stage 0 (build), line 5: cross"
  run xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile" --platform linux/arm65
  [ "$status" -eq 2 ] || fail "bad --platform: exit $status, want 2: $output"
  assert_output --partial "--platform: unknown architecture 'arm65' in 'linux/arm65'"
  run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile" --platform linux/arm65
  [ "$status" -eq 2 ] || fail "bad --platform: exit $status, want 2: $output"
  run xbuild dockerfile rewrite -f "$TOP/examples/go/Dockerfile" --build-arg =value
  [ "$status" -eq 2 ] || fail "bad --build-arg: exit $status, want 2: $output"
  assert_output --partial "--build-arg: '=value' is not NAME=VALUE"
  run xbuild dockerfile explain -f "$TOP/examples/go/Dockerfile" --build-arg
  [ "$status" -eq 2 ] || fail "--build-arg without a value: exit $status, want 2: $output"
}

@test "explain: a hard-coded architecture is a warning with its line and fix; the stage is built as written" {
  printf 'FROM golang AS build\nWORKDIR /src\nRUN GOARCH=amd64 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n' > Dockerfile
  run xbuild dockerfile explain --platform linux/arm64
  assert_success
  assert_line "warnings:"
  assert_line "  line 3: GOARCH=amd64 builds for linux/amd64 whatever the target platform"
  assert_line --partial "    fix: "
  run xbuild dockerfile rewrite --platform linux/arm64
  assert_success
  assert_line "RUN GOARCH=amd64 go build -o /app ."
  printf 'FROM golang AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n' > Dockerfile
  run xbuild dockerfile explain
  assert_success
  refute_line "warnings:"
}

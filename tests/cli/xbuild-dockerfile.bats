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

#!/usr/bin/env bash
# `xbuild build` against a real engine, as a user runs it:
#  - examples/go's NAIVE Dockerfile (no `# syntax=` line: the frontend comes from --frontend, passed
#    as BUILDKIT_SYNTAX) built for linux/amd64 and linux/arm64 with -t and --push: exit 0, a line
#    per platform's step on standard error (the Go build rewritten to xx-go: the frontend ran), a
#    tag per platform (NAME:linux-amd64, NAME:linux-arm64) in the engine and in the registry, and
#    each image runs and answers `hello from linux/<arch>`;
#  - a Dockerfile that fails on arm64 only: exit 1, amd64 still reported ok, arm64 FAILED with its
#    error and the end of its log.
# Base images come from mmdebstrap (golang-go for amd64, a plain Debian for amd64 and arm64) and
# are served by the test registry; the Dockerfile's image names are pointed at it.
#
#   bash tests/e2e/xbuild_build.sh [BUILD_DIR]    # BUILD_DIR/bin holds xbuild and a static xx (default: build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
xbuild=$build/bin/xbuild
# shellcheck source=engine.bash
. "$here/engine.bash"
# shellcheck source=steps.bash
. "$here/steps.bash"

[ -x "$xbuild" ] || { bad "$xbuild not found: cmake --build $build --target xbuild_cli"; done_; }
start_engine

t=$SECONDS
if debian_image golang:amd64 linux/amd64 --push golang-go ca-certificates &&
   debian_image debian:amd64 linux/amd64 --push && debian_image debian:arm64 linux/arm64 --push &&
   manifest_list golang golang:amd64 && manifest_list debian debian:amd64 debian:arm64; then
  ok "base images: golang (amd64) and debian (amd64, arm64) from mmdebstrap ($((SECONDS - t)) s)"
else
  bad "base images"; done_
fi

push_frontend "$build"

# The user's project, with Docker Hub's names pointed at the test registry; no `# syntax=` line.
work=$ENGINE_DIR/go
mkdir -p "$work"
cp -r "$top/examples/go/." "$work/"
sed -i -e "s#golang:1.19-bookworm#$ENGINE_REGISTRY/golang#; s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#" "$work/Dockerfile"

name=$ENGINE_REGISTRY/xbuild-e2e/go
t=$SECONDS
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --push \
  --platform linux/amd64,linux/arm64 -t "$name" "$work" >"$work/out.log" 2>"$work/err.log"
status=$?
if [ $status = 0 ]; then ok "xbuild build for linux/amd64,linux/arm64: exit 0 ($((SECONDS - t)) s)"
else bad "xbuild build exited $status"; show "$work/out.log"; show "$work/err.log" 40; done_; fi
for arch in amd64 arm64; do
  if grep -qx "linux/$arch  ok      $name:linux-$arch  ([0-9]* s)" "$work/out.log"; then
    ok "result line: $(grep "^linux/$arch" "$work/out.log")"
  else bad "no ok line for linux/$arch"; show "$work/out.log"; fi
  # The frontend ran (BUILDKIT_SYNTAX): the step shown is the rewritten one.
  if grep -Eq "^linux/$arch  \[build [0-9]+/[0-9]+\] RUN CGO_ENABLED=0 xx-go build -o /out/server \." "$work/err.log"; then
    ok "progress line, rewritten by the frontend: $(grep -E "^linux/$arch  \[build [0-9/]+\] RUN CGO_ENABLED=0 xx-go" "$work/err.log" | head -n1)"
  else bad "no progress line with xx-go build for linux/$arch"; show "$work/err.log" 40; fi
  if edocker image inspect "$name:linux-$arch" >/dev/null 2>&1 &&
     [ "$(edocker image inspect -f '{{.Architecture}}' "$name:linux-$arch")" = "$arch" ]; then
    ok "$name:linux-$arch is in the engine, architecture $arch"
  else bad "$name:linux-$arch missing or not $arch"; fi
  out=$(edocker run --rm --platform "linux/$arch" "$name:linux-$arch" -selftest 2>&1)
  if [ "$out" = "hello from linux/$arch" ]; then ok "$name:linux-$arch runs: $out"
  else bad "$name:linux-$arch printed: $out"; fi
done
tags=$(curl -sf "http://$ENGINE_REGISTRY/v2/xbuild-e2e/go/tags/list")
if [[ $tags == *'"linux-amd64"'* && $tags == *'"linux-arm64"'* ]]; then ok "--push: the registry has $tags"
else bad "--push: the registry's tags: ${tags:-none}"; fi

# One platform fails, the other is still built and reported.
mkdir -p "$work/fail"
cat > "$work/fail/Dockerfile" <<DF
FROM $ENGINE_REGISTRY/debian
RUN echo "on \$(uname -m)"; [ "\$(uname -m)" = x86_64 ] || { echo "no luck on this machine" >&2; exit 3; }
DF
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain \
  --platform linux/amd64,linux/arm64 -t fail "$work/fail" >"$work/fail.out" 2>"$work/fail.err"
status=$?
if [ $status = 1 ]; then ok "a failing platform: exit 1"; else bad "a failing platform: exit $status"; fi
if grep -qx "linux/amd64  ok      fail:linux-amd64  ([0-9]* s)" "$work/fail.out" &&
   grep -q "^linux/arm64  FAILED  \[.*\] RUN echo.*exit code: 3" "$work/fail.out"; then
  ok "results: $(tr '\n' '|' < "$work/fail.out")"
else bad "results:"; show "$work/fail.out"; show "$work/fail.err" 30; fi
if grep -q "^linux/arm64: .*the end of its log:" "$work/fail.err" && grep -q "no luck on this machine" "$work/fail.err"; then
  ok "the arm64 log's tail is reported, with the step's own message"
else bad "no log tail for arm64"; show "$work/fail.err" 30; fi
done_

#!/usr/bin/env bash
# `xbuild build` against a real engine, as a user runs it:
#  - examples/go's NAIVE Dockerfile (no `# syntax=` line: the frontend comes from --frontend, passed
#    as BUILDKIT_SYNTAX) built for linux/amd64 and linux/arm64 with -t and --push: exit 0, a line
#    per platform's step on standard error (the Go build rewritten to xx-go: the frontend ran), a
#    tag per platform (NAME:linux-amd64, NAME:linux-arm64) in the engine and in the registry, and
#    each image runs and answers `hello from linux/<arch>`; one index NAME:latest of both, which
#    `docker pull --platform` resolves to the right image;
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

# --push also pushed one index of both: what `docker pull` serves each machine from.
if grep -Eq "^index        pushed  $name:latest  sha256:[0-9a-f]{64}$" "$work/out.log"; then
  ok "index line: $(grep '^index' "$work/out.log")"
else bad "no index line"; show "$work/out.log"; fi
if edocker manifest inspect --insecure "$name" >"$work/index.json" 2>&1 &&
   grep -q '"architecture": "amd64"' "$work/index.json" && grep -q '"architecture": "arm64"' "$work/index.json"; then
  ok "docker manifest inspect $name: an index of amd64 and arm64"
else bad "docker manifest inspect $name"; show "$work/index.json"; fi
for arch in arm64 amd64; do
  edocker rmi "$name:latest" >/dev/null 2>&1
  out=$(edocker pull -q --platform "linux/$arch" "$name" 2>&1 && edocker run --rm --platform "linux/$arch" "$name" -selftest 2>&1)
  if [ "${out##*$'\n'}" = "hello from linux/$arch" ]; then ok "docker pull --platform linux/$arch $name, run: hello from linux/$arch"
  else bad "docker pull --platform linux/$arch $name: $out"; fi
done

# -o: the same build (cached) exported. type=oci: one index of both platforms in a layout tar,
# which skopeo reads and picks from by architecture.
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --platform linux/amd64,linux/arm64 \
  -t "$name:oci" -o "type=oci,dest=$work/app-oci.tar" "$work" >"$work/oci.out" 2>"$work/oci.err"
status=$?
if [ $status = 0 ] && skopeo inspect --raw "oci-archive:$work/app-oci.tar:oci" >"$work/oci-index.json" 2>&1 &&
   grep -q '"architecture":"amd64"' "$work/oci-index.json" && grep -q '"architecture":"arm64"' "$work/oci-index.json"; then
  ok "-o type=oci: skopeo reads an index of amd64 and arm64 at oci-archive:app-oci.tar:oci"
else bad "-o type=oci: exit $status"; show "$work/oci.err"; show "$work/oci-index.json"; fi
if skopeo copy -q --override-arch arm64 "oci-archive:$work/app-oci.tar:oci" "docker-archive:$work/from-oci.tar:xbuild-e2e/from-oci:arm64" 2>"$work/oci-copy.err" &&
   edocker load -i "$work/from-oci.tar" >/dev/null 2>>"$work/oci-copy.err"; then
  out=$(edocker run --rm --platform linux/arm64 xbuild-e2e/from-oci:arm64 -selftest 2>&1)
  if [ "$out" = "hello from linux/arm64" ]; then ok "the arm64 image of the oci output runs: $out"
  else bad "the arm64 image of the oci output printed: $out"; fi
else bad "copying the arm64 image out of the oci output"; show "$work/oci-copy.err"; fi
# type=docker: one platform, loaded by docker load and run.
edocker rmi "$name:docker" >/dev/null 2>&1
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --platform linux/arm64 \
  -t "$name:docker" -o "type=docker,dest=$work/app-docker.tar" "$work" >"$work/docker.out" 2>"$work/docker.err"
status=$?
edocker rmi "$name:docker-linux-arm64" >/dev/null 2>&1
if [ $status = 0 ] && edocker load -i "$work/app-docker.tar" >"$work/load.out" 2>&1 &&
   [ "$(edocker run --rm --platform linux/arm64 "$name:docker" -selftest 2>&1)" = "hello from linux/arm64" ]; then
  ok "-o type=docker: docker load gives $name:docker, which runs as linux/arm64"
else bad "-o type=docker: exit $status"; show "$work/docker.err"; show "$work/load.out"; fi
# type=docker with two platforms is refused before anything is built.
"$xbuild" build --docker /usr/bin/docker --platform linux/amd64,linux/arm64 -o "type=docker,dest=$work/two.tar" "$work" >"$work/two.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "type=docker holds one platform" "$work/two.out" && [ ! -e "$work/two.tar" ]; then
  ok "-o type=docker for two platforms: exit 2, nothing written"
else bad "-o type=docker for two platforms: exit $status"; show "$work/two.out"; fi

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

#!/usr/bin/env bash
# `xbuild build` against a real engine, as a user runs it:
#  - examples/go's NAIVE Dockerfile (no `# syntax=` line: the frontend comes from --frontend, passed
#    as BUILDKIT_SYNTAX) built for linux/amd64, linux/arm64 and linux/arm/v7 with -t and --push: exit
#    0, a line per platform's step on standard error (the Go build rewritten to xx-go: the frontend
#    ran), a tag per platform (NAME:linux-amd64, ...) in the engine and in the registry, each image
#    runs and answers `hello from linux/<arch>`; one index NAME:latest of the three, which docker
#    manifest inspect lists and `docker pull --platform` resolves to the right image;
#  - the same index re-made by `xbuild imagetools create` and by `xbuild manifest create/annotate/
#    push` (the same digest), exported to an OCI layout and pushed back by skopeo (the same digest);
#  - -o type=oci (skopeo reads it, byte-identical twice), type=docker (docker load, run), type=local
#    (a folder per platform, merged), --load (tagged as named), type=docker for two refused;
#  - `xbuild cross` of examples/go (no Dockerfile): an OCI index of three platforms that skopeo reads
#    and the engine runs per platform, and the same pushed with type=image,push=true;
#  - a Dockerfile that fails on arm64 only: exit 1, amd64 still reported ok, arm64 FAILED with its
#    error and the end of its log.
# Base images come from mmdebstrap (golang-go for amd64, a plain Debian for amd64, arm64 and armhf)
# and are served by the test registry; the Dockerfile's image names are pointed at it.
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
   debian_image debian:armhf linux/arm/v7 --push &&
   manifest_list golang golang:amd64 && manifest_list debian debian:amd64 debian:arm64 debian:armhf; then
  ok "base images: golang (amd64) and debian (amd64, arm64, arm/v7) from mmdebstrap ($((SECONDS - t)) s)"
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
platforms=linux/amd64,linux/arm64,linux/arm/v7
t=$SECONDS
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --push \
  --platform "$platforms" -t "$name" "$work" >"$work/out.log" 2>"$work/err.log"
status=$?
if [ $status = 0 ]; then ok "xbuild build for $platforms: exit 0 ($((SECONDS - t)) s)"
else bad "xbuild build exited $status"; show "$work/out.log"; show "$work/err.log" 40; done_; fi
# uname -m / GOARCH / docker's Architecture of each platform, and its tag suffix.
for p in linux/amd64 linux/arm64 linux/arm/v7; do
  suffix=${p//\//-}; arch=${p#linux/}; arch=${arch%%/*}
  if grep -Eqx "$p +ok      $name:$suffix  \([0-9]+ s\)" "$work/out.log"; then
    ok "result line: $(grep "^$p " "$work/out.log")"
  else bad "no ok line for $p"; show "$work/out.log"; fi
  # The frontend ran (BUILDKIT_SYNTAX): the step shown is the rewritten one.
  if grep -Eq "^$p +\[build [0-9]+/[0-9]+\] RUN (--mount=[^ ]+ )*CGO_ENABLED=0 xx-go build -o /out/server \." "$work/err.log"; then
    ok "progress line, rewritten by the frontend: $(grep -E "^$p +\[build [0-9/]+\] RUN (--mount=[^ ]+ )*CGO_ENABLED=0 xx-go" "$work/err.log" | head -n1)"
  else bad "no progress line with xx-go build for $p"; show "$work/err.log" 40; fi
  if [ "$(edocker image inspect -f '{{.Architecture}}' "$name:$suffix" 2>/dev/null)" = "$arch" ]; then
    ok "$name:$suffix is in the engine, architecture $arch"
  else bad "$name:$suffix missing or not $arch"; fi
  out=$(edocker run --rm --platform "$p" "$name:$suffix" -selftest 2>&1)
  if [ "$out" = "hello from linux/$arch" ]; then ok "$name:$suffix runs: $out"
  else bad "$name:$suffix printed: $out"; fi
done
tags=$(curl -sf "http://$ENGINE_REGISTRY/v2/xbuild-e2e/go/tags/list")
if [[ $tags == *'"linux-amd64"'* && $tags == *'"linux-arm64"'* && $tags == *'"linux-arm-v7"'* ]]; then ok "--push: the registry has $tags"
else bad "--push: the registry's tags: ${tags:-none}"; fi

# --push also pushed one index of the three: what `docker pull` serves each machine from.
if grep -Eqx "index +pushed  $name:latest  sha256:[0-9a-f]{64}" "$work/out.log"; then
  ok "index line: $(grep '^index' "$work/out.log")"
else bad "no index line"; show "$work/out.log"; fi
index_digest=$(sed -n 's/^index .*  \(sha256:[0-9a-f]*\)$/\1/p' "$work/out.log")
if edocker manifest inspect --insecure "$name" >"$work/index.json" 2>&1 &&
   grep -q '"architecture": "amd64"' "$work/index.json" && grep -q '"architecture": "arm64"' "$work/index.json" &&
   grep -q '"variant": "v7"' "$work/index.json"; then
  ok "docker manifest inspect $name: a list of amd64, arm64 and arm/v7"
else bad "docker manifest inspect $name"; show "$work/index.json"; fi
for p in linux/arm64 linux/arm/v7 linux/amd64; do
  arch=${p#linux/}; arch=${arch%%/*}
  edocker rmi "$name:latest" >/dev/null 2>&1
  out=$(edocker pull -q --platform "$p" "$name" 2>&1 && edocker run --rm --platform "$p" "$name" -selftest 2>&1)
  if [ "${out##*$'\n'}" = "hello from linux/$arch" ]; then ok "docker pull --platform $p $name, run: hello from linux/$arch"
  else bad "docker pull --platform $p $name: $out"; fi
done

# The same index again, from the per-platform tags: with imagetools create and with docker
# manifest's commands, each giving the digest --push printed (same entries, same bytes).
"$xbuild" imagetools create -t "$name:again" "$name:linux-amd64" "$name:linux-arm64" "$name:linux-arm-v7" >"$work/again.out" 2>"$work/again.err"
if [ "$(awk '{print $2}' "$work/again.out")" = "$index_digest" ]; then
  ok "imagetools create of the three tags: the same digest as --push's index ($index_digest)"
else bad "imagetools create gave another index"; show "$work/again.out"; show "$work/again.err"; fi
"$xbuild" imagetools inspect "$name" >"$work/inspect.out" 2>&1
if grep -q "^Digest:    $index_digest" "$work/inspect.out" && grep -q "^  Platform:  linux/arm/v7" "$work/inspect.out"; then
  ok "imagetools inspect shows the index and linux/arm/v7"
else bad "imagetools inspect"; show "$work/inspect.out"; fi
export XDG_DATA_HOME=$work/xdg
if "$xbuild" manifest create "$name:list" "$name:linux-amd64" "$name:linux-arm64" "$name:linux-arm-v7" >"$work/m.out" 2>&1 &&
   "$xbuild" manifest annotate "$name:list" "$name:linux-arm-v7" --os linux --arch arm --variant v7 >>"$work/m.out" 2>&1 &&
   "$xbuild" manifest push --purge "$name:list" >"$work/mpush.out" 2>>"$work/m.out" &&
   [ "$(cat "$work/mpush.out")" = "$index_digest" ]; then
  ok "manifest create/annotate/push: the same digest again"
else bad "manifest create/annotate/push: $(cat "$work/mpush.out" 2>/dev/null)"; show "$work/m.out"; fi
# Out to a layout and back to another repository: a carbon copy both ways, so the same digest, and
# skopeo copies every platform's image out of the copy. The engine pushed Docker manifests, so the
# layout's index.json names a Docker manifest list, which skopeo's oci: transport does not read
# (it takes OCI media types only); --format oci makes an OCI index there that it does read.
if "$xbuild" imagetools create -t "oci-layout://$work/layout:1" "$name" >/dev/null 2>"$work/lay.err" &&
   "$xbuild" imagetools create -t "$ENGINE_REGISTRY/xbuild-e2e/back:1" "oci-layout://$work/layout:1" >/dev/null 2>>"$work/lay.err" &&
   [ "sha256:$(skopeo inspect --raw --tls-verify=false "docker://$ENGINE_REGISTRY/xbuild-e2e/back:1" | sha256sum | cut -d' ' -f1)" = "$index_digest" ] &&
   skopeo copy -q --all --src-tls-verify=false "docker://$ENGINE_REGISTRY/xbuild-e2e/back:1" "dir:$work/back" 2>>"$work/lay.err"; then
  ok "the index exported to an OCI layout and pushed back from it: the same digest, skopeo copy --all reads it"
else bad "export to a layout and back"; show "$work/lay.err"; fi
if "$xbuild" imagetools create --format oci -t "oci-layout://$work/layout-oci:1" "$name" >/dev/null 2>"$work/lay-oci.err" &&
   skopeo inspect --raw "oci:$work/layout-oci:1" >"$work/layout-oci.json" 2>>"$work/lay-oci.err" &&
   grep -q '"mediaType":"application/vnd.oci.image.index.v1+json"' "$work/layout-oci.json" &&
   skopeo copy -q --override-arch arm64 "oci:$work/layout-oci:1" "dir:$work/layout-oci-arm64" 2>>"$work/lay-oci.err" &&
   grep -rqs '"architecture":"arm64"' "$work/layout-oci-arm64"; then
  ok "imagetools create --format oci into a layout: skopeo reads the OCI index and copies the arm64 image out"
else bad "--format oci into a layout"; show "$work/lay-oci.err"; show "$work/layout-oci.json"; fi

# -o: the same build (cached) exported. type=oci: one index of the three in a layout tar, which
# skopeo reads and picks from by architecture; a second run gives the same bytes.
for n in 1 2; do
  "$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --platform "$platforms" \
    -t "$name:oci" -o "type=oci,dest=$work/app-oci-$n.tar" "$work" >"$work/oci.out" 2>"$work/oci.err" || break
done
if [ -f "$work/app-oci-2.tar" ] && skopeo inspect --raw "oci-archive:$work/app-oci-1.tar:oci" >"$work/oci-index.json" 2>&1 &&
   grep -q '"architecture":"amd64"' "$work/oci-index.json" && grep -q '"variant":"v7"' "$work/oci-index.json"; then
  ok "-o type=oci: skopeo reads an index of amd64, arm64 and arm/v7 at oci-archive:app-oci.tar:oci"
else bad "-o type=oci"; show "$work/oci.err"; show "$work/oci-index.json"; fi
if cmp -s "$work/app-oci-1.tar" "$work/app-oci-2.tar"; then ok "-o type=oci twice: byte-identical tars"
else bad "-o type=oci twice: the tars differ"; fi
if skopeo copy -q --all "oci-archive:$work/app-oci-1.tar:oci" "dir:$work/oci-all" 2>"$work/oci-copy.err" &&
   skopeo copy -q --override-arch arm64 "oci-archive:$work/app-oci-1.tar:oci" "docker-archive:$work/from-oci.tar:xbuild-e2e/from-oci:arm64" 2>>"$work/oci-copy.err" &&
   edocker load -i "$work/from-oci.tar" >/dev/null 2>>"$work/oci-copy.err"; then
  out=$(edocker run --rm --platform linux/arm64 xbuild-e2e/from-oci:arm64 -selftest 2>&1)
  if [ "$out" = "hello from linux/arm64" ]; then ok "skopeo copy --all reads the oci output; its arm64 image runs: $out"
  else bad "the arm64 image of the oci output printed: $out"; fi
else bad "copying out of the oci output"; show "$work/oci-copy.err"; fi
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
# type=local of a files-only stage, a folder per platform, merged into a folder that has a file of its own.
{ cat "$work/Dockerfile"; printf 'FROM scratch AS bin\nCOPY --from=build /out/server /server\n'; } > "$work/Dockerfile.bin"
mkdir -p "$work/bin" && echo mine > "$work/bin/keep"
"$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --platform linux/amd64,linux/arm64 \
  -f "$work/Dockerfile.bin" --target bin -o "type=local,dest=$work/bin" "$work" >"$work/local.out" 2>"$work/local.err"
status=$?
if [ $status = 0 ] && file "$work/bin/linux_arm64/server" | grep -q "ARM aarch64" &&
   file "$work/bin/linux_amd64/server" | grep -q "x86-64" && [ "$(cat "$work/bin/keep")" = mine ] &&
   ! compgen -G "$work/.bin.xbuild-*" >/dev/null; then
  ok "-o type=local for two platforms: bin/linux_amd64/server and bin/linux_arm64/server, bin/keep untouched"
else bad "-o type=local: exit $status"; show "$work/local.err"; ls -laR "$work/bin" | head -20; fi
# --load: one platform, tagged as named.
edocker rmi "$name:loaded" >/dev/null 2>&1
if "$xbuild" build --docker /usr/bin/docker --frontend "$frontend" --progress plain --platform linux/arm/v7 --load \
     -t "$name:loaded" "$work" >"$work/loadflag.out" 2>"$work/loadflag.err" &&
   [ "$(edocker run --rm --platform linux/arm/v7 "$name:loaded" -selftest 2>&1)" = "hello from linux/arm" ]; then
  ok "--load: $name:loaded is in the engine and runs as linux/arm/v7"
else bad "--load"; show "$work/loadflag.err"; fi

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
# Standalone cross-builds (`xbuild cross`, no Dockerfile): examples/go for three platforms as one
# OCI index, read by skopeo, copied to the registry, and run by the engine per platform; then the
# same pushed directly with type=image.
cross_ref=$ENGINE_REGISTRY/xbuild-e2e/cross-go
if "$xbuild" cross --progress plain --platform linux/amd64,linux/arm64,linux/arm/v7 --build-dir "$work/cross-build" \
     -o "type=oci,dest=$work/cross.tar" "$top/examples/go" >"$work/cross.out" 2>"$work/cross.err" &&
   got=$(skopeo inspect --raw "oci-archive:$work/cross.tar" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(" ".join(sorted("/".join(filter(None, [d["platform"]["os"], d["platform"]["architecture"], d["platform"].get("variant")]))
                      for d in m["manifests"])))') && [ "$got" = "linux/amd64 linux/arm/v7 linux/arm64" ]; then
  ok "xbuild cross -o type=oci: skopeo reads an index of $got"
else bad "xbuild cross -o type=oci: ${got:-}"; show "$work/cross.err" 30; fi
if skopeo copy -q --all --dest-tls-verify=false "oci-archive:$work/cross.tar" "docker://$cross_ref:oci" 2>"$work/cross-copy.err"; then
  for p in linux/arm64 linux/arm/v7 linux/amd64; do
    got=$(edocker run --rm --pull always --platform "$p" "$cross_ref:oci" -version 2>&1 | tail -n 1)
    if [[ "$got" == "server $p "* || ( $p = linux/arm/v7 && "$got" == "server linux/arm "* ) ]]; then
      ok "docker run --platform $p of the cross-built image: $got"
    else bad "docker run --platform $p of the cross-built image: $got"; fi
  done
else bad "skopeo copy of the cross-built OCI archive"; show "$work/cross-copy.err"; fi
if "$xbuild" cross --progress plain --platform linux/amd64,linux/arm64 --build-dir "$work/cross-build" \
     -o "type=image,name=$cross_ref:pushed,push=true" "$top/examples/go" >"$work/cross-push.out" 2>"$work/cross-push.err" &&
   got=$(edocker run --rm --pull always --platform linux/arm64 "$cross_ref:pushed" -version 2>&1 | tail -n 1) &&
   [[ "$got" == "server linux/arm64 "* ]]; then
  ok "xbuild cross -o type=image,push=true: docker run --platform linux/arm64 says $got"
else bad "xbuild cross -o type=image,push=true: ${got:-}"; show "$work/cross-push.err" 30; fi
done_

#!/usr/bin/env bash
# The product's claim, end to end, for examples/go's NAIVE Dockerfile (FROM golang + go build,
# then a runtime stage), unchanged except for its first line `# syntax=<our frontend>`:
#  - built for linux/arm64 with the frontend, the Go build stage runs on the build machine
#    (amd64: its vertex is named linux/amd64 and runs xx-go), and the image runs under binfmt
#    and answers `hello from linux/arm64`;
#  - the same Dockerfile built without the frontend (the whole build emulated) gives an image
#    with the same file list;
#  - both times are printed (the benchmark's figure comes from bench/, this is a sanity check).
# Base images are made here (mmdebstrap of Debian bookworm: golang-go for amd64 and arm64, a
# plain Debian for arm64) and served by the test registry; image names in the Dockerfile are
# pointed at it, since Docker Hub is not reachable.
#
#   bash tests/e2e/frontend_go.sh [BUILD_DIR]    # BUILD_DIR/bin holds xx (default: build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
# shellcheck source=engine.bash
. "$here/engine.bash"

# shellcheck source=steps.bash
. "$here/steps.bash"

start_engine

t=$SECONDS
if debian_image golang:amd64 linux/amd64 --push golang-go ca-certificates &&
   debian_image golang:arm64 linux/arm64 --push golang-go ca-certificates &&
   debian_image debian:arm64 linux/arm64 --push && debian_image debian:armhf linux/arm/v7 --push &&
   manifest_list golang golang:amd64 golang:arm64 && manifest_list debian debian:arm64 debian:armhf; then
  ok "base images: golang (amd64, arm64) and debian (arm64, armhf) from mmdebstrap ($((SECONDS - t)) s)"
else
  bad "base images"; done_
fi

push_frontend "$build"

# The user's files, with Docker Hub's names pointed at the test registry.
work="$ENGINE_DIR/go"
mkdir -p "$work/cross" "$work/emulated"
for d in cross emulated; do cp -r "$top/examples/go/." "$work/$d/"; done
sed -e "s#golang:1.19-bookworm#$ENGINE_REGISTRY/golang#; s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#" \
  "$top/examples/go/Dockerfile" > "$work/emulated/Dockerfile"
{ echo "# syntax=$frontend"; cat "$work/emulated/Dockerfile"; } > "$work/cross/Dockerfile"

t=$SECONDS
if edocker build --progress=plain --platform linux/arm64 -t go:cross "$work/cross" >"$work/cross.log" 2>&1; then
  ok "with the frontend: built for linux/arm64 ($((SECONDS - t)) s)"
else
  bad "with the frontend: the build failed"; show "$work/cross.log" 40; done_
fi
cross_s=$((SECONDS - t))
if grep -E '\] RUN CGO_ENABLED=0 xx-go build -o /out/server \. && xx-verify /out/server' "$work/cross.log" >/dev/null; then
  ok "the build stage was rewritten: RUN CGO_ENABLED=0 xx-go build -o /out/server . && xx-verify /out/server"
else
  bad "no xx-go build step in the log"; show "$work/cross.log" 40
fi
# Where the compiler ran: a build stage that also records `uname -m` (BuildKit 0.8's progress
# does not name the platform of a step). With the frontend it is the build machine's.
mkdir -p "$work/machine"
cp -r "$top/examples/go/." "$work/machine/"
cat > "$work/machine/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/golang AS build
WORKDIR /src
COPY . .
RUN uname -m > /machine && CGO_ENABLED=0 go build -o /out/server .
FROM $ENGINE_REGISTRY/debian
COPY --from=build /machine /out/server /
DF
if edocker build --progress=plain --platform linux/arm64 -t go:machine "$work/machine" >"$work/machine.log" 2>&1 &&
   m=$(edocker run --rm --platform linux/arm64 --entrypoint cat go:machine /machine) && [ "$m" = x86_64 ]; then
  ok "the Go compiler ran on the build machine: uname -m in the build stage was $m; the image is for arm64"
else
  bad "the build stage did not run on the build machine (uname -m: ${m:-?})"; show "$work/machine.log" 30
fi
out=$(edocker run --rm --platform linux/arm64 go:cross -selftest 2>&1)
if [ "$out" = "hello from linux/arm64" ]; then ok "the image runs under binfmt: $out"; else bad "the image printed: $out"; fi

# arm/v7 too: the same rewritten stage, GOARM=7 from the platform table.
t=$SECONDS
if edocker build --progress=plain --platform linux/arm/v7 -t go:cross-armv7 "$work/cross" >"$work/cross-armv7.log" 2>&1 &&
   out=$(edocker run --rm --platform linux/arm/v7 go:cross-armv7 -selftest 2>&1) && [ "$out" = "hello from linux/arm" ]; then
  ok "with the frontend for linux/arm/v7 ($((SECONDS - t)) s): the image runs under binfmt: $out"
else
  bad "with the frontend for linux/arm/v7: ${out:-the build failed}"; show "$work/cross-armv7.log" 30
fi

t=$SECONDS
if edocker build --progress=plain --platform linux/arm64 -t go:emulated "$work/emulated" >"$work/emulated.log" 2>&1; then
  ok "without the frontend (emulated): built for linux/arm64 ($((SECONDS - t)) s)"
else
  bad "the emulated build failed"; show "$work/emulated.log" 40; done_
fi
emulated_s=$((SECONDS - t))

files() {  # files IMAGE: the sorted file list of the image's filesystem
  local id; id=$(edocker create --platform linux/arm64 "$1") || return 1
  edocker export "$id" | tar -t | sort
  edocker rm "$id" >/dev/null
}
if diff <(files go:cross) <(files go:emulated) >"$work/files.diff"; then
  ok "the same file list as the emulated build ($(files go:cross | wc -l) entries)"
else
  bad "the file lists differ:"; show "$work/files.diff" 20
fi
echo "times: with the frontend ${cross_s} s, emulated ${emulated_s} s (the std library is precompiled in the emulated golang)"
done_

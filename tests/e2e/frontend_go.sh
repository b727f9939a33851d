#!/usr/bin/env bash
# The product's claim, end to end, for examples/go's NAIVE Dockerfile (FROM golang + go build,
# then a runtime stage), unchanged except for its first line `# syntax=<our frontend>`:
#  - built for linux/arm64 with the frontend, the Go build stage runs on the build machine
#    (amd64: its vertex is named linux/amd64 and runs xx-go), and the image runs under binfmt
#    and answers `hello from linux/arm64`;
#  - the same Dockerfile built without the frontend (the whole build emulated) gives an image
#    with the same file list;
#  - the forms found in the wild: `CGO_ENABLED=0 GOOS=linux go build -ldflags=...` inside `sh -c`
#    with a FROM scratch image is routed and compiled on the build machine; a hard-coded
#    GOARCH=amd64 is built as written and the build output carries the frontend's warning;
#  - built for linux/arm/v7 after linux/arm64, the platform-independent steps (COPY, go mod
#    download) are CACHED and only the compile runs again;
#  - both times are printed (the benchmark's figure comes from bench/, this is a sanity check).
# Not covered here: a real golang:alpine base (apk, musl): mmdebstrap makes Debian images only;
# xx-apk and the apk routes have their own tests (tests/cli/xx-apk.bats, unit tests).
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
# --no-cache: what the arm/v7 build below finds cached was built here.
if edocker build --no-cache --progress=plain --platform linux/arm64 -t go:cross "$work/cross" >"$work/cross.log" 2>&1; then
  ok "with the frontend: built for linux/arm64 ($((SECONDS - t)) s)"
else
  bad "with the frontend: the build failed"; show "$work/cross.log" 40; done_
fi
cross_s=$((SECONDS - t))
if grep -E '\] RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 xx-go build -o /out/server \. && xx-verify /out/server' "$work/cross.log" >/dev/null; then
  ok "the build stage was rewritten: RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx CGO_ENABLED=0 xx-go build -o /out/server . && xx-verify /out/server"
else
  bad "no xx-go build step in the log"; show "$work/cross.log" 40
fi
# The most common form in the wild: `CGO_ENABLED=0 GOOS=linux go build` (GOOS alone, the target's
# own OS, is not cross-compiling by hand), with -ldflags, in a `sh -c`, and a scratch image. Where
# the compiler ran: the build stage also records `uname -m` (BuildKit 0.8's progress does not name
# the platform of a step). With the frontend it is the build machine's.
mkdir -p "$work/machine"
cp -r "$top/examples/go/." "$work/machine/"
cat > "$work/machine/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/golang AS build
WORKDIR /src
COPY . .
RUN uname -m > /machine && sh -c 'CGO_ENABLED=0 GOOS=linux go build -ldflags="-s -w" -o /out/server .'
FROM scratch
COPY --from=build /machine /out/server /
ENTRYPOINT ["/server"]
DF
if edocker build --progress=plain --platform linux/arm64 -t go:machine "$work/machine" >"$work/machine.log" 2>&1 &&
   grep -q "sh -c 'CGO_ENABLED=0 GOOS=linux xx-go build" "$work/machine.log" &&
   m=$(edocker run --rm --platform linux/arm64 go:machine -selftest) && [ "$m" = "hello from linux/arm64" ] &&
   id=$(edocker create --platform linux/arm64 go:machine) && m=$(edocker cp "$id:/machine" - | tar -xO) &&
   edocker rm "$id" >/dev/null && [ "$m" = x86_64 ]; then
  ok "GOOS=linux go build in sh -c, FROM scratch: routed to xx-go, compiled on the build machine (uname -m: $m), the image answers for arm64"
else
  bad "the GOOS-only build (uname -m: ${m:-?})"; show "$work/machine.log" 30
fi

# A hard-coded GOARCH builds for amd64 whatever the platform: the build output says so, with the
# line, and the stage is built as written.
mkdir -p "$work/hardcoded"
cat > "$work/hardcoded/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/golang AS build
RUN GOARCH=amd64 go env GOARCH > /goarch
FROM $ENGINE_REGISTRY/debian
COPY --from=build /goarch /
DF
if edocker build --progress=plain --platform linux/arm64 -t go:hardcoded "$work/hardcoded" >"$work/hardcoded.log" 2>&1 &&
   w=$(grep -m1 -o '\[xbuild\] warning: Dockerfile:3: GOARCH=amd64 builds for linux/amd64 whatever the target platform.*' "$work/hardcoded.log") &&
   [ "$(edocker run --rm --platform linux/arm64 go:hardcoded cat /goarch)" = amd64 ]; then
  ok "hard-coded GOARCH: built as written, and the build output says: $w"
else
  bad "no warning for GOARCH=amd64 in the build output"; show "$work/hardcoded.log" 30
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
# What does not depend on the target was built once, for arm64: the arm/v7 build finds it cached
# (the rewrite declares the target's ARGs only before the go build), and compiles anew.
cached() {  # cached LOG STEP: the step's vertex says CACHED
  local n; n=$(grep -F -- "$2" "$1" | grep -m1 -o '^#[0-9]*') && grep -qx "$n CACHED" "$1"
}
if cached "$work/cross-armv7.log" '] RUN go mod download' && cached "$work/cross-armv7.log" '] COPY . .' &&
   ! cached "$work/cross-armv7.log" 'xx-go build'; then
  ok "linux/arm/v7 reused linux/arm64's platform-independent steps: go mod download and COPY . . CACHED, xx-go build run"
else
  bad "linux/arm/v7 did not reuse the platform-independent steps"; grep -E '^#[0-9]+ (\[|CACHED)' "$work/cross-armv7.log" | head -30 | sed 's/^/    /'
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

#!/usr/bin/env bash
# The gateway frontend end to end: a real engine (engine.bash), the frontend image built and
# pushed to the test registry, and Dockerfiles whose first line names it (`# syntax=`), built
# for amd64 and arm64 by Debian's Docker client with BuildKit.
#
#   bash tests/e2e/frontend_smoke.sh [BUILD_DIR]    # BUILD_DIR/bin holds xx (default: build)
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
if base_image busybox:amd64 linux/amd64 --push && base_image busybox:arm64 linux/arm64 --push &&
   manifest_list busybox busybox:amd64 busybox:arm64; then
  ok "busybox base images for amd64 and arm64 as $ENGINE_REGISTRY/busybox ($((SECONDS - t)) s)"
else
  bad "busybox base images"; done_
fi

push_frontend "$build"

work=$(mktemp -d "$ENGINE_DIR/fe.XXXXXX")
mkdir -p "$work/good" "$work/bad"
cat > "$work/good/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/busybox
ARG TARGETARCH
RUN echo "\$(uname -m) \$TARGETARCH" > /m
DF
for p in linux/amd64 linux/arm64; do
  a=${p#linux/}
  case $a in amd64) want="x86_64 amd64" ;; arm64) want="aarch64 arm64" ;; esac
  t=$SECONDS
  if edocker build --progress=plain --platform "$p" -t "fe:$a" "$work/good" >"$work/build-$a.log" 2>&1; then
    got=$(edocker run --rm --platform "$p" "fe:$a" cat /m 2>&1)
    if [ "$got" = "$want" ]; then ok "# syntax=$frontend builds for $p, runs: $got ($((SECONDS - t)) s)"
    else bad "$p: the image printed '$got', wanted '$want'"; fi
  else
    bad "docker build --platform $p through the frontend:"; show "$work/build-$a.log" 25
  fi
done

# The frontend ran (its own vertex is in the output), and the same build again is all cached:
# the frontend's ops have stable digests.
if grep -q '\[xbuild\] rewritten Dockerfile' "$work/build-amd64.log"; then ok "the build went through $frontend"
else bad "no trace of the frontend's rewrite in the build output"; show "$work/build-amd64.log"; fi
# cached VERTEX-TEXT LOG: the vertex (#N TEXT) is reported CACHED.
cached() {
  local n
  n=$(grep -F -- "$1" "$2" | grep -Eo '^#[0-9]+' | head -n 1)
  [ -n "$n" ] && grep -qx "$n CACHED" "$2"
}
if edocker build --progress=plain --platform linux/amd64 -t fe:amd64 "$work/good" >"$work/again.log" 2>&1 &&
   cached '[xbuild] rewritten Dockerfile' "$work/again.log" && cached '] RUN echo' "$work/again.log"; then
  ok "a second identical build is cached (the rewritten Dockerfile and the RUN step)"
else
  bad "a second identical build is not cached"; show "$work/again.log" 25
fi

# A line that builds for one CPU whatever the target (GOARCH=amd64): the planner's warning is a
# step of its own in the build output ("#N [xbuild] warning: Dockerfile:4: ..."), with the
# user's line number, and the build goes on as written.
mkdir -p "$work/warn"
cat > "$work/warn/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/busybox AS build
WORKDIR /src
RUN GOARCH=amd64 go build -o /app . || echo built > /app
FROM $ENGINE_REGISTRY/busybox
COPY --from=build /app /app
DF
if edocker build --progress=plain --platform linux/arm64 "$work/warn" >"$work/warn.log" 2>&1 &&
   grep -qE '^#[0-9]+ \[xbuild\] warning: Dockerfile:4: .*GOARCH=amd64' "$work/warn.log"; then
  ok "the hard-coded GOARCH is a warning in the build output: $(grep -m1 -F '[xbuild] warning:' "$work/warn.log" | cut -c1-160)"
else
  bad "no '[xbuild] warning: Dockerfile:4:' step in the build output:"; show "$work/warn.log" 30
fi

# A stage forced cross by comment runs on the build machine, and `COPY --from=0` still names it
# once the helpers' stage goes in before it (the rewrite renumbers stage indexes).
mkdir -p "$work/index"
cat > "$work/index/Dockerfile" <<DF
# syntax=$frontend
# xbuild:cross
FROM $ENGINE_REGISTRY/busybox
RUN uname -m > /built-on
FROM $ENGINE_REGISTRY/busybox
COPY --from=0 /built-on /built-on
DF
if edocker build --progress=plain --platform linux/arm64 -t fe:index "$work/index" >"$work/index.log" 2>&1; then
  got=$(edocker run --rm --platform linux/arm64 fe:index sh -c 'echo "$(cat /built-on) $(uname -m)"' 2>&1)
  if [ "$got" = "x86_64 aarch64" ]; then ok "COPY --from=0 takes the cross stage's file: built on x86_64, runs on aarch64"
  else bad "COPY --from=0: the image printed '$got', wanted 'x86_64 aarch64'"; fi
else
  bad "COPY --from=0 after a cross stage:"; show "$work/index.log" 25
fi

# A broken Dockerfile: the engine's error, with its line number, reaches the user.
cat > "$work/bad/Dockerfile" <<DF
# syntax=$frontend
FROM $ENGINE_REGISTRY/busybox
BOGUS instruction
RUN true
DF
if edocker build --progress=plain --platform linux/arm64 "$work/bad" >"$work/bad.log" 2>&1; then
  bad "a Dockerfile with an unknown instruction on line 3 built"
elif grep -qiE 'line 3|Dockerfile:3:' "$work/bad.log" && grep -qi 'unknown instruction' "$work/bad.log"; then
  ok "unknown instruction on line 3 fails: $(grep -i 'unknown instruction' "$work/bad.log" | tail -n 1 | cut -c1-160)"
else
  bad "the error does not name line 3 and the unknown instruction:"; show "$work/bad.log"
fi

done_

#!/usr/bin/env bash
# The multi-platform frontend image end to end: frontend/build-image.sh builds it for amd64 and
# arm64 build hosts (arm64 cross-built with xbuild's own toolchain) and pushes one index to the
# test registry; a user checks what a registry client sees (skopeo), what is inside the arm64
# image, that the arm64 programs run (under qemu), and that engines use it: this amd64 engine
# picks the amd64 frontend from the index, and runs the arm64 one (through binfmt/qemu) when
# the Dockerfile names the arm64 image.
#
#   bash tests/e2e/frontend_image.sh [BUILD_DIR]    # BUILD_DIR/bin holds xx (default: build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
# shellcheck source=engine.bash
. "$here/engine.bash"
# shellcheck source=steps.bash
. "$here/steps.bash"

engine_require skopeo skopeo || { bad "skopeo (the registry client this test reads the index with)"; exit 1; }
engine_require python3 python3 || { bad "python3 (reads skopeo's JSON)"; exit 1; }
start_engine

frontend=$ENGINE_REGISTRY/xbuild/frontend:multi
t=$SECONDS
if XBUILD_FRONTEND_BUILD=${XBUILD_FRONTEND_BUILD:-$build/frontend-image} \
   "$top/frontend/build-image.sh" --push --bin "$build/bin" --tag "$frontend" \
     --platform linux/amd64,linux/arm64 2>"$ENGINE_DIR/image.log"; then
  ok "frontend/build-image.sh --platform linux/amd64,linux/arm64 --push ($((SECONDS - t)) s)"
  grep '^build-image: image ' "$ENGINE_DIR/image.log" | sed 's/^build-image: /       /'
else
  bad "frontend/build-image.sh --platform linux/amd64,linux/arm64"; show "$ENGINE_DIR/image.log" 30; done_
fi

# What a registry client sees: an index naming one image per platform.
sk() { skopeo "$@" --tls-verify=false; }
if sk inspect --raw "docker://$frontend" >"$ENGINE_DIR/index.json" 2>"$ENGINE_DIR/skopeo.log" &&
   got=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert "manifests" in m, "not an index: " + m.get("mediaType", "?")
print(" ".join(sorted(d["platform"]["os"] + "/" + d["platform"]["architecture"] for d in m["manifests"])))
' "$ENGINE_DIR/index.json" 2>&1) && [ "$got" = "linux/amd64 linux/arm64" ]; then
  ok "skopeo inspect --raw $frontend: an index of $got"
else
  bad "the index of $frontend: ${got:-}"; show "$ENGINE_DIR/skopeo.log"; show "$ENGINE_DIR/index.json"
fi
for a in amd64 arm64; do
  got=$(sk inspect --override-os linux --override-arch "$a" --config --raw "docker://$frontend" 2>&1 |
        python3 -c 'import json, sys; c = json.load(sys.stdin); print(c["os"] + "/" + c["architecture"], c["config"]["Entrypoint"])' 2>&1)
  if [ "$got" = "linux/$a ['/usr/bin/xbuild-frontend']" ]; then ok "its $a image's config: $got"
  else bad "the $a image's config says: $got"; fi
done

# The arm64 image's files: /usr/bin/xbuild-frontend and /usr/bin/xx are static arm64 programs, the helper links are there.
root=$ENGINE_DIR/arm64-root
mkdir -p "$root"
if edocker pull -q --platform linux/arm64 "$frontend" >/dev/null 2>"$ENGINE_DIR/pull.log" &&
   cid=$(edocker create --platform linux/arm64 "$frontend" 2>>"$ENGINE_DIR/pull.log") &&
   edocker export "$cid" | tar -x -C "$root" && edocker rm "$cid" >/dev/null; then
  for f in usr/bin/xbuild-frontend usr/bin/xx; do
    if out=$(TARGETPLATFORM=linux/arm64 "$build/bin/xx-verify" --static "$root/$f" 2>&1); then
      ok "arm64 image: /$f is a static linux/arm64 program (xx-verify --static; $(du -h "$root/$f" | cut -f1))"
    else bad "arm64 image: /$f: $out"; fi
  done
  if [ -L "$root/usr/bin/xx-info" ] && [ -L "$root/usr/bin/xx-clang" ]; then ok "arm64 image: xx's helper links ($(find "$root/usr/bin" -type l | wc -l))"
  else bad "arm64 image: no xx-info/xx-clang links in /usr/bin: $(ls "$root/usr/bin" | tr '\n' ' ')"; fi
else
  bad "docker pull/create/export of the linux/arm64 image"; show "$ENGINE_DIR/pull.log"
fi

# The arm64 programs run (qemu): xx-info reports the machine it runs on; the frontend, given no
# engine on stdin, opens its gRPC channel (HTTP/2 preface and the gateway's Ping on stdout) and
# reports that the engine went away.
if [ -x "$root/usr/bin/xx" ]; then
  got=$("$build/bin/xx-run" --platform linux/arm64 "$root/usr/bin/xx-info" 2>&1)
  if [ "$got" = aarch64-linux-gnu ]; then ok "arm64 xx-info under qemu: $got"; else bad "arm64 xx-info under qemu printed '$got'"; fi
  "$build/bin/xx-run" --platform linux/arm64 "$root/usr/bin/xbuild-frontend" </dev/null >"$ENGINE_DIR/run.out" 2>"$ENGINE_DIR/run.err"
  status=$?
  if [ "$status" != 0 ] && grep -aq 'moby.buildkit.v1.frontend.LLBBridge/Ping' "$ENGINE_DIR/run.out" &&
     grep -q 'build failed: ping:' "$ENGINE_DIR/run.err"; then
    ok "arm64 xbuild-frontend under qemu with no engine: it calls the gateway's Ping, exits $status: $(grep 'build failed' "$ENGINE_DIR/run.err")"
  else
    bad "arm64 xbuild-frontend under qemu (exit $status):"; show "$ENGINE_DIR/run.err"
  fi
fi

# Engines use it. The index on this amd64 engine: the amd64 frontend.
work=$(mktemp -d "$ENGINE_DIR/fe.XXXXXX")
base_image busybox:amd64 linux/amd64 --push && base_image busybox:arm64 linux/arm64 --push &&
  manifest_list busybox busybox:amd64 busybox:arm64 || bad "busybox base images"
# dockerfile SYNTAX: a Dockerfile in $work/SYNTAX-name whose first line names the frontend.
dockerfile() {
  local d=$work/${1//[^a-z0-9]/_}
  mkdir -p "$d"
  printf '%s\n' "# syntax=$1" "FROM $ENGINE_REGISTRY/busybox" 'ARG TARGETARCH' \
    'RUN echo "$(uname -m) $TARGETARCH" > /m' > "$d/Dockerfile"
  echo "$d"
}
# watch_frontend: until killed, the program behind each frontend process (xbuild-frontend in
# its container): xbuild-frontend itself when it runs natively, qemu-aarch64(-static) when binfmt runs it.
watch_frontend() {
  local p
  while :; do
    for p in $(pgrep -f '(^| )/usr/bin/xbuild-frontend( |$)'); do readlink "/proc/$p/exe"; done
    sleep 0.02
  done
}
# through REF PLATFORM WANT RUNNER: a build for PLATFORM through the frontend REF; the image
# prints WANT, and the engine ran the frontend with RUNNER (xbuild-frontend, or qemu-aarch64 for arm64's).
through() {
  local ref=$1 p=$2 want=$3 runner=$4 d log t=$SECONDS got seen w
  d=$(dockerfile "$ref"); log=$d/build-${p//\//-}.log
  watch_frontend >"$d/seen" 2>/dev/null &
  w=$!
  # BuildKit names the frontend image it resolved; the rewrite vertex is the frontend's own.
  if edocker build --progress=plain --platform "$p" -t "fe:${p#linux/}" "$d" >"$log" 2>&1 &&
     grep -qF "resolve image config for $ref" "$log" && grep -q '\[xbuild\] rewritten Dockerfile' "$log"; then
    kill "$w"; wait "$w" 2>/dev/null
    seen=$(sort -u "$d/seen" | sed 's|.*/||' | tr '\n' ' '); seen=${seen% }
    got=$(edocker run --rm --platform "$p" "fe:${p#linux/}" cat /m 2>&1)
    if [ "$got" != "$want" ]; then bad "# syntax=$ref, $p: the image printed '$got', wanted '$want'"
    elif [ "$seen" != "$runner" ] && [ "$seen" != "$runner-static" ]; then bad "# syntax=$ref, $p: the frontend ran as '${seen:-nothing seen}', wanted $runner"
    else
      [ "$seen" = xbuild-frontend ] && seen="natively" || seen="under $seen"
      ok "# syntax=$ref builds for $p, the engine ran its frontend $seen, the image runs: $got ($((SECONDS - t)) s)"
    fi
  else
    kill "$w"; wait "$w" 2>/dev/null
    bad "# syntax=$ref, docker build --platform $p:"; show "$log" 25
  fi
}
# The index on this amd64 engine: the amd64 frontend, run natively, for either target.
through "$frontend" linux/amd64 "x86_64 amd64" xbuild-frontend
through "$frontend" linux/arm64 "aarch64 arm64" xbuild-frontend

# The arm64 frontend as a frontend: its own image (REF-arm64, not an index: the only program
# the engine can run for it is the arm64 xbuild-frontend) on this amd64 engine, which runs it through
# binfmt/qemu (engine.bash registers qemu-aarch64), as an arm64 build host runs it natively.
through "$ENGINE_REGISTRY/xbuild/frontend:multi-arm64" linux/amd64 "x86_64 amd64" qemu-aarch64
through "$ENGINE_REGISTRY/xbuild/frontend:multi-arm64" linux/arm64 "aarch64 arm64" qemu-aarch64

done_

#!/usr/bin/env bash
# The frontend's claim for examples/rust and examples/c, end to end: each example's NAIVE
# Dockerfile (no cross-compilation in it), with `# syntax=<our frontend>` as its first line,
# built by the engine's BuildKit for linux/arm64 and linux/arm/v7:
#  - the build stage runs on the build machine (a `uname -m` the test adds to the build stage
#    says x86_64), its cargo / cmake go through the helpers (seen in the build log), and its
#    -dev packages come from xx-apt-get;
#  - the image runs under binfmt and reports the target's architecture;
#  - built without the frontend (emulated) for linux/arm64, the image has the same file list;
#  - rust: Dockerfile.cross, which cross-compiles with the helpers already, passes through the
#    frontend unchanged (no stage of ours in its log) and works.
# Base images come from mmdebstrap (cached in /var/cache/xbuild/e2e): plain Debian for amd64, arm64
# and armhf (examples/c's build stage, and both examples' runtime stage), Debian with rustc and
# cargo for amd64 and arm64 (examples/rust's build stage); names in the Dockerfiles are pointed
# at the test registry.
#
#   bash tests/e2e/frontend_examples.sh c|rust [BUILD_DIR]    # BUILD_DIR/bin holds xx (default: build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
example=${1:?usage: frontend_examples.sh c|rust [BUILD_DIR]}
build=${2:-$top/build}
case $example in c|rust) ;; *) echo "frontend_examples.sh: unknown example '$example'; valid: c, rust" >&2; exit 2 ;; esac
# shellcheck source=engine.bash
. "$here/engine.bash"
# shellcheck source=steps.bash
. "$here/steps.bash"

start_engine

t=$SECONDS
images_ok=1
for arch in amd64 arm64 armhf; do
  p=linux/$arch; [ $arch = armhf ] && p=linux/arm/v7
  debian_image "debian:$arch" "$p" --push ca-certificates || images_ok=0
done
manifest_list debian debian:amd64 debian:arm64 debian:armhf || images_ok=0
if [ "$example" = rust ]; then
  for arch in amd64 arm64; do
    debian_image "rust:$arch" "linux/$arch" --push rustc cargo ca-certificates || images_ok=0
  done
  manifest_list rust rust:amd64 rust:arm64 || images_ok=0
fi
if [ $images_ok = 1 ]; then ok "base images from mmdebstrap ($((SECONDS - t)) s)"; else bad "base images"; done_; fi

push_frontend "$build"

# The user's files, Docker Hub's names pointed at the test registry, and one line added to the
# build stage (and its result copied into the image) that records where the stage ran.
work=$ENGINE_DIR/$example
mkdir -p "$work/cross" "$work/emulated"
for d in cross emulated; do cp -r "$top/examples/$example/." "$work/$d/"; rm -rf "$work/$d/build" "$work/$d/target"; done
sed -e "s#^FROM rust:1.75-bookworm AS build#&\nRUN uname -m > /machine#" \
    -e "s#^FROM debian:bookworm AS build#&\nRUN uname -m > /machine#" \
    -e "s#^ENTRYPOINT#COPY --from=build /machine /machine\n&#" \
    -e "s#rust:1.75-bookworm#$ENGINE_REGISTRY/rust#; s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#; s#debian:bookworm#$ENGINE_REGISTRY/debian#" \
    "$top/examples/$example/Dockerfile" > "$work/emulated/Dockerfile"
{ echo "# syntax=$frontend"; cat "$work/emulated/Dockerfile"; } > "$work/cross/Dockerfile"
grep -q '^RUN uname -m > /machine' "$work/emulated/Dockerfile" || { bad "could not add the uname line to examples/$example/Dockerfile"; done_; }

case $example in
  rust) routed='xx-cargo build --release'; run_args=() ;;
  c)    routed='cmake -DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path)'; run_args=() ;;
esac

# run_image IMAGE PLATFORM: what the program prints (the C example squeezes its stdin).
run_image() {
  if [ "$example" = c ]; then echo "some input to squeeze" | edocker run -i --rm --platform "$2" "$1"
  else edocker run --rm --platform "$2" "$1"; fi
}
# The architecture each example reports on a platform: Rust's std::env::consts::ARCH, uname -m.
want_arch() {
  case $example/$1 in
    rust/linux/arm64) echo "on linux/aarch64" ;;  rust/linux/arm/v7) echo "on linux/arm:" ;;
    c/linux/arm64) echo " on aarch64 " ;;         c/linux/arm/v7) echo " on armv7l " ;;
  esac
}

for p in linux/arm64 linux/arm/v7; do
  tag=$example:cross-${p//\//-}
  t=$SECONDS
  if edocker build --progress=plain --platform "$p" -t "$tag" "$work/cross" >"$work/cross-${p//\//-}.log" 2>&1; then
    ok "with the frontend: built for $p ($((SECONDS - t)) s)"
  else
    bad "with the frontend: the build for $p failed"; show "$work/cross-${p//\//-}.log" 40; continue
  fi
  [ "$p" = linux/arm64 ] && cross_s=$((SECONDS - t))
  log=$work/cross-${p//\//-}.log
  if grep -F -- "$routed" "$log" >/dev/null && grep -F -- 'xx-apt-get' "$log" >/dev/null; then
    ok "$p: the build stage was rewritten ($routed ...; zlib1g-dev through xx-apt-get)"
  else
    bad "$p: no rewritten step in the log"; show "$log" 40
  fi
  m=$(edocker run --rm --platform "$p" --entrypoint cat "$tag" /machine 2>&1)
  if [ "$m" = x86_64 ]; then ok "$p: the build stage ran on the build machine (uname -m: $m)"
  else bad "$p: the build stage's uname -m was '$m', not the build machine's x86_64"; fi
  out=$(run_image "$tag" "$p" 2>&1)
  if [[ $out == *"$(want_arch "$p")"* ]]; then ok "$p: the image runs under binfmt: $out"
  else bad "$p: the image printed: $out (expected '$(want_arch "$p")')"; fi
done

t=$SECONDS
if edocker build --progress=plain --platform linux/arm64 -t "$example:emulated" "$work/emulated" >"$work/emulated.log" 2>&1; then
  ok "without the frontend (emulated): built for linux/arm64 ($((SECONDS - t)) s)"
  emulated_s=$((SECONDS - t))
  m=$(edocker run --rm --platform linux/arm64 --entrypoint cat "$example:emulated" /machine 2>&1)
  [ "$m" = aarch64 ] && ok "emulated: the build stage ran as aarch64" || bad "emulated: the build stage's uname -m was '$m'"
  files() {  # files IMAGE: the sorted file list of the image's filesystem
    local id; id=$(edocker create --platform linux/arm64 "$1") || return 1
    edocker export "$id" | tar -t | sort
    edocker rm "$id" >/dev/null
  }
  if [ -z "${cross_s:-}" ]; then
    bad "no file list to compare: the build with the frontend failed"
  elif diff <(files "$example:cross-linux-arm64") <(files "$example:emulated") >"$work/files.diff"; then
    ok "the same file list as the emulated build ($(files "$example:emulated" | wc -l) entries)"
  else
    bad "the file lists differ:"; show "$work/files.diff" 20
  fi
  echo "times for linux/arm64: with the frontend ${cross_s:-?} s, emulated ${emulated_s} s"
else
  bad "the emulated build failed"; show "$work/emulated.log" 40
fi

if [ "$example" = rust ]; then
  # A Dockerfile that cross-compiles with the helpers already: the frontend leaves it as it is.
  mkdir -p "$work/passthrough"
  cp -r "$top/examples/rust/." "$work/passthrough/"; rm -rf "$work/passthrough/target"
  # Its own `# syntax=docker/dockerfile:1` gives way to ours (one syntax line per file).
  sed -e "1s#^\# syntax=.*#\# syntax=$frontend#" \
      -e "s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#; s#debian:bookworm#$ENGINE_REGISTRY/debian#" \
      "$top/examples/rust/Dockerfile.cross" > "$work/passthrough/Dockerfile"
  head -n 1 "$work/passthrough/Dockerfile" | grep -qx "# syntax=$frontend" || bad "the syntax line of Dockerfile.cross was not replaced"
  t=$SECONDS
  if edocker build --progress=plain --platform linux/arm64 --build-arg "XX_IMAGE=$frontend" -t rust:passthrough \
       "$work/passthrough" >"$work/passthrough.log" 2>&1 &&
     out=$(edocker run --rm --platform linux/arm64 rust:passthrough 2>&1) && [[ $out == *"on linux/aarch64"* ]]; then
    if grep -q 'xbuild-xx' "$work/passthrough.log"; then bad "Dockerfile.cross was rewritten (xbuild-xx in the log)"
    else ok "Dockerfile.cross passes through unchanged and works: $out ($((SECONDS - t)) s)"; fi
  else
    bad "Dockerfile.cross through the frontend: ${out:-the build failed}"; show "$work/passthrough.log" 30
  fi
fi
done_

#!/usr/bin/env bash
# Builds the frontend image: FROM scratch, the gateway frontend at /usr/bin/xbuild-frontend (its
# entrypoint; not /run, which `COPY --from=<this image> / /` into a Debian stage, the xx image
# pattern, would clash with: the image serves as XX_IMAGE too), and xx
# with its helper links in /usr/bin for the build platform (the frontend copies them into build
# stages), labelled for BuildKit. Needs an engine (DOCKER_HOST; tests/e2e/engine.bash starts one)
# and no container registry to pull from: everything comes from the local build.
#
#   frontend/build-image.sh [--push] [--tag REF] [--bin DIR] [--platform P[,P...]]
#     --tag REF       default 127.0.0.1:5000/xbuild/frontend:dev
#     --bin DIR       where the build machine's xx and its links are (default: build/bin; xx
#                     there is static)
#     --platform LIST the build hosts the image serves (default: this machine's, linux/amd64
#                     here). Another platform is cross-built with xbuild's own toolchain
#                     (frontend/cross-build.sh: xx-clang, Debian's .debs of that architecture).
#     --push          push REF after building it
#
# One platform: the image REF. Several: one image per platform, REF-<arch> (REF-arm64, ...),
# and with --push the multi-platform index (a manifest list) REF naming them, so that an engine
# on any of those hosts pulls its own. The index lives only in a registry (the 20.10 daemon's
# image store holds one platform per name): without --push only the REF-<arch> images are made.
# A registry on 127.0.0.1/localhost is spoken to over plain HTTP, as dockerd does; another one
# too with XBUILD_REGISTRY_INSECURE=1.
# XBUILD_FRONTEND_BUILD: the build folder for the frontend binary (default build/frontend-image;
# a cross-built platform uses <it>-<arch>).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tag=127.0.0.1:5000/xbuild/frontend:dev
bin=$top/build/bin
push=0
native=linux/$(dpkg --print-architecture)
platforms=$native
usage() { echo "usage: $0 [--push] [--tag REF] [--bin DIR] [--platform linux/amd64,linux/arm64]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --push) push=1 ;;
    --tag) tag=${2:-}; shift ;;
    --bin) bin=${2:-}; shift ;;
    --platform) platforms=${2:-}; shift ;;
    *) usage ;;
  esac
  shift
done
docker=/usr/bin/docker                     # Debian's client: BuildKit without buildx
export DOCKER_BUILDKIT=1
say() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: error: %s\n' "$*" >&2; exit 1; }

[ -n "$tag" ] && [[ $tag != *@* ]] || die "--tag '$tag': give a name[:tag] (a digest cannot be built)"
IFS=, read -r -a plats <<<"$platforms"
[ ${#plats[@]} -gt 0 ] || die "--platform: empty; give e.g. linux/amd64,linux/arm64"
[ -x "$bin/xx" ] || die "$bin/xx not found: cmake --build build --target xx (or ./x build)"
file -L "$bin/xx" | grep -q 'statically linked' || die "$bin/xx is not static: configure with -DXBUILD_STATIC=ON"
for p in "${plats[@]}"; do
  [[ $p == linux/* ]] || die "--platform '$p': only linux/* (e.g. linux/amd64,linux/arm64)"
  err=$(TARGETPLATFORM=$p "$bin/xx-info" debian-arch 2>&1 >/dev/null) || die "--platform '$p': $err"
done
dir=${XBUILD_FRONTEND_BUILD:-$top/build/frontend-image}
mkdir -p "$(dirname "$dir")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build_native: the frontend for this machine, in $dir. Static when Debian's static libraries
# link (they do on bookworm), else dynamic with every shared object it loads copied beside it.
# Sets frontend, xxdir, static.
build_native() {
  static=1
  configure() {
    cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXBUILD_TESTS=OFF -DXBUILD_FRONTEND=ON \
      -DXBUILD_FRONTEND_STATIC="$1" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; return 1; }
  }
  if ! { configure ON && cmake --build "$dir" --target xbuild-frontend >"$dir.build.log" 2>&1; }; then
    say "static link failed (see $dir.build.log); building it dynamically"
    static=0
    configure OFF && cmake --build "$dir" --target xbuild-frontend >"$dir.build.log" 2>&1 ||
      { tail -n 30 "$dir.build.log" >&2; die "building xbuild-frontend failed"; }
  fi
  frontend=$dir/bin/xbuild-frontend xxdir=$bin
}

# build_cross PLATFORM ARCH: both programs cross-built (static) in $dir-ARCH.
build_cross() {
  "$top/frontend/cross-build.sh" --platform "$1" --out "$dir-$2" --bin "$bin" || die "cross-building for $1 failed"
  frontend=$dir-$2/build/bin/xbuild-frontend xxdir=$dir-$2/build/bin static=1
}

# image PLATFORM REF: the image for PLATFORM, tagged REF.
image() {
  local p=$1 ref=$2 arch root t=$SECONDS
  arch=$(TARGETPLATFORM=$p "$bin/xx-info" arch)
  if [ "$p" = "$native" ]; then build_native; else build_cross "$p" "$arch"; fi
  root=$work/$arch
  mkdir -p "$root/usr/bin" "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"   # as a Debian stage's own, should the image be copied over one (XX_IMAGE)
  # The target's strip (xx makes <triple>-strip: llvm-strip, or binutils of that target).
  local strip=strip
  [ "$p" = "$native" ] || strip=$bin/$(TARGETPLATFORM=$p "$bin/xx-info" triple)-strip
  [ -x "$strip" ] || command -v "$strip" >/dev/null || strip=llvm-strip
  "$strip" -o "$root/usr/bin/xbuild-frontend" "$frontend"
  if [ "$static" = 0 ]; then
    # The loader and every library, at their paths.
    ldd "$frontend" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
      while read -r lib; do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
      done
  fi
  "$strip" -o "$root/usr/bin/xx" "$xxdir/xx"
  # xx's helper links, as xx itself names them (the build machine's xx: the same names, and it
  # runs here; the links point at the image's own /usr/bin/xx).
  "$bin/xx" --install-links "$root/usr/bin" || die "xx --install-links failed"
  # moby.buildkit.frontend.inputs: required, since the frontend hands dockerfile.v0 an input.
  # A BuildKit build FROM scratch records --platform in the image config (`docker import
  # --platform` on the 20.10 daemon would write this machine's architecture).
  printf '%s\n' 'FROM scratch' 'COPY . /' \
    'LABEL moby.buildkit.frontend.network.none="true"' \
    'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs"' \
    'ENTRYPOINT ["/usr/bin/xbuild-frontend"]' |
    "$docker" build -q --platform "$p" -t "$ref" -f - "$root" >"$work/build-$arch.log" 2>&1 ||
    { cat "$work/build-$arch.log" >&2; die "docker build of $ref ($p) failed"; }
  local got; got=$("$docker" image inspect -f '{{.Os}}/{{.Architecture}}' "$ref")
  [ "$got" = "linux/$arch" ] || die "$ref: the image config says $got, not linux/$arch"
  say "image $ref ($p, $(du -sh --apparent-size "$root" | cut -f1) uncompressed, $((SECONDS - t)) s): xbuild-frontend ($( [ "$static" = 1 ] && echo static || echo dynamic), $(du -sh "$root/usr/bin/xbuild-frontend" | cut -f1)), xx and $(find "$root/usr/bin" -type l | wc -l) links"
  if [ "$push" = 1 ]; then
    "$docker" push -q "$ref" >/dev/null || die "docker push $ref failed"
    say "pushed $ref"
  fi
}

if [ ${#plats[@]} = 1 ]; then
  image "${plats[0]}" "$tag"
  exit 0
fi

# Several platforms: REF-<arch> each, then the index REF.
name=$tag suffix=""
[[ ${tag##*/} == *:* ]] && { name=${tag%:*}; suffix=${tag##*:}-; }
refs=()
for p in "${plats[@]}"; do
  a=$(TARGETPLATFORM=$p "$bin/xx-info" arch)
  v=$(TARGETPLATFORM=$p "$bin/xx-info" variant)
  ref=$name:${suffix}$a${v:+-$v}
  image "$p" "$ref"
  refs+=("$ref")
done
if [ "$push" = 0 ]; then
  say "built ${refs[*]}; the multi-platform index $tag needs a registry: give --push"
  exit 0
fi
registry=${tag%%/*}
insecure=()
if [[ $registry == 127.* || $registry == localhost* || $registry == "[::1]"* || ${XBUILD_REGISTRY_INSECURE:-0} = 1 ]]; then
  insecure=(--insecure)
fi
"$docker" manifest rm "$tag" >/dev/null 2>&1 || true
"$docker" manifest create "${insecure[@]}" "$tag" "${refs[@]}" >"$work/manifest.log" 2>&1 &&
  "$docker" manifest push --purge "${insecure[@]}" "$tag" >>"$work/manifest.log" 2>&1 ||
  { cat "$work/manifest.log" >&2; die "pushing the multi-platform index $tag failed"; }
say "pushed $tag: the index of ${refs[*]}"

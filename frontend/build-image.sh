#!/usr/bin/env bash
# Builds the frontend image: FROM scratch, the gateway frontend at /run (its entrypoint), and xx
# with its helper links in /usr/bin for the build platform (the frontend copies them into build
# stages), labelled for BuildKit. Needs an engine (DOCKER_HOST; tests/e2e/engine.bash starts one).
#
#   frontend/build-image.sh [--push] [--tag REF] [--bin DIR]
#     --tag REF   default 127.0.0.1:5000/xbuild/frontend:dev
#     --bin DIR   where xx and its links are (default: build/bin; xx there is static)
#     --push      push REF after building it
# XBUILD_FRONTEND_BUILD: the build folder for the frontend binary (default build/frontend-image).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tag=127.0.0.1:5000/xbuild/frontend:dev
bin=$top/build/bin
push=0
while [ $# -gt 0 ]; do
  case $1 in
    --push) push=1 ;;
    --tag) tag=$2; shift ;;
    --bin) bin=$2; shift ;;
    *) echo "usage: $0 [--push] [--tag REF] [--bin DIR]" >&2; exit 2 ;;
  esac
  shift
done
docker=/usr/bin/docker                     # Debian's client: BuildKit without buildx
export DOCKER_BUILDKIT=1
say() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: error: %s\n' "$*" >&2; exit 1; }

[ -x "$bin/xx" ] || die "$bin/xx not found: cmake --build build --target xx (or ./x build)"
file -L "$bin/xx" | grep -q 'statically linked' || die "$bin/xx is not static: configure with -DXBUILD_STATIC=ON"

# The frontend binary: static when Debian's static libraries link (they do on bookworm), else
# dynamic with every shared object it loads copied beside it.
dir=${XBUILD_FRONTEND_BUILD:-$top/build/frontend-image}
static=1
configure() {
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXBUILD_TESTS=OFF -DXBUILD_FRONTEND=ON \
    -DXBUILD_FRONTEND_STATIC="$1" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; return 1; }
}
mkdir -p "$(dirname "$dir")"
if ! { configure ON && cmake --build "$dir" --target xbuild-frontend >"$dir.build.log" 2>&1; }; then
  say "static link failed (see $dir.build.log); building it dynamically"
  static=0
  configure OFF && cmake --build "$dir" --target xbuild-frontend >"$dir.build.log" 2>&1 ||
    { tail -n 30 "$dir.build.log" >&2; die "building xbuild-frontend failed"; }
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin"
strip -o "$root/run" "$dir/bin/xbuild-frontend"
if [ "$static" = 0 ]; then
  # The loader and every library, at their paths.
  ldd "$dir/bin/xbuild-frontend" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
    while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
fi
cp "$bin/xx" "$root/usr/bin/xx"
# xx's helper names: every link to xx in the bin folder.
find "$bin" -maxdepth 1 -type l -lname xx -printf '%f\n' | while read -r name; do
  ln -s xx "$root/usr/bin/$name"
done
mkdir -p "$root/etc" "$root/tmp"

say "image $tag: /run ($( [ "$static" = 1 ] && echo static || echo dynamic), $(du -sh "$root/run" | cut -f1)), xx and $(find "$root/usr/bin" -type l | wc -l) links"
# moby.buildkit.frontend.inputs: required, since the frontend hands dockerfile.v0 an input.
printf '%s\n' 'FROM scratch' 'COPY . /' \
  'LABEL moby.buildkit.frontend.network.none="true"' \
  'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs"' \
  'ENTRYPOINT ["/run"]' |
  "$docker" build -q --platform "linux/$(dpkg --print-architecture)" -t "$tag" -f - "$root" >/dev/null
if [ "$push" = 1 ]; then
  "$docker" push -q "$tag" >/dev/null || die "docker push $tag failed"
  say "pushed $tag"
fi

#!/usr/bin/env bash
# examples/c (zlib + ctest) cross-built for linux/arm64 and linux/arm/v7 with CMake
# (toolchains/xbuild.cmake) and Meson (the cross file from xx-clang); the project's own tests run
# under QEMU through xx-run.
# The target's zlib: for arm64 installed for real with xx-apt-get (zlib1g-dev:arm64). For arm/v7
# this machine's mirror serves a broken bookworm-security armhf index (see cross-facts.md), so
# libc6-dev:armhf cannot match the amd64 security versions of its Multi-Arch: same dependencies;
# there the test cross-builds zlib from Debian's source into a prefix and points PKG_CONFIG_PATH
# at it, the way a user with their own target libraries would.
# Usage: tests/matrix/examples_c.sh BIN_DIR   (as root: it installs and removes Debian packages)
set -uo pipefail
bin=$(cd "${1:?usage: examples_c.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export PATH="$bin:$PATH"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT
work=$(mktemp -d)
source "$here/multiarch.bash"
source "$here/debsrc.bash"
for tool in cmake ninja meson pkg-config; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (./x deps installs it)"; exit 1; }
done

source "$here/steps.bash"

arches=()
cleanup() { for a in "${arches[@]}"; do multiarch_end "$a"; done; rm -rf "$work"; }
trap cleanup EXIT

for p in linux/arm64 linux/arm/v7; do
  export TARGETPLATFORM=$p
  dir="$work/${p//\//-}"
  if [ "$p" = linux/arm64 ]; then
    arch=$(xx-info debian-arch)
    multiarch_begin "$arch" || { fail "$p: cannot install packages"; continue; }
    arches+=("$arch")
    check "$p: xx-apt-get install zlib1g-dev" xx-apt-get install -y --no-install-recommends zlib1g-dev || continue
    unset PKG_CONFIG_PATH
  else
    mkdir -p "$dir/zlib-src"
    zsrc=$(fetch_debian_source zlib "$dir/zlib-src") || { fail "$p: apt-get source zlib"; continue; }
    triple=$(xx-clang --print-target-triple)
    xx-clang --setup-target-triple
    check "$p: zlib from Debian's source into a prefix (CHOST=$triple ./configure --static)" \
      bash -c "cd '$zsrc' && CHOST=$triple CC=$triple-clang ./configure --static --prefix='$dir/zlib' && make -j2 install" || continue
    export PKG_CONFIG_PATH="$dir/zlib/lib/pkgconfig"
  fi
  march=$(xx-info march)

  check "$p: cmake configure (toolchains/xbuild.cmake)" \
    cmake -S "$top/examples/c" -B "$dir/cmake" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$top/toolchains/xbuild.cmake" \
      -DXBUILD_PLATFORM="$p" -DEXPECTED_MACHINES="$march" &&
  check "$p: cmake build" cmake --build "$dir/cmake" &&
  check "$p: xx-verify the CMake build" xx-verify "$dir/cmake/squeeze" "$dir/cmake/roundtrip" "$dir/cmake/machine" &&
  check "$p: ctest under xx-run" ctest --test-dir "$dir/cmake" --output-on-failure
  got=$(echo "xbuild xbuild xbuild xbuild" | xx-run "$dir/cmake/squeeze" 2>&1)
  case "$got" in *" on $march with zlib "*) pass "$p: squeeze runs: $got" ;; *) fail "$p: squeeze printed '$got'" ;; esac

  xx-clang --print-meson-cross-file > "$dir.cross"
  check "$p: meson setup (xx-clang --print-meson-cross-file)" \
    meson setup "$dir/meson" "$top/examples/c" --cross-file "$dir.cross" -Dexpected_machines="$march" \
      -Dpkg_config_path="${PKG_CONFIG_PATH:-}" &&
  check "$p: meson compile" meson compile -C "$dir/meson" &&
  check "$p: xx-verify the Meson build" xx-verify "$dir/meson/squeeze" &&
  check "$p: meson test under xx-run" meson test -C "$dir/meson" --print-errorlogs
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

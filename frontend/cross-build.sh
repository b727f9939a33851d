#!/usr/bin/env bash
# Cross-builds the frontend image's two programs for another Linux platform with xbuild's own
# toolchain (toolchains/xbuild.cmake, which drives xx-clang): the static gateway frontend
# (bin/xbuild-frontend) and the static xx with its helper links (bin/xx, bin/xx-*).
#
#   frontend/cross-build.sh --platform linux/arm64 --out DIR [--bin HOST_BIN]
#     --platform P   the target (one Debian serves: linux/arm64, linux/arm/v7, ...)
#     --out DIR      the build folder (kept: a second run rebuilds only what changed)
#     --bin HOST_BIN where the build machine's xx-clang is (default: build/bin)
#
# The target's static libraries (gRPC, protobuf, abseil, OpenSSL, c-ares, re2, zlib) come from
# Debian's .debs of that architecture, unpacked into DIR/sysroot with a private apt state
# (tests/matrix/debpkgs.bash): the machine's dpkg is untouched, and the amd64 -dev packages
# (not Multi-Arch: same, so not co-installable with the arm64 ones) stay as they are. protoc and
# grpc_cpp_plugin are the build machine's. Needs Debian's mirror, no container registry.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
platform="" out="" hostbin=$top/build/bin
usage() { echo "usage: $0 --platform linux/ARCH --out DIR [--bin HOST_BIN]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --platform) platform=${2:-}; shift ;;
    --out) out=${2:-}; shift ;;
    --bin) hostbin=${2:-}; shift ;;
    *) usage ;;
  esac
  shift
done
[ -n "$platform" ] && [ -n "$out" ] || usage
say() { printf 'cross-build: %s\n' "$*" >&2; }
die() { printf 'cross-build: error: %s\n' "$*" >&2; exit 1; }

[ -x "$hostbin/xx-clang" ] || die "$hostbin/xx-clang not found: build xbuild first (./x build), or give --bin"
command -v dpkg-architecture >/dev/null || die "dpkg-architecture not found: apt-get install dpkg-dev"
darch=$(TARGETPLATFORM=$platform "$hostbin/xx-info" debian-arch 2>/dev/null) ||
  die "platform '$platform': not one xx knows (valid: linux/amd64, linux/arm64, linux/arm/v7, ...)"
[ "$(TARGETPLATFORM=$platform "$hostbin/xx-info" os)" = linux ] || die "platform '$platform': only linux/* targets"
multiarch=$(dpkg-architecture -a "$darch" -qDEB_HOST_MULTIARCH 2>/dev/null) ||
  die "platform '$platform': no Debian multiarch name for '$darch'"

# Every -dev package whose static library the frontend's static link names (frontend/CMakeLists.txt).
debs=(libgrpc++-dev libgrpc-dev libabsl-dev libprotobuf-dev libssl-dev libc-ares-dev libre2-dev zlib1g-dev)
mkdir -p "$out"
out=$(cd "$out" && pwd)
sysroot=$out/sysroot
want="$darch ${debs[*]}"
if [ "$(cat "$sysroot.stamp" 2>/dev/null)" != "$want" ]; then
  say "fetching Debian's $darch .debs: ${debs[*]}"
  # shellcheck source=../tests/matrix/debpkgs.bash
  . "$top/tests/matrix/debpkgs.bash"
  rm -rf "$sysroot" "$sysroot.stamp" "$out/apt"
  debpkgs_init "$out/apt" "$darch"
  debpkgs_unpack "$sysroot.tmp" "${debs[@]/%/:$darch}" || die "could not fetch the $darch packages from Debian"
  mv "$sysroot.tmp" "$sysroot"
  echo "$want" > "$sysroot.stamp"
  rm -rf "$out/apt"                         # its lists and .debs: the stamp says what is unpacked
fi

# pkg-config for the target: only the sysroot's .pc files, their paths moved into it. A script
# (not environment variables) so that CMake's own re-runs from ninja see the same.
pc=$out/pkg-config
cat > "$pc.tmp" <<EOF
#!/bin/sh
# The $darch .pc files of $sysroot (made by frontend/cross-build.sh).
PKG_CONFIG_LIBDIR='$sysroot/usr/lib/$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig' \\
PKG_CONFIG_SYSROOT_DIR='$sysroot' PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 \\
  exec pkg-config "\$@"
EOF
chmod +x "$pc.tmp" && mv "$pc.tmp" "$pc"

build=$out/build
if [ ! -f "$build/CMakeCache.txt" ]; then
  say "configuring $platform in $build"
  # The target's architecture-specific headers (OpenSSL's configuration.h) are in the sysroot's
  # multiarch include folder, which pkg-config does not name.
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$top/toolchains/xbuild.cmake" -DXBUILD_PLATFORM="$platform" -DXBUILD_XX_BIN="$hostbin" \
    -DPKG_CONFIG_EXECUTABLE="$pc" -DCMAKE_CXX_FLAGS="-isystem $sysroot/usr/include/$multiarch" \
    -DXBUILD_TESTS=OFF -DXBUILD_CLI=OFF -DXBUILD_STATIC=ON -DXBUILD_FRONTEND=ON -DXBUILD_FRONTEND_STATIC=ON \
    >"$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log" >&2; rm -rf "$build"; die "configuring failed (log: $out/configure.log)"; }
fi
say "building xx and xbuild-frontend for $platform"
cmake --build "$build" --target xx xbuild-frontend >"$out/build.log" 2>&1 ||
  { tail -n 30 "$out/build.log" >&2; die "the build failed (log: $out/build.log)"; }

# The results must be what the image needs: static programs for the target.
for f in xx xbuild-frontend; do
  TARGETPLATFORM=$platform "$hostbin/xx-verify" --static "$build/bin/$f" ||
    die "$build/bin/$f is not a static $platform program"
done
say "done: $build/bin/xbuild-frontend, $build/bin/xx and its links"

#!/usr/bin/env bash
# examples/rust (a build.rs that links zlib through the target's pkg-config) cross-built with
# xx-cargo and Debian's rustc 1.63 for every target Debian bookworm has a standard library for,
# each binary checked by xx-verify and run under QEMU through xx-run (cargo's runner):
#  - linux/arm64 the way a user does it: `xx-apt-get install libstd-rust-dev zlib1g-dev`
#    (multiarch, installed for real and removed afterwards), then `xx-cargo build` and
#    `xx-cargo test`, whose test binaries cargo runs through xx-run;
#  - the other Debian architectures with a std: libstd-rust-dev and zlib1g-dev unpacked from
#    Debian's packages into a sysroot of the test's own (XX_RUSTFLAGS=--sysroot, pkg-config's
#    PKG_CONFIG_SYSROOT_DIR), which leaves this machine's dpkg alone;
#  - windows/amd64 with libstd-rust-dev-windows and libz-mingw-w64-dev: verified (no wine here).
# Usage: tests/matrix/rust_matrix.sh BIN_DIR   (as root: it installs and removes Debian packages)
set -uo pipefail
bin=$(cd "${1:?usage: rust_matrix.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# Debian's cargo and rustc: a rustup toolchain earlier on PATH has no std for other targets
# offline and cannot use Debian's (cross-facts.md).
export PATH="$bin:/usr/bin:$PATH"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT RUSTFLAGS XX_RUSTFLAGS CARGO_BUILD_TARGET \
      PKG_CONFIG PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
for tool in cargo rustc pkg-config; do
  [ -x /usr/bin/$tool ] || { echo "FAIL: /usr/bin/$tool is missing: apt-get install rustc cargo pkg-config (./x deps)"; exit 1; }
done
work=$(mktemp -d)
source "$here/multiarch.bash"
source "$here/debpkgs.bash"
arches=()
cleanup() { for a in "${arches[@]}"; do multiarch_end "$a"; done; rm -rf "$work"; }
trap cleanup EXIT

source "$here/steps.bash"

# platform -> what Rust's std::env::consts::ARCH says on it
declare -A rust_arch=([linux/amd64]=x86_64 [linux/arm64]=aarch64 [linux/arm/v7]=arm [linux/arm/v5]=arm
  [linux/386]=x86 [linux/ppc64le]=powerpc64 [linux/s390x]=s390x [linux/mips64le]=mips64 [linux/mipsle]=mips
  [windows/amd64]=x86_64)
echo "not served by Debian bookworm (no libstd-rust-dev for them): linux/riscv64, linux/loong64 (no such"
echo "  Debian ports in bookworm), linux/mips and linux/mips64 (big-endian ports gone since buster),"
echo "  linux/arm/v6 (armel's std is armv5te-unknown-linux-gnueabi; arm/v6 is arm-unknown-linux-gnueabi: rustup)"

cp -r "$top/examples/rust" "$work/src"
rm -rf "$work/src/target"
cd "$work/src"

# build_and_run PLATFORM: xx-cargo build --release, xx-verify, xx-run (linux only).
build_and_run() {
  local p=$1 triple exe
  triple=$(xx-cargo --print-target-triple)
  check "$p: xx-cargo build --release ($triple)" xx-cargo build --release --offline || return 1
  exe="target/$triple/release/zhello"; [ "${p%%/*}" = windows ] && exe="$exe.exe"
  check "$p: xx-verify $exe" xx-verify "$exe"
  if [ "${p%%/*}" = linux ]; then
    expect_output "$p: xx-run zhello" "zlib 1.2.13 on linux/${rust_arch[$p]}:" xx-run "$exe"
  fi
}

# The build machine itself: the same command, no cross.
export TARGETPLATFORM=linux/amd64
build_and_run linux/amd64

# linux/arm64, installed for real.
export TARGETPLATFORM=linux/arm64
if multiarch_begin arm64; then
  arches+=(arm64)
  if check "linux/arm64: xx-apt-get install libstd-rust-dev zlib1g-dev" \
       xx-apt-get install -y --no-install-recommends libstd-rust-dev zlib1g-dev; then
    build_and_run linux/arm64
    out=$(xx-cargo test --offline 2>&1)
    n=$(grep -c '^test result: ok' <<<"$out")
    if [ "$n" -ge 2 ] && ! grep -q 'FAILED' <<<"$out"; then pass "linux/arm64: xx-cargo test ($n suites ok under xx-run)"
    else fail "linux/arm64: xx-cargo test"; echo "$out" | tail -n 30 | sed 's/^/     /'; fi
    check "linux/arm64: the tests cargo ran were arm64 binaries" \
      bash -c 'for f in target/aarch64-unknown-linux-gnu/debug/deps/roundtrip-*; do case $f in *.d) ;; *) xx-verify "$f" || exit 1 ;; esac; done'
  fi
else
  fail "linux/arm64: cannot install packages"
fi

# The others: std and zlib unpacked from Debian's packages into a sysroot per target.
platforms=(linux/arm/v7 linux/arm/v5 linux/386 linux/ppc64le linux/s390x linux/mips64le linux/mipsle)
debarches=()
for p in "${platforms[@]}"; do debarches+=("$(TARGETPLATFORM=$p xx-info debian-arch)"); done
debpkgs_init "$work/apt" amd64 "${debarches[@]}"
for p in "${platforms[@]}" windows/amd64; do
  export TARGETPLATFORM=$p
  sysroot="$work/sysroot-${p//\//-}"
  if [ "${p%%/*}" = windows ]; then
    libdir="$sysroot/usr/$(xx-info triple)/lib"
    check "$p: unpack libstd-rust-dev-windows libz-mingw-w64-dev" \
      debpkgs_unpack "$sysroot" libstd-rust-dev-windows:amd64 libz-mingw-w64-dev:all || continue
    rm -f "$libdir/libz.dll.a"  # link zlib statically: no DLL to ship beside the .exe
  else
    darch=$(xx-info debian-arch)
    check "$p: unpack libstd-rust-dev:$darch zlib1g-dev:$darch" \
      debpkgs_unpack "$sysroot" "libstd-rust-dev:$darch" "zlib1g-dev:$darch" || continue
    libdir=$(dirname "$(dirname "$(find "$sysroot/usr/lib" -name zlib.pc | head -n1)")")
    rm -f "$libdir/libz.so"  # zlib1g (the runtime libz.so.1) is not unpacked: link libz.a
  fi
  XX_RUSTFLAGS="--sysroot=$sysroot/usr" PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_PATH=$libdir/pkgconfig \
    build_and_run "$p"
done

# A target whose std is missing fails before cargo runs, saying how to get it (XX_AUTO_INSTALL=0:
# by default xx-cargo would install it, as the shell helper does).
export TARGETPLATFORM=linux/ppc64le
expect_output "linux/ppc64le without its std, XX_AUTO_INSTALL=0: xx-cargo names the package" "libstd-rust-dev:ppc64el" \
  env XX_AUTO_INSTALL=0 xx-cargo build --offline

finish rust_matrix

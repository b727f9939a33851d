#!/usr/bin/env bash
# The helpers in an image that has Debian's cross gcc but no clang (golang:bookworm, rust:bookworm,
# debian with gcc): clang and LLVM are hidden in a private mount namespace (an empty tmpfs over
# /usr/lib/llvm-14/bin, where /usr/bin/clang, ld.lld, llvm-ar point), then for linux/arm64
#  - cmake with `-DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path)` builds examples/c
#    (the toolchain's <triple>-clang runs aarch64-linux-gnu-gcc), ctest runs its tests under xx-run;
#  - meson with `--cross-file=$(xx-cc --print-meson-cross-file-path)` builds and tests it too;
#  - CGO_ENABLED=1 xx-go builds examples/go/cgo;
#  - XX_AUTO_INSTALL=1 xx-cargo builds examples/rust with Debian's rustc, fetching the missing
#    std itself (only libstd-rust-dev:arm64's rlibs, into /usr/lib/rustlib/aarch64-unknown-linux-gnu);
# each binary checked by xx-verify and run by xx-run. zlib1g-dev:arm64 is installed for real and
# purged afterwards (multiarch.bash), as in rust_matrix.sh; the rlibs folder is removed.
# Usage: tests/matrix/no_clang.sh BIN_DIR   (as root)
set -uo pipefail
bin=$(cd "${1:?usage: no_clang.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# Debian's cargo and rustc (not a rustup toolchain's); sbin for dpkg (ldconfig).
export PATH="$bin:/usr/sbin:/usr/bin:/sbin:/bin"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT RUSTFLAGS XX_RUSTFLAGS CARGO_BUILD_TARGET \
      PKG_CONFIG PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR CC CXX XX_AUTO_INSTALL \
      XX_CC_PREFER_COMPILER XX_GO_PREFER_C_COMPILER
for tool in cargo rustc go cmake meson ninja pkg-config aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ unshare; do
  command -v $tool >/dev/null || {
    echo "FAIL: $tool is missing: apt-get install rustc cargo golang-go cmake meson ninja-build pkg-config gcc-aarch64-linux-gnu g++-aarch64-linux-gnu util-linux"
    exit 1; }
done
[ -d /usr/lib/llvm-14/bin ] || echo "note: no /usr/lib/llvm-14/bin: clang is absent anyway"
work=$(mktemp -d)
source "$here/multiarch.bash"
arches=()
rust_std=/usr/lib/rustlib/aarch64-unknown-linux-gnu
had_rust_std=no
[ -e "$rust_std" ] && had_rust_std=yes
cleanup() {
  for a in "${arches[@]}"; do multiarch_end "$a"; done
  if [ "$had_rust_std" = no ] && ! dpkg -s libstd-rust-dev:arm64 >/dev/null 2>&1; then rm -rf "$rust_std"; fi
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/steps.bash"

export TARGETPLATFORM=linux/arm64
multiarch_begin arm64 || { fail "cannot install packages"; finish no_clang; exit; }
arches+=(arm64)
if dpkg -s libstd-rust-dev:arm64 >/dev/null 2>&1; then
  fail "libstd-rust-dev:arm64 is installed already: purge it first (dpkg --purge libstd-rust-dev:arm64)"
  finish no_clang; exit
fi
if [ "$had_rust_std" = yes ]; then
  fail "$rust_std is there already (no package owns it?): remove it first"
  finish no_clang; exit
fi
check "xx-apt-get install zlib1g-dev (zlib1g-dev:arm64)" xx-apt-get install -y --no-install-recommends zlib1g-dev ||
  { finish no_clang; exit; }
cp -r "$top/examples/rust" "$work/rust"; rm -rf "$work/rust/target"

# The steps, run where clang cannot be found; they print ok/FAIL lines and the totals' numbers.
export work top here bin
unshare -m bash -uo pipefail -c '
source "$here/steps.bash"
if [ -d /usr/lib/llvm-14/bin ]; then mount -t tmpfs -o ro tmpfs /usr/lib/llvm-14/bin || { fail "cannot hide clang"; echo "$passed $failed" > "$work/counts"; exit; }; fi
if command -v clang >/dev/null || command -v clang-14 >/dev/null || [ -x /usr/bin/clang ]; then fail "clang is still found"; fi
check "no clang here: <triple>-clang runs the cross gcc" bash -c "xx-cc --setup-target-triple && $bin/aarch64-linux-gnu-clang --version | grep -q aarch64-linux-gnu-gcc"

tc=$(xx-cc --print-cmake-toolchain-path)
check "cmake -DCMAKE_TOOLCHAIN_FILE=\$(xx-cc --print-cmake-toolchain-path) examples/c" \
  cmake -S "$top/examples/c" -B "$work/c" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc" -DEXPECTED_MACHINES=aarch64
check "cmake --build" cmake --build "$work/c"
check "xx-verify squeeze roundtrip" xx-verify "$work/c/squeeze" "$work/c/roundtrip"
check "ctest (under xx-run)" ctest --test-dir "$work/c" --output-on-failure
expect_output "xx-run squeeze" "on aarch64 with zlib" bash -c "echo hello | xx-run $work/c/squeeze"

mf=$(xx-cc --print-meson-cross-file-path)
check "meson setup --cross-file=\$(xx-cc --print-meson-cross-file-path) examples/c" \
  meson setup "$work/m" "$top/examples/c" --cross-file="$mf"
check "meson compile" ninja -C "$work/m"
check "meson test (under xx-run)" meson test -C "$work/m"

check "CGO_ENABLED=1 xx-go build ./cgo" bash -c "cd $top/examples/go && CGO_ENABLED=1 xx-go build -o $work/zinfo ./cgo"
check "xx-verify zinfo" xx-verify "$work/zinfo"
expect_output "xx-run zinfo" "on linux/arm64" xx-run "$work/zinfo"

cd "$work/rust"
expect_output "XX_AUTO_INSTALL=1 xx-cargo build --release: fetches the rlibs of libstd-rust-dev:arm64" \
  "fetching only the rlibs of libstd-rust-dev:arm64=" \
  env XX_AUTO_INSTALL=1 xx-cargo build --release --offline
check "only the rlibs: libstd-rust-dev:arm64 and libllvm14:arm64 not installed" \
  bash -c "! dpkg -s libstd-rust-dev:arm64 >/dev/null 2>&1 && ! dpkg -s libllvm14:arm64 >/dev/null 2>&1"
check "xx-verify zhello" xx-verify target/aarch64-unknown-linux-gnu/release/zhello
expect_output "xx-run zhello" "zlib 1.2.13 on linux/aarch64" xx-run target/aarch64-unknown-linux-gnu/release/zhello
echo "$passed $failed" > "$work/counts"
'
read -r p f < "$work/counts" || { p=0; f=1; }
passed=$((passed + p)) failed=$((failed + f))
finish no_clang

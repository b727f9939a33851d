#!/usr/bin/env bash
# examples/go cross-built with xx-go and checked the way a user would:
#  - CGO_ENABLED=0 for every Go port in the table that Go 1.19 has: each binary passes xx-verify
#    for its platform, its embedded build settings (`go version -m`) carry the variant's
#    GOARM/GOAMD64/GOMIPS/GO386, and linux binaries run under QEMU through xx-run: the server
#    answers one HTTP request to itself and prints its GOOS/GOARCH;
#  - windows, darwin and freebsd binaries are verified (no emulator for them here; wine is not
#    installed);
#  - cgo with zlib for arm64 and arm/v7: the target's zlib1g-dev unpacked from Debian's packages
#    into a sysroot of the test's own, found through xx-go's target pkg-config;
#  - Go's own test runner under the emulator: xx-go test -exec xx-run, pure and cgo, for arm64.
# Usage: tests/matrix/go_matrix.sh BIN_DIR
set -uo pipefail
bin=$(cd "${1:?usage: go_matrix.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export PATH="$bin:/usr/lib/go-1.19/bin:$PATH"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT GOOS GOARCH GOARM GOAMD64 GO386 \
      GOMIPS GOMIPS64 CC CXX PKG_CONFIG CGO_ENABLED
export GOPROXY=off GOFLAGS=-mod=mod
command -v go >/dev/null || { echo "FAIL: go is missing: apt-get install golang-go (./x deps)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE="$work/gocache"
source "$here/debpkgs.bash"

source "$here/steps.bash"

# platform -> the build setting its variant must leave in the binary ("" = none)
declare -A setting=(
  [linux/amd64]=GOAMD64=v1 [linux/amd64/v3]=GOAMD64=v3 [linux/386]=GO386=sse2 [linux/arm64]=
  [linux/arm/v7]=GOARM=7 [linux/arm/v6]=GOARM=6 [linux/arm/v5]=GOARM=5 [linux/riscv64]=
  [linux/ppc64le]= [linux/s390x]= [linux/mips64le]=GOMIPS64=hardfloat [linux/mips64]=GOMIPS64=hardfloat
  [linux/mipsle]=GOMIPS=hardfloat [linux/mips]=GOMIPS=hardfloat [linux/loong64]=
  [windows/amd64]=GOAMD64=v1 [windows/386]=GO386=sse2 [windows/arm64]=
  [darwin/amd64]=GOAMD64=v1 [darwin/arm64]= [freebsd/amd64]=GOAMD64=v1 [freebsd/arm64]=
)
platforms=(linux/amd64 linux/amd64/v3 linux/386 linux/arm64 linux/arm/v7 linux/arm/v6 linux/arm/v5
           linux/riscv64 linux/ppc64le linux/s390x linux/mips64le linux/mips64 linux/mipsle linux/mips
           linux/loong64 windows/amd64 windows/386 windows/arm64 darwin/amd64 darwin/arm64
           freebsd/amd64 freebsd/arm64)

cd "$top/examples/go"
for p in "${platforms[@]}"; do
  export TARGETPLATFORM=$p
  os=${p%%/*} rest=${p#*/}; arch=${rest%%/*}
  exe="$work/${p//\//-}/server"; [ "$os" = windows ] && exe="$exe.exe"
  check "$p: CGO_ENABLED=0 xx-go build" env CGO_ENABLED=0 xx-go build -o "$exe" . || continue
  check "$p: xx-verify" xx-verify "$exe"
  if [ -n "${setting[$p]}" ]; then
    expect_output "$p: go version -m" "${setting[$p]}" go version -m "$exe"
  fi
  if [ "$os" = linux ]; then
    expect_output "$p: xx-run server -selftest" "hello from linux/$arch" timeout 120 xx-run "$exe" -selftest
  fi
done
unset TARGETPLATFORM

# xx-verify rejects a binary for a platform it was not built for (the wrong arm variant's
# GOARM is not visible in the ELF header: Go writes no ARM attributes).
if TARGETPLATFORM=linux/arm64 xx-verify "$work/linux-riscv64/server" 2>/dev/null; then
  fail "xx-verify accepted a riscv64 Go binary for linux/arm64"
else
  pass "xx-verify rejects a riscv64 Go binary for linux/arm64"
fi

# Go's own test runner, through xx-run, for arm64.
export TARGETPLATFORM=linux/arm64
expect_output "linux/arm64: xx-go test -exec xx-run (pure Go)" "ok" env CGO_ENABLED=0 xx-go test -count=1 -exec xx-run .

# cgo: the target's zlib from Debian's packages, unpacked into a sysroot of our own.
debpkgs_init "$work/apt" arm64 armhf
for p in linux/arm64 linux/arm/v7; do
  export TARGETPLATFORM=$p
  darch=$(xx-info debian-arch) multiarch=$(xx-info triple)
  sysroot="$work/sysroot-$darch"
  check "$p: unpack zlib1g-dev:$darch" debpkgs_unpack "$sysroot" "zlib1g-dev:$darch" || continue
  rm -f "$sysroot/usr/lib/$multiarch/libz.so"  # the runtime libz.so.1 is not there: link libz.a
  export PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_PATH=$sysroot/usr/lib/$multiarch/pkgconfig
  exe="$work/cgo-$darch/zinfo"
  check "$p: CGO_ENABLED=1 xx-go build ./cgo" env CGO_ENABLED=1 xx-go build -o "$exe" ./cgo || continue
  check "$p: xx-verify (cgo)" xx-verify "$exe"
  rest=${p#*/}
  expect_output "$p: xx-run zinfo" "on linux/${rest%%/*}" xx-run "$exe"
  if [ "$p" = linux/arm64 ]; then
    expect_output "$p: xx-go test -exec xx-run (cgo)" "ok" env CGO_ENABLED=1 xx-go test -count=1 -exec xx-run ./cgo
  fi
  unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
done

finish go_matrix

#!/usr/bin/env bats
# xx-info, run as a user would, for every target and each distro the shell helper knows.

setup() { load test_helper; }

# check_distro ROOT TRIPLE_COLUMN PKG_COLUMN VENDOR LIBC OS_VERSION
check_distro() {
  local root=$1 triple_col=$2 pkg_col=$3 vendor=$4 libc=$5 version=$6 failures=0
  while IFS=$'\t' read -r platform march debian alpine rhel t_gnu t_alpine t_none; do
    local cols=("$platform" "$march" "$debian" "$alpine" "$rhel" "$t_gnu" "$t_alpine" "$t_none")
    local os=${platform%%/*}
    local rest=${platform#*/}
    local arch=${rest%%/*}
    local want_triple=${cols[$triple_col]} want_pkg
    if [ "$pkg_col" = arch ]; then want_pkg=$arch; else want_pkg=${cols[$pkg_col]}; fi
    local want_vendor=$vendor want_libc=$libc
    case $os in windows) want_vendor=w64 want_libc=mingw32 ;; darwin) want_vendor=apple ;; esac
    export XX_ROOT=$root TARGETPLATFORM=$platform
    local got
    for pair in "triple=$want_triple" "=$want_triple" "march=$march" "debian-arch=$debian" \
                "alpine-arch=$alpine" "rhel-arch=$rhel" "pkg-arch=$want_pkg" "vendor=$want_vendor" \
                "libc=$want_libc" "os=$os" "arch=$arch" "os-version=$version"; do
      local cmd=${pair%%=*} want=${pair#*=}
      got=$(xx-info $cmd) || { echo "FAIL $platform: xx-info $cmd exited $?"; failures=$((failures+1)); continue; }
      if [ "$got" != "$want" ]; then
        echo "FAIL $platform: xx-info $cmd printed '$got', expected '$want'"
        failures=$((failures+1))
      fi
    done
  done < <(golden_rows)
  unset XX_ROOT TARGETPLATFORM
  [ "$failures" -eq 0 ]
}

@test "debian: every target" {
  check_distro "$(make_root debian $'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"')" 5 2 debian gnu 12
}

@test "ubuntu: every target" {
  check_distro "$(make_root ubuntu $'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"')" 5 2 ubuntu gnu 22.04
}

@test "alpine: every target" {
  check_distro "$(make_root alpine $'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4')" 6 3 alpine musl 3.18.4
}

@test "fedora: every target" {
  check_distro "$(make_root fedora $'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=39')" 5 4 fedora gnu 39
}

@test "rhel family (rhel, centos, rocky, ol): every target" {
  for id in rhel centos rocky ol; do
    check_distro "$(make_root $id "ID=\"$id\"
VERSION_ID=\"9.3\"")" 5 4 $id gnu 9.3
  done
}

@test "no os-release: vendor unknown, TARGETARCH as pkg-arch" {
  check_distro "$(make_root none '')" 7 arch unknown gnu ''
}

@test "another distro keeps its ID as the triple's vendor" {
  export XX_ROOT=$(make_root arch 'ID=arch') TARGETPLATFORM=linux/arm64
  run xx-info triple
  assert_success
  assert_output "aarch64-arch-linux-gnu"
  run xx-info pkg-arch
  assert_output "arm64"
}

@test "env prints the XX_ variables in the shell helper's order" {
  export XX_ROOT=$(make_root alpine 'ID=alpine') TARGETPLATFORM=linux/arm/v6
  run xx-info env
  assert_success
  assert_output "XX_OS=linux
XX_MARCH=armv6l
XX_VENDOR=alpine
XX_PKG_ARCH=armhf
XX_TRIPLE=armv6-alpine-linux-musleabihf
XX_LIBC=musl
TARGETOS=linux
TARGETARCH=arm
TARGETVARIANT=v6"
}

@test "TARGETPAIR and TARGETOS/TARGETARCH/TARGETVARIANT" {
  export XX_ROOT=$(make_root debian 'ID=debian')
  TARGETPAIR=linux-armv6 run xx-info triple
  assert_output "arm-linux-gnueabi"
  TARGETPAIR=linux-arm64 run xx-info march
  assert_output "aarch64"
  TARGETOS=linux TARGETARCH=arm TARGETVARIANT=v5 run xx-info march
  assert_output "armv5l"
  TARGETARCH=arm run xx-info variant
  assert_output "v7"
  TARGETPLATFORM=linux/riscv64 TARGETARCH=arm64 run xx-info arch
  assert_output "riscv64"
}

@test "variants: arm keeps v5-v8, amd64 keeps v2-v4, others none" {
  TARGETPLATFORM=linux/arm/v8 run xx-info variant
  assert_output "v8"
  TARGETPLATFORM=linux/arm/v9 run xx-info variant
  assert_output "v7"
  TARGETPLATFORM=linux/amd64/v3 run xx-info variant
  assert_output "v3"
  TARGETPLATFORM=linux/amd64/v1 run xx-info variant
  assert_output ""
  TARGETPLATFORM=linux/arm64/v8 run xx-info variant
  assert_output ""
}

@test "unsupported targets fail with the shell helper's message; plain fields do not" {
  TARGETPLATFORM=linux/ppc64 run xx-info triple
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=ppc64"
  TARGETPAIR=linux-amd64v3 run xx-info march
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=amd64v3"
  TARGETPLATFORM=foo/bar run xx-info os
  assert_success
  assert_output "foo"
  TARGETPLATFORM=foo/bar run xx-info arch
  assert_output "bar"
  TARGETPLATFORM=foo/bar run xx-info env
  assert_failure
  assert_output --partial "unsupported target: os=foo arch=bar"
  XX_TEST_MACHINE=pdp11 run xx-info
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=unknown"
}

@test "no target: the running machine" {
  run xx-info march
  assert_success
  assert_output "$(uname -m)"
  run xx-info os
  assert_output "linux"
  run xx-info is-cross
  assert_failure
  XX_TEST_MACHINE=aarch64 run xx-info arch
  assert_output "arm64"
  XX_TEST_MACHINE=armv6l run xx-info variant
  assert_output "v6"
}

@test "no target: a uname wrapper ahead of the system's on PATH is asked, as the shell helper asks uname -m" {
  local fake=$BATS_TEST_TMPDIR/fake
  mkdir -p "$fake"
  printf '#!/bin/sh\n[ "$1" = -m ] && { echo "$FAKE_MACHINE"; exit 0; }\nexec /bin/uname "$@"\n' > "$fake/uname"
  chmod +x "$fake/uname"
  FAKE_MACHINE=aarch64 PATH="$fake:$PATH" run xx-info triple
  assert_success
  assert_output "aarch64-linux-gnu"
  FAKE_MACHINE=not-a-machine PATH="$fake:$PATH" run xx-info triple
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=unknown"
  # the system's own uname, found first on PATH, is not run: the kernel answers
  PATH="/usr/bin:$PATH" run xx-info arch
  assert_success
  assert_output "$(case $(uname -m) in x86_64) echo amd64;; aarch64) echo arm64;; *) uname -m;; esac)"
}

@test "is-cross" {
  TARGETPLATFORM=linux/arm64 XX_TEST_MACHINE=x86_64 run xx-info is-cross
  assert_success
  TARGETPLATFORM=linux/amd64/v3 XX_TEST_MACHINE=x86_64 run xx-info is-cross
  assert_failure
  TARGETPLATFORM=linux/arm64 XX_TEST_MACHINE=aarch64 run xx-info is-cross
  assert_failure
  TARGETPLATFORM=windows/amd64 XX_TEST_MACHINE=x86_64 run xx-info is-cross
  assert_success
}

@test "sysroot: a secondary root on Alpine when cross, / otherwise" {
  export XX_ROOT=$(make_root alpine 'ID=alpine')
  TARGETPLATFORM=linux/arm64 XX_TEST_MACHINE=x86_64 run xx-info sysroot
  assert_output "/aarch64-alpine-linux-musl/"
  TARGETPLATFORM=linux/amd64 XX_TEST_MACHINE=x86_64 run xx-info sysroot
  assert_output "/"
  export XX_ROOT=$(make_root debian 'ID=debian')
  TARGETPLATFORM=linux/arm64 run xx-info sysroot
  assert_output "/"
}

@test "overrides: XX_VENDOR, XX_LIBC, MACOSX_VERSION_MIN, ARM_TARGET_ARCH" {
  export XX_ROOT=$(make_root debian 'ID=debian')
  TARGETPLATFORM=linux/arm64 XX_VENDOR=alpine run xx-info triple
  assert_output "aarch64-alpine-linux-musl"
  TARGETPLATFORM=linux/arm64 XX_LIBC=musl run xx-info triple
  assert_output "aarch64-linux-musl"
  TARGETPLATFORM=darwin/arm64 MACOSX_VERSION_MIN=13.0 run xx-info
  assert_output "arm64-apple-macos13.0"
  TARGETPLATFORM=linux/arm ARM_TARGET_ARCH=armv7a run xx-info
  assert_output "armv7a-linux-gnueabihf"
}

@test "help and unknown commands" {
  run xx-info --help
  assert_success
  assert_output --partial "Usage: xx-info"
  run xx-info foobar
  assert_failure
  assert_output --partial "unknown command 'foobar'"
  assert_output --partial "Usage: xx-info"
}

@test "the multi-call binary: xx HELPER and its links" {
  run xx info os
  assert_success
  assert_output "linux"
  TARGETPLATFORM=linux/arm64 run xx xx-info march
  assert_output "aarch64"
  run xx --help
  assert_success
  assert_output --partial "xx-info"
  assert_output --partial "xx-verify"
  run xx no-such-helper
  assert_failure
  assert_output --partial "unknown helper 'no-such-helper'"
  local dir="$BATS_TEST_TMPDIR/links"
  mkdir -p "$dir"
  cp "$XX_BIN/xx" "$dir/xx"
  run "$dir/xx" --install-links "$dir"
  assert_success
  TARGETPLATFORM=linux/s390x run "$dir/xx-info" march
  assert_output "s390x"
}

@test "xx is statically linked" {
  run readelf -l "$XX_BIN/xx"
  assert_success
  refute_output --partial "INTERP"
}

#!/usr/bin/env bats
# xx-go, run as a user would, with the real go (Debian's golang-go): the Go variables per target,
# the user's variables winning, cgo's C toolchain, --wrap/--unwrap, the errors, and a real
# cross-built program run under QEMU.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset GOOS GOARCH GOARM GOAMD64 GO386 GOMIPS GOMIPS64 CGO_ENABLED CC CXX PKG_CONFIG \
        XX_GO_PREFER_C_COMPILER XX_CC_PREFER_COMPILER GOFLAGS XX_AUTO_INSTALL
  command -v go >/dev/null || fail "go not found: apt-get install golang-go"
  cd "$BATS_TEST_TMPDIR"
}

@test "linux/arm/v6: GOOS, GOARCH, GOARM" {
  TARGETPLATFORM=linux/arm/v6 run xx-go env GOOS GOARCH GOARM
  assert_success
  assert_output "linux
arm
6"
}

@test "every linux platform, and windows/amd64: GOARCH and the variant's variable" {
  local failures=0 platform want_arch var want_var got
  # platform GOOS GOARCH variable value ("-" when the variable is Go's own default, left unset)
  while read -r platform want_os want_arch var want_var; do
    got=$(TARGETPLATFORM=$platform xx-go env GOARCH) || { echo "FAIL $platform: xx-go exited $?"; failures=$((failures+1)); continue; }
    [ "$got" = "$want_arch" ] || { echo "FAIL $platform: GOARCH '$got', expected '$want_arch'"; failures=$((failures+1)); }
    got=$(TARGETPLATFORM=$platform xx-go env GOOS)
    [ "$got" = "$want_os" ] || { echo "FAIL $platform: GOOS '$got', expected '$want_os'"; failures=$((failures+1)); }
    if [ "$var" != - ]; then
      got=$(TARGETPLATFORM=$platform xx-go env "$var")
      [ "$got" = "$want_var" ] || { echo "FAIL $platform: $var '$got', expected '$want_var'"; failures=$((failures+1)); }
    fi
  done <<'EOF'
linux/amd64 linux amd64 GOAMD64 v1
linux/amd64/v3 linux amd64 GOAMD64 v3
linux/386 linux 386 GO386 sse2
linux/arm64 linux arm64 - -
linux/arm/v5 linux arm GOARM 5
linux/arm/v6 linux arm GOARM 6
linux/arm/v7 linux arm GOARM 7
linux/riscv64 linux riscv64 - -
linux/ppc64le linux ppc64le - -
linux/s390x linux s390x - -
linux/loong64 linux loong64 - -
linux/mips linux mips GOMIPS hardfloat
linux/mipsle linux mipsle GOMIPS hardfloat
linux/mips64 linux mips64 GOMIPS64 hardfloat
linux/mips64le linux mips64le GOMIPS64 hardfloat
windows/amd64 windows amd64 GOAMD64 v1
EOF
  [ "$failures" -eq 0 ]
}

@test "the user's GOARCH and GOARM beat the target" {
  GOARCH=amd64 TARGETPLATFORM=linux/arm64 run xx-go env GOARCH
  assert_success
  assert_output "amd64"
  GOARM=5 TARGETPLATFORM=linux/arm/v7 run xx-go env GOARCH GOARM
  assert_success
  assert_output "arm
5"
}

@test "no cgo unless CGO_ENABLED=1: go's own CC" {
  TARGETPLATFORM=linux/arm64 run xx-go env CGO_ENABLED CC
  assert_success
  refute_output --partial "aarch64-linux-gnu-clang"
}

@test "CGO_ENABLED=1: CC and PKG_CONFIG are the target's prefixed tools, and they exist" {
  # xx's folder is on PATH here: the tools are named bare, as the shell helper names them.
  CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 run xx-go env CC CXX PKG_CONFIG
  assert_success
  [ "${#lines[@]}" -eq 3 ] || fail "expected three lines: $output"
  [ "${lines[0]}" = aarch64-linux-gnu-clang ] || fail "CC is '${lines[0]}'"
  [ "${lines[1]}" = aarch64-linux-gnu-clang++ ] || fail "CXX is '${lines[1]}'"
  [ "${lines[2]}" = aarch64-linux-gnu-pkg-config ] || fail "PKG_CONFIG is '${lines[2]}'"
  for tool in "${lines[@]}"; do
    [ "$(command -v "$tool")" = "$XX_BIN/$tool" ] || fail "$tool is not xx's link in $XX_BIN"
  done
  # Not on PATH: full paths.
  CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 PATH=/usr/bin:/bin run "$XX_BIN/xx-go" env CC
  assert_output "$XX_BIN/aarch64-linux-gnu-clang"
  # The user's CC wins.
  CC=my-cc CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 run xx-go env CC
  assert_success
  assert_output "my-cc"
}

@test "CGO_ENABLED=1: the prefixed tools are made on first use, next to xx" {
  # A private copy of xx (static), so its folder starts without any prefixed tool.
  private_xx
  local bin=$XXBIN
  [ ! -e "$bin/riscv64-linux-gnu-clang" ]
  CGO_ENABLED=1 TARGETPLATFORM=linux/riscv64 run "$bin/xx-go" env CC PKG_CONFIG
  assert_success
  assert_output "$bin/riscv64-linux-gnu-clang
$bin/riscv64-linux-gnu-pkg-config"
  [ -L "$bin/riscv64-linux-gnu-clang" ] || fail "riscv64-linux-gnu-clang was not made"
  [ -L "$bin/riscv64-linux-gnu-pkg-config" ] || fail "riscv64-linux-gnu-pkg-config was not made"
  [ "$(readlink "$bin/riscv64-linux-gnu-clang")" = xx ]
}

@test "XX_GO_PREFER_C_COMPILER: gcc, zig, and a bogus value" {
  private_xx  # arm-linux-gnueabihf-* links are made on first use: in a private folder
  CGO_ENABLED=1 XX_GO_PREFER_C_COMPILER=zig TARGETPLATFORM=linux/arm/v7 run "$XXBIN/xx-go" env CC CXX PKG_CONFIG
  assert_success
  assert_output "zig cc -target arm-linux-gnueabihf
zig c++ -target arm-linux-gnueabihf
$XXBIN/arm-linux-gnueabihf-pkg-config"
  # `go env` shows no XX_ variable: a fake go, first on PATH, prints the environment it gets.
  mkdir -p fakebin
  printf '#!/bin/sh\nenv | sort\n' > fakebin/go
  chmod +x fakebin/go
  PATH="$PWD/fakebin:$PATH" CGO_ENABLED=1 XX_GO_PREFER_C_COMPILER=gcc TARGETPLATFORM=linux/arm64 run xx-go build
  assert_success
  assert_line "XX_CC_PREFER_COMPILER=gcc"
  assert_line --regexp '^CC=(.*/)?aarch64-linux-gnu-clang$'
  assert_line "GOARCH=arm64"
  CGO_ENABLED=1 XX_GO_PREFER_C_COMPILER=bogus TARGETPLATFORM=linux/arm64 run xx-go env CC
  assert_failure
  assert_output --partial "bogus"
  assert_output --partial "XX_GO_PREFER_C_COMPILER"
  assert_output --partial "clang, gcc, zig"
}

@test "an unknown target fails with the shell helper's message" {
  TARGETPLATFORM=linux/foo run xx-go env GOARCH
  assert_failure
  assert_output --partial "unsupported target"
  assert_output --partial "os=linux arch=foo"
}

# private_xx: a private copy of the (static) xx with its xx-go link, in $BATS_TEST_TMPDIR/xxbin,
# so links the helpers make (prefixed tools, --wrap's go) never land in the shared build folder.
private_xx() {
  XXBIN=$BATS_TEST_TMPDIR/xxbin
  mkdir -p "$XXBIN"
  cp "$XX_BIN/xx" "$XXBIN/xx"
  ln -sf xx "$XXBIN/xx-go"
}

# The scenario of the brief, with a private xx folder standing in for $XX_BIN: a writable
# folder (wrapbin) first on PATH, then xx's own folder (writable too), then the real go.
@test "--wrap makes plain go build for the target; --unwrap undoes it" {
  private_xx
  local wrapbin=$BATS_TEST_TMPDIR/wrapbin
  mkdir -p "$wrapbin"
  export PATH="$wrapbin:$XXBIN:/usr/bin:/bin"
  run xx-go --wrap
  assert_success
  [ ! -e "$XXBIN/go" ] || fail "--wrap linked $XXBIN/go (the second PATH folder), not $wrapbin/go (the first)"
  [ -L "$wrapbin/go" ] || fail "--wrap made no $wrapbin/go"
  [ "$(readlink -f "$wrapbin/go")" = "$XXBIN/xx" ] || fail "$wrapbin/go -> $(readlink "$wrapbin/go")"
  [ "$(command -v go)" = "$wrapbin/go" ]
  TARGETPLATFORM=linux/riscv64 run go env GOARCH
  assert_success
  assert_output "riscv64"
  # Wrapping twice is harmless.
  run xx-go --wrap
  assert_success
  run xx-go --unwrap
  assert_success
  [ ! -L "$wrapbin/go" ] || fail "--unwrap left $wrapbin/go"
  [ "$(command -v go)" = /usr/bin/go ]
  run go env GOARCH
  assert_success
  assert_output "amd64"
  TARGETPLATFORM=linux/riscv64 run go env GOARCH
  assert_output "amd64"
}

@test "a go link to xx acts as xx-go, and runs the real go after it on PATH" {
  private_xx
  local wrapbin=$BATS_TEST_TMPDIR/wrapbin
  mkdir -p "$wrapbin"
  ln -s "$XXBIN/xx" "$wrapbin/go"
  export PATH="$wrapbin:$XXBIN:/usr/bin:/bin"
  TARGETPLATFORM=linux/riscv64 run go env GOARCH
  assert_success
  assert_output "riscv64"
  TARGETPLATFORM=linux/arm/v6 run go env GOOS GOARCH GOARM
  assert_success
  assert_output "linux
arm
6"
}

@test "as go, --wrap and --unwrap are go's own arguments, not xx-go's" {
  private_xx
  local wrapbin=$BATS_TEST_TMPDIR/wrapbin other=$BATS_TEST_TMPDIR/other
  mkdir -p "$wrapbin" "$other"
  ln -s "$XXBIN/xx" "$wrapbin/go"
  export PATH="$other:$wrapbin:$XXBIN:/usr/bin:/bin"
  run go --wrap
  assert_failure
  assert_output --partial "flag provided but not defined: -wrap"  # the real go's answer
  [ ! -e "$other/go" ] || fail "go --wrap ran xx-go --wrap: it linked $other/go"
  run go --unwrap
  assert_failure
  [ -L "$wrapbin/go" ] || fail "go --unwrap ran xx-go --unwrap: it removed $wrapbin/go"
}

@test "--unwrap removes a go link to xx from the first PATH folder" {
  private_xx
  local wrapbin=$BATS_TEST_TMPDIR/wrapbin
  mkdir -p "$wrapbin"
  ln -s "$XXBIN/xx" "$wrapbin/go"
  PATH="$wrapbin:$XXBIN:/usr/bin:/bin" run "$XXBIN/xx-go" --unwrap
  assert_success
  [ ! -L "$wrapbin/go" ] || fail "--unwrap left $wrapbin/go, the first folder on PATH"
}

@test "--unwrap removes a go link to xx from a later PATH folder, and leaves other go's alone" {
  private_xx
  local first=$BATS_TEST_TMPDIR/first wrapbin=$BATS_TEST_TMPDIR/wrapbin
  mkdir -p "$first" "$wrapbin"
  printf '#!/bin/sh\necho other go\n' > "$first/go"
  chmod +x "$first/go"
  ln -s "$XXBIN/xx" "$wrapbin/go"
  PATH="$first:$wrapbin:$XXBIN:/usr/bin:/bin" run "$XXBIN/xx-go" --unwrap
  assert_success
  [ ! -L "$wrapbin/go" ] || fail "--unwrap left $wrapbin/go"
  [ -f "$first/go" ] || fail "--unwrap removed $first/go, which is not xx"
}

@test "--wrap with no writable folder before the real go fails, saying so" {
  private_xx
  PATH="/usr/bin:$XXBIN" run "$XXBIN/xx-go" --wrap
  assert_failure
  assert_output --partial "no writable folder on PATH comes before /usr/bin/go"
  [ ! -e "$XXBIN/go" ] || fail "--wrap made $XXBIN/go, after the real go"
}

@test "--help exits 0" {
  run xx-go --help
  assert_success
  assert_output --partial "Usage: xx-go"
}

@test "a real program: xx-go build for linux/arm64, xx-verify, xx-run" {
  command -v qemu-aarch64-static >/dev/null || command -v qemu-aarch64 >/dev/null ||
    fail "qemu-aarch64 not found: apt-get install qemu-user-static"
  cat > main.go <<'EOF'
package main

import ("fmt"; "runtime")

func main() { fmt.Println(runtime.GOOS + "/" + runtime.GOARCH) }
EOF
  printf 'module hello\n\ngo 1.19\n' > go.mod
  export GOFLAGS=-mod=mod GOPROXY=off
  TARGETPLATFORM=linux/arm64 run xx-go build -o hello .
  assert_success
  [ -x hello ]
  TARGETPLATFORM=linux/arm64 run xx-verify hello
  assert_success
  TARGETPLATFORM=linux/amd64 run xx-verify hello
  assert_failure
  run timeout 60 xx-run ./hello
  assert_success
  assert_output "linux/arm64"
}

@test "XX_AUTO_INSTALL=1, cgo build, no C compiler: xx-apt-get install gcc libc6-dev first (fakes, nothing installed)" {
  private_xx
  local fakebin=$BATS_TEST_TMPDIR/fakebin log=$BATS_TEST_TMPDIR/install-log
  mkdir -p "$fakebin"
  printf '#!/bin/sh\necho "go $*"\n' > "$fakebin/go"
  printf '#!/bin/sh\nexit 0\n' > "$fakebin/apt-get"
  printf '#!/bin/sh\necho "xx-apt-get $*" >> "%s"\nprintf "#!/bin/sh\\n" > "%s"\n/bin/chmod +x "%s"\n' \
    "$log" "$fakebin/aarch64-linux-gnu-gcc" "$fakebin/aarch64-linux-gnu-gcc" > "$fakebin/xx-apt-get"
  chmod +x "$fakebin/go" "$fakebin/apt-get" "$fakebin/xx-apt-get"
  # PATH: the fakes and the private xx only, no clang and no gcc.
  local bare=("env" "PATH=$fakebin:$XXBIN")
  # Not a compiling command, cgo off, or no XX_AUTO_INSTALL: nothing installed.
  XX_AUTO_INSTALL=1 CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 run "${bare[@]}" "$XXBIN/xx-go" env CC
  assert_success
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run "${bare[@]}" "$XXBIN/xx-go" build .
  assert_success
  CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 run "${bare[@]}" "$XXBIN/xx-go" build .
  assert_success
  [ ! -e "$log" ] || fail "installed: $(cat "$log")"
  XX_AUTO_INSTALL=1 CGO_ENABLED=1 TARGETPLATFORM=linux/arm64 run "${bare[@]}" "$XXBIN/xx-go" build .
  assert_success
  assert_line "xx-go: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends gcc libc6-dev"
  assert_line "go build ."
  [ "$(cat "$log")" = "xx-apt-get install -y --no-install-recommends gcc libc6-dev" ] || fail "installed: $(cat "$log")"
}

#!/usr/bin/env bats
# xx-cargo, run as a user would: the Rust triple per target and distro, and, with a fake cargo and
# rustc first on PATH, the arguments and environment cargo gets and the missing-std error.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset XX_AUTO_INSTALL RUSTC RUSTFLAGS XX_RUSTFLAGS CARGO_BUILD_TARGET PKG_CONFIG HOST_PKG_CONFIG PKG_CONFIG_ALLOW_CROSS \
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER \
        CC_aarch64_unknown_linux_gnu CXX_aarch64_unknown_linux_gnu AR_aarch64_unknown_linux_gnu \
        PKG_CONFIG_aarch64_unknown_linux_gnu
  DEBIAN_ROOT=$(make_root debian $'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"')
  ALPINE_ROOT=$(make_root alpine $'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4')
  cd "$BATS_TEST_TMPDIR"
}

# fake_tools: $BATS_TEST_TMPDIR/fakebin first on PATH, before the real tools (xx-cargo itself is
# found in $XX_BIN), holding
#  - cargo: touches $BATS_TEST_TMPDIR/cargo-ran, prints its arguments on one line, then `env | sort`;
#  - rustc: for `--print target-libdir --target T` prints $BATS_TEST_TMPDIR/sysroot/lib/rustlib/T/lib
#    (which the test fills, or not), or $FAKE_RUSTLIB/T/lib (/usr/lib/rustlib: Debian's rustc),
#    and records its arguments in $BATS_TEST_TMPDIR/rustc-args.
# with_std TRIPLE puts an (empty) libstd-abc.rlib in TRIPLE's folder.
fake_tools() {
  FAKEBIN=$BATS_TEST_TMPDIR/fakebin
  MARKER=$BATS_TEST_TMPDIR/cargo-ran
  SYSROOT=$BATS_TEST_TMPDIR/sysroot
  mkdir -p "$FAKEBIN" "$SYSROOT"
  cat > "$FAKEBIN/cargo" <<EOF
#!/bin/sh
/usr/bin/touch "$MARKER"
echo "\$*"
/usr/bin/env | /usr/bin/sort
EOF
  cat > "$FAKEBIN/rustc" <<EOF
#!/bin/sh
echo "\$*" >> "$BATS_TEST_TMPDIR/rustc-args"
if [ "\$1" = --print ] && [ "\$2" = target-libdir ] && [ "\$3" = --target ]; then
  echo "\${FAKE_RUSTLIB:-$SYSROOT/lib/rustlib}/\$4/lib"
  exit 0
fi
echo "fake rustc: unexpected arguments: \$*" >&2
exit 1
EOF
  chmod +x "$FAKEBIN/cargo" "$FAKEBIN/rustc"
  export PATH="$FAKEBIN:$XX_BIN:/usr/bin:/bin" XX_ROOT=$DEBIAN_ROOT
}

with_std() {
  mkdir -p "$SYSROOT/lib/rustlib/$1/lib"
  : > "$SYSROOT/lib/rustlib/$1/lib/libstd-abc.rlib"
}

# The env line NAME=... of the fake cargo's output, "" when it has none.
env_line() { printf '%s\n' "${lines[@]}" | grep "^$1=" || true; }

@test "--print-target-triple on Debian: the gnu triples" {
  export XX_ROOT=$DEBIAN_ROOT
  local failures=0 platform want got
  while read -r platform want; do
    got=$(TARGETPLATFORM=$platform xx-cargo --print-target-triple) || { echo "FAIL $platform: exited $?"; failures=$((failures+1)); continue; }
    [ "$got" = "$want" ] || { echo "FAIL $platform: '$got', expected '$want'"; failures=$((failures+1)); }
  done <<'EOF'
linux/amd64 x86_64-unknown-linux-gnu
linux/amd64/v3 x86_64-unknown-linux-gnu
linux/386 i686-unknown-linux-gnu
linux/arm64 aarch64-unknown-linux-gnu
linux/arm/v7 armv7-unknown-linux-gnueabihf
linux/arm armv7-unknown-linux-gnueabihf
linux/arm/v6 arm-unknown-linux-gnueabi
linux/arm/v5 armv5te-unknown-linux-gnueabi
linux/riscv64 riscv64gc-unknown-linux-gnu
linux/ppc64le powerpc64le-unknown-linux-gnu
linux/s390x s390x-unknown-linux-gnu
linux/loong64 loongarch64-unknown-linux-gnu
linux/mips mips-unknown-linux-gnu
linux/mipsle mipsel-unknown-linux-gnu
linux/mips64 mips64-unknown-linux-gnuabi64
linux/mips64le mips64el-unknown-linux-gnuabi64
windows/amd64 x86_64-pc-windows-gnu
windows/386 i686-pc-windows-gnu
darwin/arm64 aarch64-apple-darwin
darwin/amd64 x86_64-apple-darwin
EOF
  [ "$failures" -eq 0 ]
}

@test "--print-target-triple on Alpine, or with XX_LIBC=musl: the musl triples" {
  local failures=0 platform want got
  while read -r platform want; do
    got=$(XX_ROOT=$ALPINE_ROOT TARGETPLATFORM=$platform xx-cargo --print-target-triple) ||
      { echo "FAIL $platform: exited $?"; failures=$((failures+1)); continue; }
    [ "$got" = "$want" ] || { echo "FAIL alpine $platform: '$got', expected '$want'"; failures=$((failures+1)); }
    got=$(XX_ROOT=$DEBIAN_ROOT XX_LIBC=musl TARGETPLATFORM=$platform xx-cargo --print-target-triple)
    [ "$got" = "$want" ] || { echo "FAIL XX_LIBC=musl $platform: '$got', expected '$want'"; failures=$((failures+1)); }
  done <<'EOF'
linux/amd64 x86_64-unknown-linux-musl
linux/386 i686-unknown-linux-musl
linux/arm64 aarch64-unknown-linux-musl
linux/arm/v7 armv7-unknown-linux-musleabihf
linux/arm/v6 arm-unknown-linux-musleabihf
linux/arm/v5 armv5te-unknown-linux-musleabi
linux/riscv64 riscv64gc-unknown-linux-musl
linux/ppc64le powerpc64le-unknown-linux-musl
linux/s390x s390x-unknown-linux-musl
linux/mips64le mips64el-unknown-linux-muslabi64
EOF
  [ "$failures" -eq 0 ]
}

@test "an unknown target fails with the shell helper's message" {
  TARGETPLATFORM=linux/foo run xx-cargo --print-target-triple
  assert_failure
  assert_output --partial "unsupported target"
  assert_output --partial "os=linux arch=foo"
  fake_tools
  TARGETPLATFORM=linux/foo run xx-cargo build
  assert_failure
  assert_output --partial "unsupported target"
  [ ! -e "$MARKER" ] || fail "cargo ran for an unknown target"
}

@test "--help exits 0" {
  run xx-cargo --help
  assert_success
  assert_output --partial "Usage: xx-cargo"
}

@test "build: --target after the subcommand; linker, runner, C tools and pkg-config for the target" {
  fake_tools
  with_std aarch64-unknown-linux-gnu
  TARGETPLATFORM=linux/arm64 run xx-cargo build --release
  assert_success
  assert_line --index 0 "build --target aarch64-unknown-linux-gnu --release"
  [ -e "$MARKER" ]
  # rustc was asked where the target's std lives.
  grep -qx -- "--print target-libdir --target aarch64-unknown-linux-gnu" "$BATS_TEST_TMPDIR/rustc-args" ||
    fail "rustc args: $(cat "$BATS_TEST_TMPDIR/rustc-args")"
  local line
  line=$(env_line CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER)
  [[ $line == */aarch64-linux-gnu-clang ]] || fail "linker: '$line'"
  [ -e "${line#*=}" ] || fail "${line#*=} does not exist"
  line=$(env_line CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER)
  [[ $line == */xx-run ]] || fail "runner: '$line'"
  [ -x "${line#*=}" ] || fail "${line#*=} is not xx-run"
  line=$(env_line CC_aarch64_unknown_linux_gnu)
  [[ $line == */aarch64-linux-gnu-clang ]] || fail "CC_aarch64_unknown_linux_gnu: '$line'"
  line=$(env_line CXX_aarch64_unknown_linux_gnu)
  [[ $line == */aarch64-linux-gnu-clang++ ]] || fail "CXX_aarch64_unknown_linux_gnu: '$line'"
  line=$(env_line AR_aarch64_unknown_linux_gnu)
  [[ $line == */aarch64-linux-gnu-ar ]] || fail "AR_aarch64_unknown_linux_gnu: '$line'"
  line=$(env_line PKG_CONFIG)
  [[ $line == */aarch64-linux-gnu-pkg-config ]] || fail "PKG_CONFIG: '$line'"
  assert_line "PKG_CONFIG_ALLOW_CROSS=1"
  assert_line "HOST_PKG_CONFIG=pkg-config"
  refute_line --regexp '^CARGO_BUILD_TARGET='
  refute_line --regexp '^RUSTFLAGS='
}

@test "the user's linker wins; XX_RUSTFLAGS is appended to RUSTFLAGS" {
  fake_tools
  with_std aarch64-unknown-linux-gnu
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=mylinker RUSTFLAGS="-C a" XX_RUSTFLAGS="-C b" \
    TARGETPLATFORM=linux/arm64 run xx-cargo build
  assert_success
  assert_line --index 0 "build --target aarch64-unknown-linux-gnu"
  assert_line "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=mylinker"
  assert_line "RUSTFLAGS=-C a -C b"
  XX_RUSTFLAGS="-C b" TARGETPLATFORM=linux/arm64 run xx-cargo build
  assert_success
  assert_line "RUSTFLAGS=-C b"
}

@test "the user's --target, a plugin, a command without --target: no std check, args as given" {
  fake_tools  # no std anywhere: rustc must not be asked
  TARGETPLATFORM=linux/arm64 run xx-cargo build --target x86_64-unknown-linux-gnu
  assert_success
  assert_line --index 0 "build --target x86_64-unknown-linux-gnu"
  refute_line --regexp '^CARGO_BUILD_TARGET='
  TARGETPLATFORM=linux/arm64 run xx-cargo zigbuild --release
  assert_success
  assert_line --index 0 "zigbuild --release"
  assert_line "CARGO_BUILD_TARGET=aarch64-unknown-linux-gnu"
  TARGETPLATFORM=linux/arm64 run xx-cargo --version
  assert_success
  assert_line --index 0 "--version"
  [ ! -e "$BATS_TEST_TMPDIR/rustc-args" ] || fail "rustc ran: $(cat "$BATS_TEST_TMPDIR/rustc-args")"
}

@test "cargo chef cook: built for CARGO_BUILD_TARGET, so the std is checked as for cargo build" {
  fake_tools
  mkdir -p "$SYSROOT/lib/rustlib/aarch64-unknown-linux-gnu/lib"  # there, but empty
  TARGETPLATFORM=linux/arm64 run xx-cargo chef cook --release --recipe-path recipe.json
  assert_failure 1
  assert_output --partial "libstd-rust-dev:arm64"
  [ ! -e "$MARKER" ] || fail "cargo ran although the std is missing"
  with_std aarch64-unknown-linux-gnu
  TARGETPLATFORM=linux/arm64 run xx-cargo chef cook --release --recipe-path recipe.json
  assert_success
  assert_line --index 0 "chef cook --release --recipe-path recipe.json"
  assert_line "CARGO_BUILD_TARGET=aarch64-unknown-linux-gnu"
}

@test "run: --target goes before --, the program's own --target stays after it" {
  fake_tools
  with_std aarch64-unknown-linux-gnu
  TARGETPLATFORM=linux/arm64 run xx-cargo +nightly run -- --target foo
  assert_success
  assert_line --index 0 "+nightly run --target aarch64-unknown-linux-gnu -- --target foo"
}

@test "amd64 on this amd64 machine: no runner" {
  fake_tools
  with_std x86_64-unknown-linux-gnu
  # x86_64-linux-gnu-* links are made on first use: next to a private copy of xx.
  local bin=$BATS_TEST_TMPDIR/xxbin
  mkdir -p "$bin"
  cp "$XX_BIN/xx" "$bin/xx"
  ln -s xx "$bin/xx-cargo"
  TARGETPLATFORM=linux/amd64 run "$bin/xx-cargo" build
  assert_success
  assert_line --index 0 "build --target x86_64-unknown-linux-gnu"
  refute_line --regexp '^CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER='
  assert_line "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=$bin/x86_64-linux-gnu-clang"
  [ -L "$bin/x86_64-linux-gnu-clang" ] || fail "the linker was not made"
}

@test "a missing std fails before cargo runs, saying how to install it" {
  fake_tools
  mkdir -p "$SYSROOT/lib/rustlib/aarch64-unknown-linux-gnu/lib"  # there, but empty
  TARGETPLATFORM=linux/arm64 run xx-cargo build
  assert_failure 1
  assert_output --partial "libstd-rust-dev:arm64"
  assert_output --partial "rustup target add aarch64-unknown-linux-gnu"
  assert_output --partial "aarch64-unknown-linux-gnu"
  [ ! -e "$MARKER" ] || fail "cargo ran although the std is missing"
}

# private_xx_with_installer: a private copy of xx (its links made there), and in $FAKEBIN a fake
# apt-get and a fake xx-apt-get that records its arguments in $LOG and "installs" a fake
# aarch64-linux-gnu-gcc and s390x-linux-gnu-gcc. `bare CMD...` runs CMD with a PATH of only
# $FAKEBIN and the private xx: no clang, no gcc.
private_xx_with_installer() {
  XXBIN=$BATS_TEST_TMPDIR/xxbin
  LOG=$BATS_TEST_TMPDIR/install-log
  mkdir -p "$XXBIN"
  cp "$XX_BIN/xx" "$XXBIN/xx"
  "$XXBIN/xx" --install-links "$XXBIN"
  printf '#!/bin/sh\nexit 0\n' > "$FAKEBIN/apt-get"
  cat > "$FAKEBIN/xx-apt-get" <<EOF
#!/bin/sh
echo "xx-apt-get \$*" >> "$LOG"
for t in aarch64-linux-gnu s390x-linux-gnu; do
  printf '#!/bin/sh\necho fake gcc\n' > "$FAKEBIN/\$t-gcc"
  /bin/chmod +x "$FAKEBIN/\$t-gcc"
done
EOF
  chmod +x "$FAKEBIN/apt-get" "$FAKEBIN/xx-apt-get"
}
bare() { env PATH="$FAKEBIN:$XXBIN" "$@"; }

@test "XX_AUTO_INSTALL=1, no C compiler for the target: xx-apt-get install gcc libc6-dev, then cargo" {
  fake_tools
  with_std aarch64-unknown-linux-gnu
  private_xx_with_installer
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cargo" build
  assert_success
  assert_line "xx-cargo: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends gcc libc6-dev"
  assert_line "build --target aarch64-unknown-linux-gnu"
  [ "$(cat "$LOG")" = "xx-apt-get install -y --no-install-recommends gcc libc6-dev" ] || fail "installed: $(cat "$LOG")"
  # The compiler is there now: the next build installs nothing; `cargo --version` never does.
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cargo" build
  assert_success
  rm "$FAKEBIN/aarch64-linux-gnu-gcc"
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cargo" --version
  assert_success
  [ "$(wc -l < "$LOG")" = 1 ] || fail "installed again: $(cat "$LOG")"
}

@test "XX_AUTO_INSTALL=1, Debian's rustc without the target's std: one xx-apt-get call adds libstd-rust-dev" {
  fake_tools
  private_xx_with_installer
  [ ! -e /usr/lib/rustlib/s390x-unknown-linux-gnu/lib ] || fail "this machine has s390x's Rust std: the test needs it absent"
  # The fake installs only a gcc, so the std stays missing: xx-cargo then fails, cargo does not run.
  FAKE_RUSTLIB=/usr/lib/rustlib XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/s390x run bare "$XXBIN/xx-cargo" build
  assert_failure 1
  assert_line "xx-cargo: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends gcc libc6-dev libstd-rust-dev"
  assert_output --partial "libstd-rust-dev:s390x"
  [ "$(cat "$LOG")" = "xx-apt-get install -y --no-install-recommends gcc libc6-dev libstd-rust-dev" ] || fail "installed: $(cat "$LOG")"
  [ ! -e "$MARKER" ] || fail "cargo ran although the std is missing"
}

@test "XX_AUTO_INSTALL=0, or a rustc that is not Debian's: nothing installed, the error as before" {
  fake_tools
  private_xx_with_installer
  XX_AUTO_INSTALL=0 FAKE_RUSTLIB=/usr/lib/rustlib TARGETPLATFORM=linux/s390x run bare "$XXBIN/xx-cargo" build
  assert_failure 1
  assert_output --partial "libstd-rust-dev:s390x"
  assert_output --partial "XX_AUTO_INSTALL=1"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
  # The fake rustc's own sysroot: libstd-rust-dev would not help it.
  mkdir -p "$SYSROOT/lib/rustlib/aarch64-unknown-linux-gnu/lib"
  printf '#!/bin/sh\nexit 0\n' > "$FAKEBIN/aarch64-linux-gnu-gcc"
  chmod +x "$FAKEBIN/aarch64-linux-gnu-gcc"
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cargo" build
  assert_failure 1
  assert_output --partial "libstd-rust-dev:arm64"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
  [ ! -e "$MARKER" ] || fail "cargo ran although the std is missing"
}

@test "no XX_AUTO_INSTALL: Debian's missing std is installed anyway (the shell helper always installs it), saying why" {
  fake_tools
  private_xx_with_installer
  FAKE_RUSTLIB=/usr/lib/rustlib TARGETPLATFORM=linux/s390x run bare "$XXBIN/xx-cargo" build
  assert_line --index 0 "xx-cargo: the target's Rust std is missing: running xx-apt-get install -y --no-install-recommends libstd-rust-dev"
  run cat "$LOG"
  assert_output --partial "libstd-rust-dev"
}

@test "Debian's rustc, the rlibs cannot be fetched: a warning, then apt installs libstd-rust-dev as before (fakes)" {
  [ "$(id -u)" = 0 ] || skip "the rlibs route is for root only"
  fake_tools
  private_xx_with_installer
  [ ! -e /usr/lib/rustlib/s390x-unknown-linux-gnu/lib ] || fail "this machine has s390x's Rust std: the test needs it absent"
  # dpkg-deb, tar and a Debian rustc package (dpkg-query) are there; the download fails.
  printf '#!/bin/sh\nexit 0\n' > "$FAKEBIN/dpkg-deb"
  printf '#!/bin/sh\nexit 0\n' > "$FAKEBIN/tar"
  printf '#!/bin/sh\nprintf 1.63.0-fake\n' > "$FAKEBIN/dpkg-query"
  cat > "$FAKEBIN/xx-apt-get" <<EOF2
#!/bin/sh
echo "xx-apt-get \$*" >> "$LOG"
[ "\$2" = download ] && exit 100
exit 0
EOF2
  chmod +x "$FAKEBIN"/*
  FAKE_RUSTLIB=/usr/lib/rustlib XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/s390x run bare "$XXBIN/xx-cargo" build
  assert_line --index 0 "xx-cargo: the target's Rust std is missing: fetching only the rlibs of libstd-rust-dev:s390x=1.63.0-fake into /usr/lib/rustlib/s390x-unknown-linux-gnu/lib"
  assert_line "xx-cargo: warning: xx-apt-get download libstd-rust-dev:s390x=1.63.0-fake failed (exit status 100); installing libstd-rust-dev with apt instead"
  assert_line "xx-cargo: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends gcc libc6-dev libstd-rust-dev"
  run cat "$LOG"
  assert_output "xx-apt-get -q download libstd-rust-dev:s390x=1.63.0-fake
xx-apt-get install -y --no-install-recommends gcc libc6-dev libstd-rust-dev"
  [ -z "$(ls -d /usr/lib/rustlib/.xx-rust-std.* 2>/dev/null)" ] || fail "a temporary folder was left"
  [ ! -e /usr/lib/rustlib/s390x-unknown-linux-gnu ] || fail "something was written for s390x"
}

# (real) ---------------------------------------------------------------------------------------
# Debian's /usr/bin/rustc on this machine, as root: xx-cargo fetches only the target's rlibs
# (xx-apt-get download libstd-rust-dev:<arch>, dpkg-deb), not the package with its libllvm.
# The teardown removes the rlibs folder, and the architecture with its lists when the test added it.

require_real_rust() {
  [ "$(id -u)" = 0 ] || fail "the real xx-cargo test needs root (it writes /usr/lib/rustlib): run bats as root"
  grep -qx 'ID=debian' /etc/os-release || fail "the real xx-cargo test needs a Debian machine"
  dpkg-query -W -f='${Version}' rustc >/dev/null 2>&1 || fail "Debian's rustc is missing: apt-get install rustc cargo"
  local tool
  for tool in /usr/bin/rustc /usr/bin/cargo apt-get dpkg-deb; do
    command -v $tool >/dev/null || fail "$tool is missing: apt-get install rustc cargo apt dpkg"
  done
}

# real_rust_begin ARCH TRIPLE: remember what to undo in the teardown.
real_rust_begin() {
  printf '%s %s\n' "$1" "$2" > "$BATS_TEST_TMPDIR/rust.real"
  if [ -e "/usr/lib/rustlib/$2" ] || dpkg -s "libstd-rust-dev:$1" >/dev/null 2>&1; then
    skip "this machine already has the $2 Rust std: the test needs it absent"
  fi
  if [ "$(dpkg --print-architecture)" = "$1" ] || dpkg --print-foreign-architectures | grep -qx "$1"; then
    echo 0 > "$BATS_TEST_TMPDIR/rust.added"
  else
    echo 1 > "$BATS_TEST_TMPDIR/rust.added"
  fi
}

teardown() {
  [ -f "$BATS_TEST_TMPDIR/rust.real" ] || return 0
  local arch triple
  read -r arch triple < "$BATS_TEST_TMPDIR/rust.real"
  [ -f "$BATS_TEST_TMPDIR/rust.added" ] || return 0  # skipped: nothing changed
  dpkg -s "libstd-rust-dev:$arch" >/dev/null 2>&1 || rm -rf "/usr/lib/rustlib/$triple"
  if [ "$(cat "$BATS_TEST_TMPDIR/rust.added")" = 1 ] &&
     [ -z "$(dpkg-query -W -f='${binary:Package}\n' | grep ":$arch\$")" ]; then
    dpkg --remove-architecture "$arch" || return 1
    rm -f /var/lib/apt/lists/*binary-"${arch}"_Packages*
  fi
}

# hello_crate: a crate printing "hello from Rust" in $BATS_TEST_TMPDIR/hello.
hello_crate() {
  mkdir -p "$BATS_TEST_TMPDIR/hello/src"
  printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n' > "$BATS_TEST_TMPDIR/hello/Cargo.toml"
  printf 'fn main() {\n    println!("hello from Rust");\n}\n' > "$BATS_TEST_TMPDIR/hello/src/main.rs"
  cd "$BATS_TEST_TMPDIR/hello"
}

# real_std_only PLATFORM ARCH TRIPLE QEMU SYSROOT: the whole check for one target.
real_std_only() {
  local platform=$1 arch=$2 triple=$3 qemu=$4 sysroot=$5
  require_real_rust
  command -v "$qemu" >/dev/null || fail "$qemu is missing: apt-get install qemu-user-static"
  real_rust_begin "$arch" "$triple"
  hello_crate
  export CARGO_HOME=$BATS_TEST_TMPDIR/cargo-home
  PATH="/usr/bin:/bin:$XX_BIN" TARGETPLATFORM=$platform run "$XX_BIN/xx-cargo" build
  assert_success
  assert_output --partial "xx-cargo: the target's Rust std is missing: fetching only the rlibs of libstd-rust-dev:$arch="
  assert_output --regexp "xx-cargo: installed the $triple Rust std \\([0-9.]+ MB of rlibs\\) in /usr/lib/rustlib/$triple/lib"
  run "$qemu" -L "$sysroot" "target/$triple/debug/hello"
  assert_success
  assert_output "hello from Rust"
  # only the rlibs: no package of the target's Rust, no libLLVM for it, no .so links
  run dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' "libstd-rust-dev:$arch" "libstd-rust-1.*:$arch" "libllvm*:$arch"
  refute_line --regexp ' installed$'
  [ -z "$(ls "/usr/lib/${sysroot##*/}"/libLLVM* 2>/dev/null)" ] || fail "libLLVM for $arch: $(ls "/usr/lib/${sysroot##*/}"/libLLVM*)"
  [ -z "$(find "/usr/lib/rustlib/$triple" -type f ! -name '*.rlib')" ] || fail "more than rlibs: $(find "/usr/lib/rustlib/$triple")"
  [ -z "$(ls -d /usr/lib/rustlib/.xx-rust-std.* 2>/dev/null)" ] || fail "a temporary folder was left"
  # the second build finds the std in place: nothing fetched
  PATH="/usr/bin:/bin:$XX_BIN" TARGETPLATFORM=$platform run "$XX_BIN/xx-cargo" build
  assert_success
  refute_output --partial "fetching"
}

@test "real (Debian, root, Debian's rustc): linux/arm64 builds and runs under QEMU with only the std's rlibs fetched, no libllvm14:arm64" {
  real_std_only linux/arm64 arm64 aarch64-unknown-linux-gnu qemu-aarch64-static /usr/aarch64-linux-gnu
}

@test "real (Debian, root, Debian's rustc): linux/arm/v7 (armhf) builds and runs under QEMU with only the std's rlibs fetched" {
  real_std_only linux/arm/v7 armhf armv7-unknown-linux-gnueabihf qemu-arm-static /usr/arm-linux-gnueabihf
}

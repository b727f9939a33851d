#!/usr/bin/env bats
# xx-cc and the prefixed <triple>-clang, run as a user would: the toolchain/cross files written
# next to xx (--print-cmake-toolchain-path, --print-meson-cross-file-path), the fallback to
# Debian's cross gcc on a PATH without clang, and XX_AUTO_INSTALL=1 with a recording fake
# xx-apt-get (nothing is really installed here).

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset XX_AUTO_INSTALL XX_CC_PREFER_COMPILER XX_CC_PREFER_LINKER CC CXX
  cd "$BATS_TEST_TMPDIR"
  # A private copy of xx (static): its folder is where the files and links are made.
  XXBIN=$BATS_TEST_TMPDIR/xxbin
  mkdir -p "$XXBIN"
  cp "$XX_BIN/xx" "$XXBIN/xx"
  "$XXBIN/xx" --install-links "$XXBIN"
  # The fakes' folder, first on a PATH that has neither clang nor any cross gcc.
  FAKEBIN=$BATS_TEST_TMPDIR/fakebin
  LOG=$BATS_TEST_TMPDIR/install-log
  mkdir -p "$FAKEBIN"
  printf 'int main(void) { return 0; }\n' > hello.c
}

# bare CMD...: runs CMD with a PATH of only the fakes and the private xx (no clang, no gcc).
bare() { env PATH="$FAKEBIN:$XXBIN" "$@"; }

# fake_installer: a fake apt-get (so apt is "present") and a fake xx-apt-get that records its
# arguments in $LOG and "installs" a fake aarch64-linux-gnu-gcc/-g++ (printing its arguments).
fake_installer() {
  printf '#!/bin/sh\necho "apt-get $*" >> "%s"\n' "$LOG" > "$FAKEBIN/apt-get"
  cat > "$FAKEBIN/xx-apt-get" <<EOF
#!/bin/sh
echo "xx-apt-get \$*" >> "$LOG"
for tool in gcc g++; do
  printf '#!/bin/sh\necho "fake aarch64-linux-gnu-%s \$*"\n' "\$tool" > "$FAKEBIN/aarch64-linux-gnu-\$tool"
  /bin/chmod +x "$FAKEBIN/aarch64-linux-gnu-\$tool"
done
EOF
  chmod +x "$FAKEBIN/apt-get" "$FAKEBIN/xx-apt-get"
}

# let_nobody_in: an unprivileged user can reach the test's folder.
let_nobody_in() {
  command -v setpriv >/dev/null || fail "setpriv is missing: apt-get install util-linux"
  local dir=$BATS_TEST_TMPDIR
  while [ "$dir" != / ] && [ "$dir" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do chmod o+rx "$dir"; dir=$(dirname "$dir"); done
  chmod -R o+rX "$BATS_TEST_TMPDIR"
}

@test "--print-cmake-toolchain-path: <triple>.cmake next to xx, the same text as --print-cmake-toolchain" {
  TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" --print-cmake-toolchain-path
  assert_success
  assert_output "$XXBIN/aarch64-linux-gnu.cmake"
  diff <(TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain) "$XXBIN/aarch64-linux-gnu.cmake"
  grep -qx "set(CMAKE_C_COMPILER \"$XXBIN/aarch64-linux-gnu-clang\")" "$XXBIN/aarch64-linux-gnu.cmake"
  [ -L "$XXBIN/aarch64-linux-gnu-clang" ] || fail "the compiler it names was not made"
  # xx-c++, xx-clang, xx-clang++: the same file.
  for helper in xx-c++ xx-clang xx-clang++; do
    TARGETPLATFORM=linux/arm64 run bare "$XXBIN/$helper" --print-cmake-toolchain-path
    assert_success
    assert_output "$XXBIN/aarch64-linux-gnu.cmake"
  done
  if ls -A "$XXBIN" | grep -q xbuild-tmp; then fail "a temporary file was left: $(ls "$XXBIN")"; fi
}

@test "--print-meson-cross-file-path: <triple>.meson next to xx, the same text as --print-meson-cross-file" {
  TARGETPLATFORM=linux/arm/v7 run bare "$XXBIN/xx-clang" --print-meson-cross-file-path
  assert_success
  assert_output "$XXBIN/arm-linux-gnueabihf.meson"
  diff <(TARGETPLATFORM=linux/arm/v7 "$XXBIN/xx-cc" --print-meson-cross-file) "$XXBIN/arm-linux-gnueabihf.meson"
  grep -qx "c = '$XXBIN/arm-linux-gnueabihf-clang'" "$XXBIN/arm-linux-gnueabihf.meson"
}

@test "the files are rewritten only when their text changes" {
  local f=$XXBIN/aarch64-linux-gnu.cmake before
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain-path
  touch -d '2001-01-01' "$f"
  before=$(stat -c '%i %Y' "$f")
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain-path
  [ "$(stat -c '%i %Y' "$f")" = "$before" ] || fail "rewritten although unchanged"
  echo "# stale" > "$f"
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain-path
  diff <(TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain) "$f"
}

@test "an unwritable folder: a clear error naming the file, non-zero" {
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --setup-target-triple  # the links exist; the file cannot
  let_nobody_in
  TARGETPLATFORM=linux/arm64 run setpriv --reuid=65534 --regid=65534 --clear-groups "$XXBIN/xx-cc" --print-cmake-toolchain-path
  assert_failure 1
  assert_output --partial "cannot write $XXBIN/aarch64-linux-gnu.cmake"
}

@test "no clang, Debian's cross gcc: <triple>-clang and xx-cc run aarch64-linux-gnu-gcc" {
  [ -x /usr/bin/aarch64-linux-gnu-gcc ] || fail "aarch64-linux-gnu-gcc is missing: apt-get install gcc-aarch64-linux-gnu"
  # Only the cross gcc and what it runs (its as/ld) on PATH.
  for t in gcc as ld; do ln -s /usr/bin/aarch64-linux-gnu-$t "$FAKEBIN/aarch64-linux-gnu-$t"; done
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --setup-target-triple
  TARGETPLATFORM=linux/arm64 run bare "$XXBIN/aarch64-linux-gnu-clang" -o hello hello.c
  assert_success
  TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-verify" hello
  assert_success
  TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" --version
  assert_success
  assert_output --partial "aarch64-linux-gnu-gcc"
}

@test "no compiler, no XX_AUTO_INSTALL: the error names the package and XX_AUTO_INSTALL=1; nothing installed" {
  fake_installer
  TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" -c hello.c
  assert_failure 1
  assert_output --partial "gcc-aarch64-linux-gnu"
  assert_output --partial "XX_AUTO_INSTALL=1"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
}

@test "XX_AUTO_INSTALL=1, no compiler: xx-cc installs gcc libc6-dev with xx-apt-get, then compiles" {
  fake_installer
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" -c hello.c
  assert_success
  assert_line "xx-cc: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends gcc libc6-dev"
  assert_line "fake aarch64-linux-gnu-gcc -c hello.c"
  run cat "$LOG"
  assert_output "xx-apt-get install -y --no-install-recommends gcc libc6-dev"
  # Now there is one: no second install.
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" -c hello.c
  assert_success
  [ "$(wc -l < "$LOG")" = 1 ] || fail "installed again: $(cat "$LOG")"
}

@test "XX_AUTO_INSTALL=1: the prefixed clang++ (what the toolchain file names) installs g++" {
  fake_installer
  TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --setup-target-triple
  XX_AUTO_INSTALL=1 run bare "$XXBIN/aarch64-linux-gnu-clang++" -c hello.c
  assert_success
  assert_line "fake aarch64-linux-gnu-g++ -c hello.c"
  run cat "$LOG"
  assert_output "xx-apt-get install -y --no-install-recommends g++ libc6-dev"
}

@test "XX_AUTO_INSTALL=1 cannot: no apt-get or apk, or not root: the reason, nothing run" {
  fake_installer
  rm "$FAKEBIN/apt-get"
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-cc" -c hello.c
  assert_failure 1
  assert_output --partial "neither apt-get nor apk"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
  fake_installer
  let_nobody_in
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$XXBIN/xx-cc" -c hello.c
  assert_failure 1
  assert_output --partial "needs root"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
}

@test "xx-clang needs clang: XX_AUTO_INSTALL=1 does not install gcc for it" {
  fake_installer
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run bare "$XXBIN/xx-clang" -c hello.c
  assert_failure 1
  assert_output --partial "clang not found"
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
}

@test "XX_AUTO_INSTALL=1, a cross gcc but no glibc files for the target (no crt1.o): libc6-dev alone" {
  fake_installer
  [ ! -e /usr/lib/loongarch64-linux-gnu/crt1.o ] && [ ! -e /usr/loongarch64-linux-gnu/lib/crt1.o ] ||
    fail "this machine has loong64's libc6-dev: the test needs it absent"
  printf '#!/bin/sh\necho "fake loongarch64-linux-gnu-gcc $*"\n' > "$FAKEBIN/loongarch64-linux-gnu-gcc"
  chmod +x "$FAKEBIN/loongarch64-linux-gnu-gcc"
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/loong64 run bare "$XXBIN/xx-cc" -o hello hello.c
  assert_success
  assert_line "xx-cc: XX_AUTO_INSTALL=1: running xx-apt-get install -y --no-install-recommends libc6-dev"
  assert_line "fake loongarch64-linux-gnu-gcc -o hello hello.c"
  # Without XX_AUTO_INSTALL nothing is checked or installed: the link says what is missing.
  rm "$LOG"
  TARGETPLATFORM=linux/loong64 run bare "$XXBIN/xx-cc" -o hello hello.c
  assert_success
  [ ! -e "$LOG" ] || fail "installed: $(cat "$LOG")"
}

@test "the prefixed links never replace a real tool of that name (Debian's binutils-<triple> in xx's folder)" {
  # xx in /usr/bin beside binutils-aarch64-linux-gnu: gcc runs /usr/aarch64-linux-gnu/bin/as,
  # a link to /usr/bin/aarch64-linux-gnu-as; replaced by xx, every compile failed.
  printf '#!/bin/sh\necho real as\n' > "$XXBIN/aarch64-linux-gnu-as"
  chmod +x "$XXBIN/aarch64-linux-gnu-as"
  ln -s /bin/true "$XXBIN/aarch64-linux-gnu-ar"
  run env TARGETPLATFORM=linux/arm64 "$XXBIN/xx-cc" --print-cmake-toolchain-path
  assert_success
  run "$XXBIN/aarch64-linux-gnu-as"
  assert_output "real as"
  [ "$(readlink "$XXBIN/aarch64-linux-gnu-ar")" = /bin/true ]
  [ "$(readlink "$XXBIN/aarch64-linux-gnu-clang")" = xx ]
  [ "$(readlink "$XXBIN/aarch64-linux-gnu-pkg-config")" = xx ]
}

#!/usr/bin/env bats
# `xbuild run`, run as a user would: an arm64 C program cross-built with Debian's
# aarch64-linux-gnu-gcc, static and dynamic, run under QEMU with and without --platform; its
# arguments, exit status and output; the errors (another platform, a bad --platform, a missing
# program). Nothing is mocked; a missing prerequisite fails the test with what to install.

bats_require_minimum_version 1.5.0

setup_file() {
  local src=$BATS_FILE_TMPDIR/src
  mkdir -p "$src"
  # Prints the machine it sees and its arguments, one a line; exits with the number its first
  # argument names after `exit`.
  cat > "$src/probe.c" <<'EOF2'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
int main(int argc, char** argv) {
    struct utsname u;
    uname(&u);
    printf("machine %s\n", u.machine);
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "exit") == 0 && i + 1 < argc) return atoi(argv[i + 1]);
        printf("%s\n", argv[i]);
    }
    return 0;
}
EOF2
}

setup() {
  load test_helper
  SRC=$BATS_FILE_TMPDIR/src
  cd "$BATS_TEST_TMPDIR"
}

# need PROGRAM PACKAGE: fail, naming the package, when a prerequisite is missing.
need() {
  command -v "$1" >/dev/null || fail "$1 not found: apt-get install $2 (or run ./x deps)"
}

# arm64 OUT [FLAGS...]: the probe program built for linux/arm64 with Debian's cross gcc.
arm64() {
  local out=$1
  shift
  need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
  need qemu-aarch64-static qemu-user-static
  aarch64-linux-gnu-gcc "$@" -o "$out" "$SRC/probe.c" || fail "aarch64-linux-gnu-gcc failed (gcc-aarch64-linux-gnu)"
}

@test "an arm64 program, static and dynamic, runs under --platform linux/arm64 and without it" {
  local link
  for link in static dynamic; do
    local flags=()
    [ "$link" = static ] && flags=(-static)
    arm64 "probe-$link" "${flags[@]}"
    run xbuild run --platform linux/arm64 -- "./probe-$link" a "b c"
    [ "$status" -eq 0 ] || fail "$link: exited $status: $output"
    assert_output $'machine aarch64\na\nb c'
    run xbuild run -p aarch64 "./probe-$link" -v --platform x   # after the program: the program's
    assert_success
    assert_output $'machine aarch64\n-v\n--platform\nx'
    run xbuild run "./probe-$link"                               # the platform from its headers
    assert_success
    assert_output "machine aarch64"
  done
}

@test "the program's exit status is xbuild run's; -v says the platform and the route" {
  arm64 probe -static
  run -7 xbuild run --platform linux/arm64 ./probe exit 7
  assert_output "machine aarch64"
  run xbuild run -v ./probe
  assert_success
  assert_line --regexp "^xbuild run: \./probe is linux/arm64, run via (qemu|binfmt_misc)$"
  assert_line "machine aarch64"
}

@test "--sysroot is used as given" {
  local cross=/usr/aarch64-linux-gnu/lib
  [ -e $cross/ld-linux-aarch64.so.1 ] || fail "$cross missing: apt-get install libc6-arm64-cross"
  export XX_BINFMT_MISC=$BATS_TEST_TMPDIR/no-binfmt   # the QEMU route, whatever binfmt_misc holds
  arm64 lost -Wl,--dynamic-linker=/lib/ld-nowhere-aarch64.so.1
  mkdir -p root/lib
  ln -s $cross/ld-linux-aarch64.so.1 root/lib/ld-nowhere-aarch64.so.1
  ln -s $cross/libc.so.6 root/lib/libc.so.6
  run -127 xbuild run ./lost
  assert_output --partial "xbuild run: cannot run ./lost (linux/arm64): its loader /lib/ld-nowhere-aarch64.so.1 is in none of"
  run xbuild run --sysroot "$PWD/root" --platform linux/arm64 -- ./lost
  assert_success
  assert_output "machine aarch64"
  run xbuild run -v --sysroot "$PWD/root" ./lost
  assert_success
  assert_output --partial "-L $PWD/root -E LD_LIBRARY_PATH=$PWD/root/lib ./lost"
}

@test "--platform that does not match the binary: 126, naming both platforms" {
  arm64 probe
  run -126 xbuild run --platform linux/riscv64 -- ./probe
  assert_output "xbuild run: cannot run ./probe as linux/riscv64: it is built for linux/arm64 (ELF 64-bit LSB ARM aarch64)"
}

@test "a bad --platform is a usage error (2) naming it and what is valid" {
  arm64 probe -static
  run -2 xbuild run --platform linux/nonsense -- ./probe
  assert_output --partial "xbuild run: --platform: unknown architecture 'nonsense'"
  assert_output --partial "; known: amd64, 386, arm64"
  run -2 xbuild run --platform linux/nonsense ./missing   # checked before the program
  assert_output --partial "unknown architecture 'nonsense'"
}

@test "a missing program gives 127; no program or an unknown option is a usage error" {
  run -127 xbuild run --platform linux/arm64 -- ./missing
  assert_output "xbuild run: ./missing: no such file"
  run -127 xbuild run no-such-command-xbuild
  assert_output "xbuild run: no-such-command-xbuild: command not found"
  run -2 xbuild run
  assert_output --partial "no program"
  run -2 xbuild run --platform linux/arm64 --
  assert_output --partial "no program"
  run -2 xbuild run --frobnicate ./probe
  assert_output "xbuild run: unknown option '--frobnicate' (see xbuild run --help)"
}

@test "what is not a program gives 126; a script runs as it is; a bare name is looked up on PATH" {
  echo "just text" > notes.txt
  chmod +x notes.txt
  run -126 xbuild run ./notes.txt
  assert_output --partial "xbuild run: ./notes.txt: not an ELF, PE or Mach-O binary"
  printf '#!/bin/sh\necho "script $1"\nexit 4\n' > script.sh
  chmod +x script.sh
  run -4 xbuild run -- ./script.sh arg
  assert_output "script arg"
  arm64 probe -static
  mkdir -p bin && cp probe bin/target-tool
  PATH="$PWD/bin:$PATH" run xbuild run target-tool found
  assert_success
  assert_output $'machine aarch64\nfound'
}

@test "--help lists the options and the exit statuses" {
  run xbuild run --help
  assert_success
  assert_output --partial "--platform"
  assert_output --partial "--sysroot"
  assert_output --partial "127 PROGRAM or what it needs"
  run xbuild --help
  assert_output --partial "run"
}

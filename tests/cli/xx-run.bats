#!/usr/bin/env bats
# xx-run, run as a user, CMake, Meson, `go test -exec` and Cargo's runner would: real binaries
# cross-built with xx-clang/xx-c++ for every linux target they build here, static and dynamic,
# with and without threads, run under QEMU; exit statuses and signals; the errors. Nothing is
# mocked; a missing prerequisite fails the test with what to install.

bats_require_minimum_version 1.5.0

setup_file() {
  local src=$BATS_FILE_TMPDIR/src
  mkdir -p "$src"
  # A C++ program that starts a thread: a dynamic one hangs under QEMU without the target's
  # library folder on the loader path.
  cat > "$src/threads.cc" <<'EOF'
#include <sys/utsname.h>
#include <cstdio>
#include <string>
#include <thread>
int main() {
    std::string machine;
    std::thread t([&] { utsname u{}; uname(&u); machine = u.machine; });
    t.join();
    std::printf("thread on %s\n", machine.c_str());
    return 0;
}
EOF
  # Exits 3, or kills itself with the signal its first argument names; `pause` waits for one.
  cat > "$src/status.c" <<'EOF'
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "term") == 0) kill(getpid(), SIGTERM);
    if (argc > 1 && strcmp(argv[1], "pause") == 0) pause();
    return 3;
}
EOF
  # Prints its arguments, one a line.
  cat > "$src/args.c" <<'EOF'
#include <stdio.h>
int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) printf("%s\n", argv[i]);
    return 0;
}
EOF
}

setup() {
  load test_helper
  SRC=$BATS_FILE_TMPDIR/src
  HELLO=$BATS_TEST_DIRNAME/../../examples/c/hello.c
  cd "$BATS_TEST_TMPDIR"
}

# need PROGRAM PACKAGE: fail, naming the package, when a prerequisite is missing.
need() {
  command -v "$1" >/dev/null || fail "$1 not found: apt-get install $2 (or run ./x deps)"
}

# build PLATFORM OUT SOURCE [FLAGS...]: xx-clang (C) or xx-c++ (C++) for PLATFORM.
build() {
  local platform=$1 out=$2 src=$3 cc=xx-clang
  shift 3
  case $src in *.cc) cc=xx-c++ ;; esac
  need clang "clang lld"
  TARGETPLATFORM=$platform "$cc" "$@" -o "$out" "$src" ||
    fail "$cc for $platform failed: needs clang, lld and Debian's cross libc/libstdc++ (./x deps)"
}

# kernel_runs_386: true when this kernel runs 32-bit x86 programs itself (xx-run then runs 386
# binaries natively, under the 32-bit personality); machine-dependent.
kernel_runs_386() {
  local probe="$BATS_TEST_TMPDIR/probe386"
  [ -x "$probe" ] || printf 'int main(void){return 0;}\n' | i686-linux-gnu-gcc -static -x c -o "$probe" - 2>/dev/null
  "$probe" 2>/dev/null
}

# machines PLATFORM: the `uname -m` values a program of PLATFORM may print under QEMU: xx-info
# march, and QEMU's own names where they differ (i686 for 386, armv5tel, mips64 for mips64le).
# A 386 program run natively sees i686 too: xx-run gives it the 32-bit personality.
machines() {
  local march
  march=$(TARGETPLATFORM=$1 xx-info march) || fail "xx-info march failed for $1"
  case $1 in
    linux/386) echo "$march i686" ;;
    linux/arm/v5) echo "$march armv5tel" ;;
    linux/mips64le) echo "$march mips64" ;;
    *) echo "$march" ;;
  esac
}

# assert_machine PLATFORM PREFIX: the output is "PREFIX <machine>", a machine of PLATFORM.
assert_machine() {
  local platform=$1 prefix=$2 got m
  got=${output#"$prefix "}
  for m in $(machines "$platform"); do [ "$got" = "$m" ] && return 0; done
  fail "$platform printed '$output', expected '$prefix' and one of: $(machines "$platform")"
}

# check_target PLATFORM: hello.c and threads.cc, dynamic and static, each run by `xx-run ./prog`.
# TARGETPLATFORM is set throughout, as in a Dockerfile's build stage.
check_target() {
  local p=$1 link
  need qemu-aarch64-static qemu-user-static
  export TARGETPLATFORM=$p
  for link in dynamic static; do
    local flags=()
    [ "$link" = static ] && flags=(-static)
    build "$p" "hello-$link" "$HELLO" "${flags[@]}"
    build "$p" "threads-$link" "$SRC/threads.cc" "${flags[@]}"
    run timeout 60 xx-run "./hello-$link"
    [ "$status" -eq 0 ] || fail "$p $link: xx-run ./hello exited $status: $output"
    assert_machine "$p" "hello from"
    run timeout 60 xx-run "./threads-$link"
    [ "$status" -eq 0 ] || fail "$p $link: xx-run ./threads exited $status (124: hung): $output"
    assert_machine "$p" "thread on"
  done
  unset TARGETPLATFORM
}

@test "linux/arm64: hello and threads, dynamic and static" { check_target linux/arm64; }
@test "linux/arm/v7: hello and threads, dynamic and static" { check_target linux/arm/v7; }
@test "linux/arm/v6: hello and threads, dynamic and static" { check_target linux/arm/v6; }
@test "linux/arm/v5: hello and threads, dynamic and static" { check_target linux/arm/v5; }
@test "linux/riscv64: hello and threads, dynamic and static" { check_target linux/riscv64; }
@test "linux/ppc64le: hello and threads, dynamic and static" { check_target linux/ppc64le; }
@test "linux/s390x: hello and threads, dynamic and static" { check_target linux/s390x; }
@test "linux/mips64le: hello and threads, dynamic and static" { check_target linux/mips64le; }
@test "linux/386: hello and threads, dynamic and static (QEMU when the kernel runs no 32-bit code)" {
  check_target linux/386
}

@test "linux/386 run natively by a 64-bit kernel: uname -m says i686, as on the target (PER_LINUX32)" {
  kernel_runs_386 || fail "this kernel runs no 32-bit x86 code (CONFIG_IA32_EMULATION); the test needs one that does"
  build linux/386 hello-386 "$HELLO" -static
  run xx-run --verbose ./hello-386
  assert_success
  assert_line --partial "run via native"
  assert_line "hello from i686"
}

@test "the platform comes from the binary's header alone" {
  local p linker
  for p in linux/arm64 linux/arm/v7 linux/arm/v6 linux/arm/v5 linux/riscv64 linux/ppc64le linux/s390x \
           linux/mips64le linux/386; do
    # lld keeps the C runtime's Tag_CPU_arch (v5TE) on armv6 code; GNU ld records armv6.
    linker=; [ "$p" = linux/arm/v6 ] && linker=ld
    XX_CC_PREFER_LINKER=$linker build "$p" "hello-${p//\//-}" "$HELLO" -static
    run env -u TARGETPLATFORM xx-run -v "./hello-${p//\//-}"
    [ "$status" -eq 0 ] || fail "$p: exited $status: $output"
    [[ "$output" == *"is $p, run via"* ]] || fail "$p: not recognised from its header: $output"
    output=$(printf '%s\n' "$output" | grep '^hello from')
    assert_machine "$p" "hello from"
  done
}

@test "an amd64 binary runs directly, with its exit status" {
  build linux/amd64 status "$SRC/status.c"
  run -3 xx-run -v ./status
  assert_output --partial "run via native"
}

@test "exit status and signals pass through unchanged (exec, no child process)" {
  build linux/arm64 status "$SRC/status.c"
  run -3 xx-run ./status
  run -143 xx-run ./status term   # 128 + SIGTERM, as a shell reports it
  # A signal sent to xx-run reaches the program: xx-run has become QEMU, same process.
  xx-run ./status pause &
  local pid=$! exe=""
  for _ in $(seq 50); do
    exe=$(readlink "/proc/$pid/exe" || true)
    [[ "$exe" == *qemu-aarch64* ]] && break
    sleep 0.1
  done
  [[ "$exe" == *qemu-aarch64* ]] || fail "xx-run's process is '$exe', not QEMU"
  sleep 0.3
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  assert_equal "$rc" 143
}

@test "options before the program (CMake, Meson); none at all (go test -exec, Cargo); -- optional" {
  build linux/arm64 args "$SRC/args.c"
  run xx-run --platform linux/arm64 ./args a "b c"          # CMAKE_CROSSCOMPILING_EMULATOR
  assert_success
  assert_output $'a\nb c'
  run xx-run --platform=aarch64 -- ./args -v --platform x    # after the program: the program's
  assert_success
  assert_output $'-v\n--platform\nx'
  run xx-run ./args -test.v -test.run=TestX                   # go test -exec xx-run
  assert_success
  assert_output $'-test.v\n-test.run=TestX'
  mkdir -p bin && cp args bin/target-tool
  PATH="$PWD/bin:$PATH" run xx-run target-tool found         # a bare name: looked up on PATH
  assert_success
  assert_output "found"
}

@test "--verbose prints the QEMU command with the sysroot and library path" {
  # No binfmt_misc handlers (an e2e engine may have registered them): the QEMU route itself.
  export XX_BINFMT_MISC=$BATS_TEST_TMPDIR/no-binfmt
  build linux/arm64 hello "$HELLO"
  run xx-run -v ./hello
  assert_success
  assert_output --regexp "qemu-aarch64(-static)? -L [^ ]+ -E LD_LIBRARY_PATH=[^ ]+ \./hello"
  assert_output --partial "hello from aarch64"
  build linux/arm/v6 hello6 "$HELLO" -static
  TARGETPLATFORM=linux/arm/v6 run xx-run -v ./hello6
  assert_success
  assert_output --partial "-cpu arm1176"
  assert_output --partial "hello from armv6l"
}

@test "--sysroot is used as given" {
  local cross=/usr/aarch64-linux-gnu/lib
  [ -e $cross/ld-linux-aarch64.so.1 ] || fail "$cross missing: apt-get install libc6-arm64-cross"
  export XX_BINFMT_MISC=$BATS_TEST_TMPDIR/no-binfmt   # the QEMU route, whatever binfmt_misc holds
  build linux/arm64 hello "$HELLO"
  run xx-run -v --sysroot /usr/aarch64-linux-gnu/ ./hello
  assert_success
  assert_output --partial "-L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=$cross ./hello"
  # A binary whose loader only a root of our own has: found through --sysroot alone.
  build linux/arm64 lost "$HELLO" -Wl,--dynamic-linker=/lib/ld-nowhere-aarch64.so.1
  mkdir -p root/lib
  ln -s $cross/ld-linux-aarch64.so.1 root/lib/ld-nowhere-aarch64.so.1
  ln -s $cross/libc.so.6 root/lib/libc.so.6
  run -127 xx-run ./lost
  run xx-run -v --sysroot "$PWD/root" ./lost
  assert_success
  assert_output --partial "-L $PWD/root -E LD_LIBRARY_PATH=$PWD/root/lib ./lost"
  assert_output --partial "hello from aarch64"
}

@test "--platform that does not match the binary fails clearly" {
  build linux/arm64 hello "$HELLO"
  run -126 xx-run --platform linux/riscv64 ./hello
  assert_output "xx-run: cannot run ./hello as linux/riscv64: it is built for linux/arm64 (ELF 64-bit LSB ARM aarch64)"
  run -125 xx-run --platform linux/nonsense ./hello
  assert_output --partial "unknown architecture 'nonsense'"
}

@test "a missing emulator is named with the Debian package" {
  build linux/riscv64 hello "$HELLO" -static
  mkdir -p no-binfmt   # binfmt_misc as when not mounted, whatever this machine has registered
  run -127 env PATH="$XX_BIN" XX_BINFMT_MISC="$PWD/no-binfmt" xx-run ./hello
  assert_output "xx-run: cannot run ./hello (linux/riscv64): qemu-riscv64-static not found; install Debian's qemu-user-static (or qemu-user; on Alpine: apk add qemu-riscv64)"
}

@test "a dynamic binary whose loader is in no sysroot says what to install" {
  build linux/arm64 lost "$HELLO" -Wl,--dynamic-linker=/lib/ld-nowhere-aarch64.so.1
  run -127 xx-run ./lost
  assert_output --partial "its loader /lib/ld-nowhere-aarch64.so.1 is in none of /aarch64-alpine-linux-musl, /usr/aarch64-linux-gnu, /"
  assert_output --partial "libc6-arm64-cross"
}

@test "what is not a binary, or not there, gives a clear error" {
  echo "just text" > notes.txt
  chmod +x notes.txt
  run -126 xx-run ./notes.txt
  assert_output --partial "./notes.txt: not an ELF, PE or Mach-O binary"
  run -127 xx-run ./missing
  assert_output "xx-run: ./missing: no such file"
  run -127 xx-run no-such-command-xbuild
  assert_output "xx-run: no-such-command-xbuild: command not found"
  TARGETPLATFORM=linux/arm64 xx-clang -c -o obj.o "$HELLO"
  run -126 xx-run ./obj.o
  assert_output --partial "an object file, not a program"
}

@test "a script runs as it is" {
  printf '#!/bin/sh\necho "script $1"\nexit 4\n' > script.sh
  chmod +x script.sh
  run -4 xx-run ./script.sh arg
  assert_output "script arg"
}

@test "usage: --help, no program, unknown options" {
  run xx-run --help
  assert_success
  assert_output --partial "Usage: xx-run [--platform P] [--sysroot DIR]"
  assert_output --partial "127 when PROGRAM or what it"
  run -125 xx-run
  run -125 xx-run --frobnicate ./x
  assert_output --partial "unknown option '--frobnicate'"
}

@test "windows: wine64 when installed, else the package to install" {
  need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
  TARGETPLATFORM=windows/amd64 xx-cc -o hello.exe "$HELLO" || fail "xx-cc for windows/amd64 failed (gcc-mingw-w64-x86-64)"
  if command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ] || command -v wine >/dev/null; then
    run xx-run ./hello.exe
    assert_success
    assert_output --partial "hello from windows"
  else
    run -127 xx-run ./hello.exe
    assert_output "xx-run: cannot run ./hello.exe (windows/amd64): wine64 not found; install Debian's wine64 (apt-get install wine64)"
  fi
}

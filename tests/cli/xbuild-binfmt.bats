#!/usr/bin/env bats
# `xbuild binfmt`, run as a user would, on a binfmt_misc the test mounts itself: each test runs
# in `unshare -Urm` (a user and mount namespace; since Linux 6.7 binfmt_misc is per user
# namespace, so a binfmt_misc mounted there is private and empty, and what it registers affects
# only processes of that namespace). There: the status before, --install (which mounts
# binfmt_misc itself, registers and probes), a static arm64 C program run directly through the
# handler, --uninstall of one name and of all, the usage errors; and as a non-root user the
# refusal. The host's binfmt_misc is compared before and after. Nothing is mocked; a missing
# prerequisite fails the test with what to install.

bats_require_minimum_version 1.5.0

BM=/proc/sys/fs/binfmt_misc

# What of the host's binfmt_misc these tests could change if the namespace leaked: its entries
# besides the e2e engine's (qemu-aarch64 and qemu-arm, which another process may register and
# remove meanwhile) and every entry whose interpreter is a qemu-*-static (what xbuild registers).
host_binfmt_state() {
  local f
  for f in "$BM"/*; do
    [ -e "$f" ] || continue
    case ${f##*/} in register | status | qemu-aarch64 | qemu-arm) ;; *) echo "entry ${f##*/}" ;; esac
    grep -q '^interpreter .*/qemu-[^/]*-static$' "$f" 2>/dev/null && echo "static ${f##*/}"
  done
  return 0
}

setup_file() {
  command -v unshare > /dev/null || skip "unshare (util-linux) is missing"
  [ -x /usr/bin/qemu-aarch64-static ] || { echo "apt-get install qemu-user-static" >&2; return 1; }
  command -v aarch64-linux-gnu-gcc > /dev/null || { echo "apt-get install gcc-aarch64-linux-gnu" >&2; return 1; }
  local src=$BATS_FILE_TMPDIR
  cat > "$src/machine.c" << 'EOF2'
#include <stdio.h>
#include <sys/utsname.h>
int main(void) {
    struct utsname u;
    uname(&u);
    printf("%s\n", u.machine);
    return 0;
}
EOF2
  aarch64-linux-gnu-gcc -static -O2 -o "$src/machine-arm64" "$src/machine.c"
  host_binfmt_state > "$BATS_FILE_TMPDIR/host-before"
}

setup() {
  load test_helper
  XBUILD="$XX_BIN/xbuild"
}

# in_namespace SCRIPT: runs bash SCRIPT as root of a new user + mount namespace, whose
# /proc/sys/fs/binfmt_misc starts unmounted (an inherited mount of the host's is covered first).
in_namespace() {
  unshare -Urm bash -euc "
    if [ -e $BM/register ]; then mount -t tmpfs tmpfs $BM; fi
    XBUILD='$XBUILD'; BIN='$BATS_FILE_TMPDIR'
    $1"
}

@test "xbuild binfmt: install, run, uninstall in a private binfmt_misc" {
  run -0 in_namespace '
    echo "== before"; $XBUILD binfmt
    echo "== install"; $XBUILD binfmt --install arm64,riscv64 2>&1
    echo "== entry"; cat /proc/sys/fs/binfmt_misc/qemu-aarch64
    echo "== run"; "$BIN/machine-arm64"
    echo "== uninstall one"; $XBUILD binfmt --uninstall qemu-aarch64 2>&1
    echo "== listing"; ls /proc/sys/fs/binfmt_misc
    echo "== uninstall all"; $XBUILD binfmt --install arm64 >/dev/null 2>&1; $XBUILD binfmt --uninstall all 2>&1
    echo "== listing after"; ls /proc/sys/fs/binfmt_misc'
  echo "$output"
  local before=${output%%== install*}
  assert [ "$(sed -n '/"emulators"/,$p' <<< "$before" | tr -d ' \n')" = '"emulators":[]}' ]
  [[ $before != *linux/arm64* ]]
  assert_output --partial "linux/arm64: installed qemu-aarch64 (/usr/bin/qemu-aarch64-static)"
  assert_output --partial "linux/riscv64: installed qemu-riscv64 (/usr/bin/qemu-riscv64-static)"
  assert_output --partial '"linux/arm64",'
  assert_output --partial '"qemu-riscv64"'
  assert_output --partial "interpreter /usr/bin/qemu-aarch64-static"
  assert_output --partial "flags: F"
  assert_output --partial "magic 7f454c460201010000000000000000000200b700"
  assert_output --partial "mask ffffffffffffff00fffffffffffffffffeffffff"
  assert_output --partial $'== run\naarch64\n== uninstall one'
  assert_output --partial "uninstalled qemu-aarch64"
  local listing=${output#*== listing$'\n'}
  listing=${listing%%== uninstall all*}
  assert_equal "$listing" $'qemu-riscv64\nregister\nstatus\n'
  assert_output --partial $'uninstalled qemu-aarch64\nxbuild binfmt: uninstalled qemu-riscv64'
  assert_output --partial $'== listing after\nregister\nstatus'
  # a platform names its handler too
  run -0 in_namespace '$XBUILD binfmt --install riscv64 >/dev/null 2>&1; $XBUILD binfmt --uninstall linux/riscv64 2>&1'
  assert_output --partial "uninstalled qemu-riscv64"
}

@test "xbuild binfmt: a second --install skips what is registered and what is native" {
  run -0 in_namespace '
    $XBUILD binfmt --install linux/arm64 > /dev/null 2>&1
    $XBUILD binfmt --install aarch64,amd64,386 2>&1 >/dev/null'
  assert_output --partial "linux/arm64: skipped, already registered as qemu-aarch64"
  assert_output --partial "linux/amd64: skipped, this machine runs it natively"
  assert_output --partial "linux/386: skipped, this machine runs it natively"
}

@test "xbuild binfmt: --uninstall all leaves entries xbuild did not register" {
  run -0 in_namespace '
    $XBUILD binfmt --install arm64 > /dev/null 2>&1
    printf ":other:E::zz::/bin/true:" > /proc/sys/fs/binfmt_misc/register
    $XBUILD binfmt --uninstall all'
  assert_output --partial '"emulators": [
    "other"
  ]'
}

@test "xbuild binfmt: a handler whose probe fails is removed again" {
  # An interpreter found first on PATH that runs nothing: the probe exits 3 through it.
  mkdir -p "$BATS_TEST_TMPDIR/fake"
  printf '#!/bin/sh\nexit 3\n' > "$BATS_TEST_TMPDIR/fake/qemu-riscv64-static"
  chmod 755 "$BATS_TEST_TMPDIR/fake/qemu-riscv64-static"
  run -1 in_namespace "PATH='$BATS_TEST_TMPDIR/fake':\$PATH \$XBUILD binfmt --install riscv64,arm64 2>&1"
  assert_output --partial "linux/riscv64: failed, the probe binary did not run through qemu-riscv64; removed it again"
  assert_output --partial "linux/arm64: installed qemu-aarch64"
  assert_output --partial '"emulators": [
    "qemu-aarch64"
  ]'
}

@test "xbuild binfmt: unknown names exit 2 and say which" {
  run -2 in_namespace '$XBUILD binfmt --install arm64,nonsense'
  assert_output --partial "--install: unknown platform 'nonsense'; valid: all, "
  assert_output --partial "linux/riscv64"
  run -2 in_namespace '$XBUILD binfmt --uninstall qemu-nonsense'
  assert_output --partial "no binfmt_misc entry named 'qemu-nonsense'"
}

@test "xbuild binfmt: --install and --uninstall need root" {
  if [ "$(id -u)" = 0 ]; then
    run -1 setpriv --reuid 65534 --regid 65534 --clear-groups "$XBUILD" binfmt --install arm64
  else
    run -1 "$XBUILD" binfmt --install arm64
  fi
  assert_output --partial "--install needs root"
}

@test "xbuild binfmt: the host's binfmt_misc is as it was" {
  host_binfmt_state > "$BATS_FILE_TMPDIR/host-after"
  run -0 diff "$BATS_FILE_TMPDIR/host-before" "$BATS_FILE_TMPDIR/host-after"
}

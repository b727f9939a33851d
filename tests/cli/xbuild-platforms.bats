#!/usr/bin/env bats
# `xbuild platforms`, run as a user would on this machine: the machine's own platform native,
# arm64 cross-built with the Go and the cross gcc ./x installs, what is missing named with its
# install command when a toolchain is off PATH, JSON that parses, a bad --platform refused, and
# a QEMU handler (in a binfmt_misc of the test's own, in a user namespace) seen as emulation.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  cd "$BATS_TEST_TMPDIR"
  # No builder of the user's: this machine alone, unless a test makes one.
  export XBUILD_CONFIG_DIR=$BATS_TEST_TMPDIR/config
}

# The line of PLATFORM in the table just printed.
row_of() { grep -E "^$1 " <<<"$output"; }

@test "the machine's own platform is native, arm64 is cross-built with Go and C" {
  command -v go >/dev/null || fail "go not found: apt-get install golang-go (or run ./x deps)"
  command -v aarch64-linux-gnu-gcc >/dev/null || fail "gcc-aarch64-linux-gnu missing (run ./x deps)"
  run xbuild platforms
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  local host
  host=$(sed -n 's/^this machine: //p' <<<"$output")
  [ -n "$host" ] || fail "no 'this machine:' line: $output"
  [[ "$(row_of "$host")" =~ ^$host\ +native\  ]] || fail "host $host not native: $(row_of "$host")"
  [[ "$(row_of linux/arm64)" =~ ^linux/arm64\ +(cross|native)\ +yes\ +(yes|-)\ +yes ]] ||
    fail "linux/arm64: $(row_of linux/arm64)"
  # Every row of the table is listed by default.
  row_of linux/riscv64 >/dev/null || fail "no linux/riscv64 row"
  row_of windows/amd64 >/dev/null || fail "no windows/amd64 row"
}

@test "--platform narrows the table, and a toolchain off PATH is named with what installs it" {
  local bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  # A PATH with the C compilers but no go and no rustc.
  local p
  for p in clang ld.lld aarch64-linux-gnu-gcc; do
    command -v "$p" >/dev/null && ln -s "$(command -v "$p")" "$bin/$p"
  done
  run env PATH="$bin:/usr/sbin:/sbin" "$XX_BIN/xbuild" platforms --platform linux/arm64,linux/riscv64
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  [ "$(grep -c '^linux/' <<<"$output")" -eq 2 ] || fail "expected 2 rows: $output"
  [[ "$(row_of linux/arm64)" =~ ^linux/arm64\ +cross\ +-\ +-\ +yes ]] || fail "linux/arm64: $(row_of linux/arm64)"
  assert_output --partial "apt-get install golang-go"
  assert_output --partial "apt-get install rustc cargo"
}

@test "--format json parses and says how each platform is built" {
  run xbuild platforms --format json -p linux/arm64
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  python3 - "$output" <<'EOF' || fail "bad JSON: $output"
import json, sys
doc = json.loads(sys.argv[1])
assert doc["machine"].startswith("linux/"), doc
[p] = doc["platforms"]
assert p["platform"] == "linux/arm64", p
assert p["built"] in ("native", "cross", "emulated", "missing"), p
for part in ("go", "rust", "c", "emulation"):
    assert isinstance(p[part]["found"], bool), (part, p)
    assert p[part]["found"] or "detail" in p[part], (part, p)
EOF
}

@test "with a builder, each platform names the node xbuild build sends it to" {
  xbuild builder create duo --node unix:///nonexistent/one.sock --platform linux/amd64 --use
  xbuild builder create duo --append --node tcp://192.0.2.1:2375 --platform linux/arm64
  run xbuild platforms -p linux/amd64,linux/arm64,linux/riscv64
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  assert_output --partial "builder duo: duo0 (linux/amd64) duo1 (linux/arm64)"
  [[ "$(row_of linux/arm64)" =~ duo1\ native$ ]] || fail "linux/arm64: $(row_of linux/arm64)"
  [[ "$(row_of linux/riscv64)" =~ duo0\ cross$ ]] || fail "linux/riscv64: $(row_of linux/riscv64)"
  run xbuild platforms --format json -p linux/arm64
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["builder"]=="duo"; assert d["platforms"][0]["node"]=={"name":"duo1","native":True}, d' "$output" ||
    fail "json: $output"
  # --builder docker: this machine alone again; an unknown builder is refused.
  run xbuild platforms --builder docker -p linux/arm64
  [ "$status" -eq 0 ] && refute_output --partial "duo1" || fail "--builder docker: $output"
  run xbuild platforms --builder nope
  [ "$status" -eq 2 ] || fail "exited $status: $output"
  assert_output --partial "no such builder: nope"
}

@test "a bad --platform is refused, naming it" {
  run xbuild platforms --platform linux/armm64
  [ "$status" -eq 2 ] || fail "exited $status: $output"
  assert_output --partial "armm64"
}

@test "a registered QEMU handler is emulation, and what has no toolchain is emulated" {
  command -v unshare >/dev/null || fail "unshare not found: apt-get install util-linux"
  local qemu
  qemu=$(command -v qemu-riscv64-static) || fail "qemu-riscv64-static not found: apt-get install qemu-user-static"
  # A binfmt_misc of our own (user namespaces have their own since Linux 6.7): nothing of the
  # machine's handlers is read or changed.
  cat > script.sh <<EOF
set -e
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
printf '%s' ':qemu-riscv64:M:0:\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$qemu:F' > /proc/sys/fs/binfmt_misc/register
PATH=/nonexistent "$XX_BIN/xbuild" platforms -p linux/riscv64,linux/s390x
EOF
  run unshare -Urm bash script.sh
  [ "$status" -eq 0 ] || fail "exited $status: $output"
  [[ "$(row_of linux/riscv64)" =~ ^linux/riscv64\ +emulated\ .*qemu-riscv64$ ]] || fail "riscv64: $(row_of linux/riscv64)"
  [[ "$(row_of linux/s390x)" =~ ^linux/s390x\ +missing\  ]] || fail "s390x: $(row_of linux/s390x)"
  assert_output --partial "xbuild binfmt --install s390x"
}

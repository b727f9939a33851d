#!/usr/bin/env bats
# The clang configuration files xx-clang writes as the xx shell helper does, and plain `clang`
# run through them: xx installed in a fake root's /usr/bin (XX_ROOT), as `COPY --from=xx / /`
# puts it, so <triple>.cfg, /etc/llvm/xx-default.cfg and the /usr/local/bin/clang links land
# in that root. A fake clang records the arguments it gets; one test compiles for real.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset XX_CC_PREFER_LINKER XX_CC_PREFER_STATIC_LINKER XX_CC_PREFER_COMPILER
  cd "$BATS_TEST_TMPDIR"
  export XX_ROOT=$BATS_TEST_TMPDIR/root
  mkdir -p "$XX_ROOT/etc" "$XX_ROOT/usr/bin" "$XX_ROOT/usr/lib/llvm-99/bin" "$XX_ROOT/usr/local/bin"
  cp /etc/os-release "$XX_ROOT/etc/os-release"
  cp "$XX_BIN/xx" "$XX_ROOT/usr/bin/xx"
  "$XX_ROOT/usr/bin/xx" --install-links "$XX_ROOT/usr/bin"
  # The fake clang lives where Debian's does (/usr/lib/llvm-N/bin) behind a /usr/bin link.
  for tool in clang clang++; do
    printf '#!/bin/sh\necho "%s $*"\n' "$tool" > "$XX_ROOT/usr/lib/llvm-99/bin/$tool"
    chmod +x "$XX_ROOT/usr/lib/llvm-99/bin/$tool"
    ln -s "../lib/llvm-99/bin/$tool" "$XX_ROOT/usr/bin/$tool"
  done
  FAKEBIN=$BATS_TEST_TMPDIR/fakebin
  mkdir -p "$FAKEBIN"
  ln -s /usr/bin/ld.lld "$FAKEBIN/ld.lld"
  # The root's folders, the fakes, and the few system commands the tests use (/usr/bin has the
  # real clang, lld and cross ld, so it is not on PATH).
  SYSBIN=$BATS_TEST_TMPDIR/sysbin
  mkdir -p "$SYSBIN"
  for cmd in sh cat readlink rm env chmod; do ln -s "$(command -v "$cmd")" "$SYSBIN/$cmd"; done
  export PATH="$XX_ROOT/usr/local/bin:$XX_ROOT/usr/bin:$FAKEBIN:$SYSBIN"
}

native_triple() { TARGETPLATFORM= xx-info triple; }

@test "--setup-target-triple: <triple>.cfg beside the real clang, linked from /usr/bin; nothing system-wide for a cross target" {
  run env TARGETPLATFORM=linux/arm64 xx-clang --setup-target-triple
  assert_success
  assert_output ""
  [ "$(cat "$XX_ROOT/usr/lib/llvm-99/bin/aarch64-linux-gnu.cfg")" = "--target=aarch64-linux-gnu -fuse-ld=lld" ]
  [ "$(readlink "$XX_ROOT/usr/bin/aarch64-linux-gnu.cfg")" = "$XX_ROOT/usr/lib/llvm-99/bin/aarch64-linux-gnu.cfg" ]
  [ "$(readlink "$XX_ROOT/usr/bin/aarch64-linux-gnu-clang")" = xx ]
  [ ! -e "$XX_ROOT/etc/llvm/xx-default.cfg" ] || fail "a cross target wrote xx-default.cfg"
  [ "$(readlink "$XX_ROOT/usr/local/bin/clang")" = "$XX_ROOT/usr/bin/xx" ]
  [ "$(readlink "$XX_ROOT/usr/local/bin/clang++")" = "$XX_ROOT/usr/bin/xx" ]
}

@test "--print-target-triple for the native target: the triple, and xx-default.cfg with its linker" {
  run xx-clang --print-target-triple
  assert_success
  assert_output "$(native_triple)"
  [ "$(cat "$XX_ROOT/etc/llvm/xx-default.cfg")" = "-fuse-ld=lld" ]
  [ "$(cat "$XX_ROOT/usr/bin/$(native_triple).cfg")" = "--target=$(native_triple) -fuse-ld=lld" ]
}

@test "plain clang: --target=T reads <triple>.cfg, no target reads xx-default.cfg, --config is the user's alone" {
  TARGETPLATFORM=linux/arm64 xx-clang --setup-target-triple
  xx-clang --setup-target-triple
  run clang --target=aarch64-linux-gnu -c hello.c
  assert_success
  assert_output "clang --config $XX_ROOT/usr/bin/aarch64-linux-gnu.cfg --target=aarch64-linux-gnu -c hello.c"
  run clang++ -target aarch64-linux-gnu -c hello.cc
  assert_output "clang++ --config $XX_ROOT/usr/bin/aarch64-linux-gnu.cfg -target aarch64-linux-gnu -c hello.cc"
  run clang -c hello.c
  assert_output "clang --config $XX_ROOT/etc/llvm/xx-default.cfg -c hello.c"
  run clang --config my.cfg --target=aarch64-linux-gnu -c hello.c
  assert_output "clang --config my.cfg --target=aarch64-linux-gnu -c hello.c"
  # A target never set up: the real clang as it is.
  run clang --target=riscv64-linux-gnu -c hello.c
  assert_output "clang --target=riscv64-linux-gnu -c hello.c"
}

@test "--wrap: plain clang compiles for the target environment; --unwrap: back to the native clang" {
  export TARGETPLATFORM=linux/arm64
  run xx-clang --wrap
  assert_success
  [ -e "$XX_ROOT/.xx-cc-autowrap" ]
  run clang --print-target-triple
  assert_success
  assert_output "aarch64-linux-gnu"
  run clang -c hello.c
  assert_output --partial "clang --target=aarch64-linux-gnu"
  run xx-clang --unwrap
  assert_success
  [ ! -e "$XX_ROOT/.xx-cc-autowrap" ]
  run clang --print-target-triple
  assert_output "clang --print-target-triple"
}

@test "no clang: xx-clang --print-target-triple fails with 'clang not found' and writes nothing" {
  rm "$XX_ROOT/usr/bin/clang" "$XX_ROOT/usr/bin/clang++"
  run xx-clang --print-target-triple
  assert_failure
  assert_output --partial "clang not found"
  [ ! -e "$XX_ROOT/etc/llvm/xx-default.cfg" ]
  [ ! -e "$XX_ROOT/usr/bin/$(native_triple).cfg" ]
}

@test "no linker for the target: --setup-target-triple names what to install, exit 1" {
  rm "$FAKEBIN/ld.lld"
  run env TARGETPLATFORM=linux/arm64 xx-clang --setup-target-triple
  assert_failure
  assert_output --partial "no suitable linker found for aarch64-linux-gnu"
  assert_output --partial "binutils-aarch64-linux-gnu"
}

@test "GNU ld where lld cannot serve or is not wanted: its absolute path in the .cfg" {
  printf '#!/bin/sh\n' > "$FAKEBIN/powerpc64le-linux-gnu-ld"
  printf '#!/bin/sh\n' > "$FAKEBIN/s390x-linux-gnu-ld"
  chmod +x "$FAKEBIN"/*-ld
  TARGETPLATFORM=linux/ppc64le XX_CC_PREFER_STATIC_LINKER=1 xx-clang --setup-target-triple
  [ "$(cat "$XX_ROOT/usr/bin/powerpc64le-linux-gnu.cfg")" = "--target=powerpc64le-linux-gnu -fuse-ld=$FAKEBIN/powerpc64le-linux-gnu-ld" ]
  TARGETPLATFORM=linux/ppc64le xx-clang --setup-target-triple
  [ "$(cat "$XX_ROOT/usr/bin/powerpc64le-linux-gnu.cfg")" = "--target=powerpc64le-linux-gnu -fuse-ld=lld" ]
  TARGETPLATFORM=linux/s390x xx-clang --setup-target-triple
  [ "$(cat "$XX_ROOT/usr/bin/s390x-linux-gnu.cfg")" = "--target=s390x-linux-gnu -fuse-ld=$FAKEBIN/s390x-linux-gnu-ld" ]
}

@test "windows and darwin: the .cfg carries mingw's folders, the macOS SDK and ld64" {
  TARGETPLATFORM=windows/amd64 xx-clang --setup-target-triple
  [ "$(cat "$XX_ROOT/usr/bin/x86_64-w64-mingw32.cfg")" = "--target=x86_64-w64-mingw32 -fuse-ld=lld -I/usr/x86_64-w64-mingw32/include -L/usr/x86_64-w64-mingw32/lib" ]
  TARGETPLATFORM=darwin/arm64 xx-clang --setup-target-triple
  [ "$(cat "$XX_ROOT/usr/bin/arm64-apple-macos11.0.cfg")" = "--target=arm64-apple-macos11.0 -fuse-ld=ld64 -isysroot /xx-sdk/MacOSX11.1.sdk -stdlib=libc++" ]
  printf '#!/bin/sh\n' > "$FAKEBIN/ld64.signed"
  chmod +x "$FAKEBIN/ld64.signed"
  TARGETPLATFORM=darwin/arm64 xx-clang --setup-target-triple
  assert_equal "$(cat "$XX_ROOT/usr/bin/arm64-apple-macos11.0.cfg")" "--target=arm64-apple-macos11.0 -fuse-ld=$FAKEBIN/ld64.signed -isysroot /xx-sdk/MacOSX11.1.sdk -stdlib=libc++"
}

@test "binutils link straight to llvm-<tool> where it sits beside xx (windows dlltool)" {
  printf '#!/bin/sh\n' > "$XX_ROOT/usr/bin/llvm-dlltool"
  chmod +x "$XX_ROOT/usr/bin/llvm-dlltool"
  TARGETPLATFORM=windows/arm64 xx-clang --setup-target-triple
  [ "$(readlink "$XX_ROOT/usr/bin/aarch64-w64-mingw32-dlltool")" = llvm-dlltool ]
  [ "$(readlink "$XX_ROOT/usr/bin/aarch64-w64-mingw32-ar")" = xx ]
}

@test "for real: plain clang --target=\$(xx-clang --print-target-triple) builds an arm64 program" {
  rm "$XX_ROOT/usr/bin/clang" "$XX_ROOT/usr/bin/clang++"
  export PATH="$XX_ROOT/usr/local/bin:$XX_ROOT/usr/bin:/usr/bin:/bin"
  printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' > hello.c
  triple=$(TARGETPLATFORM=linux/arm64 xx-clang --print-target-triple)
  [ "$triple" = aarch64-linux-gnu ]
  # Debian's clang is not under the fake root: the .cfg is a file in xx's folder.
  [ "$(cat "$XX_ROOT/usr/bin/aarch64-linux-gnu.cfg")" = "--target=aarch64-linux-gnu -fuse-ld=lld" ]
  run clang --target="$triple" -o hello hello.c
  assert_success
  run env TARGETPLATFORM=linux/arm64 xx-verify hello
  assert_success
  run qemu-aarch64-static -L /usr/aarch64-linux-gnu ./hello
  assert_output hello
}

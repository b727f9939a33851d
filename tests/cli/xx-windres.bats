#!/usr/bin/env bats
# xx-windres: GNU windres over llvm-rc + llvm-cvtres. The command lines it runs (XX_WINDRES_DRYRUN=1
# prints them), its errors, and real resources: an .rc compiled to a .syso and a .res, the .syso
# linked into a Windows program by mingw-w64's gcc and checked with xx-verify; failed runs leave
# neither an output nor a temporary file behind.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset CC XX_WINDRES_DRYRUN XX_TMP_FILE_FIXED
  cd "$BATS_TEST_TMPDIR"
  # Temporary files go here, so a test can see that none is left.
  export TMPDIR=$BATS_TEST_TMPDIR/tmp
  mkdir -p "$TMPDIR"
}

need_llvm() {
  command -v llvm-rc >/dev/null && command -v llvm-cvtres >/dev/null \
    || fail "llvm-rc/llvm-cvtres are missing: apt-get install llvm"
}

# no_leftovers DIR: nothing in $TMPDIR, and no staged output (.NAME.xx-windres-*) in DIR.
no_leftovers() {
  [ -z "$(ls -A "$TMPDIR")" ] || fail "temporary files left: $(ls -A "$TMPDIR")"
  if ls -A "$1" | grep -q xx-windres; then fail "a staged output was left: $(ls -A "$1")"; fi
}

# A resource script with a version block, a string table (its text from a -D define) and a
# binary file found beside the script (llvm-rc's -I is the script's folder).
write_rc() {
  mkdir -p res
  printf 'payload' > res/payload.bin
  cat > res/app.rc <<'EOF'
#define VERSION_ID 1
#ifndef RC_INVOKED
#error not preprocessed for rc
#endif
VERSION_ID VERSIONINFO
FILEVERSION 2,0,1,0
PRODUCTVERSION 2,0,1,0
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "ProductName", "windres test"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
STRINGTABLE
BEGIN
  7 GREETING
END
42 RCDATA "payload.bin"
EOF
}

@test "--version, -V, --help" {
  run xx-windres --version
  assert_success
  assert_output "xx-windres 0.1"
  run xx-windres -V
  assert_success
  assert_output "xx-windres 0.1"
  run --separate-stderr xx-windres --help
  assert_success
  assert_output ""
  [[ "$stderr" == *"Usage: xx-windres"* ]] || fail "no usage on stderr: $stderr"
}

@test "invalid arguments: the shell helper's messages, exit status 1" {
  run xx-windres -bogus app.rc
  assert_failure 1
  assert_output "invalid option -bogus"
  run xx-windres --input-format=xml app.rc app.o
  assert_failure 1
  assert_output "invalid input format xml"
  run xx-windres -O elf app.rc app.o
  assert_failure 1
  assert_output "invalid output format elf"
  run xx-windres -F pe-sparc app.rc app.o
  assert_failure 1
  assert_output "invalid target pe-sparc for xx-windres"
  run xx-windres app.rc -o
  assert_failure 1
  assert_output "error: argument to -o is missing"
  run xx-windres --target "" app.rc
  assert_failure 1
  assert_output "error: argument to --target is missing"
  run xx-windres one.rc two.o three
  assert_failure 1
  assert_output "too many arguments"
  # The default target must be a windows CPU; one outside the table is xx-info's error.
  TARGETPLATFORM=linux/s390x run xx-windres app.rc app.o
  assert_failure 1
  assert_output "invalid target s390x-linux-gnu for xx-windres"
  TARGETPLATFORM=plan9/amd64 run xx-windres app.rc app.o
  assert_failure 1
  assert_output --partial "unsupported target: os=plan9"
}

@test "llvm-rc or llvm-cvtres missing: said, exit status 1" {
  mkdir bin
  ln -s "$XX_BIN/xx" bin/xx-windres
  run env PATH="$PWD/bin" xx-windres -F pe-x86-64 app.rc app.o
  assert_failure 1
  assert_output --partial "llvm-rc not installed"
  run env PATH="$PWD/bin" xx-windres -F pe-x86-64 app.res app.o
  assert_failure 1
  assert_output --partial "llvm-cvtres not installed"
}

@test "dry run: .rc to a COFF object, options before and after the file name" {
  need_llvm
  export XX_WINDRES_DRYRUN=1 XX_TMP_FILE_FIXED=$BATS_TEST_TMPDIR/scratch TARGETPLATFORM=windows/386 CC=gcc
  run xx-windres --input=src/ver.rc -v -I inc --include-path=/opt/inc -DVERSION=3 -U DEBUG ver.o --language 0x409 -r
  assert_success
  assert_output - <<EOF
gcc -E -xc -D RC_INVOKED=1 -Iinc -I/opt/inc -D VERSION=3 -U DEBUG -o $XX_TMP_FILE_FIXED src/ver.rc
llvm-rc -L 0x409 -fo ${XX_TMP_FILE_FIXED}_ -I src $XX_TMP_FILE_FIXED
llvm-cvtres -machine:X86 -out:ver.o ${XX_TMP_FILE_FIXED}_
EOF
  [ ! -e "$XX_TMP_FILE_FIXED" ] || fail "a dry run made a file"
}

@test "dry run: --preprocessor, -O coff for an output with no extension, --codepage, CC" {
  need_llvm
  export XX_WINDRES_DRYRUN=1 XX_TMP_FILE_FIXED=/tmp/wr TARGETPLATFORM=windows/amd64 CC=gcc
  run xx-windres --preprocessor x86_64-w64-mingw32-cpp -O coff --define=MAJOR=1 -c65001 --preprocessor-arg=-P icons.rc icons
  assert_success
  assert_output - <<EOF
x86_64-w64-mingw32-cpp -E -xc -D RC_INVOKED=1 -D MAJOR=1 -P -o /tmp/wr icons.rc
llvm-rc -C 65001 -fo /tmp/wr_ -I . /tmp/wr
llvm-cvtres -machine:X64 -out:icons /tmp/wr_
EOF
  # A CC with arguments is split at spaces, as GNU windres splits its preprocessor command.
  CC="ccache gcc" run xx-windres icons.rc icons.o
  assert_success
  assert_line --index 0 "ccache gcc -E -xc -D RC_INVOKED=1 -o /tmp/wr icons.rc"
}

@test "dry run: a .res output is copied; -F picks the machine; no clang means gcc" {
  need_llvm
  export XX_WINDRES_DRYRUN=1 XX_TMP_FILE_FIXED=/tmp/wr TARGETPLATFORM=windows/arm64
  run xx-windres -DLANG=en /srv/ui/menu.rc menu.res
  assert_success
  assert_output - <<EOF
clang -E -xc -D RC_INVOKED=1 -D LANG=en -o /tmp/wr /srv/ui/menu.rc
llvm-rc -fo /tmp/wr_ -I /srv/ui /tmp/wr
cp /tmp/wr_ menu.res
EOF
  run xx-windres -Fpe-i386 -- -menu.res -menu.o
  assert_success
  assert_output "llvm-cvtres -machine:X86 -out:-menu.o -menu.res"
  # A PATH with the llvm tools but no clang: gcc preprocesses.
  mkdir bin
  ln -s "$XX_BIN/xx" bin/xx-windres
  ln -s "$(command -v llvm-rc)" bin/llvm-rc
  run env PATH="$PWD/bin" xx-windres menu.rc menu.res
  assert_success
  assert_line --index 0 "gcc -E -xc -D RC_INVOKED=1 -o /tmp/wr menu.rc"
}

@test "-F: BFD targets and triples name the windows rows' machines" {
  need_llvm
  export XX_WINDRES_DRYRUN=1
  while read -r target machine; do
    run xx-windres -F "$target" in.res out.o
    assert_success
    assert_output "llvm-cvtres -machine:$machine -out:out.o in.res"
  done <<EOF
pe-x86-64 X64
pei-x86-64 X64
x86_64-w64-mingw32 X64
pe-i386 X86
i686-w64-mingw32 X86
i586-alpine-linux-musl X86
pe-arm-wince-little ARM
armv7-w64-mingw32 ARM
armv6-linux-gnueabi ARM
pe-aarch64-little ARM64
aarch64-w64-mingw32 ARM64
arm64-apple-darwin ARM64
EOF
}

@test "the default target comes from TARGETPLATFORM (xx-info's triple)" {
  need_llvm
  export XX_WINDRES_DRYRUN=1
  for pair in windows/amd64:X64 windows/386:X86 windows/arm:ARM windows/arm64:ARM64 linux/arm64:ARM64; do
    TARGETPLATFORM=${pair%:*} run xx-windres in.res out.o
    assert_success
    assert_output "llvm-cvtres -machine:${pair#*:} -out:out.o in.res"
  done
  TARGETPAIR=windows-arm64 run xx-windres in.res out.o
  assert_output "llvm-cvtres -machine:ARM64 -out:out.o in.res"
}

@test "real: .rc to a windows/amd64 .syso, linked by mingw-w64 gcc, checked by xx-verify" {
  need_llvm
  command -v x86_64-w64-mingw32-gcc >/dev/null || fail "x86_64-w64-mingw32-gcc is missing: apt-get install gcc-mingw-w64-x86-64"
  write_rc
  export TARGETPLATFORM=windows/amd64
  mkdir out
  run xx-windres -D 'GREETING="hello from xx-windres"' -i res/app.rc -o out/app.syso
  assert_success
  assert_output ""
  no_leftovers out
  run file out/app.syso
  assert_output --partial "COFF object"
  run llvm-readobj --file-headers out/app.syso
  assert_line "Format: COFF-x86-64"
  assert_line "Arch: x86_64"
  run llvm-readobj --coff-resources out/app.syso
  assert_output --partial "Type: VERSIONINFO (ID 16)"
  assert_output --partial "Type: STRINGTABLE (ID 6)"
  assert_output --partial "Type: RCDATA (ID 10)"

  cat > main.c <<'EOF'
#include <windows.h>
int main(void) {
  char text[64];
  return LoadStringA(GetModuleHandleA(NULL), 7, text, sizeof text) > 0 ? 0 : 1;
}
EOF
  x86_64-w64-mingw32-gcc -o hello.exe main.c out/app.syso
  run xx-verify hello.exe
  assert_success
  run llvm-readobj --coff-resources hello.exe
  assert_output --partial "Type: STRINGTABLE (ID 6)"
  strings -el hello.exe | grep -qx "hello from xx-windres" || fail "the string table's text is not in hello.exe"
  strings -el hello.exe | grep -qx "windres test" || fail "the version block is not in hello.exe"
}

@test "real: .res output, then .res to a windows/arm64 object, and to standard output" {
  need_llvm
  write_rc
  run xx-windres -D GREETING='"resource text"' res/app.rc app.res
  assert_success
  no_leftovers .
  # Every .res starts with an empty resource entry: sizes 0 and 0x20, type and name 0xffff 0.
  [ "$(od -An -tx1 -N16 app.res | xargs)" = "00 00 00 00 20 00 00 00 ff ff 00 00 ff ff 00 00" ] \
    || fail "app.res is not a .res file: $(od -An -tx1 -N16 app.res)"
  strings -el app.res | grep -qx "resource text" || fail "the define did not reach the string table"
  TARGETPLATFORM=windows/arm64 run xx-windres app.res app.o
  assert_success
  run llvm-readobj --file-headers app.o
  assert_line "Format: COFF-ARM64"
  xx-windres -D GREETING='"resource text"' -O res res/app.rc > stdout.res
  cmp app.res stdout.res
  no_leftovers .
}

@test "a failed run leaves no output and no temporary file; an old output stays as it was" {
  need_llvm
  printf 'STRINGTABLE\nBEGIN\n  1 "unterminated\n' > bad.rc
  run xx-windres -F pe-x86-64 bad.rc bad.syso
  assert_failure
  assert_output --partial "xx-windres: llvm-rc failed"
  [ ! -e bad.syso ] || fail "bad.syso was written"
  no_leftovers .
  echo old > kept.syso
  run xx-windres -F pe-x86-64 bad.rc kept.syso
  assert_failure
  [ "$(cat kept.syso)" = old ] || fail "kept.syso was changed"
  # The preprocessor failing: the same.
  printf '#error stop here\n' > stop.rc
  run xx-windres -F pe-x86-64 stop.rc stop.syso
  assert_failure
  [ ! -e stop.syso ] || fail "stop.syso was written"
  no_leftovers .
  # XX_TMP_FILE_FIXED names are removed too.
  write_rc
  XX_TMP_FILE_FIXED=$BATS_TEST_TMPDIR/fixed run xx-windres -DGREETING='"x"' -F pe-x86-64 res/app.rc fixed.syso
  assert_success
  [ ! -e fixed ] && [ ! -e fixed_ ] || fail "the fixed temporary files were left: $(ls)"
}

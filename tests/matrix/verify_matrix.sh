#!/usr/bin/env bash
# verify_matrix.sh BIN_DIR: xx-verify against real binaries, cross-compiled here for every
# platform Debian's compilers (and clang + lld) can build.
#
# For each build, dynamic and static, and each platform of the platform table (asked from the
# binary itself): accepted, silently, for its own platform (and amd64 for amd64/v2..v4, arm/v7
# for arm/v8, arm/v5 (v5TE, Debian armel's baseline) for arm/v6); rejected with "built for <its
# platform> ..., expected <target>" for every other.
# --static and XX_VERIFY_STATIC accept the static build and reject the dynamic one. Then
# hostile inputs: a text file, an empty file, a truncated ELF, a directory, a missing file.
#
# A missing compiler is a failure naming the Debian package, never a skip. Prints one line per
# case and ends with "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

bin=${1:?usage: verify_matrix.sh BIN_DIR (e.g. build/bin)}
verify="$bin/xx-verify"
[ -x "$verify" ] || { echo "verify_matrix: no $verify (build first)" >&2; exit 2; }
verify=$(cd "$(dirname "$verify")" && pwd)/xx-verify
here=$(cd "$(dirname "$0")" && pwd)
hello="$here/../../examples/c/hello.c"

unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT XX_VERIFY_STATIC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ ! -f "$hello" ]; then
  hello="$work/hello.c"
  cat >"$hello" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
fi

passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

# verify_as PLATFORM ARGS...: runs xx-verify for PLATFORM; sets rc and out (stderr and stdout).
verify_as() {
  local platform=$1
  shift
  rc=0
  out=$(TARGETPLATFORM=$platform "$verify" "$@" 2>&1) || rc=$?
  out=${out//"$work/"/}
}

# expect_accept NAME PLATFORM ARGS...
expect_accept() {
  local name=$1
  shift
  verify_as "$@"
  if [ "$rc" = 0 ] && [ -z "$out" ]; then pass "$name"; else fail "$name: exit $rc: $out"; fi
}

# expect_reject NAME NEEDLE PLATFORM ARGS...: exit 1, one line containing NEEDLE, no crash.
expect_reject() {
  local name=$1 needle=$2
  shift 2
  verify_as "$@"
  if [ "$rc" = 1 ] && [[ "$out" == *"$needle"* ]] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
    pass "$name: $out"
  else
    fail "$name: exit $rc, wanted one line with '$needle': $out"
  fi
}

# --- the platforms of the table, from xx-verify's own message for an unknown target ----------
known() { TARGETPLATFORM=$1 "$verify" /dev/null 2>&1 || true; }
oses=$(known nosuchos/x | sed -n 's/.*(known operating systems: \(.*\))$/\1/p')
targets=()
for os in ${oses//,/ }; do
  list=$(known "$os/nosucharch" | sed -n "s/.*(known for $os: \(.*\))\$/\1/p")
  for p in ${list//,/ }; do targets+=("$os/$p"); done
done
if [ "${#targets[@]}" -lt 10 ]; then
  fail "reading the platform table from xx-verify: got '${targets[*]}'"
fi

# --- the builds ---------------------------------------------------------------------------
# platform | kind | compiler | flags | Debian packages it needs
#   c      hello.c with a cross gcc; static with -static
#   mingw  hello.c with MinGW gcc; the dynamic build imports libwinpthread-1.dll
#   pe     a freestanding program with clang + lld; the dynamic build imports its own DLL
#   macho  a freestanding program with clang + ld64.lld (dynamic only: lld cannot link static)
builds=(
  "linux/amd64|c|x86_64-linux-gnu-gcc||gcc libc6-dev (gcc-x86-64-linux-gnu on other hosts)"
  "linux/386|c|i686-linux-gnu-gcc||gcc-i686-linux-gnu libc6-dev-i386-cross"
  "linux/arm64|c|aarch64-linux-gnu-gcc||gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
  "linux/arm/v5|c|arm-linux-gnueabi-gcc||gcc-arm-linux-gnueabi libc6-dev-armel-cross"
  "linux/arm/v6|c|arm-linux-gnueabi-gcc|-march=armv6 -marm|gcc-arm-linux-gnueabi libc6-dev-armel-cross"
  "linux/arm/v7|c|arm-linux-gnueabihf-gcc||gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
  "linux/arm/v8|c|arm-linux-gnueabihf-gcc|-march=armv8-a -mfpu=neon-fp-armv8|gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
  "linux/riscv64|c|riscv64-linux-gnu-gcc||gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"
  "linux/ppc64le|c|powerpc64le-linux-gnu-gcc||gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross"
  "linux/s390x|c|s390x-linux-gnu-gcc||gcc-s390x-linux-gnu libc6-dev-s390x-cross"
  "linux/mips|c|mips-linux-gnu-gcc||gcc-mips-linux-gnu libc6-dev-mips-cross"
  "linux/mipsle|c|mipsel-linux-gnu-gcc||gcc-mipsel-linux-gnu libc6-dev-mipsel-cross"
  "linux/mips64|c|mips64-linux-gnuabi64-gcc||gcc-mips64-linux-gnuabi64 libc6-dev-mips64-cross"
  "linux/mips64le|c|mips64el-linux-gnuabi64-gcc||gcc-mips64el-linux-gnuabi64 libc6-dev-mips64el-cross"
  "windows/amd64|mingw|x86_64-w64-mingw32-gcc|-Wl,-u,pthread_self|gcc-mingw-w64-x86-64"
  "windows/386|mingw|i686-w64-mingw32-gcc|-Wl,-u,_pthread_self|gcc-mingw-w64-i686"
  "windows/arm64|pe|clang|--target=aarch64-w64-mingw32|clang lld"
  "windows/arm/v7|pe|clang|--target=armv7-w64-mingw32|clang lld"
  "darwin/amd64|macho|clang|--target=x86_64-apple-macos10.13|clang lld"
  "darwin/arm64|macho|clang|--target=arm64-apple-macos11|clang lld"
)
# Table platforms without a build of their own, and why.
declare -A no_build=(
  [linux/amd64/v2]="the linux/amd64 build stands for it"
  [linux/amd64/v3]="the linux/amd64 build stands for it"
  [linux/amd64/v4]="the linux/amd64 build stands for it"
  [linux/loong64]="Debian bookworm has no loongarch64 cross gcc, and clang 14 no LoongArch backend"
  [freebsd/amd64]="no FreeBSD sysroot in Debian"
  [freebsd/arm64]="no FreeBSD sysroot in Debian"
)

cat >lib.c <<'EOF'
__declspec(dllexport) int hello_answer(void) { return 42; }
int DllMainCRTStartup(void *h, unsigned reason, void *p) { (void)h; (void)reason; (void)p; return 1; }
EOF
cat >app.c <<'EOF'
#ifdef USE_DLL
__declspec(dllimport) int hello_answer(void);
#else
static int hello_answer(void) { return 42; }
#endif
int start_here(void) { return hello_answer() == 42 ? 0 : 1; }
EOF

declare -A dyn=() static=()
# build PLATFORM KIND CC FLAGS PACKAGES: sets dyn[PLATFORM] and static[PLATFORM] to the binaries.
build() {
  local p=$1 kind=$2 cc=$3 flags=$4 pkgs=$5 dir="$work/${1//\//-}" log
  if ! command -v "$cc" >/dev/null; then
    fail "build $p: $cc not found: apt-get install $pkgs"
    return
  fi
  mkdir -p "$dir"
  log="$dir/build.log"
  # shellcheck disable=SC2086
  case $kind in
    c)
      $cc $flags -O2 -o "$dir/hello" "$hello" >"$log" 2>&1 &&
        $cc $flags -O2 -static -o "$dir/hello-static" "$hello" >>"$log" 2>&1 ;;
    mingw)
      $cc $flags -O2 -o "$dir/hello.exe" "$hello" -lpthread >"$log" 2>&1 &&
        $cc $flags -O2 -static -o "$dir/hello-static.exe" "$hello" -lpthread >>"$log" 2>&1 ;;
    pe)
      $cc $flags -nostdlib -fuse-ld=lld -shared -Wl,--entry=DllMainCRTStartup \
        -Wl,--out-implib="$dir/libhello.dll.a" -o "$dir/libhello.dll" lib.c >"$log" 2>&1 &&
        $cc $flags -nostdlib -fuse-ld=lld -Wl,--entry=start_here -DUSE_DLL -o "$dir/hello.exe" app.c \
          "$dir/libhello.dll.a" >>"$log" 2>&1 &&
        $cc $flags -nostdlib -fuse-ld=lld -Wl,--entry=start_here -o "$dir/hello-static.exe" app.c >>"$log" 2>&1 ;;
    macho)
      $cc $flags -nostdlib -fuse-ld=lld -Wl,-e,_start_here -o "$dir/hello" app.c >"$log" 2>&1 ;;
  esac || {
    fail "build $p: $cc $flags failed (are $pkgs installed?): $(grep -m1 -i 'error' "$log" || tail -n1 "$log")"
    return
  }
  local ext=""
  case $kind in mingw | pe) ext=.exe ;; esac
  dyn[$p]="$dir/hello$ext"
  [ "$kind" = macho ] || static[$p]="$dir/hello-static$ext"
  pass "build $p ($cc $flags)"
}

for b in "${builds[@]}"; do
  IFS='|' read -r p kind cc flags pkgs <<<"$b"
  build "$p" "$kind" "$cc" "$flags" "$pkgs"
done

# Every platform of the table is built, or says why not.
for t in "${targets[@]}"; do
  built=false
  for b in "${builds[@]}"; do [ "${b%%|*}" = "$t" ] && built=true; done
  if $built; then continue; fi
  if [ -n "${no_build[$t]:-}" ]; then
    printf 'note  no build for %s: %s\n' "$t" "${no_build[$t]}"
  else
    fail "no build for table platform $t: add one to tests/matrix/verify_matrix.sh"
  fi
done

# --- each binary against each platform -----------------------------------------------------
accepts() {  # accepts BUILT TARGET
  [ "$1" = "$2" ] && return 0
  [ "$1" = linux/amd64 ] && [[ "$2" == linux/amd64/v* ]] && return 0
  [ "$1" = linux/arm/v7 ] && [ "$2" = linux/arm/v8 ] && return 0
  [ "$1" = linux/arm/v5 ] && [ "$2" = linux/arm/v6 ] && return 0  # older code, same ABI
  return 1
}
for b in "${builds[@]}"; do
  p=${b%%|*}
  for file in ${dyn[$p]:-} ${static[$p]:-}; do
    name=${file#"$work"/}
    for t in "${targets[@]}"; do
      if accepts "$p" "$t"; then
        expect_accept "$name for $t: accepted" "$t" "$file"
      else
        expect_reject "$name for $t" "built for $p (" "$t" "$file"
        [[ "$out" == *"expected $t" ]] || fail "$name for $t: message does not end in 'expected $t': $out"
      fi
    done
  done
done

# --- static or dynamic -----------------------------------------------------------------------
for b in "${builds[@]}"; do
  p=${b%%|*}
  [ -n "${dyn[$p]:-}" ] || continue
  name=${dyn[$p]#"$work"/}
  case $p in
    windows/*) needle="not statically linked (imports " ;;
    *) needle="not statically linked (" ;;
  esac
  expect_reject "$name --static" "$needle" "$p" --static "${dyn[$p]}"
  rc=0
  out=$(TARGETPLATFORM=$p XX_VERIFY_STATIC=1 "$verify" "${dyn[$p]}" 2>&1) || rc=$?
  out=${out//"$work/"/}
  if [ "$rc" = 1 ] && [[ "$out" == *"$needle"* ]]; then pass "$name XX_VERIFY_STATIC=1: $out"; else fail "$name XX_VERIFY_STATIC=1: exit $rc: $out"; fi
  if [ -n "${static[$p]:-}" ]; then
    expect_accept "${static[$p]#"$work"/} --static: accepted" "$p" --static "${static[$p]}"
  fi
done

# --- several files, universal binaries ---------------------------------------------------------
if [ -n "${dyn[linux/arm64]:-}" ] && [ -n "${dyn[linux/riscv64]:-}" ]; then
  expect_reject "three files, one wrong: one line for it" "linux-riscv64/hello: built for linux/riscv64" \
    linux/arm64 "${dyn[linux/arm64]}" "${dyn[linux/riscv64]}" "${static[linux/arm64]}"
fi
lipo=$(command -v llvm-lipo || command -v llvm-lipo-14 || true)
if [ -z "$lipo" ]; then
  fail "universal binary: llvm-lipo not found: apt-get install llvm"
elif [ -n "${dyn[darwin/amd64]:-}" ] && [ -n "${dyn[darwin/arm64]:-}" ]; then
  if "$lipo" -create "${dyn[darwin/amd64]}" "${dyn[darwin/arm64]}" -output universal >lipo.log 2>&1; then
    expect_accept "universal binary for darwin/amd64: accepted" darwin/amd64 universal
    expect_accept "universal binary for darwin/arm64: accepted" darwin/arm64 universal
    expect_reject "universal binary for linux/arm64" "built for darwin/amd64, darwin/arm64 (Mach-O universal binary" \
      linux/arm64 universal
  else
    fail "universal binary: $lipo failed: $(tail -n1 lipo.log)"
  fi
fi

# --- hostile inputs and usage ----------------------------------------------------------------
printf '#!/bin/sh\necho not a binary\n' >script.sh
: >empty
mkdir adir
if [ -n "${dyn[linux/amd64]:-}" ]; then
  head -c 100 "${dyn[linux/amd64]}" >truncated
else
  printf '\177ELF\002\001\001' >truncated
fi
expect_reject "text file" 'script.sh: not an ELF, PE or Mach-O binary (starts with "#!/bin/sh")' linux/amd64 script.sh
expect_reject "empty file" "empty: not an ELF, PE or Mach-O binary (empty file)" linux/amd64 empty
expect_reject "truncated ELF" "truncated: " linux/amd64 truncated
[[ "$out" == *"beyond end of file"* || "$out" == *"truncated ELF header"* ]] ||
  fail "truncated ELF: message does not say it is truncated: $out"
expect_reject "directory" "adir: is a directory" linux/amd64 adir
expect_reject "missing file" "file nosuchfile does not exist" linux/amd64 nosuchfile
expect_reject "unsupported target" "unsupported target: os=linux arch=nosuch" linux/nosuch script.sh
verify_as linux/amd64
if [ "$rc" = 1 ] && [[ "$out" == Usage:* ]]; then pass "no arguments: usage, exit 1"; else fail "no arguments: exit $rc: $out"; fi
verify_as linux/amd64 --help
if [ "$rc" = 0 ] && [[ "$out" == Usage:* ]]; then pass "--help: usage, exit 0"; else fail "--help: exit $rc: $out"; fi

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

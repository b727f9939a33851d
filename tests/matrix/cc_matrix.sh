#!/usr/bin/env bash
# hello.c and hello.cc cross-compiled with xx-clang/xx-clang++ and with the gcc path
# (XX_CC_PREFER_COMPILER=gcc xx-cc/xx-c++), dynamic and -static, for every Linux target Debian
# bookworm serves here; each binary is checked by xx-verify and run with xx-run (QEMU), and must
# print the target's `uname -m`. Windows binaries (mingw-w64) are checked by xx-verify.
# Usage: tests/matrix/cc_matrix.sh BIN_DIR
set -uo pipefail
bin=$(cd "${1:?usage: cc_matrix.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$bin:$PATH"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT XX_CC_PREFER_COMPILER XX_CC_PREFER_LINKER
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# linux/loong64, mips, mipsle and mips64 are in the platform table but not here: bookworm has no
# loong64 cross toolchain, and Debian's mips/mipsle/mips64 cross g++ are not installed by ./x
# (their C builds are covered by verify_matrix).
platforms=(linux/amd64 linux/amd64/v2 linux/386 linux/arm64 linux/arm/v7 linux/arm/v6 linux/arm/v5
           linux/riscv64 linux/ppc64le linux/s390x linux/mips64le)
# QEMU's `uname -m` for CPUs whose kernel name differs from xx-info march.
declare -A qemu_uname=([linux/386]=i686 [linux/arm/v5]=armv5tel [linux/mips64le]=mips64)
# A kernel with 32-bit x86 support runs 386 binaries itself (xx-run probes for it): under the
# 32-bit personality xx-run gives them, they see i686 there too.
source "$(dirname "$0")/steps.bash"

for p in "${platforms[@]}"; do
  export TARGETPLATFORM=$p
  march=$(xx-info march)
  want="hello from ${qemu_uname[$p]:-$march}"
  for compiler in clang gcc; do
    for lang in c cc; do
      for link in dynamic static; do
        name="$p $compiler $lang $link"
        out="$work/${p//\//-}-$compiler-$lang-$link"
        src="$here/../../examples/c/hello.c"; cc=xx-clang
        [ "$lang" = cc ] && { src="$here/hello.cc"; cc=xx-clang++; }
        if [ "$compiler" = gcc ]; then
          cc=xx-cc; [ "$lang" = cc ] && cc=xx-c++
          export XX_CC_PREFER_COMPILER=gcc
        fi
        flags=(-O2); [ "$link" = static ] && flags+=(-static)
        if ! err=$("$cc" "${flags[@]}" -o "$out" "$src" 2>&1); then
          unset XX_CC_PREFER_COMPILER
          fail "$name: $cc failed: $err"; continue
        fi
        unset XX_CC_PREFER_COMPILER
        verify=(xx-verify); [ "$link" = static ] && verify+=(--static)
        if ! err=$("${verify[@]}" "$out" 2>&1); then fail "$name: ${verify[*]}: $err"; continue; fi
        got=$(timeout 60 xx-run "$out" 2>&1)
        if [ "$got" = "$want" ]; then pass "$name: $got"; else fail "$name: xx-run printed '$got', expected '$want'"; fi
      done
    done
  done
done

# The gcc path for a variant must still produce that variant (arm/v6 is not Debian armel's default).
export TARGETPLATFORM=linux/arm/v6
if XX_CC_PREFER_COMPILER=gcc xx-cc -o "$work/v6" "$here/../../examples/c/hello.c" 2>/dev/null &&
   refused=$(TARGETPLATFORM=linux/arm/v5 xx-verify "$work/v6" 2>&1; true) &&
   [[ $refused == *'built for linux/arm/v6'* ]]; then
  pass "arm/v6 gcc build is armv6 code, refused for arm/v5"
else
  fail "arm/v6 gcc build is not told apart from arm/v5"
fi

for p in windows/amd64 windows/386; do
  export TARGETPLATFORM=$p
  for lang in c cc; do
    # Debian's default mingw-w64 threading model (win32) has no std::thread: hello.c as C++.
    cc=(xx-cc); [ "$lang" = cc ] && cc=(xx-c++ -x c++)
    out="$work/${p//\//-}-$lang.exe"
    if ! err=$("${cc[@]}" -O2 -static -o "$out" "$here/../../examples/c/hello.c" 2>&1); then fail "$p $lang: ${cc[*]} failed: $err"; continue; fi
    if err=$(xx-verify --static "$out" 2>&1); then pass "$p $lang: xx-verify --static"; else fail "$p $lang: $err"; fi
  done
done
unset TARGETPLATFORM

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

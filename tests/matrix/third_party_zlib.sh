#!/usr/bin/env bash
# A real third-party project from Debian's source packages: zlib (`apt-get source zlib`, with a
# deb-src index kept in a temporary folder so the machine's apt set-up is not touched),
# cross-built for linux/arm64 with its own build (`CHOST=<triple> CC=<triple>-clang ./configure`,
# the autotools-style --host convention zlib's configure spells CHOST); its own test program
# (example) runs under QEMU through xx-run, and minigzip round-trips a file.
# Usage: tests/matrix/third_party_zlib.sh BIN_DIR
set -uo pipefail
bin=$(cd "${1:?usage: third_party_zlib.sh BIN_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$bin:$PATH"
unset TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT
export TARGETPLATFORM=linux/arm64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in apt-get dpkg-source make; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (./x deps installs dpkg-dev and make)"; exit 1; }
done

source "$(dirname "$0")/steps.bash"

source "$(dirname "$0")/debsrc.bash"
if src=$(fetch_debian_source zlib "$work/src"); then
  pass "apt-get source zlib: $(basename "$src")"
else
  fail "apt-get source zlib"
  echo "$passed passed, $failed failed"; exit 1
fi

triple=$(xx-clang --print-target-triple)
xx-clang --setup-target-triple
if (cd "$src" && CHOST=$triple CC=$triple-clang ./configure >"$work/cfg.log" 2>&1 && make -j2 >"$work/build.log" 2>&1); then
  pass "zlib $(basename "$src") cross-built for $TARGETPLATFORM: CHOST=$triple CC=$triple-clang ./configure && make"
else
  fail "zlib cross build"; tail -n 30 "$work/cfg.log" "$work/build.log"
fi
mkdir -p "$work/build" && cp "$src/minigzip" "$src/example" "$src/examplesh" "$work/build/" 2>/dev/null
if xx-verify "$work/build/minigzip" "$work/build/example" 2>&1; then pass "xx-verify: zlib's programs are $TARGETPLATFORM"; else fail "xx-verify"; fi
if out=$(cd "$src" && xx-run ./example 2>&1) && echo "$out" | grep -q "inflate with dictionary"; then
  pass "zlib's own test program (example) under xx-run: $(echo "$out" | tail -n1)"
else
  fail "zlib's example: $out"
fi
printf 'cross compiled, natively fast\n%.0s' {1..200} > "$work/text"
if xx-run "$work/build/minigzip" < "$work/text" > "$work/text.gz" &&
   xx-run "$work/build/minigzip" -d < "$work/text.gz" | cmp -s - "$work/text"; then
  pass "minigzip (arm64, under QEMU) compresses and restores $(stat -c %s "$work/text") bytes"
else
  fail "minigzip round trip"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

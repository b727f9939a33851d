#!/usr/bin/env bash
# Go for linux/arm64, measured in one run:
#  1. cross vs emulated: examples/go built from an empty build cache (as in a fresh Docker build
#     stage) by `xx-go build` on this machine, and by Debian's arm64 Go toolchain
#     (golang-1.19-go:arm64, unpacked, not installed) running under qemu-aarch64, its compiler
#     and linker too (go build -toolexec). Go 1.19 ships the target's standard library
#     precompiled only for its own architecture, so the emulated build starts with it and the
#     cross one compiles it: both as a fresh Docker stage would. Then both with `-a` (the same
#     compile work: every package, the standard library included). Prints times and ratios.
#  2. wrapper overhead: `xx-go build` vs `GOOS=linux GOARCH=arm64 go build` by hand, warm cache
#     (the repeated build a developer runs) and empty cache, alternating round by round.
# Usage: bench/go_build.sh BIN_DIR   (./x bench; BENCH_GO_RUNS sets the rounds, default 3)
set -euo pipefail
bin=$(cd "${1:?usage: bench/go_build.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
runs=${BENCH_GO_RUNS:-3}
for tool in go hyperfine qemu-aarch64-static dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./x deps installs it)" >&2; exit 1; }
done
[ -d /usr/aarch64-linux-gnu/lib ] || { echo "bench: the arm64 libc for QEMU is missing: apt-get install libc6-arm64-cross" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOOS GOARCH GOARM TARGETPLATFORM

echo "== unpacking Debian's arm64 Go toolchain (golang-1.19-go:arm64, golang-1.19-src)"
source "$top/tests/matrix/debpkgs.bash"
debpkgs_init "$work/apt" amd64 arm64
debpkgs_unpack "$work/arm64" golang-1.19-go:arm64 golang-1.19-src:all
goroot="$work/arm64/usr/lib/go-1.19"
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
echo "arm64 go under QEMU: $("${qemu[@]}" "$goroot/bin/go" version)"

cd "$top/examples/go"
fresh() { rm -rf "$work/cache"; mkdir -p "$work/cache"; }
echo
echo "== 1. examples/go for linux/arm64 from an empty build cache: cross (xx-go) vs emulated arm64 Go"
hyperfine --runs "$runs" --prepare "rm -rf $work/cache" \
  -n "cross: TARGETPLATFORM=linux/arm64 xx-go build" \
  "env GOCACHE=$work/cache TARGETPLATFORM=linux/arm64 $bin/xx-go build -o $work/server-cross ." \
  --export-json "$work/cross.json"
hyperfine --runs 1 --prepare "rm -rf $work/cache" \
  -n "emulated: arm64 go build under qemu-aarch64 (compile/link via -toolexec)" \
  "env GOCACHE=$work/cache GOROOT=$goroot ${qemu[*]} $goroot/bin/go build -toolexec '${qemu[*]}' -o $work/server-emulated ." \
  --export-json "$work/emulated.json"
hyperfine --runs 1 --prepare "rm -rf $work/cache" -n "cross, go build -a" \
  "env GOCACHE=$work/cache TARGETPLATFORM=linux/arm64 $bin/xx-go build -a -o $work/server-cross ." \
  --export-json "$work/cross-a.json"
hyperfine --runs 1 --prepare "rm -rf $work/cache" -n "emulated, go build -a" \
  "env GOCACHE=$work/cache GOROOT=$goroot ${qemu[*]} $goroot/bin/go build -a -toolexec '${qemu[*]}' -o $work/server-emulated ." \
  --export-json "$work/emulated-a.json"
TARGETPLATFORM=linux/arm64 "$bin/xx-verify" "$work/server-cross" "$work/server-emulated"
echo "both binaries: $("$bin/xx-run" "$work/server-cross" -selftest) / $("$bin/xx-run" "$work/server-emulated" -selftest)"

echo
echo "== 2. wrapper overhead: xx-go build vs GOOS=linux GOARCH=arm64 go build, warm cache"
export GOCACHE="$work/warm"
TARGETPLATFORM=linux/arm64 "$bin/xx-go" build -o "$work/s1" .   # fill the cache
hyperfine -N --warmup 3 --runs 30 --export-json "$work/warm.json" \
  -n "xx-go build" "env TARGETPLATFORM=linux/arm64 $bin/xx-go build -o $work/s1 ." \
  -n "GOOS=linux GOARCH=arm64 go build" "env GOOS=linux GOARCH=arm64 go build -o $work/s2 ."
echo "== wrapper overhead, empty cache (-a would not clear the std cache; a fresh GOCACHE does)"
hyperfine --runs "$runs" --prepare "rm -rf $work/cache" --export-json "$work/cold.json" \
  -n "xx-go build" "env GOCACHE=$work/cache TARGETPLATFORM=linux/arm64 $bin/xx-go build -o $work/s1 ." \
  -n "GOOS=linux GOARCH=arm64 go build" "env GOCACHE=$work/cache GOOS=linux GOARCH=arm64 go build -o $work/s2 ."

python3 - "$work" <<'PY'
import json, statistics, sys
w = sys.argv[1]
def med(f, i=0): return statistics.median(json.load(open(f"{w}/{f}.json"))["results"][i]["times"])
for a, label in (("", "empty cache"), ("-a", "go build -a: every package compiled")):
    cross, emu = med("cross" + a), med("emulated" + a)
    print(f"\ncross vs emulated (examples/go, linux/arm64, {label}): cross {cross:.1f} s, emulated {emu:.1f} s: "
          f"emulated takes {emu / cross:.1f}x as long", end="")
print()
for name in ("warm", "cold"):
    xx, plain = med(name, 0), med(name, 1)
    unit, scale = ("ms", 1000) if name == "warm" else ("s", 1)
    print(f"xx-go vs plain go build ({name} cache): xx-go {xx * scale:.1f} {unit}, plain {plain * scale:.1f} {unit}: "
          f"ratio {xx / plain:.3f} ({(xx / plain - 1) * 100:+.1f}%)")
PY

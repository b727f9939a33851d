#!/usr/bin/env bash
# `xbuild cross` (one project, every platform, native tools, no engine) against what it replaces,
# for linux/amd64, linux/arm64, linux/arm/v7 and linux/riscv64, measured in one run:
#  1. Go (examples/go): `xbuild cross --platform LIST examples/go` vs a shell loop of the same 4
#     `GOOS=linux GOARCH=.. [GOARM=7] CGO_ENABLED=0 go build -trimpath -buildvcs=false` (the flags
#     xbuild passes), with a warm Go build cache (after a warm-up run) and from an empty GOCACHE.
#     Warm, the loop is timed twice: into fresh output folders (the same work as xbuild, which
#     stages each platform's programs afresh, so Go links them again) and over its last outputs
#     (Go then skips the links: what re-running a hand-written loop costs).
#  2. C with CMake (lz4's build/cmake from `apt-get source lz4`: a library and its programs, no
#     target libraries needed): `xbuild cross --kind cmake` vs a shell loop of `cmake -S -B -G Ninja
#     -DCMAKE_TOOLCHAIN_FILE=<xx-clang --print-cmake-toolchain> && cmake --build && cmake --install`,
#     both from empty build folders. The same build under QEMU is not measured: it needs an
#     emulated arm64 CMake, compiler and sysroot, and takes well over 10 minutes here.
#  3. Go under QEMU: the same 4 builds by an emulated builder: Debian's arm64 Go toolchain
#     (golang-1.19-go:arm64, unpacked as bench/go_build.sh does) running under qemu-aarch64, its
#     compiler and linker too (-toolexec), from an empty cache, as many at once as xbuild runs.
#     That is what a QEMU build stage runs on this machine; the builder is arm64 for every target
#     because Debian has no riscv64 Go package. Compared with xbuild's empty-cache time from 1.
# Prints a table of times (hyperfine medians) and ratios xbuild/other at the end.
# Usage: bench/cross_build.sh BIN_DIR   (./x bench; BENCH_CROSS_RUNS sets the rounds, default 3;
#        the emulated builds, minutes each, run BENCH_CROSS_EMU_RUNS times, default 1)
set -euo pipefail
bin=$(cd "${1:?usage: bench/cross_build.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
runs=${BENCH_CROSS_RUNS:-3}
emu_runs=${BENCH_CROSS_EMU_RUNS:-1}
for tool in go hyperfine jq qemu-aarch64-static dpkg-deb cmake ninja; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./x deps installs it)" >&2; exit 1; }
done
[ -x "$bin/xbuild" ] || { echo "bench: $bin/xbuild is missing (ninja -C build bin/xbuild)" >&2; exit 1; }
[ -d /usr/aarch64-linux-gnu/lib ] || { echo "bench: the arm64 libc for QEMU is missing: apt-get install libc6-arm64-cross" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOPROXY=off GOFLAGS=-mod=mod
unset GOOS GOARCH GOARM CGO_ENABLED TARGETPLATFORM GOCACHE
platforms=(linux/amd64 linux/arm64 linux/arm/v7 linux/riscv64)
plist=$(IFS=,; echo "${platforms[*]}")
jobs=$(nproc)

# The Go packages examples/go builds (./cgo needs cgo and the target's zlib): a config of our own,
# so the bench does not depend on the example's xbuild.toml.
printf '[go]\npackages = [".", "./internal/..."]\n' > "$work/go.toml"
# go-loop.sh OUT: the 4 builds one after the other, as a hand-written script does them.
cat > "$work/go-loop.sh" <<EOF
#!/usr/bin/env bash
set -eu
cd $top/examples/go
for p in ${platforms[*]}; do
  IFS=/ read -r os arch variant <<<"\$p"
  arm=; [ "\$arch" = arm ] && arm=\${variant#v}
  env GOOS=\$os GOARCH=\$arch \${arm:+GOARM=\$arm} CGO_ENABLED=0 \\
    go build -trimpath -buildvcs=false -o "\$1/\${p//\//_}/" . ./internal/...
done
EOF
xbuild_go() {  # xbuild_go GOCACHE OUT BUILD_DIR
  echo "env GOCACHE=$1 $bin/xbuild cross --platform $plist --config $work/go.toml --progress plain examples/go -o $2 --build-dir $3"
}

cd "$top"
echo "== 1a. examples/go, 4 platforms, warm Go build cache: xbuild cross vs a go build loop"
# xbuild writes each platform's programs into a fresh folder, so Go links them again; a loop
# writing over its last outputs skips the links (go build sees they are up to date): both shown.
hyperfine --warmup 1 --runs "$runs" --export-json "$work/go-warm.json" \
  -n "xbuild cross" "$(xbuild_go "$work/gocache-warm" "$work/out-x" "$work/bd-x")" \
  -n "go build loop, fresh -o folders" \
  "rm -rf $work/out-fresh && env GOCACHE=$work/gocache-warm bash $work/go-loop.sh $work/out-fresh" \
  -n "go build loop, -o over its last outputs" "env GOCACHE=$work/gocache-warm bash $work/go-loop.sh $work/out-loop"
for p in "${platforms[@]}"; do
  TARGETPLATFORM=$p "$bin/xx-verify" "$work/out-x/${p//\//_}/go" "$work/out-loop/${p//\//_}/go"
done

echo
echo "== 1b. the same from an empty GOCACHE (and empty build and output folders)"
hyperfine --runs "$runs" --prepare "rm -rf $work/gocache-cold $work/bd-cold $work/out-cold" \
  --export-json "$work/go-cold.json" \
  -n "xbuild cross" "$(xbuild_go "$work/gocache-cold" "$work/out-x" "$work/bd-cold")" \
  -n "go build loop" "env GOCACHE=$work/gocache-cold bash $work/go-loop.sh $work/out-cold"

echo
echo "== 2. C with CMake (Debian's lz4 source, build/cmake), 4 platforms, empty build folders"
source "$top/tests/matrix/debsrc.bash"
src=$(fetch_debian_source lz4 "$work/src")/build/cmake
[ -f "$src/CMakeLists.txt" ] || { echo "bench: no CMakeLists.txt in $src" >&2; exit 1; }
mkdir -p "$work/tc"
for p in "${platforms[@]}"; do
  TARGETPLATFORM=$p "$bin/xx-clang" --print-cmake-toolchain > "$work/tc/${p//\//_}.cmake"
done
cat > "$work/cmake-loop.sh" <<EOF
#!/usr/bin/env bash
set -eu
for p in ${platforms[*]}; do
  n=\${p//\//_}
  cmake -S $src -B $work/cm-loop/\$n -G Ninja -DCMAKE_TOOLCHAIN_FILE=$work/tc/\$n.cmake \\
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr/local >/dev/null
  cmake --build $work/cm-loop/\$n --parallel $jobs >/dev/null
  DESTDIR=$work/out-cm-loop/\$n cmake --install $work/cm-loop/\$n >/dev/null
done
EOF
# (--prepare runs before every timed run: it keeps xbuild's outputs, which the next run replaces, for the check below)
hyperfine --runs "$runs" --prepare "rm -rf $work/cm-x $work/cm-loop $work/out-cm-loop" \
  --export-json "$work/cmake.json" \
  -n "xbuild cross --kind cmake" \
  "$bin/xbuild cross --kind cmake --platform $plist --progress plain $src -o $work/out-cm-x --build-dir $work/cm-x" \
  -n "cmake loop" "bash $work/cmake-loop.sh"
for p in "${platforms[@]}"; do
  n=${p//\//_}
  TARGETPLATFORM=$p "$bin/xx-verify" "$work/out-cm-x/$n/usr/local/bin/lz4" "$work/out-cm-loop/$n/usr/local/bin/lz4"
done

echo
echo "== 3. the same 4 builds by Debian's arm64 Go under qemu-aarch64, empty cache, $jobs at once"
source "$top/tests/matrix/debpkgs.bash"
debpkgs_init "$work/apt" amd64 arm64
debpkgs_unpack "$work/arm64" golang-1.19-go:arm64 golang-1.19-src:all
goroot="$work/arm64/usr/lib/go-1.19"
qemu="qemu-aarch64-static -L /usr/aarch64-linux-gnu"
# Go's asynchronous preemption (signals) is known to upset Go under qemu-user; the usual setting
# for emulated Go builds turns it off. A startup that hangs all the same is cut short here.
export GODEBUG=asyncpreemptoff=1
echo "arm64 go under QEMU: $(timeout 60 $qemu "$goroot/bin/go" version || echo "(go version did not answer in 60 s)")"
# emu-one.sh PLATFORM: one target built by the emulated toolchain (into $work/out-emu).
cat > "$work/emu-one.sh" <<EOF
#!/usr/bin/env bash
set -eu
cd $top/examples/go
IFS=/ read -r os arch variant <<<"\$1"
arm=; [ "\$arch" = arm ] && arm=\${variant#v}
exec env GOROOT=$goroot GOCACHE=$work/gocache-emu GOOS=\$os GOARCH=\$arch \${arm:+GOARM=\$arm} CGO_ENABLED=0 \\
  $qemu $goroot/bin/go build -toolexec '$qemu' -trimpath -buildvcs=false \\
  -o "$work/out-emu/\${1//\//_}/" . ./internal/...
EOF
hyperfine --runs "$emu_runs" --prepare "rm -rf $work/gocache-emu" --export-json "$work/go-emu.json" \
  -n "arm64 go under QEMU" "printf '%s\n' ${platforms[*]} | xargs -P $jobs -n 1 bash $work/emu-one.sh"
for p in "${platforms[@]}"; do TARGETPLATFORM=$p "$bin/xx-verify" "$work/out-emu/${p//\//_}/go"; done


med() { jq -r ".results[$2].median" "$work/$1.json"; }
row() {  # row LABEL XBUILD_SECONDS OTHER_NAME OTHER_SECONDS
  awk -v l="$1" -v x="$2" -v n="$3" -v o="$4" \
    'BEGIN { printf "%-34s xbuild %6.1f s   %-8s %6.1f s   %5.2fx\n", l, x, n, o, x / o }'
}
echo
echo "== xbuild cross vs the alternative (medians; ratio = xbuild time / other time, lower is better)"
row "go, 4 platforms, warm cache" "$(med go-warm 0)" loop "$(med go-warm 1)"
row "go, warm, loop skips its links" "$(med go-warm 0)" loop "$(med go-warm 2)"
row "go, 4 platforms, empty cache" "$(med go-cold 0)" loop "$(med go-cold 1)"
row "go, 4 platforms, vs QEMU arm64 Go" "$(med go-cold 0)" qemu "$(med go-emu 0)"
row "cmake (lz4), 4 platforms, fresh" "$(med cmake 0)" loop "$(med cmake 1)"
echo "cmake under QEMU: not measured (needs an emulated CMake, compiler and sysroot; over 10 minutes here)"

#!/usr/bin/env bash
# The cost of compiling through xx-clang instead of calling clang with the flags yourself:
# 200 small translation units compiled one process each (as make does), both ways, in the same
# run, for TARGETPLATFORM=linux/arm64. Prints both totals, the ratio and the cost per call.
# Usage: bench/cc_overhead.sh BIN_DIR   (./x bench)
set -euo pipefail
bin=$(cd "${1:?usage: bench/cc_overhead.sh BIN_DIR}" && pwd)
runs=${BENCH_CC_RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in hyperfine python3 clang valgrind; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./x deps installs it)" >&2; exit 1; }
done
export TARGETPLATFORM=linux/arm64
triple=$("$bin/xx-clang" --print-target-triple)

for i in $(seq 1 200); do
  cat > "$work/tu$i.c" <<C
#include <string.h>
static int table$i[64];
int fill$i(int seed) { for (int k = 0; k < 64; k++) table$i[k] = seed * k + $i; return table$i[seed & 63]; }
int sum$i(const char *s) { int t = 0; for (size_t k = 0; k < strlen(s); k++) t += s[k] * $i; return t; }
C
done
# The two ways alternate round by round, so a change in the machine's load hits both alike.
compile_all() {  # compile_all xx|direct
  for f in "$work"/tu*.c; do
    if [ "$1" = xx ]; then "$bin/xx-clang" -O2 -c "$f" -o "$f.o"; else clang --target="$triple" -O2 -c "$f" -o "$f.o"; fi
  done
}
compile_all direct; compile_all xx   # warm-up: page cache, the prefixed tool links
: > "$work/times"
for round in $(seq 1 "$runs"); do
  for way in direct xx; do
    start=$(date +%s%N); compile_all $way; end=$(date +%s%N)
    echo "$way $(( (end - start) / 1000 ))" >> "$work/times"
  done
done
python3 - "$work/times" "$runs" <<'PY'
import statistics, sys
t = {"direct": [], "xx": []}
for line in open(sys.argv[1]):
    way, us = line.split(); t[way].append(int(us) / 1e6)
d, x = statistics.median(t["direct"]), statistics.median(t["xx"])
print(f"200 TUs, -O2 -c, one process each, TARGETPLATFORM=linux/arm64; median of {sys.argv[2]} alternating rounds")
print(f"(command: bench/cc_overhead.sh; rounds direct {['%.2f' % v for v in t['direct']]}, xx {['%.2f' % v for v in t['xx']]})")
print(f"  clang --target=... directly  {d:8.3f} s")
print(f"  xx-clang                     {x:8.3f} s   ratio {x/d:.4f} ({(x/d-1)*100:+.2f}%)")
print(f"  wrapper cost per call        {(x-d)/200*1000:8.3f} ms")
PY

# Wall time on this VM swings by several percent between rounds; instruction counts do not.
# Every instruction of one compile, the wrapper's included (callgrind follows the exec into clang).
instr() {
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/cg.%p" "$@" 2>&1 >/dev/null |
    awk '/Collected/ { n += $4 } END { print n }'
}
i_direct=$(instr clang --target="$triple" -O2 -c "$work/tu1.c" -o "$work/tu1.o")
i_xx=$(instr "$bin/xx-clang" -O2 -c "$work/tu1.c" -o "$work/tu1.o")
python3 - "$i_direct" "$i_xx" <<'PY'
import sys
d, x = int(sys.argv[1]), int(sys.argv[2])
print(f"one TU, instructions executed (valgrind --tool=callgrind --trace-children=yes):")
print(f"  clang --target=... directly  {d:>12,}")
print(f"  xx-clang                     {x:>12,}   ratio {x/d:.4f} ({x-d:+,} instructions)")
PY

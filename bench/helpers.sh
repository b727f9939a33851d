#!/usr/bin/env bash
# The cost of one helper call, median of many runs (hyperfine, no shell in between), beside what
# the alternative costs in the same run: starting /bin/true (the floor for any exec), and for
# xx-verify the `file` command that the POSIX-shell xx-verify runs on every call.
# Usage: bench/helpers.sh BIN_DIR   (./x bench)
set -euo pipefail
bin=$(cd "${1:?usage: bench/helpers.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in hyperfine python3 aarch64-linux-gnu-gcc file; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./x deps installs it)" >&2; exit 1; }
done

# A 50 MB arm64 binary: hello plus 50 MB of data in its own section.
head -c 50000000 /dev/urandom > "$work/blob"
cat > "$work/big.c" <<C
#include <stdio.h>
__asm__(".section .rodata.blob,\"a\"\n.incbin \"$work/blob\"\n.previous");
int main(void) { puts("big"); return 0; }
C
aarch64-linux-gnu-gcc -O2 -o "$work/big" "$work/big.c"

# median CMD...: hyperfine's median for the command, in milliseconds.
median() {
  hyperfine -N --warmup 50 --runs "$runs" --export-json "$work/h.json" "$@" >/dev/null 2>&1
  python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/h.json"
}
row() { printf '%-58s %9s ms  %s\n' "$1" "$2" "$3"; }

export TARGETPLATFORM=linux/arm64
echo "median of $runs runs each (hyperfine -N --warmup 50 --runs $runs), TARGETPLATFORM=$TARGETPLATFORM"
echo "file size of the verified binary: $(stat -c %s "$work/big") bytes"
t_true=$(median /bin/true)
t_info=$(median "$bin/xx-info triple")
t_cc=$(median "$bin/xx-clang --print-target-triple")
t_verify=$(median "$bin/xx-verify $work/big")
t_file=$(median "file -L -b $work/big")
ratio() { python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
row "/bin/true" "$t_true" "(exec floor)"
row "xx-info triple" "$t_info" "$(ratio "$t_info" "$t_true") of /bin/true"
row "xx-clang --print-target-triple" "$t_cc" "$(ratio "$t_cc" "$t_true") of /bin/true"
row "xx-verify <50 MB arm64 binary>" "$t_verify" "$(ratio "$t_verify" "$t_true") of /bin/true"
row "file -L -b <50 MB arm64 binary> (inside the shell xx-verify)" "$t_file" "xx-verify is $(ratio "$t_file" "$t_verify") faster"

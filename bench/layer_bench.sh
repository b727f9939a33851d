#!/usr/bin/env bash
# Writing a layer: `xbuild layer create TREE -o OUT --level 1` beside what a shell script does for
# the same tree at the same gzip level, `tar -C TREE -cf - . | gzip -1 | sha256sum`, in the same
# run (hyperfine, medians). Ours does more (sorted entries, normalized headers, the diff_id too,
# the file written and fsynced); the aim is no slower than 1.2x, and a peak RSS under 64 MB
# whatever the tree's size (measured with /usr/bin/time -v).
#
# The tree (~1 GB; XBUILD_BENCH_SIZE_MB scales it) is mixed like a root filesystem: ~35% small
# files copied from /usr/share (text, man pages, icons), ~25% medium files of 64 KiB..4 MiB (text
# from a seeded word list, binary records with repeats), ~40% in four large files (this machine's
# shared libraries concatenated, seeded random bytes, two compressible mixes). It is made once
# and kept in /var/tmp/xbuild-bench/ (rm -rf it to remake).
# Usage: bench/layer_bench.sh BIN_DIR   (./x bench; BENCH_LAYER_RUNS sets the runs, default 5)
set -euo pipefail
bin=$(cd "${1:?usage: bench/layer_bench.sh BIN_DIR}" && pwd)
runs=${BENCH_LAYER_RUNS:-5}
size_mb=${XBUILD_BENCH_SIZE_MB:-1024}
for tool in hyperfine python3 tar gzip sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./x deps installs it)" >&2; exit 1; }
done
[[ $size_mb =~ ^[0-9]+$ ]] && [ "$size_mb" -ge 8 ] || { echo "bench: XBUILD_BENCH_SIZE_MB must be a number >= 8" >&2; exit 2; }
cache=/var/tmp/xbuild-bench
tree=$cache/layer-tree-${size_mb}mb-v1
work=$(mktemp -d "$cache.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$tree.done" ]; then
  echo "== making the $size_mb MB tree in $tree (once)"
  rm -rf "$tree" && mkdir -p "$tree"
  python3 - "$tree" "$size_mb" <<'PY'
import os, random, shutil, sys
root, total = sys.argv[1], int(sys.argv[2]) << 20
rng = random.Random(20240601)

# Small files: /usr/share's regular files up to 64 KiB, in sorted order, until the budget is used.
budget = total * 35 // 100
small = []
for d, dirs, files in os.walk("/usr/share"):
    dirs.sort()
    for f in sorted(files):
        p = os.path.join(d, f)
        try:
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) <= 65536: small.append(p)
        except OSError:
            pass
used = 0
for p in small:
    if used >= budget: break
    dst = os.path.join(root, "share", os.path.relpath(p, "/usr/share"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        shutil.copyfile(p, dst)
    except OSError:
        continue
    used += os.path.getsize(dst)

words = [("".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.randint(2, 11)))) for _ in range(5000)]
def text(n):
    out, size = [], 0
    while size < n:
        line = " ".join(rng.choices(words, k=rng.randint(4, 14))) + "\n"
        out.append(line); size += len(line)
    return "".join(out).encode()[:n]
pool = [rng.randbytes(4096) for _ in range(64)]
def records(n, fresh):  # 4 KiB blocks: repeats from a pool, zeros, or new random bytes
    out = bytearray()
    while len(out) < n:
        r = rng.random()
        out += rng.randbytes(4096) if r < fresh else bytes(4096) if r < fresh + 0.1 else rng.choice(pool)
    return bytes(out[:n])

# Medium files, half text, half binary records.
budget, used, i = total * 25 // 100, 0, 0
while used < budget:
    n = min(rng.randint(64 << 10, 4 << 20), budget - used)
    sub = os.path.join(root, "medium", "d%02d" % (i % 16))
    os.makedirs(sub, exist_ok=True)
    data = text(n) if i % 2 == 0 else records(n, 0.3)
    with open(os.path.join(sub, "f%04d.%s" % (i, "txt" if i % 2 == 0 else "bin")), "wb") as f: f.write(data)
    used += n; i += 1

# Four large files sharing the rest.
big = (total - total * 60 // 100) // 4
os.makedirs(os.path.join(root, "large"), exist_ok=True)
with open(os.path.join(root, "large", "libs.bin"), "wb") as f:
    left = big
    libdir = "/usr/lib/x86_64-linux-gnu"
    for name in sorted(os.listdir(libdir)):
        p = os.path.join(libdir, name)
        if left <= 0: break
        if ".so" in name and os.path.isfile(p) and not os.path.islink(p):
            data = open(p, "rb").read(left); f.write(data); left -= len(data)
    while left > 0:  # a machine with few libraries: fill with records
        data = records(min(left, 8 << 20), 0.2); f.write(data); left -= len(data)
for name, make in (("random.bin", lambda n: rng.randbytes(n)), ("mix-text.dat", lambda n: text(n)),
                   ("mix-records.dat", lambda n: records(n, 0.15))):
    with open(os.path.join(root, "large", name), "wb") as f:
        left = big
        while left > 0:
            n = min(left, 8 << 20); f.write(make(n)); left -= n
PY
  touch "$tree.done"
fi
files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
find "$tree" -type f -exec cat {} + >/dev/null   # into the page cache: both read it from memory

out=$work/out.tar.gz
echo "== $files files, $((bytes >> 20)) MB in $tree; $(nproc) CPUs; median of $runs runs (hyperfine --warmup 1)"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/h.json" \
  -n "xbuild layer create --level 1" "$bin/xbuild layer create $tree -o $out --level 1" \
  -n "tar | gzip -1 | sha256sum" "tar -C $tree -cf - . | gzip -1 | sha256sum" >"$work/hyperfine.out" 2>&1 ||
  { cat "$work/hyperfine.out"; exit 1; }

/usr/bin/time -v "$bin/xbuild" layer create "$tree" -o "$out" --level 1 >"$work/create.out" 2>"$work/time.txt"
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$work/time.txt")
/usr/bin/time -v bash -c "tar -C $tree -cf - . | gzip -1 | sha256sum" >/dev/null 2>"$work/time-pipe.txt"
pipe_cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$work/time-pipe.txt")
python3 - "$work/h.json" "$rss_kb" "$(stat -c %s "$out")" "$bytes" "$cpu" "$pipe_cpu" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ours, pipe = r["xbuild layer create --level 1"], r["tar | gzip -1 | sha256sum"]
rss_mb, blob, tree = int(sys.argv[2]) / 1024, int(sys.argv[3]), int(sys.argv[4])
ratio = ours["median"] / pipe["median"]
print(f"  tar | gzip -1 | sha256sum       {pipe['median']:7.2f} s  (min {pipe['min']:.2f}, max {pipe['max']:.2f}; CPU {sys.argv[6]})")
print(f"  xbuild layer create --level 1   {ours['median']:7.2f} s  (min {ours['min']:.2f}, max {ours['max']:.2f}; CPU {sys.argv[5]})")
print(f"  ratio                           {ratio:7.2f}x  (aim: <= 1.20x) {'ok' if ratio <= 1.2 else 'SLOWER THAN THE AIM'}")
print(f"  xbuild peak RSS                 {rss_mb:7.1f} MB (aim: < 64 MB) {'ok' if rss_mb < 64 else 'ABOVE THE AIM'}")
print(f"  layer: {blob / 2**20:.0f} MB from a {tree / 2**20:.0f} MB tree ({tree / ours['median'] / 2**20:.0f} MB/s)")
PY
